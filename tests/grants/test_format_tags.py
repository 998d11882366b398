"""The status tag and the proposed figure, once includes, are template tags (issue 13): the same markup as before."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from grants.models import SpendingPlan

Status = SpendingPlan.Status


def render(source: str, **context) -> str:
    return Template("{% load grants_format %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        (Status.APPROVED, "govuk-tag--green"),
        (Status.DECLINED, "govuk-tag--red"),
        (Status.RETURNED, "govuk-tag--orange"),
        (Status.DRAFT, "govuk-tag--grey"),
        (Status.SUBMITTED, "govuk-tag--blue"),
        (Status.OPCC_SCRUTINY, "govuk-tag--blue"),
    ],
)
def test_the_status_tag_is_coloured_by_the_status(status, colour):
    plan = SpendingPlan(status=status)
    html = render("{% status_tag plan %}", plan=plan)
    assert html == f'<strong class="govuk-tag {colour}">{plan.get_status_display()}</strong>'


def test_the_status_tag_of_nothing_is_an_empty_blue_tag_as_the_include_was():
    assert render("{% status_tag plan %}", plan=None) == '<strong class="govuk-tag govuk-tag--blue"></strong>'


def test_a_proposed_figure_names_the_pending_version_and_the_change():
    row = SimpleNamespace(pending=SimpleNamespace(version=2))
    html = render(
        '{% proposed row "allocated" amount change %}', row=row, amount=Decimal("1234.5"), change=Decimal("-20")
    )
    assert html == (
        '<br><span class="govuk-body-s app-proposed" data-proposed="allocated">Version 2: '
        '<span class="app-numeric">£1,234.50</span> <span class="app-nowrap">(-£20.00)</span>'
        '<span class="govuk-visually-hidden">, proposed, not yet approved</span></span>'
    )
    assert render('{% proposed row "allocated" 1 1 %}', row=SimpleNamespace(pending=None)) == ""


def test_a_pending_version_that_changes_no_figure_shows_a_change_of_nothing_on_the_home_page():
    """A variation that only rewords a line changes no figure: the home page says "(£0.00)", as the dashboard
    does, not "()" (`FiguresChange` is falsy when nothing changes; found by tests/grants/test_figures_property.py)."""
    from grants.figures.plans import FiguresChange, PlanFigures
    from grants.models import GrantAward
    from partnerships.models import ForceArea, Partnership

    figures = PlanFigures(award=Decimal("100"), allocated=Decimal("80"), match_funding=Decimal("0"))
    award = GrantAward(
        pk=7,
        financial_year="2026/27",
        partnership=Partnership(name="Safer Testtown", force_area=ForceArea(name="Testshire")),
    )
    row = SimpleNamespace(
        award=award,
        committed=figures,
        proposed=figures,
        change=FiguresChange(allocated=Decimal("0"), unallocated=Decimal("0"), match_funding=Decimal("0")),
        pending=SimpleNamespace(version=2),
        latest=None,
        in_force=None,
    )
    html = render("{% plan_list_rows rows %}", rows=[row])
    assert '<span class="app-numeric">£80.00</span> <span class="app-nowrap">(£0.00)</span>' in html
    assert "()" not in html
