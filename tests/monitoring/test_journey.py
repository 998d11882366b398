"""The issue's journey through the test client: after Plymouth's 2020/21 plan is approved, the officer enters Q1
for the domestic abuse service; the page shows green, red, green and spend at 25% of £210,000.00; a second
partnership user certifies; the OPCC queries; the officer answers; the certifier certifies again; the OPCC accepts.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _form_data(client, url, **figures):
    """The return's form as the page serves it, with the figures typed into the measures found by their words."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, "")
        data[name] = "" if value is None else value
        for words, figure in figures.items():
            if name.startswith("measure_") and words in field.label:
                data[name] = figure
    return data


def _rating(page, words):
    html = page.content.decode()
    row = re.search(rf"{re.escape(words)}.*?data-rag=\"(\w+)\"", html, re.S)
    return row.group(1)


def test_q1_return_from_entry_to_acceptance(client, demo_user, q1_return, django_capture_on_commit_callbacks):
    officer, finance, opcc = demo_user("officer.plymouth"), demo_user("finance.plymouth"), demo_user("opcc.devon")
    url = reverse("grants:return", args=[q1_return.pk])
    edit = reverse("grants:return-edit", args=[q1_return.pk])

    client.force_login(officer)
    data = _form_data(
        client,
        edit,
        **{
            "75% or above victims referred": "78",
            "Re-referral rate": "22",
            "exiting the service": "91",
            "100% of victims engaging": "100",
            "Staff trained are satisfied": "All twelve staff trained this quarter rated the training good or better.",
        },
    )
    data["spend_in_period"] = "£52,500"
    response = client.post(edit, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""

    page = client.get(url)
    assert _rating(page, "75% or above victims referred") == "green"
    assert _rating(page, "Re-referral rate is below 20%") == "red"
    assert _rating(page, "90% of victims exiting") == "green"
    assert "£52,500.00 (25% of £210,000.00)" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:return-act", args=[q1_return.pk, "submit"]), {"comments": ""})
    assert response.status_code == 302
    assert any("finance.plymouth@example.org" in m.to for m in mail.outbox)

    # The officer cannot certify their own return (nor could they: they are not a certifier).
    assert client.get(reverse("grants:return-act", args=[q1_return.pk, "certify"])).status_code == 403

    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("grants:return-act", args=[q1_return.pk, "certify"]), {}).status_code == 302

    client.force_login(opcc)
    query = reverse("grants:return-act", args=[q1_return.pk, "query"])
    assert client.post(query, {"comments": ""}).status_code == 200  # a query needs words
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(query, {"comments": "Why did re-referrals rise?"})
    assert [m.to for m in mail.outbox] == [["officer.plymouth@example.org"]]

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("grants:return-act", args=[q1_return.pk, "submit"]),
            {"comments": "Two families re-referred after moving back to the area."},
        )
    assert response.status_code == 302

    client.force_login(finance)
    assert client.post(reverse("grants:return-act", args=[q1_return.pk, "certify"]), {}).status_code == 302

    client.force_login(opcc)
    staff = q1_return.project.outcome_measures.get(description="Staff trained are satisfied")
    accept = reverse("grants:return-act", args=[q1_return.pk, "accept"])
    assert "Your judgement of “Staff trained are satisfied”" in client.get(accept).content.decode()
    assert client.post(accept, {f"judgement_{staff.pk}": "green"}).status_code == 302
    page = client.get(url)
    assert "Accepted by the OPCC" in page.content.decode()
    assert _rating(page, "Staff trained are satisfied") == "green"  # the reviewer's judgement
    q1_return.refresh_from_db()
    assert list(q1_return.steps.values_list("action", flat=True)) == [
        "save",
        "submit",
        "certify",
        "query",
        "submit",
        "certify",
        "accept",
    ]


def test_every_page_of_reporting_answers(client, demo_user, q1_return):
    client.force_login(demo_user("opcc.devon"))
    assert client.get(reverse("grants:returns", args=[q1_return.period.award_id])).status_code == 200
    assert client.get(reverse("grants:reporting-rules", args=["devon-and-cornwall"])).status_code == 200
    client.force_login(demo_user("officer.southglos"))
    assert client.get(reverse("grants:return", args=[q1_return.pk])).status_code == 404


def test_the_performance_pack_page_and_pdf_show_the_return(client, demo_user, q1_return):
    from decimal import Decimal as D

    from grants.services import returns as service
    from tests.documents import pdf_text

    officer = demo_user("officer.plymouth")
    results = {}
    for measure in q1_return.project.outcome_measures.all():
        figure = {"75% or above": "78", "Re-referral": "22", "90% of victims": "91"}
        value = next((D(v) for words, v in figure.items() if measure.description.startswith(words)), D("100"))
        results[measure.pk] = (value, "") if measure.is_numeric else (None, "Staff satisfied.")
    service.return_save(
        performance_return=q1_return,
        by=officer,
        spend_in_period=D("52500"),
        forecasts={},
        results=results,
        went_well="78% of victims referred engaged.",
    )
    client.force_login(demo_user("opcc.devon"))
    award = q1_return.period.award_id
    page = client.get(reverse("grants:performance-pack", args=[award, 1])).content.decode()
    assert "78% of victims referred engaged." in page
    assert "Red: 1. Plymouth Domestic Abuse Service, “Re-referral rate is below 20%”: 22% against below 20%." in page
    pdf = client.get(reverse("grants:performance-pack-pdf", args=[award, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Performance pack" in text and "£52,500.00" in text and "78% of victims referred engaged." in text
    assert "Re-referral rate is below 20%" in text
    from tests.documents import docx_text

    word = client.get(reverse("grants:performance-pack-docx", args=[award, 1]))
    text = docx_text(word.content)
    assert "78% of victims referred engaged." in text and "£52,500.00 (25%)" in text
    assert text.index("What the projects say") < text.index("RAG summary") < text.index("Exceptions")
    area = client.get(reverse("grants:reporting-rules", args=["devon-and-cornwall"])).content.decode()
    assert "£377,568.00" in area and "£52,500.00 (13.9%)" in area  # the plan's spend across its six projects
    client.force_login(demo_user("officer.southglos"))
    assert client.get(reverse("grants:performance-pack", args=[award, 1])).status_code == 404


def test_a_figure_that_is_not_a_number_is_shown_beside_its_field(client, demo_user, q1_return):
    client.force_login(demo_user("officer.plymouth"))
    edit = reverse("grants:return-edit", args=[q1_return.pk])
    data = _form_data(client, edit, **{"Re-referral rate": "twenty"})
    data["spend_in_period"] = "lots"
    page = client.post(edit, data)
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert "Enter re-referral rate is below 20% as a number" in html
    assert "Enter the spend in the period in pounds" in html
    q1_return.refresh_from_db()
    assert q1_return.status == "not_started"  # nothing half-saved


def test_the_opccs_amber_tolerance_turns_a_near_miss_amber(client, demo_user, q1_return):
    client.force_login(demo_user("opcc.devon"))
    rules = reverse("grants:reporting-rules", args=["devon-and-cornwall"])
    response = client.post(
        rules,
        {
            "months_per_period": "3",
            "working_days_to_report": "20",
            "reminder_working_days": "5",
            "amber_tolerance": "3",
        },
    )
    assert response.status_code == 302
    client.force_login(demo_user("officer.plymouth"))
    edit = reverse("grants:return-edit", args=[q1_return.pk])
    data = _form_data(client, edit, **{"Re-referral rate": "22", "75% or above victims": "71"})
    client.post(edit, data)
    page = client.get(reverse("grants:return", args=[q1_return.pk]))
    assert _rating(page, "Re-referral rate is below 20%") == "amber"  # 22 < 20 + 3
    assert _rating(page, "75% or above victims referred") == "red"  # 71 < 75 - 3
    client.force_login(demo_user("pcc.devon"))  # the PCC reads the rules but does not change them
    assert client.post(rules, {"amber_tolerance": "0"}).status_code == 403
