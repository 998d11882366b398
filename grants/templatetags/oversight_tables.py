"""The dashboard's partnership rows, drawn in Python: one tag for the whole table body instead of a template loop
with an include and three tags per row. At 30 CSPs the loop was the dashboard's most expensive part after its
queries (issue 13: about 8 of 60 ms of CPU). The HTML is what the template printed; every figure and label still
comes from grants/figures (`PartnershipYear`), none is worked out here.

The rows are joined as plain strings, every text that is not the product's own escaped with `escape` (names,
labels, the year); money (`format_money`: digits, commas, a sign and £), version numbers and the plans' own
addresses are printed as they are. `format_html` per cell cost more than the rows' own figures."""

from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import mark_safe

from grants.money import format_money

from .grants_format import plan_versions, proposed

register = template.Library()

_NUMERIC = "govuk-table__cell govuk-table__cell--numeric"
_LATE = (
    ' <strong class="govuk-tag govuk-tag--red">Late<span class="govuk-visually-hidden">: not yet with the OPCC'
    "</span></strong>"
)


def _figure(row, key: str, figure: str) -> str:
    """A committed figure and, beneath it, what the version awaiting approval proposes (`grants_format.proposed`)."""
    cell = f'<td class="{_NUMERIC}" data-figure="{key}"><span class="app-numeric">'
    cell += f"{format_money(getattr(row.committed, figure))}</span>"
    if row.pending:
        cell += proposed(row, key, getattr(row.proposed, figure), getattr(row.change, figure))
    return cell + "</td>"


def _row(row, *, year: str, deadline, late: bool) -> str:
    partnership = row.partnership
    name = escape(str(partnership))
    if row.latest:
        url = escape(row.latest.get_absolute_url())
        name = (
            f'<a class="govuk-link" href="{url}">{name}<span class="govuk-visually-hidden">'
            f" {escape(year)} spending plan</span></a>"
        )
    if row.award:
        award = format_money(row.committed.award)
        if row.award.status != "made":
            award += f'<br><span class="govuk-body-s">{escape(row.award.get_status_display())}</span>'
        figures = (
            _figure(row, "allocated", "allocated")
            + _figure(row, "unallocated", "unallocated")
            + _figure(row, "match", "match_funding")
        )
    else:
        award = "–"
        figures = "".join(
            f'<td class="{_NUMERIC}" data-figure="{key}">–</td>' for key in ("allocated", "unallocated", "match")
        )
    due = escape(date_filter(deadline.submit_by, "j M Y")) + (_LATE if late else "") if deadline and row.award else "–"
    return (
        f'<tr class="govuk-table__row" id="csp-{escape(partnership.slug)}">'
        f'<th scope="row" class="govuk-table__header">{name}</th>'
        f'<td class="{_NUMERIC} app-numeric" data-figure="award">{award}</td>'
        f'<td class="govuk-table__cell" data-figure="status">{plan_versions(row, row.status_label)}</td>'
        f'<td class="govuk-table__cell">{due}</td>{figures}</tr>'
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
    deadline = overview.deadline
    return mark_safe(  # noqa: S308 - every text in the rows is escaped above
        "\n".join(
            _row(row, year=year, deadline=deadline, late=row.partnership.pk in late_rows) for row in overview.rows
        )
    )
