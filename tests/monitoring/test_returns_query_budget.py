"""Query budgets of the monitoring pages once returns are reported (issue 13): a plan's returns page and its
performance pack cost the same number of queries for a plan of few lines as for one of many, and the OPCC's
reporting page the same for an area of few CSPs as for one of many. Each kind of figure (year to date, forecasts,
thresholds and moves, results, periods, measures, payments) is read once for all the returns by
grants/figures/monitoring.py (`returns_spend`, `returns_measure_rows`), never once a return.

The data is the benchmark's generator with this year's returns set up and reported through the returns service's
one writer (bench/run.py's `returns_reported`), written once for the module inside a transaction rolled back at
its end. Timings are measured by bench/run.py, never asserted here."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse

from bench.generate import generate
from bench.load import returns_set_up
from bench.run import returns_reported
from grants.figures.monitoring import (
    measure_rows,
    period_spend,
    periods_spend,
    return_spend,
    returns_measure_rows,
    returns_spend,
)
from grants.models import GrantAward, PerformanceReturn, ReportingPeriod, SpendingPlan, VariationThreshold
from partnerships.models import ForceArea
from tests.test_query_budgets import count, signed_in

# What making each page costs: never handed out kept (grants/kept_pages.py).
pytestmark = pytest.mark.usefixtures("pages_made_afresh")

TODAY = datetime.date(2026, 11, 27)
YEAR = "2026/27"


@pytest.fixture(scope="module")
def reporting(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            generate(scale=0.01, year_count=2, csps_per_area=[12, 3], lines=(2, 9), today=TODAY, log=lambda _: None)
            returns_set_up()
            reported = returns_reported(today=TODAY)
            assert reported
            reported += last_year_reported()
            plans = sorted(
                SpendingPlan.objects.in_force()
                .filter(award__financial_year=YEAR, award__reporting_periods__isnull=False)
                .distinct()
                .select_related("award__partnership"),
                key=lambda plan: plan.projects.count(),
            )
            big, small = ForceArea.objects.order_by("pk")
            yield {"few": plans[0], "many": plans[-1], "big": big, "small": small, "reported": reported}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def last_year_reported() -> int:
    """Last year's approved plans' first returns, with spend, through the returns service's one writer: so more of
    the big area's CSPs than of the small one's report (the generator approves few of this year's plans)."""
    from grants.services.returns import return_save
    from grants.services.returns import returns_set_up as set_up
    from partnerships.models import User

    saved = 0
    for plan in (
        SpendingPlan.objects.in_force().exclude(award__financial_year=YEAR).select_related("award__partnership")
    ):
        officer = User.objects.get(username=officer_of(plan))
        for r in set_up(award=plan.award):
            if r.period.number == 1:
                return_save(
                    performance_return=r, by=officer, spend_in_period=Decimal("100.00"), forecasts={}, results={}
                )
                saved += 1
    return saved


def reporting_csps(area) -> int:
    return (
        GrantAward.objects.filter(
            partnership__force_area=area, reporting_periods__returns__spend_in_period__isnull=False
        )
        .values("partnership")
        .distinct()
        .count()
    )


@pytest.fixture
def data(reporting, db):
    few, many = reporting["few"], reporting["many"]
    assert few.projects.count() < many.projects.count(), "the generator gave every approved plan the same lines"
    for plan in (few, many):  # both have reported returns this year, so both pages show the spend table
        assert PerformanceReturn.objects.filter(period__award=plan.award, spend_in_period__isnull=False).exists()
    assert reporting_csps(reporting["big"]) > reporting_csps(reporting["small"]) > 0
    return reporting


def reported_period(plan) -> int:
    return (
        ReportingPeriod.objects.filter(award=plan.award, returns__spend_in_period__isnull=False)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )


def officer_of(plan) -> str:
    return f"officer.{plan.award.partnership.slug}"


def test_returns_page_costs_the_same_for_few_and_many_lines(client, data):
    few, many = data["few"], data["many"]
    signed_in(client, officer_of(few))
    short = count(client, reverse("grants:returns", args=[few.award_id]))
    signed_in(client, officer_of(many))
    long = count(client, reverse("grants:returns", args=[many.award_id]))
    assert long == short


def test_performance_pack_costs_the_same_for_few_and_many_lines(client, data):
    few, many = data["few"], data["many"]
    assert reported_period(few) == reported_period(many)
    number = reported_period(few)
    signed_in(client, officer_of(few))
    short = count(client, reverse("grants:performance-pack", args=[few.award_id, number]))
    signed_in(client, officer_of(many))
    long = count(client, reverse("grants:performance-pack", args=[many.award_id, number]))
    assert long == short


def test_reporting_page_costs_the_same_for_few_and_many_csps(client, data):
    big, small = data["big"], data["small"]
    assert big.partnerships.count() > small.partnerships.count()
    # The same branches on both: a minor-variation threshold in each area, so each reads the moves.
    for area in (big, small):
        VariationThreshold.objects.update_or_create(force_area=area, defaults={"minor_below": Decimal("5000")})
    signed_in(client, f"opcc.{big.slug}")
    many = count(client, reverse("grants:reporting-rules", args=[big.slug]))
    signed_in(client, f"opcc.{small.slug}")
    few = count(client, reverse("grants:reporting-rules", args=[small.slug]))
    assert many == few


def test_the_figures_of_many_returns_cost_the_same_as_of_one(data, django_assert_max_num_queries):
    """`returns_spend` and `returns_measure_rows` over every return of an area's year, across awards and periods,
    in as many queries as for one return."""
    VariationThreshold.objects.update_or_create(force_area=data["big"], defaults={"minor_below": Decimal("5000")})
    every = list(
        PerformanceReturn.objects.filter(period__award__partnership__force_area=data["big"]).select_related(
            "period__award__partnership", "project"
        )
    )
    assert len({r.period.award_id for r in every}) > 1 and len({r.period.number for r in every}) > 1
    with django_assert_max_num_queries(4):
        returns_spend(every)
    with django_assert_max_num_queries(4):
        returns_measure_rows(every)


def test_the_figures_of_many_returns_are_each_returns_own(data):
    """Read together, each return's spend and measure rows are those it has read alone: no award's, line's or
    period's figures leak into another's. With a money move below the threshold, so moves are summed too."""
    from grants.services.returns import move_record
    from partnerships.models import User

    area, plan = data["big"], data["many"]
    VariationThreshold.objects.update_or_create(force_area=area, defaults={"minor_below": Decimal("5000")})
    first = (
        PerformanceReturn.objects.filter(period__award=plan.award, status__in=PerformanceReturn.EDITABLE)
        .select_related("period", "project")
        .order_by("period__number", "project__number")
        .first()
    )
    to_project = plan.projects.exclude(pk=first.project_id).order_by("number").first()
    move_record(
        performance_return=first,
        by=User.objects.get(username=officer_of(plan)),
        from_project=first.project,
        to_project=to_project,
        amount=Decimal("100.00"),
        reason="A venue cost less than planned.",
    )
    every = list(
        PerformanceReturn.objects.filter(period__award__partnership__force_area=area).select_related(
            "period__award__partnership", "project"
        )
    )
    spend, rows = returns_spend(every), returns_measure_rows(every)
    assert any(s.moved_in for s in spend.values()) and any(s.moved_out for s in spend.values())
    assert any(s.year_to_date for s in spend.values()) and any(s.forecast_remaining for s in spend.values())
    for r in every:
        assert spend[r.pk] == return_spend(r), r
        alone = measure_rows(r)
        assert [(row.measure, row.result, row.rating, row.trend, row.history) for row in rows[r.pk]] == [
            (row.measure, row.result, row.rating, row.trend, row.history) for row in alone
        ], r
    awards = GrantAward.objects.filter(partnership__force_area=area)
    periods = list(ReportingPeriod.objects.filter(award__in=awards).select_related("award"))
    for together, period in zip(periods_spend(periods), periods, strict=True):
        alone = period_spend(period)
        assert together.rows == alone.rows and together.paid == alone.paid, period
