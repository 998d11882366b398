"""The funder is a body with its own titles: where a mayor holds the area's police and crime functions, the sign-off
buttons, the approval trail, the decision records, the e-mails, the decision notice, the board paper and the public
pages say "Deputy Mayor for Policing and Crime" and "Chief Finance Officer". Decisions and publications keep the
name and titles in force when they were made. The order of the final sign-off is configured per area, within the
workflow table."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from grants import workflow
from grants.documents.board_paper import board_paper_docx
from grants.documents.decision_notice import decision_notice_docx, decision_notice_pdf
from grants.inbox import awaiting_decision as inbox
from grants.services.threesixty import release_for, threesixty_package
from grants.services.workflow import plan_decide
from partnerships.models import ForceArea, FunderBody
from partnerships.services import funder_body_change, sign_off_order_set
from tests.documents import docx_text, pdf_text
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db

MOPAC = "Mayor's Office for Policing and Crime (test)"
DMPC = "Deputy Mayor for Policing and Crime"
CFO = "Chief Finance Officer"


def devon(**fields) -> ForceArea:
    return ForceArea.objects.get(slug="devon-and-cornwall")


def mayor_from(day: datetime.date) -> FunderBody:
    """From `day`, a mayor holds Devon & Cornwall's police and crime functions (the test area whose funder is a
    mayor: the seed's plans, under a mayor's titles)."""
    return funder_body_change(
        force_area=devon(), starts_on=day, kind="mayor", name=MOPAC, holder_name="A. Mayor", holder_title="Mayor"
    )


def test_a_mayors_titles_are_the_usual_ones_of_the_kind(demo):
    body = mayor_from(datetime.date(2025, 1, 1))
    assert (body.decision_maker_title, body.finance_officer_title) == (DMPC, CFO)
    area = devon()
    assert area.funder == body
    old = area.funder_on(datetime.date(2020, 4, 1))
    assert old.name == "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"
    assert old.ends_on == datetime.date(2024, 12, 31)


def test_the_sign_offs_pages_and_documents_use_the_mayors_titles(
    client, demo, demo_user, plymouth_plan, django_capture_on_commit_callbacks
):
    mayor_from(datetime.date(2025, 1, 1))
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    assert plymouth_plan.waiting_for == f"the {DMPC} and the {CFO}"

    client.force_login(demo_user("pcc.devon"))
    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert f"Sign off as {DMPC}" in page
    assert f"{DMPC}, Devon &amp; Cornwall" in page  # the header's role
    assert "Sign off as Police and Crime Commissioner" not in page
    decide = client.get(reverse("grants:plan-decide", args=[plymouth_plan.pk, "sign_off_pcc"])).content.decode()
    assert f"both the {DMPC} and the {CFO} have signed off" in decide
    home = client.get(reverse("home")).content.decode()
    assert f"Sign off as {DMPC}" in home

    with django_capture_on_commit_callbacks(execute=True):
        drive(plymouth_plan, demo_user, PLYMOUTH_PATH[5:])
    decisions = {d.action: d for d in plymouth_plan.decisions.all()}
    assert decisions["sign_off_pcc"].role_title == DMPC and decisions["sign_off_treasurer"].role_title == CFO
    assert decisions["sign_off_pcc"].action_display == f"Signed off by the {DMPC}"
    approved = [m for m in mail.outbox if "has been approved" in m.subject]
    assert approved and f"approved by the {DMPC} and the {CFO}" in approved[0].subject

    page = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert f"Signed off by the {DMPC}" in page and f"Signed off by the {CFO}" in page
    notice = plymouth_plan.decision_notice
    assert notice.funder_name == MOPAC
    word = docx_text(decision_notice_docx(plymouth_plan))
    for expected in (f"{DMPC} decision DC/2020-21/001", MOPAC, CFO, f"The {DMPC}, Devon & Cornwall approves"):
        assert expected in word, expected
    assert "Police and Crime Commissioner decision" not in word
    pdf = " ".join(pdf_text(decision_notice_pdf(plymouth_plan)).split())
    assert f"{DMPC} decision DC/2020-21/001" in pdf and CFO in pdf
    paper = docx_text(board_paper_docx(plymouth_plan))
    assert DMPC in paper and CFO in paper


def test_decisions_and_publications_keep_the_titles_in_force_when_made(demo, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="sign_off_treasurer")  # the PCC signs under the PCC's titles
    mayor_from(timezone.localdate())  # a mayor takes over today
    plan_decide(plan=plymouth_plan, by=demo_user("treasurer.devon"), action="sign_off_treasurer")
    plymouth_plan.refresh_from_db()
    notice = plymouth_plan.decision_notice
    assert notice.pcc_decision.role_title == "Police and Crime Commissioner"
    assert notice.treasurer_decision.role_title == CFO
    text = docx_text(decision_notice_docx(plymouth_plan))
    assert "Police and Crime Commissioner decision DC/2020-21/001" in text
    # The 2020/21 grant was made under the PCC: it is published under the PCC's office, not the mayor's.
    package = threesixty_package(release_for(force_area=devon()))
    assert package["grants"][0]["fundingOrganization"][0]["name"].startswith("Office of the Police and Crime")


def test_the_public_page_names_the_body_in_force(client, demo):
    mayor_from(datetime.date(2025, 1, 1))
    page = client.get(reverse("grants:published", kwargs={"area": "devon-and-cornwall"})).content.decode()
    assert "A. Mayor, Mayor" in page


def test_a_change_of_funder_never_rewrites_the_past(demo):
    mayor_from(datetime.date(2025, 1, 1))
    with pytest.raises(Exception, match="must start after"):
        funder_body_change(force_area=devon(), starts_on=datetime.date(2024, 6, 1), kind="board", name="Board")
    assert devon().funder.name == MOPAC


# --- the order of the final sign-off, per area ------------------------------------------------------------------


def test_an_area_may_have_its_finance_officer_sign_off_first(demo, demo_user, plymouth_plan):
    sign_off_order_set(force_area=devon(), order=ForceArea.SignOffOrder.FINANCE_FIRST)
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    assert plymouth_plan.finance_officer_first
    assert plymouth_plan.waiting_for == "the Treasurer"
    pcc, treasurer = demo_user("pcc.devon"), demo_user("treasurer.devon")
    verdict = workflow.check(plymouth_plan, pcc, "sign_off_pcc")
    assert not verdict and "comes after the Treasurer's sign-off" in verdict.reason
    assert plymouth_plan.pk not in [item.plan.pk for item in inbox(pcc)]
    assert plymouth_plan.pk in [item.plan.pk for item in inbox(treasurer)]
    plan_decide(plan=plymouth_plan, by=treasurer, action="sign_off_treasurer")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.waiting_for == "the Police and Crime Commissioner"
    assert plymouth_plan.pk in [item.plan.pk for item in inbox(pcc)]
    plan_decide(plan=plymouth_plan, by=pcc, action="sign_off_pcc")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == "approved"


def test_a_plan_keeps_the_order_in_force_when_it_was_submitted(demo, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    sign_off_order_set(force_area=devon(), order=ForceArea.SignOffOrder.FINANCE_FIRST)
    plymouth_plan.refresh_from_db()
    assert workflow.check(plymouth_plan, demo_user("pcc.devon"), "sign_off_pcc")  # still in either order


def test_the_panel_report_comes_from_the_body_in_force(client, demo, demo_user):
    mayor_from(datetime.date(2025, 1, 1))
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:panel-report", kwargs={"area": "devon-and-cornwall", "year": "2020/21"})
    assert f"Police and Crime Panel from {MOPAC}" in docx_text(client.get(url + "?format=docx").content)
    assert f"Police and Crime Panel from {MOPAC}" in " ".join(pdf_text(client.get(url + "?format=pdf").content).split())
