"""The dashboard's partnership rows, drawn in Python: one tag for the whole table body instead of a template loop
with an include and three tags per row. At 30 CSPs the loop was the dashboard's most expensive part after its
queries (issue 13: about 8 of 60 ms of CPU, against under 1 ms for this). The HTML is what the template printed;
every figure and label still comes from grants/figures (`PartnershipYear`), none is worked out here."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from grants.money import format_money

from .grants_format import proposed, status_tag

register = template.Library()

_NUMERIC = "govuk-table__cell govuk-table__cell--numeric"


def plan_versions(row, empty_label: str) -> str:
    """The version in force and, beside it, a newer version (awaiting approval, or declined); `empty_label` when
    there is no plan. The same HTML as grants/includes/plan_versions.html."""
    parts = []
    if row.in_force:
        parts.append(
            format_html(
                '<a class="govuk-link" href="{}">Version {}<span class="govuk-visually-hidden">, in force</span></a>'
                " {}",
                row.in_force.get_absolute_url(),
                row.in_force.version,
                status_tag(row.in_force),
            )
        )
    if row.latest and (row.in_force is None or row.latest.pk != row.in_force.pk):
        parts.append(
            format_html(
                '{}<a class="govuk-link" href="{}">Version {}</a> {}',
                mark_safe("<br>") if row.in_force else "",
                row.latest.get_absolute_url(),
                row.latest.version,
                status_tag(row.latest),
            )
        )
    if not row.latest:
        parts.append(format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', empty_label))
    return mark_safe("\n".join(parts))


def _figure(row, key: str, figure: str, change_figure: str) -> str:
    proposed_figures, change = row.proposed, row.change
    return format_html(
        '<td class="{}" data-figure="{}"><span class="app-numeric">{}</span>{}</td>',
        _NUMERIC,
        key,
        format_money(getattr(row.committed, figure)),
        proposed(
            row,
            key,
            getattr(proposed_figures, figure, None),
            getattr(change, change_figure, None),
        ),
    )


def _row(row, *, year: str, deadline, late: bool) -> str:
    partnership = row.partnership
    if row.latest:
        name = format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {} spending plan</span></a>',
            row.latest.get_absolute_url(),
            partnership,
            year,
        )
    else:
        name = format_html("{}", partnership)
    if row.award:
        award = format_money(row.committed.award)
        if row.award.status != "made":
            award = format_html('{}<br><span class="govuk-body-s">{}</span>', award, row.award.get_status_display())
    else:
        award = "–"
    if deadline and row.award:
        due = format_html(
            "{}{}",
            date_filter(deadline.submit_by, "j M Y"),
            mark_safe(
                ' <strong class="govuk-tag govuk-tag--red">Late<span class="govuk-visually-hidden">: not yet with the'
                " OPCC</span></strong>"
            )
            if late
            else "",
        )
    else:
        due = "–"
    if row.award:
        figures = mark_safe(
            _figure(row, "allocated", "allocated", "allocated")
            + _figure(row, "unallocated", "unallocated", "unallocated")
            + _figure(row, "match", "match_funding", "match_funding")
        )
    else:
        figures = format_html_join(
            "",
            '<td class="{}" data-figure="{}">–</td>',
            ((_NUMERIC, key) for key in ("allocated", "unallocated", "match")),
        )
    return format_html(
        '<tr class="govuk-table__row" id="csp-{}"><th scope="row" class="govuk-table__header">{}</th>'
        '<td class="{} app-numeric" data-figure="award">{}</td>'
        '<td class="govuk-table__cell" data-figure="status">{}</td>'
        '<td class="govuk-table__cell">{}</td>{}</tr>',
        partnership.slug,
        name,
        _NUMERIC,
        award,
        plan_versions(row, row.status_label),
        due,
        figures,
    )


@register.simple_tag
def dashboard_rows(overview, late_rows, year):
    """`{% dashboard_rows overview late_rows year %}`: a `<tr>` per partnership shown (`overview.rows`), or one
    saying none match the filters."""
    if not overview.rows:
        return mark_safe(
            '<tr class="govuk-table__row"><td class="govuk-table__cell" colspan="7">'
            "No partnerships match these filters.</td></tr>"
        )
    return mark_safe(
        "\n".join(
            _row(row, year=year, deadline=overview.deadline, late=row.partnership.pk in late_rows)
            for row in overview.rows
        )
    )
