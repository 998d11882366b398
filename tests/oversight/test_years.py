"""Every year selector lists every year that holds any of the area's data, plus the current and the next year,
from one function (grants.years.force_area_years)."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.urls import reverse

from grants.years import force_area_years, year_sources
from partnerships.financial_years import FinancialYearField
from tests.factories import (
    AllocationTableFactory,
    ForceAreaFactory,
    FormulaScenarioFactory,
    GrantAwardFactory,
    GrantRoundFactory,
    IndicatorValueFactory,
    PartnershipFactory,
    StrategicAssessmentFactory,
    SubmissionDeadlineFactory,
    opcc_of,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)  # in 2026/27


def test_every_model_with_a_financial_year_is_a_source_of_years():
    """A new kind of record with a financial year must be added to grants.years, or its years would be missing
    from every selector."""
    with_years = {
        model
        for model in apps.get_models()
        if any(isinstance(f, FinancialYearField) for f in model._meta.get_fields())
        and not model.__name__.startswith("Historical")
    }
    assert with_years == {model for model, _field, _paths in year_sources()}


def test_an_area_with_no_data_offers_the_current_and_the_next_year():
    years = force_area_years(ForceAreaFactory(), today=TODAY)
    assert years.choices == ["2027/28", "2026/27"] and years.default == "2026/27"


@pytest.mark.parametrize(
    "make",
    [
        lambda area: GrantAwardFactory(partnership=PartnershipFactory(force_area=area), financial_year="2018/19"),
        lambda area: SubmissionDeadlineFactory(force_area=area, financial_year="2018/19"),
        lambda area: GrantRoundFactory(force_area=area, financial_year="2018/19"),
        lambda area: AllocationTableFactory(force_area=area, financial_year="2018/19"),
        lambda area: FormulaScenarioFactory(force_area=area, financial_year="2018/19"),
        lambda area: IndicatorValueFactory(indicator__force_area=area, financial_year="2018/19"),
        lambda area: StrategicAssessmentFactory(
            partnership=PartnershipFactory(force_area=area), financial_year="2018/19"
        ),
    ],
    ids=["award", "deadline", "round", "allocation", "scenario", "indicator", "assessment"],
)
def test_a_year_holding_any_kind_of_record_is_offered(make):
    area = ForceAreaFactory()
    make(area)
    GrantRoundFactory(financial_year="2015/16")  # another area's year is not offered
    years = force_area_years(area, today=TODAY)
    assert years.choices == ["2027/28", "2026/27", "2018/19"]
    assert years.default == "2018/19"  # the newest year with data, the current one having none


def test_the_next_year_follows_the_newest_year_with_data():
    area = ForceAreaFactory()
    GrantRoundFactory(force_area=area, financial_year="2028/29")
    assert force_area_years(area, today=TODAY).choices == ["2029/30", "2028/29", "2026/27"]


def test_the_selectors_of_every_opcc_page_offer_the_same_years(client):
    area = ForceAreaFactory()
    GrantRoundFactory(force_area=area, financial_year="2019/20")
    GrantAwardFactory(partnership=PartnershipFactory(force_area=area), financial_year="2021/22")
    client.force_login(opcc_of(area))
    expected = force_area_years(area).choices
    pages = [
        reverse("grants:oversight-dashboard", kwargs={"area": area.slug}),
        reverse("grants:awards", kwargs={"area": area.slug, "year": "2021/22"}),
        reverse("grants:rounds", kwargs={"area": area.slug}),
        reverse("grants:funding", kwargs={"area": area.slug}),
    ]
    for url in pages:
        content = client.get(url).content.decode()
        for year in expected:
            assert f'<option value="{year}"' in content, (url, year)
    reports = client.get(reverse("grants:reports", kwargs={"area": area.slug})).content.decode()
    for year in expected:
        assert f"Police and Crime Panel report {year}" in reports


def test_a_past_years_rounds_are_reachable_from_the_selector(client):
    area = ForceAreaFactory()
    old = GrantRoundFactory(force_area=area, financial_year="2019/20", name="Old fund")
    GrantRoundFactory(force_area=area, financial_year="2021/22", name="New fund")
    client.force_login(opcc_of(area))
    content = client.get(reverse("grants:rounds", kwargs={"area": area.slug}) + "?year=2019/20").content.decode()
    assert old.name in content and "New fund" not in content
    assert client.get(reverse("grants:rounds", kwargs={"area": area.slug}) + "?year=2019").status_code == 404
