"""The tag for a return's status: one way to show it, on every page. It was an include (returns/_status.html, now
the tag alone); as a tag it costs a function call rather than a template render, which mattered on a plan's returns
page, one a return (issue 13)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

STATUS_COLOURS = {
    "accepted": " govuk-tag--green",
    "queried": " govuk-tag--orange",
    "not_started": " govuk-tag--grey",
    "certified": " govuk-tag--turquoise",
}


@register.simple_tag
def return_status(performance_return):
    """`{% return_status r %}`: the return's status as a tag, and a red "Late" tag when it is late
    (`PerformanceReturn.is_late`)."""
    html = format_html(
        '<strong class="govuk-tag{}">{}</strong>',
        STATUS_COLOURS.get(performance_return.status, " govuk-tag--blue"),
        performance_return.get_status_display(),
    )
    if performance_return.is_late():
        html += mark_safe(' <strong class="govuk-tag govuk-tag--red">Late</strong>')
    return html
