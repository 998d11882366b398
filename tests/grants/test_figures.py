"""The figures module (grants/figures) and the rules written once beside it: the plan in force, money by priority
counted once per line, each line's approval, "late", a contract covering the year, and plan text quoting a
figure the plan no longer has."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from grants import inbox
from grants.checks import contract_end_message, plan_checks
from grants.figures.areas import area_totals, partnership_years
from grants.figures.plans import PlanFigures, plan_in_force, plan_priority_figures, plans_in_force
from grants.models import SpendingPlan
from grants.services.oversight import force_area_overview
from partnerships.financial_years import FinancialYear
from tests.factories import (
    FundedProjectFactory,
    GrantAwardFactory,
    MatchFundingFactory,
    SpendingPlanFactory,
    SubmissionDeadlineFactory,
)
from tests.workflow import drive

pytestmark = pytest.mark.django_db
D = Decimal
Status = SpendingPlan.Status


def version(award, number, status, *amounts, match="0.00"):
    """A version of `award`'s plan with lines of `amounts`, then put in `status` (content is written while it is
    a draft, as the editor would)."""
    plan = SpendingPlanFactory(award=award, version=number)
    for amount in amounts:
        line = FundedProjectFactory(plan=plan, amount_allocated=D(amount))
    if D(match):
        MatchFundingFactory(project=line, amount=D(match))
    SpendingPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def award():
    return GrantAwardFactory(amount=D("1000.00"))


def test_figures_say_over_allocated_rather_than_a_negative_unallocated():
    assert PlanFigures(D("100.00"), D("120.50")).balance_label == "Over-allocated"
    assert PlanFigures(D("100.00"), D("120.50")).balance == D("20.50")
    assert PlanFigures(D("100.00"), D("99.99")).balance == D("0.01")
    assert (PlanFigures(D("100.00"), D("60.00"), D("5.00")) - PlanFigures(D("100.00"), D("50.00"))).allocated == 10


@pytest.mark.parametrize(
    "states, in_force, pending",
    [
        ([Status.DRAFT], None, 1),
        ([Status.SUBMITTED], None, 1),
        ([Status.BOARD_APPROVED], None, 1),
        ([Status.RETURNED], None, 1),
        ([Status.DECLINED], None, None),
        ([Status.APPROVED], 1, None),
        ([Status.APPROVED, Status.DRAFT], 1, 2),
        ([Status.APPROVED, Status.OPCC_RECOMMENDED], 1, 2),
        ([Status.APPROVED, Status.RETURNED], 1, 2),
        ([Status.APPROVED, Status.DECLINED], 1, None),
        ([Status.APPROVED, Status.APPROVED], 2, None),
        ([Status.APPROVED, Status.APPROVED, Status.SUBMITTED], 2, 3),
    ],
)
def test_the_plan_in_force_is_the_latest_approved_version_and_a_newer_one_waits_beside_it(
    award, states, in_force, pending
):
    amounts = ["300.00", "450.00", "700.00"]
    for number, status in enumerate(states, start=1):
        version(award, number, status, amounts[number - 1], match="10.00")
    entry = plan_in_force(award)
    assert (entry.in_force.version if entry.in_force else None) == in_force
    assert (entry.pending.version if entry.pending else None) == pending
    committed = D(amounts[in_force - 1]) if in_force else D("0.00")
    assert entry.committed == PlanFigures(D("1000.00"), committed, D("10.00") if in_force else D("0.00"))
    if pending:
        assert entry.proposed.allocated == D(amounts[pending - 1])
        assert entry.change.allocated == D(amounts[pending - 1]) - committed
    else:
        assert entry.proposed is None and entry.change is None


def test_the_rule_is_one_query_for_any_number_of_awards(award, django_assert_num_queries):
    awards = [award] + [
        GrantAwardFactory(partnership=award.partnership, financial_year=f"20{y}/{y + 1}") for y in (21, 22)
    ]
    for other in awards:
        version(other, 1, Status.APPROVED, "100.00")
        version(other, 2, Status.SUBMITTED, "200.00")
    with django_assert_num_queries(1):
        found = plans_in_force(awards)
        assert [found[a.pk].committed.allocated for a in awards] == [D("100.00")] * 3
        assert [found[a.pk].proposed.allocated for a in awards] == [D("200.00")] * 3


def test_committed_area_totals_count_approved_versions_only(demo_user, plymouth_plan):
    area = plymouth_plan.partnership.force_area
    rows = partnership_years(force_area=area, financial_year="2020/21", user=demo_user("opcc.devon"))
    totals = area_totals(rows)
    assert (totals.award, totals.allocated, totals.unallocated) == (D("400568.00"), D("0.00"), D("400568.00"))
    assert totals.plans_in_force == 0 and totals.plans_pending == 1
    drive(plymouth_plan, demo_user)
    totals = area_totals(partnership_years(force_area=area, financial_year="2020/21", user=demo_user("opcc.devon")))
    assert (totals.allocated, totals.unallocated, totals.match_funding) == (
        D("377568.00"),
        D("23000.00"),
        D("44450.00"),
    )


def test_a_draft_plan_shows_its_proposed_figures_as_not_committed(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    content = client.get(reverse("grants:oversight-dashboard", kwargs={"area": "devon-and-cornwall"})).content
    row = content.decode().split('id="csp-safer-plymouth"')[1].split("</tr>")[0]
    assert '<span class="app-numeric">£0.00</span>' in row  # nothing committed
    assert "Version 1: " in row and "£377,568.00" in row and "proposed, not yet approved" in row
    client.force_login(demo_user("officer.plymouth"))
    home = client.get(reverse("home")).content.decode().split('id="plans"')[1]
    assert "£0.00" in home and "Version 1: " in home and "£377,568.00" in home


# --- money by priority -------------------------------------------------------------------------------------------


def test_the_editor_and_the_dashboard_count_a_shared_line_the_same_way(plymouth_plan):
    figures = plan_priority_figures(plymouth_plan)
    assert {row.priority.number: row.total for row in figures.rows} == {
        1: D("48993.00"),
        2: D("142568.00"),
        3: D("377568.00"),
        4: D("367568.00"),
        5: D("38993.00"),
    }
    assert figures.allocated == D("377568.00") == figures.shared_total
    line5 = plymouth_plan.projects.get(number=5)
    without = plan_priority_figures(plymouth_plan, leave_out=line5)
    assert without.rows[0].total == D("48993.00") - line5.amount_allocated


# --- late: one rule for the inbox, the dashboard and the e-mails ---------------------------------------------------


@pytest.mark.parametrize(
    "until, late",
    [
        ("submit", True),  # a draft
        ("agree", True),  # with the executive group
        ("approve", True),  # with the board
        ("scrutinise", False),  # with the OPCC
        (None, False),  # approved
    ],
)
def test_late_means_past_the_deadline_and_not_yet_with_the_opcc_everywhere(
    client, demo_user, plymouth_plan, until, late
):
    deadline = SubmissionDeadlineFactory(
        force_area=plymouth_plan.partnership.force_area, financial_year="2020/21", submit_by=datetime.date(2020, 3, 31)
    )
    drive(plymouth_plan, demo_user, until=until)
    assert deadline.is_late(plymouth_plan) is late
    assert not deadline.is_late(plymouth_plan, today=datetime.date(2020, 3, 31))  # the deadline day itself
    overview = force_area_overview(
        force_area=deadline.force_area, financial_year="2020/21", user=demo_user("opcc.devon")
    )
    [row] = overview.rows
    assert overview.is_late(row) is late
    waiting = {"submit": "officer.plymouth", "agree": "exec.plymouth", "approve": "board.plymouth"}.get(until)
    if waiting:
        [item] = inbox.awaiting_decision(demo_user(waiting))
        assert item.overdue is late and item.days_overdue == deadline.days_late()
    client.force_login(demo_user("opcc.devon"))
    content = client.get(reverse("grants:oversight-dashboard", kwargs={"area": "devon-and-cornwall"})).content
    assert (">Late<" in content.decode()) is late


def test_an_award_with_no_plan_after_the_deadline_is_late_and_a_variation_never_is(demo_user, plymouth_plan):
    deadline = SubmissionDeadlineFactory(
        force_area=plymouth_plan.partnership.force_area, financial_year="2020/21", submit_by=datetime.date(2020, 3, 31)
    )
    assert deadline.is_late(None)
    variation = SpendingPlanFactory(award=plymouth_plan.award, version=2)
    assert not deadline.is_late(variation)


def test_the_e_mail_to_the_next_people_says_the_plan_is_late(demo_user, plymouth_plan):
    SubmissionDeadlineFactory(
        force_area=plymouth_plan.partnership.force_area, financial_year="2020/21", submit_by=datetime.date(2020, 3, 31)
    )
    mail.outbox.clear()
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        drive(plymouth_plan, demo_user, until="agree")
    [message] = [m for m in mail.outbox if "waiting for your decision" in m.subject]
    assert "due by 31 March 2020: it is late, by" in message.body


# --- a contract covering the year ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "end, covers",
    [
        (datetime.date(2021, 3, 31), True),
        (datetime.date(2021, 4, 1), True),
        (datetime.date(2021, 3, 30), False),
        (datetime.date(2020, 3, 31), False),
    ],
)
def test_a_contract_ending_on_31_march_covers_the_financial_year(end, covers):
    assert FinancialYear.parse("2020/21").is_covered_by(end) is covers
    project = FundedProjectFactory.build(contract_end_date=end)
    assert (contract_end_message(project, "2020/21") is None) is covers


def test_line_2_ending_on_31_march_2021_is_not_flagged_and_the_part_is_complete(client, demo_user, plymouth_plan):
    plymouth_plan.projects.get(number=1).delete()  # its contract really does end in November
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).content.decode()
    assert "31 March 2021, before the end of 2020/21" not in content
    assert "before the end of" not in content


# --- plan text quoting a figure the plan no longer has ------------------------------------------------------------


def _quoted_checks(plan):
    plan = SpendingPlan.objects.get(pk=plan.pk)
    return [c for c in plan_checks(plan, list(plan.projects.for_plan_page())) if "update the text" in c.message]


def test_text_saying_23000_is_left_is_flagged_once_the_23000_is_allocated(client, demo_user, plymouth_plan):
    assert _quoted_checks(plymouth_plan) == []  # £23,000 is what is left
    line = plymouth_plan.projects.get(number=5)
    line.amount_allocated = D("13000.00")
    line.save()
    checks = _quoted_checks(plymouth_plan)
    assert [(c.part, c.field) for c in checks] == [("details", "unallocated_note"), ("risks", "risks-0-recommendation")]
    assert checks[0].message == (
        "The note on money not yet allocated says “£23,000 is left to be available”, but the plan now has "
        "£20,000.00 unallocated: update the text."
    )
    assert checks[1].message.startswith("The risk “Mental Health” (recommendation) says “£23,000 is left to be")
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("grants:plan-check", args=[plymouth_plan.pk])).content.decode()
    assert "but the plan now has £20,000.00 unallocated: update the text." in content
    assert reverse("grants:plan-edit-details", args=[plymouth_plan.pk]) + "#div_id_unallocated_note" in content
    assert reverse("grants:plan-edit-risks", args=[plymouth_plan.pk]) + "#div_id_risks-0-recommendation" in content


def test_the_award_quoted_in_the_purpose_is_checked_and_rounded_amounts_are_read(plymouth_plan):
    award = plymouth_plan.award
    award.amount = D("410000.00")
    award.save()
    plymouth_plan.unallocated_note = "About £32.4k remains. The board has £10k in mind for taxi marshals."
    plymouth_plan.save()
    messages = [c.message for c in _quoted_checks(plymouth_plan)]
    assert any(  # the seed's sentence is in the board paper's Background section (the purpose is its first line)
        "says “For 2020-21 Plymouth has been awarded a total of £400,568”, but the award is £410,000.00" in m
        for m in messages
    )
    # "£32.4k" is the £32,432.00 now unallocated as written; "£10k in mind" does not say what is left.
    assert not any(m.startswith("The note on money not yet allocated") for m in messages)
