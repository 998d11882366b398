"""Each person's home page: what waits for their decision (due dates from the OPCC's deadline, overdue first and
flagged), what they submitted that is still being reviewed, recent decisions; and the e-mails that tell the
people who can act next, and the submitter on return, decline and approval."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from grants import inbox
from grants.services.workflow import plan_decide
from tests.factories import FundedProjectFactory, GrantAwardFactory, SpendingPlanFactory, SubmissionDeadlineFactory
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def _names(items):
    return [(item.plan.partnership.slug, item.stage) for item in items]


def test_each_plan_waits_in_the_inbox_of_the_people_who_act_next(plymouth_plan, demo_user):
    def waiting(username):
        return _names(inbox.awaiting_decision(demo_user(username)))

    assert waiting("officer.plymouth") == [("safer-plymouth", "submission")]
    assert waiting("exec.plymouth") == []
    drive(plymouth_plan, demo_user, until="agree")
    assert waiting("officer.plymouth") == [] and waiting("exec.plymouth") == [("safer-plymouth", "executive")]
    assert waiting("board.plymouth") == []
    drive(plymouth_plan, demo_user, [("agree", "exec.plymouth")])
    assert waiting("board.plymouth") == [("safer-plymouth", "board")] and waiting("exec.plymouth") == []
    drive(plymouth_plan, demo_user, [("approve", "board.plymouth")])
    assert waiting("opcc.devon") == [("safer-plymouth", "opcc")] and waiting("opcc.avon") == []
    drive(plymouth_plan, demo_user, [("recommend", "opcc.devon")])
    assert waiting("pcc.devon") == [("safer-plymouth", "pcc")]
    assert waiting("treasurer.devon") == [("safer-plymouth", "treasurer")]
    drive(plymouth_plan, demo_user, [("sign_off_pcc", "pcc.devon")])
    assert waiting("pcc.devon") == [] and waiting("treasurer.devon") == [("safer-plymouth", "treasurer")]
    assert waiting("pcc.avon") == [] and waiting("treasurer.avon") == []


def test_what_i_submitted_stays_in_my_list_until_it_is_decided(plymouth_plan, demo_user):
    officer = demo_user("officer.plymouth")
    assert inbox.submitted_in_progress(officer) == []
    drive(plymouth_plan, demo_user, until="recommend")
    assert inbox.submitted_in_progress(officer) == [plymouth_plan]
    assert inbox.submitted_in_progress(demo_user("exec.plymouth")) == []
    drive(plymouth_plan, demo_user, [("recommend", "opcc.devon"), ("sign_off_pcc", "pcc.devon")])
    drive(plymouth_plan, demo_user, [("sign_off_treasurer", "treasurer.devon")])
    assert inbox.submitted_in_progress(officer) == []


def test_overdue_plans_come_first_and_stand_out(client, demo_user, plymouth_plan, settings):
    area = plymouth_plan.partnership.force_area
    SubmissionDeadlineFactory(force_area=area, financial_year="2020/21", submit_by=datetime.date(2020, 3, 31))
    SubmissionDeadlineFactory(force_area=area, financial_year="2099/00", submit_by=datetime.date(2099, 3, 31))
    later = SpendingPlanFactory(
        award=GrantAwardFactory(
            partnership=plymouth_plan.partnership,
            funding_stream=plymouth_plan.award.funding_stream,
            financial_year="2099/00",
            amount=Decimal("1000.00"),
        )
    )
    FundedProjectFactory(plan=later, amount_allocated=Decimal("500.00"))
    items = inbox.awaiting_decision(demo_user("officer.plymouth"))
    assert [(i.plan.financial_year, i.overdue) for i in items] == [("2020/21", True), ("2099/00", False)]
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("home")).content.decode()
    assert "Waiting for your decision (2)" in content
    assert "31 March 2020" in content and "Overdue by" in content and "app-overdue" in content
    assert content.index("2020/21") < content.index("2099/00")


def test_the_deadline_does_not_apply_to_the_opccs_own_stages(plymouth_plan, demo_user):
    SubmissionDeadlineFactory(force_area=plymouth_plan.partnership.force_area, financial_year="2020/21")
    drive(plymouth_plan, demo_user, until="scrutinise")
    [item] = inbox.awaiting_decision(demo_user("opcc.devon"))
    assert item.due is None and not item.overdue


def test_the_home_page_shows_recent_decisions_on_plans_i_can_see(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    client.force_login(demo_user("board.plymouth"))
    content = client.get(reverse("home")).content.decode()
    assert "Recent decisions" in content and "Agreed by the executive group" in content
    assert "Approve for the board" in content
    client.force_login(demo_user("board.southglos"))
    content = client.get(reverse("home")).content.decode()
    assert "Recent decisions" not in content and "Nothing is waiting for your decision." in content


def test_the_home_page_costs_a_bounded_number_of_queries(
    client, demo_user, plymouth_plan, django_assert_max_num_queries
):
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    client.force_login(demo_user("pcc.devon"))
    with django_assert_max_num_queries(30):
        assert client.get(reverse("home")).status_code == 200


# --- e-mail ------------------------------------------------------------------------------------------------------


def _recipients():
    return sorted(address for message in mail.outbox for address in message.to)


OFFICER = "officer.plymouth@example.org"


def test_each_decision_tells_the_people_who_can_act_next_and_the_officer_every_step(
    plymouth_plan, demo_user, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://grants.example.org"
    expected = [
        ("submit", "officer.plymouth", ["exec.plymouth@example.org"]),
        ("agree", "exec.plymouth", ["board.plymouth@example.org", "board2.plymouth@example.org", OFFICER]),
        ("approve", "board.plymouth", ["opcc.devon@example.org", OFFICER]),
        ("scrutinise", "opcc.devon", [OFFICER]),
        ("recommend", "opcc.devon", [OFFICER, "pcc.devon@example.org", "treasurer.devon@example.org"]),
        ("sign_off_pcc", "pcc.devon", [OFFICER]),
        ("sign_off_treasurer", "treasurer.devon", [OFFICER]),
    ]
    to_officer = {}
    for action, username, recipients in expected:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            plan_decide(plan=plymouth_plan, by=demo_user(username), action=action)
        assert _recipients() == sorted(recipients), action
        to_officer[action] = next((m for m in mail.outbox if m.to == [OFFICER]), None)
        for message in mail.outbox:
            assert f"https://grants.example.org/plans/{plymouth_plan.pk}/" in message.body, action
    assert (
        "has been approved by the Police and Crime Commissioner and the Treasurer"
        in to_officer["sign_off_treasurer"].subject
    )
    # Plain words for where the plan is, not the stage's internal label.
    assert to_officer["approve"].subject.endswith("approved by the board, now waiting for OPCC scrutiny")
    assert "It is now waiting for OPCC scrutiny." in to_officer["approve"].body
    assert "It is now waiting for the Treasurer." in to_officer["sign_off_pcc"].body


def test_the_people_who_act_next_are_told_in_plain_words_with_the_due_date(
    plymouth_plan, demo_user, django_capture_on_commit_callbacks
):
    from grants.models import SubmissionDeadline

    SubmissionDeadline.objects.update_or_create(
        force_area=plymouth_plan.partnership.force_area,
        financial_year="2020/21",
        defaults={"submit_by": datetime.date(2020, 3, 31)},
    )
    with django_capture_on_commit_callbacks(execute=True):
        plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    [message] = mail.outbox
    assert "is waiting for the executive group" in message.body
    assert "due by 31 March 2020" in message.body
    assert "the opcc scrutiny" not in message.body.lower()


def test_the_submitter_is_told_of_a_return_with_the_comments(
    plymouth_plan, demo_user, django_capture_on_commit_callbacks
):
    drive(plymouth_plan, demo_user, until="approve")
    with django_capture_on_commit_callbacks(execute=True):
        plan_decide(
            plan=plymouth_plan, by=demo_user("board.plymouth"), action="return", comments="Line 5 needs a provider."
        )
    [message] = mail.outbox
    assert message.to == ["officer.plymouth@example.org"]
    assert "returned for changes" in message.subject and "Line 5 needs a provider." in message.body


def test_the_submitter_is_told_of_a_decline(plymouth_plan, demo_user, django_capture_on_commit_callbacks):
    drive(plymouth_plan, demo_user, until="recommend")
    with django_capture_on_commit_callbacks(execute=True):
        plan_decide(plan=plymouth_plan, by=demo_user("opcc.devon"), action="decline", comments="Out of scope.")
    assert _recipients() == ["officer.plymouth@example.org"] and "declined" in mail.outbox[0].subject


def test_nobody_is_told_to_act_where_they_may_not(plymouth_plan, demo_user, django_capture_on_commit_callbacks):
    from partnerships.models import Role

    Role.objects.create(user=demo_user("officer.plymouth"), kind="executive", partnership=plymouth_plan.partnership)
    with django_capture_on_commit_callbacks(execute=True):
        plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    assert _recipients() == ["exec.plymouth@example.org"], "the submitter may not agree their own submission"


def test_a_decision_that_fails_sends_nothing(plymouth_plan, demo_user, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        plan_decide(plan=plymouth_plan, by=demo_user("board.plymouth"), action="approve")
    assert mail.outbox == []
