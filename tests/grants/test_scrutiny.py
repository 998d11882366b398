"""Issue 9: OPCC scrutiny comments on each funded project (a question, a condition or a note), answered by the
partnership's officer on the plan; both are part of the record and of the decision notice. Refusals and another
partnership's 404s included."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.documents.decision_notice import decision_notice_docx, decision_notice_pdf
from grants.models import CommentAnswer, ScrutinyComment
from grants.services.scrutiny import comment_add, comment_answer
from tests.documents import docx_text, pdf_text
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db


def as_user(client, demo_user, username):
    client.force_login(demo_user(username))
    return client


@pytest.fixture
def under_scrutiny(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="recommend")
    return plymouth_plan


def comment_url(plan, number):
    return reverse("grants:plan-comment", args=[plan.pk, plan.projects.get(number=number).pk])


def test_an_opcc_officer_comments_on_a_line_and_the_officer_answers_on_the_plan(
    client, demo_user, under_scrutiny, django_capture_on_commit_callbacks
):
    plan = under_scrutiny
    as_user(client, demo_user, "opcc.devon")
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Add a scrutiny comment" in page
    form = client.get(comment_url(plan, 5))
    assert form.status_code == 200 and "5. Children and young people" in form.content.decode()
    response = client.post(comment_url(plan, 5), {"kind": "question"})
    assert response.status_code == 200 and "Enter your comment" in response.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            comment_url(plan, 5), {"kind": "question", "text": "Which provider will run the mentoring?"}
        )
    comment = ScrutinyComment.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#comment-{comment.pk}")
    assert (comment.kind, comment.project_number, comment.user_name) == ("question", 5, "Chris Walker")
    [message] = mail.outbox
    assert message.to == ["officer.plymouth@example.org"]
    assert "OPCC scrutiny question on funded project 5" in message.subject
    assert f"/plans/{plan.pk}/#comment-{comment.pk}" in message.body

    as_user(client, demo_user, "officer.plymouth")
    home = client.get(reverse("home")).content.decode()
    assert "OPCC questions waiting for your answer (1)" in home
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Which provider will run the mentoring?" in page and "Not answered yet" in page
    answer_url = reverse("grants:comment-answer", args=[plan.pk, comment.pk])
    assert answer_url in page
    assert client.post(answer_url, {"text": ""}).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(answer_url, {"text": "The provider the PCC already contracts."}, follow=True)
    content = response.content.decode()
    assert "Answer sent to Chris Walker." in content and "The provider the PCC already contracts." in content
    assert "Not answered yet" not in content
    [message] = mail.outbox
    assert message.to == ["opcc.devon@example.org"] and "answer to your question" in message.subject
    assert "OPCC questions waiting for your answer" not in client.get(reverse("home")).content.decode()

    # The reviewer sees both on the decision page, then recommends.
    as_user(client, demo_user, "opcc.devon")
    decide = client.get(reverse("grants:plan-decide", args=[plan.pk, "recommend"])).content.decode()
    assert "Which provider will run the mentoring?" in decide and "The provider the PCC already contracts." in decide
    assert "not been answered yet" not in decide


def test_the_recommend_page_warns_of_unanswered_questions(client, demo_user, under_scrutiny):
    comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=1),
        kind="question",
        text="Is the contract extended?",
    )
    as_user(client, demo_user, "opcc.devon")
    content = client.get(reverse("grants:plan-decide", args=[under_scrutiny.pk, "recommend"])).content.decode()
    assert "1 question to the partnership has not been answered yet." in content


@pytest.mark.parametrize("username", ["officer.plymouth", "board.plymouth", "pcc.devon", "treasurer.devon"])
def test_only_the_opcc_can_comment(client, demo_user, under_scrutiny, username):
    as_user(client, demo_user, username)
    assert "Add a scrutiny comment" not in client.get(under_scrutiny.get_absolute_url()).content.decode()
    response = client.get(comment_url(under_scrutiny, 1))
    assert response.status_code == 403
    assert "Only an OPCC officer of Devon &amp; Cornwall can add scrutiny comments." in response.content.decode()
    assert client.post(comment_url(under_scrutiny, 1), {"kind": "note", "text": "x"}).status_code == 403
    assert not ScrutinyComment.objects.exists()


def test_no_comment_on_a_draft_or_after_the_opcc_recommended(client, demo_user, plymouth_plan):
    opcc = demo_user("opcc.devon")
    line = plymouth_plan.projects.get(number=1)
    with pytest.raises(ValidationError, match="while the plan is with its reviewers"):
        comment_add(plan=plymouth_plan, by=opcc, project=line, kind="note", text="Early.")
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    as_user(client, demo_user, "opcc.devon")
    assert client.get(comment_url(plymouth_plan, 1)).status_code == 403


def test_comments_of_another_partnership_or_force_area_are_not_found(client, demo_user, under_scrutiny):
    comment = comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=1),
        kind="note",
        text="Noted.",
    )
    answer_url = reverse("grants:comment-answer", args=[under_scrutiny.pk, comment.pk])
    for username in ("officer.southglos", "board.southglos", "opcc.avon"):
        as_user(client, demo_user, username)
        assert client.get(under_scrutiny.get_absolute_url()).status_code == 404, username
        assert client.get(comment_url(under_scrutiny, 1)).status_code == 404, username
        assert client.get(answer_url).status_code == 404, username
        assert client.post(answer_url, {"text": "Mine."}).status_code == 404, username
    assert not CommentAnswer.objects.exists()


def test_a_comment_of_another_plan_is_not_found_under_this_one(client, demo_user, under_scrutiny, southglos_plan):
    comment = comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=1),
        kind="note",
        text="Noted.",
    )
    as_user(client, demo_user, "officer.southglos")
    url = reverse("grants:comment-answer", args=[southglos_plan.pk, comment.pk])
    assert client.get(url).status_code == 404


def test_only_the_partnerships_officers_answer_and_not_once_the_plan_is_approved(client, demo_user, under_scrutiny):
    comment = comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=1),
        kind="question",
        text="Why?",
    )
    url = reverse("grants:comment-answer", args=[under_scrutiny.pk, comment.pk])
    for username in ("board.plymouth", "opcc.devon"):
        as_user(client, demo_user, username)
        assert client.post(url, {"text": "Because."}).status_code == 403
    drive(under_scrutiny, demo_user, PLYMOUTH_PATH[4:])
    with pytest.raises(ValidationError, match="can no longer be answered"):
        comment_answer(comment=comment, by=demo_user("officer.plymouth"), text="Late.")


def test_comments_and_answers_are_part_of_the_record(demo_user, under_scrutiny):
    comment = comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=1),
        kind="condition",
        text="Quarterly returns to the OPCC.",
    )
    answer = comment_answer(comment=comment, by=demo_user("officer.plymouth"), text="Agreed.")
    comment.text = "Changed."
    with pytest.raises(ValidationError, match="cannot be changed"):
        comment.save()
    answer.text = "Changed."
    with pytest.raises(ValidationError, match="cannot be changed"):
        answer.save()


def test_the_decision_notice_carries_the_comments_and_answers(demo_user, under_scrutiny):
    comment = comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=5),
        kind="question",
        text="Which provider will run the mentoring?",
    )
    comment_answer(comment=comment, by=demo_user("officer.plymouth"), text="The provider the PCC contracts.")
    comment_add(
        plan=under_scrutiny,
        by=demo_user("opcc.devon"),
        project=under_scrutiny.projects.get(number=1),
        kind="condition",
        text="Quarterly performance returns to the OPCC.",
    )
    drive(under_scrutiny, demo_user, PLYMOUTH_PATH[4:])
    for text in (docx_text(decision_notice_docx(under_scrutiny)), pdf_text(decision_notice_pdf(under_scrutiny))):
        flat = " ".join(text.split())
        assert "OPCC scrutiny comments and the partnership's answers" in flat
        assert "Which provider will run the mentoring?" in flat
        assert "The provider the PCC contracts." in flat
        assert "OPCC condition on funded project 1, Plymouth Domestic Abuse Service (Chris Walker):" in flat
        assert "No conditions beyond the conditions of grant." not in flat
