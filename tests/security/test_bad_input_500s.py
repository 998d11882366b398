"""Each server error the security probe found on PostgreSQL (SQLite accepted the values), reproduced through the
pages that answered 500, now answered with a message beside the field or against the row and column, with
nothing saved.

The probe's values: a match-funding amount of £99,999,999,999,999; a target of 99999999999999999999 in an
imported sheet (after which the preview answered 500 until another file was uploaded); a NUL byte in an imported
cell and in an indicator heading; a variation threshold of 99999999999999999; a formula weight of 1e30; an
indicator value of 99999999999999999999999.
"""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import FormulaScenario, Indicator, IndicatorValue, SpendingPlan, VariationThreshold
from partnerships.models import Partnership
from tests.grants.editor_helpers import add_project_url, project_data

pytestmark = pytest.mark.django_db

AREA = "devon-and-cornwall"
YEAR = "2021/22"


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def csv_upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def test_a_match_funding_amount_beyond_a_money_column_is_refused_beside_the_field(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    before = plymouth_plan.projects.count()
    data = project_data(
        plymouth_plan,
        match_funding=[{"source": "NHS England", "amount": "£99,999,999,999,999", "note": ""}],
    )
    response = client.post(add_project_url(plymouth_plan), data)
    assert response.status_code == 200
    assert "The match funding amount must be £9,999,999,999.99 or less" in text_of(response)
    assert plymouth_plan.projects.count() == before


PLAN_HEADINGS = "Number,Title,Amount allocated,Outcome measures\n"


def test_an_imported_target_beyond_its_column_is_reported_and_the_preview_keeps_answering(
    client, demo_user, plymouth_plan
):
    client.force_login(demo_user("officer.plymouth"))
    measure = "Fewer repeat offences (target: at least 99999999999999999999)"
    content = PLAN_HEADINGS + f',Youth diversion,"£1,000",{measure}\n'
    upload = reverse("grants:plan-import", args=[plymouth_plan.pk])
    response = client.post(upload, {"file": csv_upload("targets.csv", content), "mode": "add"})
    preview = reverse("grants:plan-import-preview", args=[plymouth_plan.pk])
    assert response.status_code == 302 and response.url == preview
    for _ in range(2):  # the preview answered 500 on every visit until another file was uploaded
        page = client.get(preview)
        assert page.status_code == 200
        assert "Row 2, Outcome measures: '99999999999999999999' is too large" in text_of(page)
    response = client.post(preview, {"revision": str(SpendingPlan.objects.get(pk=plymouth_plan.pk).revision)})
    assert response.status_code == 200
    assert plymouth_plan.projects.count() == 6


def test_a_nul_byte_in_an_imported_cell_is_refused_with_its_row_and_column(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    content = PLAN_HEADINGS + ',Youth\x00diversion,"£1,000",\n'
    response = client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": csv_upload("nul.csv", content), "mode": "add"},
    )
    assert response.status_code == 200
    assert "Row 2, column B: the cell holds a control character" in text_of(response)
    assert "govuk-error-summary" in response.content.decode()
    assert plymouth_plan.projects.count() == 6


def test_a_nul_byte_in_an_indicator_heading_is_refused(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:indicators-import", kwargs={"area": AREA, "year": YEAR})
    response = client.post(url, {"file": csv_upload("i.csv", "Partnership,Popu\x00lation\nSafer Plymouth,1\n")})
    assert response.status_code == 200
    assert "Row 1, column B: the cell holds a control character" in text_of(response)
    assert not Indicator.objects.filter(name__startswith="Popu").exists()


def test_an_indicator_heading_longer_than_an_indicator_name_is_refused(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:indicators-import", kwargs={"area": AREA, "year": YEAR})
    heading = "Population " * 20
    response = client.post(url, {"file": csv_upload("i.csv", f"Partnership,{heading}\nSafer Plymouth,1\n")})
    assert response.status_code == 200
    assert "Row 1, column B: an indicator's heading can be at most 100 characters long (it is 219)" in text_of(response)


def test_a_variation_threshold_beyond_a_money_column_is_refused(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:variation-threshold", args=[AREA])
    response = client.post(url, {"minor_below": "99999999999999999", "note": ""})
    assert response.status_code == 200
    assert "The minor variation threshold must be £9,999,999,999.99 or less" in text_of(response)
    assert not VariationThreshold.objects.exists()


def _indicator(force_area, name="Population"):
    indicator = Indicator.objects.create(force_area=force_area, name=name)
    for partnership in Partnership.objects.filter(force_area=force_area):
        IndicatorValue.objects.create(indicator=indicator, partnership=partnership, financial_year=YEAR, value=100)
    return indicator


@pytest.mark.parametrize("weight", ["1e30", "1000000000000000000000000000000", "-1", "NaN", "Infinity"])
def test_a_formula_weight_that_is_not_a_weight_is_refused(client, demo_user, demo, weight):
    area = Partnership.objects.get(slug="safer-plymouth").force_area
    indicator = _indicator(area)
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:scenario-new", kwargs={"area": AREA, "year": YEAR})
    response = client.post(url, {"name": "Huge", "pot": "£100,000", f"weight-{indicator.pk}": weight})
    assert response.status_code == 200
    assert "Weight for Population" in text_of(response)
    assert "govuk-error-summary" in response.content.decode()
    assert not FormulaScenario.objects.filter(name="Huge").exists()


def test_an_indicator_value_beyond_its_column_is_reported_against_its_row(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:indicators-import", kwargs={"area": AREA, "year": YEAR})
    response = client.post(
        url, {"file": csv_upload("i.csv", "Partnership,Population\nSafer Plymouth,99999999999999999999999\n")}
    )
    assert response.status_code == 200
    assert "'99999999999999999999999' is too large" in text_of(response)
    assert not IndicatorValue.objects.filter(indicator__name="Population").exists()


# --- every form's text, in one place ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Youth\x00diversion", "Bell\x07", "Escape\x1b[31m", "C1\x85in the middle"])
def test_a_control_character_in_a_form_is_refused_beside_the_field(client, demo_user, plymouth_plan, text):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(add_project_url(plymouth_plan), project_data(plymouth_plan, title=text))
    assert response.status_code == 200
    assert "Remove the hidden control character (such as NUL) from this text" in text_of(response)
    assert plymouth_plan.projects.count() == 6


def test_tabs_and_line_breaks_are_text_not_control_characters(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    data = project_data(plymouth_plan, title="Youth\tdiversion", outline="First line\r\nSecond line")
    assert client.post(add_project_url(plymouth_plan), data).status_code == 302
    assert plymouth_plan.projects.filter(outline="First line\nSecond line").exists()


def test_a_million_character_outline_is_refused_with_its_length(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(add_project_url(plymouth_plan), project_data(plymouth_plan, outline="x" * 1_000_000))
    assert response.status_code == 200
    assert "The text can be at most 32,767 characters long (it is 1,000,000)" in text_of(response)
    assert plymouth_plan.projects.count() == 6


def test_a_million_character_cell_is_refused_with_its_row_and_column(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    content = PLAN_HEADINGS + ",Youth diversion,1000,\n,Long," + "9" * 40_000 + ",\n"
    response = client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": csv_upload("long.csv", content), "mode": "add"},
    )
    assert "Row 3, column C: the cell holds 40,000 characters: a cell can hold at most 32,767." in text_of(response)


def test_a_negative_outcome_target_is_refused(client, demo_user, plymouth_plan):
    from tests.grants.editor_helpers import measure

    client.force_login(demo_user("officer.plymouth"))
    row = measure("Fewer repeat offences", target_comparison="at_least", target_value="-5", target_unit="number")
    response = client.post(add_project_url(plymouth_plan), project_data(plymouth_plan, measures=[row]))
    assert response.status_code == 200
    assert "Enter the target as 0 or more" in text_of(response)
    assert plymouth_plan.projects.count() == 6
