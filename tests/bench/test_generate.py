"""The national data set's generator (bench/generate.py) at its CI size: it runs, it is reproducible, and what it
writes is what the product itself would have written (plans that add up, trails that match their statuses)."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from bench.generate import LONGEST_PLAN, SHORTEST_PLAN, Sizes, area_sizes, generate
from grants.models import Decision, FundedProject, OutcomeMeasure, SpendingPlan
from grants.states import PlanStatus
from partnerships.models import ForceArea, Partnership, User

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 27)


class _Undo(Exception):
    pass


def _fingerprint():
    return list(
        SpendingPlan.objects.order_by("award__partnership__name", "award__financial_year")
        .annotate(lines=Count("projects"), allocated=Sum("projects__amount_allocated"))
        .values_list("award__partnership__name", "award__financial_year", "status", "lines", "allocated")
    )


def test_national_sizes_are_the_issues():
    sizes = Sizes.at(1)
    assert (sizes.areas, sizes.partnerships, sizes.years) == (43, 300, 10)
    counts = area_sizes(sizes)
    assert len(counts) == 43 and sum(counts) == 300
    assert counts[:2] == [30, 3]
    assert round(sizes.projects_per_plan * sizes.partnerships * sizes.years) == 50_000


def test_ci_size_writes_a_consistent_data_set():
    counts = generate(scale=0.01, year_count=3, today=TODAY, log=lambda _: None)
    assert counts.rows["force areas"] == ForceArea.objects.count() == 2
    assert counts.rows["plans"] == SpendingPlan.objects.count() == Partnership.objects.count() * 3
    assert counts.rows["funded projects"] == FundedProject.objects.count()
    assert counts.rows["outcome measures"] == OutcomeMeasure.objects.count() >= FundedProject.objects.count()
    # Every plan adds up: allocated never more than its award (the writer's rule).
    for plan in SpendingPlan.objects.with_figures():
        assert plan.allocated <= plan.award.amount
    # Past years are approved with a full trail ending in the two sign-offs; this year's draft has no trail.
    last_year = SpendingPlan.objects.filter(award__financial_year="2025/26")
    assert set(last_year.values_list("status", flat=True)) == {PlanStatus.APPROVED}
    assert all(
        set(plan.decisions.values_list("action", flat=True)) >= {"submit", "recommend", "sign_off_pcc"}
        for plan in last_year
    )
    longest = SpendingPlan.objects.annotate(lines=Count("projects")).order_by("-lines").first()
    assert longest.lines == LONGEST_PLAN and longest.status == PlanStatus.DRAFT
    assert not longest.decisions.exists()
    assert SpendingPlan.objects.annotate(lines=Count("projects")).filter(lines=SHORTEST_PLAN).exists()
    for plan in SpendingPlan.objects.exclude(status=PlanStatus.DRAFT):
        assert plan.decisions.order_by("decided_at", "pk").last().to_status in (plan.status, "opcc_recommended")
    # Each partnership has its officer, executive and board members; each area its OPCC, PCC and Treasurer.
    assert User.objects.filter(roles__kind="officer").count() == Partnership.objects.count()
    assert User.objects.filter(roles__kind="pcc").count() == 2
    assert Decision.objects.count() == counts.rows["decisions"]


def test_the_same_seed_gives_the_same_data_set():
    runs = []
    for _ in range(2):
        try:
            with transaction.atomic():
                generate(scale=0.01, year_count=2, today=TODAY, log=lambda _: None)
                runs.append(_fingerprint())
                raise _Undo
        except _Undo:
            pass
    assert runs[0] == runs[1] and len(runs[0]) > 0
