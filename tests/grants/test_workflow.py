"""The approval path as the services walk it: every allowed transition, who may fire it, and the rules that make
each decision a record (comments, conditions, parallel sign-off, nobody acting twice)."""

from decimal import Decimal

import pytest
import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grants import workflow
from grants.models import Decision, DecisionNotice, SpendingPlan
from grants.services.workflow import plan_decide, plan_declare_interest
from tests.factories import (
    FundedProjectFactory,
    GrantAwardFactory,
    PartnershipFactory,
    SpendingPlanFactory,
    board_member_of,
    executive_of,
    officer_of,
    opcc_of,
    pcc_of,
    treasurer_of,
)
from tests.workflow import PLYMOUTH_PATH, SOUTHGLOS_PATH, drive

pytestmark = pytest.mark.django_db
Status = SpendingPlan.Status


def test_the_plymouth_plan_goes_through_every_stage_to_approval(plymouth_plan, demo_user):
    expected = [
        Status.SUBMITTED,
        Status.EXECUTIVE_AGREED,
        Status.BOARD_APPROVED,
        Status.OPCC_SCRUTINY,
        Status.OPCC_RECOMMENDED,
        Status.OPCC_RECOMMENDED,  # the PCC has signed; the Treasurer has not yet
        Status.APPROVED,
    ]
    for (action, username), status in zip(PLYMOUTH_PATH, expected, strict=True):
        decision = plan_decide(plan=plymouth_plan, by=demo_user(username), action=action)
        plymouth_plan.refresh_from_db()
        assert plymouth_plan.status == status, action
        assert decision.to_status == status and decision.version == 1 and decision.round == 1
    trail = list(plymouth_plan.decisions.values_list("action", "role_kind", "role_scope", "user_name"))
    assert trail == [
        ("submit", "officer", "Safer Plymouth", "Alex Morgan"),
        ("agree", "executive", "Safer Plymouth", "Jordan Evans"),
        ("approve", "board", "Safer Plymouth", "Sam Taylor"),
        ("scrutinise", "opcc", "Devon & Cornwall", "Chris Walker"),
        ("recommend", "opcc", "Devon & Cornwall", "Chris Walker"),
        ("sign_off_pcc", "pcc", "Devon & Cornwall", "Morgan Price"),
        ("sign_off_treasurer", "treasurer", "Devon & Cornwall", "Nikhil Shah"),
    ]
    assert plymouth_plan.decision_notice.reference == "DC/2020-21/001"
    assert plymouth_plan.awaiting == ()


def test_a_partnership_without_an_executive_group_goes_straight_to_the_board(southglos_plan, demo_user):
    decision = plan_decide(plan=southglos_plan, by=demo_user("officer.southglos"), action="submit")
    southglos_plan.refresh_from_db()
    assert southglos_plan.needs_executive_group is False and southglos_plan.needs_board is True
    assert southglos_plan.awaiting == (workflow.Stage.BOARD,)
    assert decision.to_status == Status.SUBMITTED
    drive(southglos_plan, demo_user, SOUTHGLOS_PATH[1:])
    assert southglos_plan.status == Status.APPROVED
    assert southglos_plan.decision_notice.reference == "AS/2021-22/001"


def test_two_force_areas_with_the_same_initials_each_number_their_own_decisions(
    plymouth_plan, southglos_plan, demo_user
):
    """Dorset and Durham are both `D`, West Mercia and West Midlands both `WM`: a reference is unique within its
    force area, and the second area's sign-off is not refused (it once failed with a duplicate key, a 500)."""
    drive(southglos_plan, demo_user, SOUTHGLOS_PATH)
    elsewhere = southglos_plan.decision_notice
    # Avon and Somerset's notice, as if the area's initials were Devon & Cornwall's, in Plymouth's year
    DecisionNotice.objects.filter(pk=elsewhere.pk).update(reference="DC/2020-21/001", financial_year="2020/21")
    drive(plymouth_plan, demo_user)
    assert plymouth_plan.status == Status.APPROVED
    assert plymouth_plan.decision_notice.reference == "DC/2020-21/001"
    assert plymouth_plan.decision_notice.force_area != elsewhere.force_area
    assert DecisionNotice.objects.filter(reference="DC/2020-21/001").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():  # within one area a reference stays unique
        DecisionNotice.objects.filter(pk=elsewhere.pk).update(
            force_area=plymouth_plan.decision_notice.force_area, sequence=2
        )


@pytest.mark.parametrize("first", ["sign_off_pcc", "sign_off_treasurer"])
def test_the_pcc_and_the_treasurer_sign_off_in_either_order_and_both_are_needed(plymouth_plan, demo_user, first):
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    second = "sign_off_treasurer" if first == "sign_off_pcc" else "sign_off_pcc"
    users = {"sign_off_pcc": "pcc.devon", "sign_off_treasurer": "treasurer.devon"}
    decision = plan_decide(plan=plymouth_plan, by=demo_user(users[first]), action=first)
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.OPCC_RECOMMENDED
    assert "to sign off too" in decision.note
    assert not DecisionNotice.objects.exists()
    assert plymouth_plan.awaiting == ((workflow.Stage.TREASURER,) if first == "sign_off_pcc" else (workflow.Stage.PCC,))
    with pytest.raises(ValidationError, match="waiting for the"):
        plan_decide(plan=plymouth_plan, by=demo_user(users[first]), action=first)
    plan_decide(plan=plymouth_plan, by=demo_user(users[second]), action=second)
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.APPROVED
    assert DecisionNotice.objects.get().plan == plymouth_plan


RETURN_POINTS = [
    ("agree", "exec.plymouth"),
    ("approve", "board.plymouth"),
    ("scrutinise", "opcc.devon"),
    ("recommend", "opcc.devon"),
    ("sign_off_pcc", "pcc.devon"),
    ("sign_off_pcc", "treasurer.devon"),
]


@pytest.mark.parametrize(("stop_before", "reviewer"), RETURN_POINTS)
def test_every_reviewer_can_return_the_plan_with_comments_and_it_goes_round_again(
    plymouth_plan, demo_user, stop_before, reviewer
):
    drive(plymouth_plan, demo_user, until=stop_before)
    with pytest.raises(ValidationError) as refused:
        plan_decide(plan=plymouth_plan, by=demo_user(reviewer), action="return", comments="  ")
    assert "comments" in refused.value.message_dict
    plan_decide(plan=plymouth_plan, by=demo_user(reviewer), action="return", comments="Line 5 needs a provider.")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.RETURNED and plymouth_plan.is_editable
    assert rules.test_rule("grants.edit_plan", demo_user("officer.plymouth"), plymouth_plan)
    # Resubmitted, it starts again at the executive group, in a new round.
    plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.round == 2 and plymouth_plan.awaiting == (workflow.Stage.EXECUTIVE,)


def test_a_sign_off_before_a_return_does_not_count_in_the_next_round(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="sign_off_treasurer")  # the PCC has signed
    plan_decide(plan=plymouth_plan, by=demo_user("treasurer.devon"), action="return", comments="Fix line 6.")
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    plan_decide(plan=plymouth_plan, by=demo_user("treasurer.devon"), action="sign_off_treasurer")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.OPCC_RECOMMENDED, "the PCC must sign this round too"
    plan_decide(plan=plymouth_plan, by=demo_user("pcc.devon"), action="sign_off_pcc")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.APPROVED


@pytest.mark.parametrize(("stop_before", "who"), [("recommend", "opcc.devon"), ("sign_off_pcc", "pcc.devon")])
def test_the_opcc_pcc_or_treasurer_can_decline_and_the_plan_is_final(plymouth_plan, demo_user, stop_before, who):
    drive(plymouth_plan, demo_user, until=stop_before)
    plan_decide(plan=plymouth_plan, by=demo_user(who), action="decline", comments="Does not meet the conditions.")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.DECLINED and not plymouth_plan.is_editable
    assert plymouth_plan.awaiting == ()


def test_the_board_cannot_decline(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="approve")
    expected = "is for the OPCC, the Police and Crime Commissioner or the Treasurer; this plan is waiting for the board"
    with pytest.raises(ValidationError, match=expected):
        plan_decide(plan=plymouth_plan, by=demo_user("board.plymouth"), action="decline", comments="No.")


def test_a_decision_records_comments_conditions_role_and_what_the_plan_said(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="approve")
    decision = plan_decide(
        plan=plymouth_plan,
        by=demo_user("board.plymouth"),
        action="approve",
        comments="Agreed at the board meeting.",
        conditions="- Subject to quarterly performance returns",
    )
    assert decision.stage == "board" and decision.role_display == "Board member, Safer Plymouth"
    assert decision.conditions == "- Subject to quarterly performance returns"
    assert decision.job_title == "Board chair"
    assert decision.snapshot["allocated"] == "377568.00" and len(decision.snapshot["lines"]) == 6
    decision.comments = "Changed afterwards"
    with pytest.raises(ValidationError, match="cannot be changed"):
        decision.save()


def test_conditions_are_refused_on_a_return(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="agree")
    with pytest.raises(ValidationError) as refused:
        plan_decide(plan=plymouth_plan, by=demo_user("exec.plymouth"), action="return", comments="x", conditions="y")
    assert "conditions" in refused.value.message_dict


def test_a_plan_that_does_not_add_up_cannot_be_submitted(plymouth_plan, demo_user):
    plymouth_plan.projects.get(number=4).sub_items.get(label="D").delete()
    wording = "The sub-items add up to £17,000.00, £8,000.00 less than the amount allocated of £25,000.00"
    with pytest.raises(ValidationError, match=wording):
        plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.DRAFT and not plymouth_plan.decisions.exists()


def test_an_empty_plan_cannot_be_submitted():
    plan = SpendingPlanFactory()
    with pytest.raises(ValidationError, match="Add at least one funded project"):
        plan_decide(plan=plan, by=officer_of(plan.partnership), action="submit")


# --- nobody acts twice on the same version -------------------------------------------------------------------


def test_the_officer_who_submitted_cannot_also_approve_at_the_board(plymouth_plan, demo_user):
    from partnerships.models import Role

    officer = demo_user("officer.plymouth")
    Role.objects.create(user=officer, kind="board", partnership=plymouth_plan.partnership)
    drive(plymouth_plan, demo_user, until="approve")
    verdict = workflow.check(plymouth_plan, officer, "approve")
    assert not verdict
    assert verdict.reason.startswith("You have already acted on this version (submitted)")
    with pytest.raises(ValidationError, match="other than you must decide"):
        plan_decide(plan=plymouth_plan, by=officer, action="approve")
    # Another board member can.
    plan_decide(plan=plymouth_plan, by=demo_user("board.plymouth"), action="approve")


def test_the_executive_member_who_agreed_cannot_approve_for_the_board(plymouth_plan, demo_user):
    from partnerships.models import Role

    member = demo_user("exec.plymouth")
    Role.objects.create(user=member, kind="board", partnership=plymouth_plan.partnership)
    drive(plymouth_plan, demo_user, until="approve")
    assert not rules.test_rule("grants.approve_plan", member, plymouth_plan)


def test_the_pcc_and_the_treasurer_must_be_different_people(plymouth_plan, demo_user):
    from partnerships.models import Role

    pcc = demo_user("pcc.devon")
    Role.objects.create(user=pcc, kind="treasurer", force_area=plymouth_plan.partnership.force_area)
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    plan_decide(plan=plymouth_plan, by=pcc, action="sign_off_pcc")
    with pytest.raises(ValidationError, match="already acted on this version"):
        plan_decide(plan=plymouth_plan, by=pcc, action="sign_off_treasurer")
    plan_decide(plan=plymouth_plan, by=demo_user("treasurer.devon"), action="sign_off_treasurer")


def test_a_site_administrator_cannot_act_on_a_plan(plymouth_plan, demo_user):
    admin = demo_user("admin")
    assert admin.is_superuser
    for transition in workflow.TRANSITIONS:
        assert not rules.test_rule(f"grants.{transition.name}_plan", admin, plymouth_plan)
    with pytest.raises(ValidationError, match="Only an officer"):
        plan_decide(plan=plymouth_plan, by=admin, action="submit")


# --- declarations of interest ---------------------------------------------------------------------------------


def test_a_board_member_declares_an_interest_and_it_joins_their_decision(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="approve")
    board = demo_user("board.plymouth")
    line2 = plymouth_plan.projects.get(number=2)
    declaration = plan_declare_interest(
        plan=plymouth_plan, by=board, project=line2, interest="I am a trustee of First Light."
    )
    assert declaration.role_display == "Board member, Safer Plymouth" and declaration.decision is None
    decision = plan_decide(plan=plymouth_plan, by=board, action="approve")
    declaration.refresh_from_db()
    assert declaration.decision == decision
    assert declaration.project_title == line2.title and declaration.line_id == line2.line_id


@pytest.mark.parametrize("username", ["officer.plymouth", "board.southglos", "opcc.avon"])
def test_only_reviewers_of_the_plan_can_declare_an_interest(plymouth_plan, demo_user, username):
    drive(plymouth_plan, demo_user, until="approve")
    with pytest.raises(ValidationError, match="Only a reviewer"):
        plan_declare_interest(
            plan=plymouth_plan, by=demo_user(username), project=plymouth_plan.projects.first(), interest="x"
        )


def test_no_declaration_on_a_draft(plymouth_plan, demo_user):
    assert not rules.test_rule("grants.declare_interest", demo_user("board.plymouth"), plymouth_plan)


# --- roles × transitions × own/other partnership ---------------------------------------------------------------

KINDS = ["officer", "executive", "board", "opcc", "pcc", "treasurer"]
MAKERS = {
    "officer": officer_of,
    "executive": executive_of,
    "board": board_member_of,
    "opcc": opcc_of,
    "pcc": pcc_of,
    "treasurer": treasurer_of,
}
# (transition, the plan's status, who may fire it there). Statuses are set directly; the route is the full path.
SCENARIOS = [
    ("submit", Status.DRAFT, {"officer"}),
    ("submit", Status.RETURNED, {"officer"}),
    ("withdraw", Status.SUBMITTED, {"officer"}),
    ("agree", Status.SUBMITTED, {"executive"}),
    ("approve", Status.EXECUTIVE_AGREED, {"board"}),
    ("scrutinise", Status.BOARD_APPROVED, {"opcc"}),
    ("recommend", Status.BOARD_APPROVED, {"opcc"}),
    ("recommend", Status.OPCC_SCRUTINY, {"opcc"}),
    ("sign_off_pcc", Status.OPCC_RECOMMENDED, {"pcc"}),
    ("sign_off_treasurer", Status.OPCC_RECOMMENDED, {"treasurer"}),
    ("return", Status.SUBMITTED, {"executive"}),
    ("return", Status.EXECUTIVE_AGREED, {"board"}),
    ("return", Status.BOARD_APPROVED, {"opcc"}),
    ("return", Status.OPCC_SCRUTINY, {"opcc"}),
    ("return", Status.OPCC_RECOMMENDED, {"pcc", "treasurer"}),
    ("decline", Status.BOARD_APPROVED, {"opcc"}),
    ("decline", Status.OPCC_SCRUTINY, {"opcc"}),
    ("decline", Status.OPCC_RECOMMENDED, {"pcc", "treasurer"}),
]


@pytest.fixture
def world():
    """Partnership `own` and `neighbour` in one force area, `elsewhere` in another, and one plan of `own`."""
    own = PartnershipFactory()
    neighbour = PartnershipFactory(force_area=own.force_area)
    elsewhere = PartnershipFactory()
    plan = SpendingPlanFactory(award=GrantAwardFactory(partnership=own, amount=Decimal("50000.00")))
    FundedProjectFactory(plan=plan, amount_allocated=Decimal("40000.00"))
    return {"own": own, "neighbour": neighbour, "elsewhere": elsewhere, "plan": plan}


def _person(world, kind, scope):
    if kind in ("officer", "executive", "board"):
        return MAKERS[kind](world["own"] if scope == "own" else world["neighbour"])
    return MAKERS[kind](world["own"].force_area if scope == "own" else world["elsewhere"].force_area)


@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("action", "status", "allowed_kinds"), SCENARIOS, ids=[f"{a}@{s}" for a, s, _ in SCENARIOS])
def test_who_may_fire_each_transition(world, action, status, allowed_kinds, kind, scope):
    plan = world["plan"]
    SpendingPlan.objects.filter(pk=plan.pk).update(status=status, round=1)
    plan.refresh_from_db()
    person = _person(world, kind, scope)
    allowed = kind in allowed_kinds and scope == "own"
    assert rules.test_rule(f"grants.{action}_plan", person, plan) is allowed
    comments = "Because." if BY_COMMENTS[action] else ""
    if allowed:
        decision = plan_decide(plan=plan, by=person, action=action, comments=comments)
        assert decision.role_kind == kind
    else:
        with pytest.raises(ValidationError):
            plan_decide(plan=plan, by=person, action=action, comments=comments)
        plan.refresh_from_db()
        assert plan.status == status and not Decision.objects.filter(plan=plan).exists()


BY_COMMENTS = {t.name: t.comments_required for t in workflow.TRANSITIONS}


@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=lambda t: t.name)
def test_no_transition_fires_from_a_status_it_does_not_start_from(world, transition):
    plan = world["plan"]
    people = {kind: _person(world, kind, "own") for kind in KINDS}
    for status in Status.values:
        if status in transition.sources:
            continue
        SpendingPlan.objects.filter(pk=plan.pk).update(status=status, round=1)
        plan.refresh_from_db()
        for person in people.values():
            assert not rules.test_rule(f"grants.{transition.name}_plan", person, plan), (transition.name, status)


def test_the_table_and_the_inbox_filter_agree_on_who_the_plan_waits_for(world):
    """`awaiting_q` (SQL, for inboxes) and `awaiting_stages` (Python) are two readings of one table."""
    plan = world["plan"]
    for status in Status.values:
        for needs_executive in (True, False):
            for needs_board in (True, False):
                SpendingPlan.objects.filter(pk=plan.pk).update(
                    status=status, round=1, needs_executive_group=needs_executive, needs_board=needs_board
                )
                plan.refresh_from_db()
                expected = set(workflow.awaiting_stages(plan))
                found = {
                    stage
                    for stage in workflow.Stage.values
                    if SpendingPlan.objects.filter(workflow.awaiting_q(stage), pk=plan.pk).exists()
                }
                assert found == expected, (status, needs_executive, needs_board)


def test_the_stages_ahead_of_a_plan_follow_its_route_and_start_with_those_it_waits_for(world):
    """`stages_ahead` (the load's approval chains use it): every stage a plan in review has still to pass, in order,
    the route's optional steps only when taken, none for a draft or an ended path."""
    plan = world["plan"]
    S = workflow.Stage
    cases = [
        (Status.DRAFT, True, True, ()),
        (Status.SUBMITTED, True, True, (S.EXECUTIVE, S.BOARD, S.OPCC, S.TREASURER, S.PCC)),
        (Status.SUBMITTED, False, True, (S.BOARD, S.OPCC, S.TREASURER, S.PCC)),
        (Status.EXECUTIVE_AGREED, True, True, (S.BOARD, S.OPCC, S.TREASURER, S.PCC)),
        (Status.OPCC_SCRUTINY, True, True, (S.OPCC, S.TREASURER, S.PCC)),
        (Status.OPCC_RECOMMENDED, True, False, (S.TREASURER, S.PCC)),
        (Status.APPROVED, True, True, ()),
        (Status.DECLINED, True, True, ()),
    ]
    for status, needs_executive, needs_board, expected in cases:
        SpendingPlan.objects.filter(pk=plan.pk).update(
            status=status, round=1, needs_executive_group=needs_executive, needs_board=needs_board
        )
        plan.refresh_from_db()
        assert workflow.stages_ahead(plan) == expected, status
        if status not in workflow.IN_REVIEW:
            continue
        waiting = workflow.awaiting_stages(plan, signed=set())
        assert set(waiting) <= set(expected[: len(waiting) + 1]), status  # what it waits for now comes first


def test_the_demo_can_be_reset_after_plans_were_approved_and_varied(plymouth_plan, demo_user, settings):
    from grants.demo import demo_load
    from grants.services.variations import plan_vary

    drive(plymouth_plan, demo_user)
    plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    demo_load(password=settings.DEMO_PASSWORD, reset=True)
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth")
    assert plan.status == Status.DRAFT and plan.version == 1 and not plan.decisions.exists()
    assert plan.allocated == Decimal("377568.00")


def test_a_decision_reads_the_content_it_records_once(plymouth_plan, demo_user, empty_cache):
    """The decision and the history record of the status's change hold the same content, read once under the lock
    (`plan_snapshot_under_lock`); the next decision on unchanged content reads it from what the first kept."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grants.services.comparison import plan_snapshot

    def content_reads(captured) -> int:
        return len([q for q in captured.captured_queries if 'FROM "grants_riskitem"' in q["sql"]])

    with CaptureQueriesContext(connection) as first:
        submitted = plan_decide(plan=plymouth_plan, by=demo_user(PLYMOUTH_PATH[0][1]), action=PLYMOUTH_PATH[0][0])
    with CaptureQueriesContext(connection) as second:
        agreed = plan_decide(plan=plymouth_plan, by=demo_user(PLYMOUTH_PATH[1][1]), action=PLYMOUTH_PATH[1][0])
    assert (content_reads(first), content_reads(second)) == (1, 0)
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    records = list(plan.history.order_by("history_date", "history_id"))
    assert submitted.snapshot == agreed.snapshot == records[-1].snapshot == records[-2].snapshot == plan_snapshot(plan)
