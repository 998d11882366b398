"""Issue 9: an officer withdraws a submission no reviewer has acted on; a prejudicial interest keeps a reviewer
from acting (another member with the role decides, and the record says so); a board decision records the meeting's
date and minute reference, and the meeting's date is the decision's. Through the service and the test client,
refusals included."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grants import workflow
from grants.models import Decision, InterestDeclaration, SpendingPlan
from grants.notifications import people_who_can_act
from grants.services.workflow import plan_decide, plan_declare_interest
from tests.documents import docx_text
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db
Status = SpendingPlan.Status


def decide_url(plan, action):
    return reverse("grants:plan-decide", args=[plan.pk, action])


def as_user(client, demo_user, username):
    client.force_login(demo_user(username))
    return client


# --- withdrawing a submission -----------------------------------------------------------------------------------


def test_the_officer_withdraws_a_submission_nobody_has_acted_on(
    client, demo_user, plymouth_plan, django_capture_on_commit_callbacks
):
    drive(plymouth_plan, demo_user, until="agree")
    as_user(client, demo_user, "officer.plymouth")
    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "Withdraw the submission" in page and "you can still withdraw it" in page
    confirm = client.get(decide_url(plymouth_plan, "withdraw"))
    assert confirm.status_code == 200 and "No reviewer has acted on this submission yet" in confirm.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(plymouth_plan, "withdraw"),
            {"comments": "Project 5 needs a provider first.", "expected_status": "submitted"},
            follow=True,
        )
    assert "Submission withdrawn. The plan is a draft again" in response.content.decode()
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.DRAFT and plymouth_plan.is_editable
    decision = plymouth_plan.decisions.latest("decided_at")
    assert (decision.action, decision.stage, decision.from_status, decision.to_status) == (
        "withdraw",
        "submission",
        "submitted",
        "draft",
    )
    assert decision.comments == "Project 5 needs a provider first."
    # The executive group, which the plan was waiting for, is told it need not act.
    [message] = mail.outbox
    assert message.to == ["exec.plymouth@example.org"] and "withdrawn: no decision needed" in message.subject
    # The plan can be changed and submitted again: a new round, through every stage.
    assert client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).status_code == 200
    plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.round == 2 and plymouth_plan.awaiting == ("executive",)


def test_withdrawal_is_refused_once_a_reviewer_has_acted(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")  # the executive group has agreed
    as_user(client, demo_user, "officer.plymouth")
    assert "Withdraw the submission" not in client.get(plymouth_plan.get_absolute_url()).content.decode()
    response = client.get(decide_url(plymouth_plan, "withdraw"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Jordan Evans (Executive group member, Safer Plymouth) has already acted on this submission" in content
    assert "so it can no longer be withdrawn" in content
    assert "ask a board member of Safer Plymouth to return it for changes" in content
    response = client.post(decide_url(plymouth_plan, "withdraw"), {"expected_status": "executive_agreed"})
    assert response.status_code == 403
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.EXECUTIVE_AGREED
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="withdraw")


def test_a_return_counts_as_a_reviewer_acting_and_a_draft_cannot_be_withdrawn(plymouth_plan, demo_user):
    with pytest.raises(ValidationError, match="“Draft” now"):
        plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="withdraw")
    drive(plymouth_plan, demo_user, until="agree")
    plan_decide(plan=plymouth_plan, by=demo_user("exec.plymouth"), action="return", comments="Not yet.")
    plymouth_plan.refresh_from_db()
    verdict = workflow.check(plymouth_plan, demo_user("officer.plymouth"), "withdraw")
    assert not verdict and "Returned for changes" in verdict.reason


@pytest.mark.parametrize("username", ["exec.plymouth", "board.plymouth", "opcc.devon", "officer.southglos"])
def test_only_the_partnerships_officers_can_withdraw(plymouth_plan, demo_user, username):
    drive(plymouth_plan, demo_user, until="agree")
    verdict = workflow.check(plymouth_plan, demo_user(username), "withdraw")
    assert not verdict and verdict.reason == "Only an officer of Safer Plymouth can do this."
    with pytest.raises(ValidationError):
        plan_decide(plan=plymouth_plan, by=demo_user(username), action="withdraw")


def test_a_withdrawal_that_races_a_reviewer_is_refused(client, demo_user, plymouth_plan):
    """The officer opened the confirmation page; meanwhile the executive group agreed."""
    drive(plymouth_plan, demo_user, until="agree")
    as_user(client, demo_user, "officer.plymouth")
    assert client.get(decide_url(plymouth_plan, "withdraw")).status_code == 200
    plan_decide(plan=plymouth_plan, by=demo_user("exec.plymouth"), action="agree")
    response = client.post(decide_url(plymouth_plan, "withdraw"), {"expected_status": "submitted"})
    assert response.status_code == 409
    assert "Someone else has acted on this plan since you opened it" in response.content.decode()


# --- prejudicial interests ---------------------------------------------------------------------------------------


def test_a_board_member_with_a_prejudicial_interest_cannot_approve_and_another_member_does(
    client, demo_user, plymouth_plan, django_capture_on_commit_callbacks
):
    drive(plymouth_plan, demo_user, until="approve")
    as_user(client, demo_user, "board.plymouth")
    line = plymouth_plan.projects.get(number=2)
    response = client.post(
        reverse("grants:plan-declare-interest", args=[plymouth_plan.pk]),
        {"project": line.pk, "interest": "I am a trustee of First Light.", "prejudicial": "yes"},
        follow=True,
    )
    content = response.content.decode()
    assert "Prejudicial interest declared. You may not act on this plan" in content
    assert "You have declared a prejudicial interest in funded project 2" in content  # the reason, on the plan
    assert "Approve for the board" not in content
    response = client.get(decide_url(plymouth_plan, "approve"))
    assert response.status_code == 403
    assert "a board member of Safer Plymouth other than you must decide" in response.content.decode()
    assert client.post(decide_url(plymouth_plan, "approve"), {"expected_status": "executive_agreed"}).status_code == 403
    with pytest.raises(ValidationError, match="prejudicial interest"):
        plan_decide(plan=plymouth_plan, by=demo_user("board.plymouth"), action="return", comments="No.")
    # Nor is the member told the plan waits for them.
    assert {u.username for u in people_who_can_act(plymouth_plan, "board")} == {"board2.plymouth"}

    as_user(client, demo_user, "board2.plymouth")
    response = client.post(decide_url(plymouth_plan, "approve"), {"expected_status": "executive_agreed"}, follow=True)
    assert "Approved by the board. The plan is now waiting for OPCC scrutiny." in response.content.decode()
    decision = plymouth_plan.decisions.get(action="approve")
    assert decision.user_name == "Priya Patel"
    assert decision.note == (
        "Decided by Priya Patel because Sam Taylor (project 2) declared a prejudicial interest and took no part."
    )
    declaration = InterestDeclaration.objects.get()
    assert declaration.prejudicial and declaration.decision is None  # Sam Taylor took no decision
    content = response.content.decode()
    assert "declared a prejudicial interest and took no part" in content  # the trail says so
    assert "Takes no part in decisions on this plan" in content


def test_a_prejudicial_interest_blocks_an_opcc_reviewer_at_every_stage_of_the_plan(plymouth_plan, demo_user):
    import rules

    drive(plymouth_plan, demo_user, until="scrutinise")
    opcc = demo_user("opcc.devon")
    line = plymouth_plan.projects.get(number=3)
    plan_declare_interest(plan=plymouth_plan, by=opcc, project=line, interest="Director.", prejudicial=True)
    for action in ("scrutinise", "recommend", "return", "decline"):
        verdict = workflow.check(plymouth_plan, opcc, action)
        assert not verdict and "prejudicial interest in funded project 3" in verdict.reason, action
    assert not rules.test_rule("grants.comment_on_plan", opcc, plymouth_plan)
    assert workflow.blocked_reason(plymouth_plan, opcc).startswith("You have declared a prejudicial interest")


def test_an_interest_that_is_not_prejudicial_is_recorded_and_the_member_still_decides(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="approve")
    board = demo_user("board.plymouth")
    plan_declare_interest(
        plan=plymouth_plan, by=board, project=plymouth_plan.projects.get(number=2), interest="A friend volunteers."
    )
    decision = plan_decide(plan=plymouth_plan, by=board, action="approve")
    assert [d.interest for d in decision.declarations.all()] == ["A friend volunteers."]
    assert decision.note == ""


def test_the_declaration_form_asks_whether_the_interest_is_prejudicial(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    as_user(client, demo_user, "board.plymouth")
    url = reverse("grants:plan-declare-interest", args=[plymouth_plan.pk])
    line = plymouth_plan.projects.get(number=2)
    response = client.post(url, {"project": line.pk, "interest": "Trustee."})
    assert response.status_code == 200
    assert "Say whether the interest is prejudicial." in response.content.decode()
    assert not InterestDeclaration.objects.exists()


# --- the board's meeting ------------------------------------------------------------------------------------------


def _date_fields(date: datetime.date) -> dict:
    return {"meeting_date_0": str(date.day), "meeting_date_1": str(date.month), "meeting_date_2": str(date.year)}


def test_a_board_decision_records_the_meeting_and_its_date_is_the_meetings(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    submitted = plymouth_plan.decisions.get(action="submit")
    meeting = timezone.localdate() - datetime.timedelta(days=3)
    Decision.objects.filter(pk=submitted.pk).update(decided_at=submitted.decided_at - datetime.timedelta(days=10))
    as_user(client, demo_user, "board.plymouth")
    form = client.get(decide_url(plymouth_plan, "approve")).content.decode()
    assert "Date of the board meeting" in form and "Minute reference (optional)" in form
    response = client.post(
        decide_url(plymouth_plan, "approve"),
        {"expected_status": "executive_agreed", "minute_reference": "12/20", **_date_fields(meeting)},
        follow=True,
    )
    assert response.status_code == 200
    decision = plymouth_plan.decisions.get(action="approve")
    assert decision.meeting_date == meeting and decision.minute_reference == "12/20"
    assert decision.decision_date == meeting and timezone.localdate(decision.decided_at) == timezone.localdate()
    content = response.content.decode()
    assert "Board meeting, minute 12/20" in content  # the trail
    assert f"at the board meeting of {meeting:%-d %B %Y}, minute 12/20" in content  # the route


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (1, "The date of the board meeting must be today or in the past"),
        (-30, "The date of the board meeting must be on or after"),
    ],
)
def test_a_meeting_in_the_future_or_before_the_submission_is_refused(client, demo_user, plymouth_plan, days, message):
    drive(plymouth_plan, demo_user, until="approve")
    as_user(client, demo_user, "board.plymouth")
    response = client.post(
        decide_url(plymouth_plan, "approve"),
        {"expected_status": "executive_agreed", **_date_fields(timezone.localdate() + datetime.timedelta(days=days))},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.EXECUTIVE_AGREED


def test_a_minute_needs_its_meeting_date_and_only_the_board_records_one(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="approve")
    with pytest.raises(ValidationError, match="Enter the date of the board meeting the minute is from"):
        plan_decide(plan=plymouth_plan, by=demo_user("board.plymouth"), action="approve", minute_reference="4")
    drive(plymouth_plan, demo_user, [("approve", "board.plymouth")])
    with pytest.raises(ValidationError, match="Only a board decision records the meeting"):
        plan_decide(
            plan=plymouth_plan, by=demo_user("opcc.devon"), action="scrutinise", meeting_date=timezone.localdate()
        )


def test_the_executive_group_is_not_asked_for_a_meeting(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="agree")
    as_user(client, demo_user, "exec.plymouth")
    assert "Date of the board meeting" not in client.get(decide_url(plymouth_plan, "agree")).content.decode()


def test_the_decision_notice_gives_the_meeting_and_the_prejudicial_interest(plymouth_plan, demo_user):
    from grants.documents.decision_notice import decision_notice_docx

    drive(plymouth_plan, demo_user, until="approve")
    plan_declare_interest(
        plan=plymouth_plan,
        by=demo_user("board.plymouth"),
        project=plymouth_plan.projects.get(number=2),
        interest="Trustee of First Light.",
        prejudicial=True,
    )
    plan_decide(
        plan=plymouth_plan,
        by=demo_user("board2.plymouth"),
        action="approve",
        meeting_date=timezone.localdate(),
        minute_reference="12/20",
    )
    drive(plymouth_plan, demo_user, PLYMOUTH_PATH[3:])
    text = docx_text(decision_notice_docx(plymouth_plan))
    assert f"Board meeting of {timezone.localdate():%-d %B %Y}, minute 12/20" in text
    assert "Trustee of First Light. (prejudicial: took no part in decisions on the plan)" in text
    assert "Sam Taylor (project 2) declared a prejudicial interest and took no part" in text
