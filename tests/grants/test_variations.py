"""Variations: Plymouth allocates the £23,000 it left unallocated in a new version that goes round the path
again; version 1 stays approved and readable; the page shows what changed, line by line; a minor variation may
take the partnership's shorter path below the OPCC's threshold."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants import trail, workflow
from grants.figures.plans import line_approvals
from grants.models import SpendingPlan, VariationThreshold
from grants.services.comparison import plan_diff, plan_snapshot
from grants.services.variations import minor_variation, money_moved, plan_vary
from grants.services.workflow import plan_decide
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db
Status = SpendingPlan.Status


@pytest.fixture
def approved_plan(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user)
    return plymouth_plan


def _allocate_the_23000(variation):
    line = variation.projects.create(
        number=7, title="Mental health crisis support", amount_allocated=Decimal("23000.00")
    )
    line.pcc_priorities.set(variation.police_and_crime_plan.priorities.filter(number__in=[2, 3]))
    return line


def test_a_variation_allocates_the_23000_and_goes_round_again(approved_plan, demo_user):
    variation, report = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    assert variation.version == 2 and variation.status == Status.DRAFT and not report.unmapped_priorities
    # Line 2's contract ends on 31 March 2021, so it covers the year; line 1's ends in November 2020.
    assert [line.number for line in report.contracts_ending] == [1]  # for the officer to check
    assert variation.allocated == Decimal("377568.00") and variation.projects.count() == 6
    new_line = _allocate_the_23000(variation)
    assert SpendingPlan.objects.get(pk=variation.pk).unallocated == Decimal("0.00")

    changes = trail.variation_changes(variation)
    assert [(line.kind, line.number, line.amount_change) for line in changes.diff.lines] == [
        ("added", 7, Decimal("23000.00"))
    ]
    approvals = line_approvals(variation, list(variation.projects.all()))
    assert approvals[new_line.line_id].text == "New in this variation: not yet approved"
    unchanged = variation.projects.get(number=1)
    assert approvals[unchanged.line_id].approved and approvals[unchanged.line_id].version == 1

    decisions = drive(variation, demo_user, PLYMOUTH_PATH)
    assert [d.version for d in decisions] == [2] * 7
    variation.refresh_from_db()
    approved_plan.refresh_from_db()
    assert variation.status == Status.APPROVED and approved_plan.status == Status.APPROVED
    assert variation.decision_notice.reference == "DC/2020-21/002"
    approvals = line_approvals(variation, list(variation.projects.all()))
    assert all(a.approved and a.version == 2 for a in approvals.values())
    # The earlier version is unchanged and still readable.
    assert approved_plan.allocated == Decimal("377568.00") and approved_plan.projects.count() == 6
    assert approved_plan.decisions.count() == 7


def test_a_changed_line_is_shown_as_changed_and_not_yet_approved(approved_plan, demo_user):
    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    line = variation.projects.get(number=5)
    line.amount_allocated = Decimal("15000.00")
    line.save()
    approvals = line_approvals(variation, list(variation.projects.all()))
    assert approvals[line.line_id].text == "Changed since version 1: not yet approved"
    change = trail.variation_changes(variation).diff.lines[0]
    assert (change.kind, change.number) == ("changed", 5)
    assert [(c.label, c.old, c.new) for c in change.changes] == [("Amount allocated", "£10,000.00", "£15,000.00")]


def test_a_variation_that_changes_nothing_cannot_be_submitted(approved_plan, demo_user):
    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    with pytest.raises(ValidationError, match="does not change anything from version 1"):
        plan_decide(plan=variation, by=demo_user("officer.plymouth"), action="submit")


@pytest.mark.parametrize("until", ["submit", "agree", "sign_off_treasurer"])
def test_only_an_approved_or_declined_latest_version_can_be_varied(plymouth_plan, demo_user, until):
    drive(plymouth_plan, demo_user, until=until)
    with pytest.raises(ValidationError, match="only of an approved or declined plan"):
        plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))


def test_an_older_version_cannot_be_varied_again(approved_plan, demo_user):
    plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    with pytest.raises(ValidationError, match="Version 2 of this plan has already been started"):
        plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))


def test_a_declined_plan_can_be_revised_as_a_new_version(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="recommend")
    plan_decide(plan=plymouth_plan, by=demo_user("opcc.devon"), action="decline", comments="Out of scope.")
    revision, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    assert revision.version == 2
    assert minor_variation(revision) is None, "no approved version to compare with"


def test_money_moved_counts_every_line_change_without_its_sign(approved_plan, demo_user):
    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    down = variation.projects.get(number=3)
    down.amount_allocated -= Decimal("5000.00")
    down.save()
    up = variation.projects.get(number=5)
    up.amount_allocated += Decimal("5000.00")
    up.save()
    assert money_moved(plan_diff(plan_snapshot(approved_plan), plan_snapshot(variation))) == Decimal("10000.00")


@pytest.mark.parametrize(
    ("path", "threshold", "needs_executive", "needs_board", "waits_for"),
    [
        ("opcc", "25000.00", False, False, "opcc"),
        ("board", "25000.00", False, True, "board"),
        ("executive", "25000.00", True, False, "executive"),
        ("full", "25000.00", True, True, "executive"),
        ("opcc", "23000.00", True, True, "executive"),  # £23,000 is not below a £23,000 threshold
    ],
)
def test_a_minor_variation_takes_the_partnerships_shorter_path(
    approved_plan, demo_user, path, threshold, needs_executive, needs_board, waits_for
):
    partnership = approved_plan.partnership
    partnership.minor_variation_path = path
    partnership.save()
    VariationThreshold.objects.create(force_area=partnership.force_area, minor_below=Decimal(threshold))
    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    _allocate_the_23000(variation)
    decision = plan_decide(plan=variation, by=demo_user("officer.plymouth"), action="submit")
    variation.refresh_from_db()
    assert (variation.needs_executive_group, variation.needs_board) == (needs_executive, needs_board)
    assert variation.awaiting == (waits_for,)
    if path != "full" and (needs_executive, needs_board) != (True, True):
        assert "Minor variation: it moves £23,000.00 from version 1, less than the OPCC's threshold" in decision.note


def test_a_minor_variation_straight_to_the_opcc_still_needs_the_pcc_and_the_treasurer(approved_plan, demo_user):
    partnership = approved_plan.partnership
    partnership.minor_variation_path = "opcc"
    partnership.save()
    VariationThreshold.objects.create(force_area=partnership.force_area, minor_below=Decimal("25000.00"))
    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    _allocate_the_23000(variation)
    short_path = [PLYMOUTH_PATH[0], *PLYMOUTH_PATH[3:]]
    drive(variation, demo_user, short_path, until="sign_off_treasurer")
    assert variation.status == Status.OPCC_RECOMMENDED
    assert variation.awaiting == (workflow.Stage.TREASURER,)
    drive(variation, demo_user, [PLYMOUTH_PATH[-1]])
    assert variation.status == Status.APPROVED
    assert list(variation.decisions.values_list("stage", flat=True)) == [
        "submission",
        "opcc",
        "opcc",
        "pcc",
        "treasurer",
    ]
