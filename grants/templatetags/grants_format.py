"""Template filters for money and outlines, and tags for a plan's status and a proposed figure: one way to show
each, on every page. The two tags were includes; as tags they cost a function call rather than a template render,
which mattered in tables that show them two or three times a row (issue 13)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    when no version is pending. The difference never breaks between its sign and its pounds: "(-" alone at the
    end of a line reads as a typing slip."""
    pending = getattr(row, "pending", None)
    if not pending:
        return ""
    return format_html(
        '<br><span class="govuk-body-s app-proposed" data-proposed="{}">Version {}: <span class="app-numeric">{}</span>'
        ' <span class="app-nowrap">({})</span><span class="govuk-visually-hidden">, proposed, not yet approved</span>'
        "</span>",
        figure,
        pending.version,
        format_money(amount),
        money_change(change),
    )


@register.filter
def address(pk, name):
    """`{{ plan.pk|address:"grants:plan-detail" }}`: `{% url name pk %}` for a page about one record, reversed once
    per process (grants/addresses.py), for tables that print one or two a row."""
    from grants.addresses import address as reversed_once

    return reversed_once(name, pk) if pk not in (None, "") else ""


@register.simple_tag
def plan_versions(row, empty_label=""):
    """`{% plan_versions row %}`: the version in force and, beside it, a newer version (awaiting approval, or
    declined), for a list of plans: the home page's and the dashboard's (a tag, not an include per row, as it was
    until issue 13: tests/grants/plan_versions_0570b32.html). `row` has `in_force` and `latest`
    (grants/figures/plans.py `PlanInForce`)."""
    from grants.addresses import address as reversed_once

    in_force, latest = row.in_force, row.latest
    parts = []
    if in_force:
        parts.append(
            format_html(
                '<a class="govuk-link" href="{}">Version {}<span class="govuk-visually-hidden">, in force</span></a>'
                " {}",
                reversed_once("grants:plan-detail", in_force.pk),
                in_force.version,
                status_tag(in_force),
            )
        )
    if latest and (in_force is None or latest.pk != in_force.pk):
        parts.append(
            format_html(
                '{}<a class="govuk-link" href="{}">Version {}</a> {}',
                mark_safe("<br>") if in_force else "",
                reversed_once("grants:plan-detail", latest.pk),
                latest.version,
                status_tag(latest),
            )
        )
    if not latest:
        parts.append(format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', empty_label))
    return mark_safe("\n".join(parts))


@register.simple_tag
def plan_list_rows(rows):
    """`{% plan_list_rows plans %}`: the home page's rows of spending plans (`PlanInForce`, grants/figures/plans.py):
    the partnership and its area, the year, the versions, then the award and the committed figures with what a
    version awaiting approval proposes beneath. Written here rather than as template rows because the home page
    lists forty, and the template engine spent more on their ten-odd lookups each than everything else on the
    page (issue 13); each figure is read once a row from the figures module, printed by the same tags and filter."""
    html = []
    for row in rows:
        award, committed, proposed_figures, change = row.award, row.committed, row.proposed, row.change
        html.append(
            format_html(
                '<tr class="govuk-table__row" id="plans-{}">\n'
                '<th scope="row" class="govuk-table__header">\n'
                '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {} spending plan</span></a>\n'
                '<br><span class="govuk-body-s">{}</span>\n'
                "</th>\n"
                '<td class="govuk-table__cell">{}</td>\n'
                '<td class="govuk-table__cell" data-figure="status">{}</td>\n'
                '<td class="govuk-table__cell govuk-table__cell--numeric app-numeric" data-figure="award">{}</td>\n'
                '<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="allocated">'
                '<span class="app-numeric">{}</span>{}</td>\n'
                '<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="unallocated">'
                '<span class="app-numeric">{}</span>{}</td>\n'
                "</tr>",
                award.pk,
                address(row.latest.pk if row.latest else None, "grants:plan-detail"),
                award.partnership,
                award.financial_year,
                award.partnership.force_area,
                award.financial_year,
                plan_versions(row),
                format_money(committed.award),
                format_money(committed.allocated),
                proposed(
                    row,
                    "allocated",
                    proposed_figures.allocated if proposed_figures is not None else "",
                    change.allocated if change is not None else "",  # a change of nothing is falsy, yet shown: £0.00
                ),
                format_money(committed.unallocated),
                proposed(
                    row,
                    "unallocated",
                    proposed_figures.unallocated if proposed_figures is not None else "",
                    change.unallocated if change is not None else "",  # a change of nothing is falsy, yet shown: £0.00
                ),
            )
        )
    return mark_safe("\n".join(html))
