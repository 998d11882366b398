"""Issue 8's journey, through the test client as the users would go: Safer Plymouth's plan is approved, the
officer starts a variation that moves £3,000 between lines and submits it; the dashboard and the Police and
Crime Panel report show the approved figures with the variation beside them, and the board paper of the approved
version shows each line approved, with its date."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from grants.models import SpendingPlan
from tests.documents import docx_text, pdf_text
from tests.forms import form_data
from tests.workflow import PLYMOUTH_PATH

pytestmark = pytest.mark.django_db
Status = SpendingPlan.Status


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(" ,", ",")


def decide(client, demo_user, plan, action, username, **fields):
    client.force_login(demo_user(username))
    plan.refresh_from_db()
    url = reverse("grants:plan-decide", args=[plan.pk, action])
    assert client.get(url).status_code == 200
    response = client.post(url, {"comments": "", "conditions": "", "expected_status": plan.status, **fields})
    assert response.status_code == 302, text_of(response)[:2000]


def move_money(client, variation, number, amount):
    project = variation.projects.get(number=number)
    url = reverse("grants:project-edit", args=[variation.pk, project.pk])
    data = form_data(client.get(url).content.decode())
    data["amount_allocated"] = amount
    data["save"] = "1"
    response = client.post(url, data)
    assert response.status_code == 302, text_of(response)[:3000]


def test_an_approved_plan_stays_in_force_beside_its_variation_on_every_page(client, demo_user, plymouth_plan):
    # The plan goes round the whole path, the board attaching a condition.
    for action, username in PLYMOUTH_PATH:
        conditions = {"conditions": "Quarterly performance returns to the board."} if action == "approve" else {}
        decide(client, demo_user, plymouth_plan, action, username, **conditions)
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.APPROVED
    approved_on = timezone.localtime(plymouth_plan.decisions.get(to_status=Status.APPROVED).decided_at)

    # The officer starts a variation and moves £3,000 from line 3 to line 5, then submits it.
    client.force_login(demo_user("officer.plymouth"))
    assert client.post(reverse("grants:plan-vary", args=[plymouth_plan.pk])).status_code == 302
    variation = SpendingPlan.objects.get(award=plymouth_plan.award, version=2)
    move_money(client, variation, 3, "£90,575.00")
    move_money(client, variation, 5, "£13,000.00")
    variation.refresh_from_db()
    assert variation.allocated == Decimal("377568.00")
    decide(client, demo_user, variation, "submit", "officer.plymouth")
    variation.refresh_from_db()
    assert variation.status == Status.SUBMITTED

    # The dashboard: version 1's committed figures, version 2 beside them with its status.
    client.force_login(demo_user("opcc.devon"))
    dashboard = client.get(reverse("grants:oversight-dashboard", kwargs={"area": "devon-and-cornwall"}))
    row = dashboard.content.decode().split('id="csp-safer-plymouth"')[1].split("</tr>")[0]
    row_text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).replace(" ,", ",")
    assert "Version 1, in force Approved" in row_text and "Version 2 Submitted" in row_text
    assert "£377,568.00" in row_text and "£23,000.00" in row_text and "£44,450.00" in row_text
    assert "Version 2: £377,568.00 (£0.00), proposed, not yet approved" in row_text
    totals = dashboard.content.decode().split('id="dashboard-totals"')[1].split("</tr>")[0]
    assert "£377,568.00" in totals and "1 in force, 1 awaiting approval" in totals
    # The money by priority is version 1's: line 5 (priorities 1, 2, 3, 4 and 5) still has £10,000 there.
    alignment = dashboard.content.decode().split('id="priority-table"')[1].split("</table>")[0]
    assert "£48,993.00" in alignment  # priority 1, as approved

    # The Panel report, page, Word and PDF: the approved figures, and the variation listed apart.
    url = reverse("grants:panel-report", kwargs={"area": "devon-and-cornwall", "year": "2020/21"})
    page = text_of(client.get(url))
    for text in (page, docx_text(client.get(url + "?format=docx").content)):
        assert "£377,568.00" in text and "£23,000.00" in text
        assert "Spending plans awaiting approval" in text and "Submitted" in text
    pdf = re.sub(r"\s+", " ", pdf_text(client.get(url + "?format=pdf").content))
    assert "Version 1, approved" in pdf and "Spending plans awaiting approval" in pdf and "Submitted" in pdf
    assert "Version 1, approved £377,568.00 £23,000.00 £44,450.00" in pdf

    # The board paper of the approved version: every line approved, with its date and who signed it off.
    client.force_login(demo_user("officer.plymouth"))
    board_paper = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])
    word = docx_text(client.get(board_paper).content)
    assert "Not yet approved" not in word
    date = f"{approved_on:%-d %B %Y}"
    assert word.count(f"Approved\n{date}\nSigned off by the Police and Crime Commissioner and the Treasurer") == 6
    assert "Conditions (Board): Quarterly performance returns to the board." in word
    pdf = pdf_text(client.get(reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "pdf"])).content)
    assert "Not yet approved" not in pdf and pdf.count(date) >= 6

    # The variation's board paper: moved lines not yet approved, the others approved in version 1.
    word = docx_text(client.get(reverse("grants:plan-download", args=[variation.pk, "board-paper", "docx"])).content)
    assert word.count("Changed since version 1: not yet approved") == 2
    assert word.count(f"{date}, in version 1") == 4
