"""Template filters for money and outlines, and tags for a plan's status and a proposed figure: one way to show
each, on every page. The two tags were includes; as tags they cost a function call rather than a template render,
which mattered in tables that show them two or three times a row (issue 13)."""

from django import template
from django.utils.html import format_html

from grants.money import format_money
from grants.outline import render_outline

register = template.Library()


@register.filter
def money(value):
    """`{{ plan.allocated|money }}` → `£377,568.00`."""
    return format_money(value)


@register.filter
def outline(value):
    """Paragraphs and lists from an outline's plain text, escaped."""
    return render_outline(value)


@register.filter
def money_change(value):
    """`{{ line.amount_change|money_change }}` → `+£23,000.00`, `-£13,993.00`, `£0.00`."""
    text = format_money(value)
    return f"+{text}" if value and value > 0 else text


_STATUS_COLOURS = {"approved": "govuk-tag--green", "declined": "govuk-tag--red", "returned": "govuk-tag--orange"}
_STATUS_COLOURS["draft"] = "govuk-tag--grey"


@register.simple_tag
def status_tag(plan):
    """`{% status_tag plan %}`: the plan's status as a GOV.UK tag, green when approved, red when declined, orange
    when returned, grey for a draft and blue while it is reviewed."""
    status = getattr(plan, "status", "")
    label = plan.get_status_display() if plan is not None else ""
    colour = _STATUS_COLOURS.get(status, "govuk-tag--blue")
    return format_html('<strong class="govuk-tag {}">{}</strong>', colour, label)


@register.simple_tag
def proposed(row, figure, amount, change):
    """`{% proposed row "allocated" row.proposed.allocated row.change.allocated %}`: beneath a committed figure, what
    the version awaiting approval (`row.pending`, grants/figures/plans.py) proposes and the difference; nothing
    when no version is pending."""
    pending = getattr(row, "pending", None)
    if not pending:
        return ""
    return format_html(
        '<br><span class="govuk-body-s app-proposed" data-proposed="{}">Version {}: <span class="app-numeric">{}</span>'
        ' ({})<span class="govuk-visually-hidden">, proposed, not yet approved</span></span>',
        figure,
        pending.version,
        format_money(amount),
        money_change(change),
    )
