"""The workflow's pages through the Django test client: the plan page's calls to action and trail, the decision
pages with their confirmation step, errors and refusals, declarations, variations and the decision notice."""

import pytest
from django.urls import reverse

from grants.documents.word import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from grants.models import InterestDeclaration, SpendingPlan
from tests.workflow import drive

pytestmark = pytest.mark.django_db
Status = SpendingPlan.Status


def decide_url(plan, action):
    return reverse("grants:plan-decide", args=[plan.pk, action])


def signed_in(client, demo_user, username):
    client.force_login(demo_user(username))
    return client


def test_the_officer_submits_from_the_plan_page_through_a_confirmation_step(client, demo_user, plymouth_plan):
    signed_in(client, demo_user, "officer.plymouth")
    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "Your decision" in page and decide_url(plymouth_plan, "submit") in page
    confirm = client.get(decide_url(plymouth_plan, "submit"))
    assert confirm.status_code == 200
    content = confirm.content.decode()
    assert "The plan will go to the executive group" in content and "£377,568.00" in content
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.DRAFT, "opening the page decides nothing"
    response = client.post(
        decide_url(plymouth_plan, "submit"), {"comments": "", "expected_status": "draft"}, follow=True
    )
    assert response.redirect_chain[-1][0] == plymouth_plan.get_absolute_url()
    content = response.content.decode()
    assert "Plan submitted to the executive group." in content
    assert "Waiting for the executive group" in content
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.SUBMITTED


def test_a_plan_that_does_not_add_up_shows_why_it_cannot_be_submitted(client, demo_user, plymouth_plan):
    plymouth_plan.projects.get(number=4).sub_items.get(label="D").delete()
    signed_in(client, demo_user, "officer.plymouth")
    content = client.get(decide_url(plymouth_plan, "submit")).content.decode()
    assert "The plan cannot be submitted yet" in content
    assert "The sub-items add up to £17,000.00, £8,000.00 less than the amount allocated of £25,000.00" in content
    assert 'name="decide"' not in content


def test_a_reviewer_sees_one_call_to_action_and_never_an_edit_control(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    content = signed_in(client, demo_user, "board.plymouth").get(plymouth_plan.get_absolute_url()).content.decode()
    assert "Approve for the board" in content and "Return for changes" in content
    assert "Submit the spending plan" not in content and "Agree on behalf" not in content
    assert "Declare an interest in a funded project" in content


def test_someone_who_cannot_decide_is_told_why(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="agree")
    signed_in(client, demo_user, "board.plymouth")
    response = client.get(decide_url(plymouth_plan, "approve"))
    assert response.status_code == 403
    assert "this plan is waiting for the executive group" in response.content.decode()
    response = client.post(decide_url(plymouth_plan, "approve"), {"expected_status": "submitted"})
    assert response.status_code == 403
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.SUBMITTED and plymouth_plan.decisions.count() == 1


def test_the_officer_who_submitted_and_sits_on_the_board_is_told_someone_else_must_approve(
    client, demo_user, plymouth_plan
):
    from partnerships.models import Role

    officer = demo_user("officer.plymouth")
    Role.objects.create(user=officer, kind="board", partnership=plymouth_plan.partnership)
    drive(plymouth_plan, demo_user, until="approve")
    client.force_login(officer)
    content = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "You have already acted on this version (submitted)" in content
    assert decide_url(plymouth_plan, "approve") not in content


@pytest.mark.parametrize("username", ["officer.southglos", "board.southglos", "opcc.avon", "pcc.avon"])
def test_people_of_another_partnership_or_force_area_find_nothing(client, demo_user, plymouth_plan, username):
    drive(plymouth_plan, demo_user, until="approve")
    signed_in(client, demo_user, username)
    for url in (
        decide_url(plymouth_plan, "approve"),
        reverse("grants:plan-declare-interest", args=[plymouth_plan.pk]),
        reverse("grants:plan-vary", args=[plymouth_plan.pk]),
        reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "pdf"]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(decide_url(plymouth_plan, "approve"), {"expected_status": "executive_agreed"}).status_code == 404
    assert plymouth_plan.decisions.filter(action="approve").count() == 0


def test_the_site_administrator_cannot_decide_through_the_pages(client, demo_user, plymouth_plan):
    signed_in(client, demo_user, "admin")
    assert client.get(decide_url(plymouth_plan, "submit")).status_code == 403
    assert client.post(decide_url(plymouth_plan, "submit"), {"expected_status": "draft"}).status_code == 403


def test_an_unknown_decision_is_not_found(client, demo_user, plymouth_plan):
    assert signed_in(client, demo_user, "officer.plymouth").get(decide_url(plymouth_plan, "publish")).status_code == 404


def test_returning_needs_comments_shown_beside_the_box_and_in_a_summary(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="agree")
    signed_in(client, demo_user, "exec.plymouth")
    response = client.post(decide_url(plymouth_plan, "return"), {"comments": " ", "expected_status": "submitted"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content and "Say what needs to change and why" in content
    assert "<title>Error: Return for changes" in content
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.SUBMITTED


def test_a_return_sends_the_comment_back_to_the_officer(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="recommend")
    signed_in(client, demo_user, "opcc.devon")
    response = client.post(
        decide_url(plymouth_plan, "return"),
        {"comments": "Line 5 needs a named provider.", "expected_status": "opcc_scrutiny"},
        follow=True,
    )
    assert "Plan returned for changes. The officer who submitted it has been told." in response.content.decode()
    signed_in(client, demo_user, "officer.plymouth")
    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "returned this plan for changes" in page and "Line 5 needs a named provider." in page
    home = client.get(reverse("home")).content.decode()
    assert "Line 5 needs a named provider." in home and "Returned by Chris Walker" in home


def test_a_decision_overtaken_by_someone_else_is_not_recorded(client, demo_user, plymouth_plan):
    from partnerships.models import Role

    other = demo_user("officer.southglos")
    Role.objects.create(user=other, kind="executive", partnership=plymouth_plan.partnership)
    drive(plymouth_plan, demo_user, until="agree")
    # Both executive members opened the page while the plan was submitted; the first agrees.
    signed_in(client, demo_user, "exec.plymouth").post(
        decide_url(plymouth_plan, "agree"), {"expected_status": "submitted"}
    )
    client.force_login(other)
    response = client.post(decide_url(plymouth_plan, "agree"), {"expected_status": "submitted"})
    assert response.status_code == 409
    assert "Someone else has acted on this plan since you opened it" in response.content.decode()
    assert plymouth_plan.decisions.filter(action="agree").count() == 1


def test_the_plan_page_shows_the_trail_conditions_declarations_and_the_approved_column(
    client, demo_user, plymouth_plan
):
    from grants.services.workflow import plan_decide, plan_declare_interest

    drive(plymouth_plan, demo_user, until="approve")
    board = demo_user("board.plymouth")
    plan_declare_interest(
        plan=plymouth_plan, by=board, project=plymouth_plan.projects.get(number=2), interest="Trustee of First Light"
    )
    plan_decide(plan=plymouth_plan, by=board, action="approve", conditions="- Subject to quarterly returns")
    from tests.workflow import PLYMOUTH_PATH

    drive(plymouth_plan, demo_user, PLYMOUTH_PATH[3:])
    content = signed_in(client, demo_user, "officer.plymouth").get(plymouth_plan.get_absolute_url()).content.decode()
    for text in (
        "Approval trail",
        "Submitted",
        "Agreed by the executive group",
        "Approved by the board",
        "Recommended by the OPCC",
        "Signed off by the Police and Crime Commissioner",
        "Signed off by the Treasurer",
        "Subject to quarterly returns",
        "Trustee of First Light",
        "Decision notice",
        "DC/2020-21/001",
    ):
        assert text in content, text
    table = content.split('id="plan-table"')[1].split("</table>")[0]
    assert table.count('govuk-tag--green">Approved</strong>') == 6, "every line shows it is approved"
    assert "Interest declared</strong> by Sam Taylor" in content
    assert "Start a variation" in content


def test_declaring_an_interest_from_the_decision_page_comes_back_to_it(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    signed_in(client, demo_user, "board.plymouth")
    url = reverse("grants:plan-declare-interest", args=[plymouth_plan.pk])
    back = decide_url(plymouth_plan, "approve")
    assert client.get(url, {"next": back}).status_code == 200
    response = client.post(url, {"next": back})
    assert (
        response.status_code == 200
        and "Choose the funded project you have an interest in." in response.content.decode()
    )
    line = plymouth_plan.projects.get(number=3)
    response = client.post(
        url, {"next": back, "project": line.pk, "interest": "My partner works there.", "prejudicial": "no"}
    )
    assert response.status_code == 302 and response.url == back
    assert InterestDeclaration.objects.get().project == line
    content = client.get(back).content.decode()
    assert "You have declared 1 interest: it will be recorded with this decision." in content


def test_declaring_never_redirects_to_another_site(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    signed_in(client, demo_user, "board.plymouth")
    line = plymouth_plan.projects.get(number=3)
    response = client.post(
        reverse("grants:plan-declare-interest", args=[plymouth_plan.pk]),
        {"next": "https://evil.example.org/", "project": line.pk, "interest": "x", "prejudicial": "no"},
    )
    assert response.url == plymouth_plan.get_absolute_url()


@pytest.mark.parametrize("username", ["officer.plymouth", "admin"])
def test_only_reviewers_can_open_the_declaration_page(client, demo_user, plymouth_plan, username):
    drive(plymouth_plan, demo_user, until="approve")
    signed_in(client, demo_user, username)
    assert client.get(reverse("grants:plan-declare-interest", args=[plymouth_plan.pk])).status_code == 403


def test_the_decision_notice_downloads_once_the_plan_is_approved(client, demo_user, plymouth_plan):
    signed_in(client, demo_user, "opcc.devon")
    url_pdf = reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "pdf"])
    url_docx = reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "docx"])
    assert client.get(url_pdf).status_code == 404
    drive(plymouth_plan, demo_user)
    response = client.get(url_pdf)
    assert response.status_code == 200 and response["Content-Type"] == PDF_CONTENT_TYPE
    assert response.content.startswith(b"%PDF")
    assert 'filename="decision-notice-DC-2020-21-001.pdf"' in response["Content-Disposition"]
    response = client.get(url_docx)
    assert response.status_code == 200 and response["Content-Type"] == DOCX_CONTENT_TYPE
    assert client.get(reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "odt"])).status_code == 404


def test_the_officer_starts_a_variation_of_the_approved_plan(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user)
    signed_in(client, demo_user, "officer.plymouth")
    url = reverse("grants:plan-vary", args=[plymouth_plan.pk])
    content = client.get(url).content.decode()
    assert "Start a variation" in content and "£23,000.00" in content
    response = client.post(url, follow=True)
    variation = SpendingPlan.objects.get(award=plymouth_plan.award, version=2)
    assert response.redirect_chain[-1][0] == variation.get_absolute_url()
    content = response.content.decode()
    assert "Version 2 started as a copy of version 1" in content
    assert "What version 2 changes" in content and "No changes yet." in content
    assert "Versions of this plan" in content
    # Version 1 stays readable and approved; it cannot be varied twice.
    assert client.get(plymouth_plan.get_absolute_url()).status_code == 200
    response = client.get(url)
    assert (
        response.status_code == 403 and "Version 2 of this plan has already been started." in response.content.decode()
    )


@pytest.mark.parametrize("username", ["board.plymouth", "opcc.devon"])
def test_only_the_partnerships_officers_start_a_variation(client, demo_user, plymouth_plan, username):
    drive(plymouth_plan, demo_user)
    signed_in(client, demo_user, username)
    assert client.post(reverse("grants:plan-vary", args=[plymouth_plan.pk])).status_code == 403
    assert not SpendingPlan.objects.filter(version=2).exists()


def test_a_draft_cannot_be_varied(client, demo_user, plymouth_plan):
    signed_in(client, demo_user, "officer.plymouth")
    assert client.get(reverse("grants:plan-vary", args=[plymouth_plan.pk])).status_code == 403


def test_the_workflow_pages_have_no_inline_scripts_or_styles(client, demo_user, plymouth_plan):
    import re

    drive(plymouth_plan, demo_user, until="approve")
    pages = {
        "board.plymouth": [
            plymouth_plan.get_absolute_url(),
            decide_url(plymouth_plan, "approve"),
            decide_url(plymouth_plan, "return"),
            decide_url(plymouth_plan, "submit"),  # refused, with the reason
            reverse("grants:plan-declare-interest", args=[plymouth_plan.pk]),
            reverse("grants:minor-variation-path", args=["safer-plymouth"]),
            reverse("home"),
        ],
        "opcc.devon": [reverse("grants:variation-threshold", args=["devon-and-cornwall"])],
    }
    for username, urls in pages.items():
        client.force_login(demo_user(username))
        for url in urls:
            html = client.get(url).content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
            assert "<style" not in html and not re.search(r"\sstyle=", html), url
            assert not re.search(r"\son[a-z]+=", html), url
