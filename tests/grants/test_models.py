from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grants.models import GrantAward, OutcomeMeasure, SpendingPlan
from grants.models.plans import sub_items_problem
from tests.factories import (
    FundedProjectFactory,
    GrantAwardFactory,
    LocalPriorityFactory,
    MatchFundingFactory,
    OrganisationFactory,
    OutcomeMeasureFactory,
    PoliceAndCrimePlanFactory,
    PriorityFactory,
    SpendingPlanFactory,
    StrategicAssessmentFactory,
    SubItemFactory,
)

pytestmark = pytest.mark.django_db


def plan_with_award(amount="1000.00"):
    return SpendingPlanFactory(award=GrantAwardFactory(amount=Decimal(amount)))


def test_figures_come_from_the_lines_of_the_plan():
    plan = plan_with_award("400568.00")
    FundedProjectFactory(plan=plan, amount_allocated=Decimal("210000.00"))
    project = FundedProjectFactory(plan=plan, amount_allocated=Decimal("167568.00"))
    MatchFundingFactory(project=project, amount=Decimal("44450.00"))
    annotated = SpendingPlan.objects.with_figures().get(pk=plan.pk)
    for figures in (plan, annotated):
        assert figures.allocated == Decimal("377568.00")
        assert figures.unallocated == Decimal("23000.00")
        assert figures.match_funding_total == Decimal("44450.00")
        assert figures.over_allocated == Decimal("0")


def test_a_project_that_would_exceed_the_award_is_refused_saying_by_how_much():
    plan = plan_with_award("1000.00")
    FundedProjectFactory(plan=plan, amount_allocated=Decimal("800.00"))
    project = FundedProjectFactory.build(plan=plan, number=9, amount_allocated=Decimal("250.50"))
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    message = error.value.message_dict["amount_allocated"][0]
    assert "£1,050.50" in message and "£50.50 more than the award of £1,000.00" in message


def test_raising_an_existing_line_is_checked_against_the_other_lines_only():
    plan = plan_with_award("1000.00")
    project = FundedProjectFactory(plan=plan, amount_allocated=Decimal("600.00"))
    project.amount_allocated = Decimal("1000.00")
    project.full_clean()  # the whole award on one line is allowed
    project.amount_allocated = Decimal("1000.01")
    with pytest.raises(ValidationError, match="£0.01 more than the award"):
        project.full_clean()


def test_an_over_allocated_plan_fails_its_own_check():
    plan = plan_with_award("1000.00")
    FundedProjectFactory(plan=plan, amount_allocated=Decimal("1200.00"))  # bypassing clean()
    assert plan.over_allocated == Decimal("200.00")
    with pytest.raises(ValidationError, match="£200.00 more than the award"):
        plan.full_clean()


def test_lowering_an_award_below_what_the_plan_allocates_is_refused():
    plan = plan_with_award("1000.00")
    FundedProjectFactory(plan=plan, amount_allocated=Decimal("900.00"))
    award = plan.award
    award.amount = Decimal("850.00")
    with pytest.raises(ValidationError, match="£50.00 short"):
        award.full_clean()


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: FundedProjectFactory(amount_allocated=Decimal("-1")), "project_amount_allocated_not_negative"),
        (lambda: SubItemFactory(amount=Decimal("-0.01")), "sub_item_amount_not_negative"),
        (lambda: MatchFundingFactory(amount=Decimal("-5")), "match_amount_not_negative"),
        (lambda: GrantAwardFactory(amount=Decimal("-100")), "award_amount_not_negative"),
    ],
)
def test_the_database_refuses_negative_amounts(factory, field):
    with pytest.raises(IntegrityError, match=field):
        factory()


def test_a_negative_amount_is_refused_with_a_message_by_the_model():
    project = FundedProjectFactory.build(plan=plan_with_award(), amount_allocated=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert error.value.message_dict["amount_allocated"] == ["Enter an amount of £0.00 or more."]


def test_amounts_keep_their_pennies():
    project = FundedProjectFactory(amount_allocated=Decimal("341.39"))
    project.refresh_from_db()
    assert project.amount_allocated == Decimal("341.39")


def test_the_page_knows_when_sub_items_do_not_add_up_exactly():
    project = FundedProjectFactory(amount_allocated=Decimal("25000.00"))
    SubItemFactory(project=project, label="A", amount=Decimal("8000.00"))
    SubItemFactory(project=project, label="B", amount=Decimal("5000.00"))
    assert not project.sub_items_add_up
    assert project.sub_items_problem == (
        "The sub-items add up to £13,000.00, £12,000.00 less than the amount allocated of £25,000.00: make them add "
        "up to it exactly."
    )
    assert FundedProjectFactory().sub_items_add_up  # no sub-items at all is fine


@pytest.mark.parametrize(
    ("amounts", "problem"),
    [
        ([], None),
        (["8000", "5000", "7000", "5000"], None),
        (["20000", "6000"], "£26,000.00, £1,000.00 more than the amount allocated of £25,000.00"),
        (["24999.99"], "£24,999.99, £0.01 less than the amount allocated of £25,000.00"),
        (["20000", None], None),  # a missing amount is its own field's problem
    ],
)
def test_the_sub_items_rule_is_exact_in_both_directions(amounts, problem):
    message = sub_items_problem(Decimal("25000.00"), [Decimal(a) if a else None for a in amounts])
    assert (message is None) if problem is None else (problem in message)


def _plan_with_pcp():
    plan = SpendingPlanFactory()
    pcp = PoliceAndCrimePlanFactory(force_area=plan.partnership.force_area)
    return plan, pcp


def test_priorities_of_the_plan_covering_the_award_are_accepted():
    plan, pcp = _plan_with_pcp()
    project = FundedProjectFactory(plan=plan)
    project.pcc_priorities.add(PriorityFactory(plan=pcp, number=3))
    assert [p.number for p in project.pcc_priorities.all()] == [3]


def test_priorities_of_another_force_areas_plan_are_refused_everywhere():
    plan, _ = _plan_with_pcp()
    project = FundedProjectFactory(plan=plan)
    elsewhere = PriorityFactory()  # another force area's plan
    # The guard runs inside Django's own transaction for .add(): each attempt gets its own savepoint here.
    with pytest.raises(ValidationError, match="choose priorities from"), transaction.atomic():
        project.pcc_priorities.add(elsewhere)
    with pytest.raises(ValidationError), transaction.atomic():
        elsewhere.funded_projects.add(project)
    assert not project.pcc_priorities.exists()


def test_priorities_of_a_plan_not_in_force_that_year_are_refused():
    plan, pcp = _plan_with_pcp()
    old = PoliceAndCrimePlanFactory(force_area=pcp.force_area, starts_on="2013-04-01", ends_on="2017-03-31")
    project = FundedProjectFactory(plan=plan)
    with pytest.raises(ValidationError, match=pcp.title), transaction.atomic():
        project.pcc_priorities.add(PriorityFactory(plan=old))


def test_local_priorities_must_come_from_the_partnerships_assessment_for_the_year():
    plan = SpendingPlanFactory()
    project = FundedProjectFactory(plan=plan)
    own = LocalPriorityFactory(assessment=StrategicAssessmentFactory(partnership=plan.partnership))
    project.local_priorities.add(own)
    other_year = LocalPriorityFactory(
        assessment=StrategicAssessmentFactory(partnership=plan.partnership, financial_year="2019/20")
    )
    with pytest.raises(ValidationError, match="strategic assessment for 2020/21"), transaction.atomic():
        project.local_priorities.add(other_year)
    with pytest.raises(ValidationError), transaction.atomic():
        project.local_priorities.add(LocalPriorityFactory())


def test_a_numeric_outcome_target_needs_comparison_and_unit():
    measure = OutcomeMeasureFactory.build(project=FundedProjectFactory(), target_value=Decimal("75"))
    with pytest.raises(ValidationError) as error:
        measure.full_clean()
    assert {"target_comparison", "target_unit"} <= set(error.value.message_dict)
    with pytest.raises(IntegrityError, match="measure_target_complete"):
        measure.save()


@pytest.mark.parametrize(
    ("value", "comparison", "unit", "shown"),
    [
        ("75", OutcomeMeasure.Comparison.AT_LEAST, OutcomeMeasure.Unit.PERCENT, "at least 75%"),
        ("20", OutcomeMeasure.Comparison.BELOW, OutcomeMeasure.Unit.PERCENT, "below 20%"),
        ("200", OutcomeMeasure.Comparison.AT_LEAST, OutcomeMeasure.Unit.NUMBER, "at least 200"),
        ("12.5", OutcomeMeasure.Comparison.AT_MOST, OutcomeMeasure.Unit.PERCENT, "no more than 12.5%"),
    ],
)
def test_targets_read_as_the_plan_states_them(value, comparison, unit, shown):
    measure = OutcomeMeasure(
        description="x", target_value=Decimal(value), target_comparison=comparison, target_unit=unit
    )
    assert measure.target_display == shown


def test_a_percentage_target_above_100_is_refused():
    measure = OutcomeMeasureFactory.build(project=FundedProjectFactory(), numeric=True, target_value=Decimal("120"))
    with pytest.raises(ValidationError, match="between 0 and 100"):
        measure.full_clean()


def test_an_award_goes_to_exactly_one_recipient():
    with pytest.raises(IntegrityError, match="award_has_one_recipient"), transaction.atomic():
        GrantAwardFactory(organisation=OrganisationFactory())
    award = GrantAward(funding_stream=GrantAwardFactory().funding_stream, financial_year="2020/21", amount=1)
    with pytest.raises(ValidationError, match="Choose the partnership or the organisation"):
        award.full_clean()


def test_one_award_per_partnership_stream_and_year():
    award = GrantAwardFactory()
    with pytest.raises(IntegrityError, match="award_one_per_stream_partnership_year"):
        GrantAwardFactory(partnership=award.partnership, funding_stream=award.funding_stream)


def test_plan_lists_show_the_latest_version_of_each_award():
    first = SpendingPlanFactory(approved=True)
    variation = SpendingPlanFactory(award=first.award, version=2)
    other = SpendingPlanFactory()
    assert set(SpendingPlan.objects.latest_versions()) == {variation, other}


def test_a_plan_knows_its_submission_deadline():
    from tests.factories import SubmissionDeadlineFactory

    plan = SpendingPlanFactory()
    assert plan.submission_deadline is None
    deadline = SubmissionDeadlineFactory(force_area=plan.partnership.force_area, financial_year="2020/21")
    SubmissionDeadlineFactory(force_area=plan.partnership.force_area, financial_year="2021/22")
    del plan.submission_deadline
    assert plan.submission_deadline == deadline
