"""Publication: the statutory public page, 360Giving JSON validated against the vendored schema, its spreadsheet
layout, and the Police and Crime Panel report as a page, a Word document and a PDF."""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from grants.models import FundingStream, GrantAward, SpendingPlan
from grants.services.threesixty import release_for, threesixty_package
from partnerships.models import ForceArea, Organisation
from tests.documents import docx_text, pdf_text, pdf_to_pngs, png_is_not_blank
from tests.workflow import drive

pytestmark = pytest.mark.django_db
D = Decimal
SCHEMAS = Path(__file__).resolve().parents[2] / "grants" / "standards" / "360giving"


@pytest.fixture(scope="module")
def package_validator():
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    grant_url = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources(
        [
            (grant_url, DRAFT202012.create_resource(grant)),
            (grant["$id"], DRAFT202012.create_resource(grant)),
            (package["$id"], DRAFT202012.create_resource(package)),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def areas():
    return list(ForceArea.objects.filter(slug__in=["devon-and-cornwall", "avon-and-somerset"]))


def package_of(area):
    return threesixty_package(release_for(force_area=area))


def all_grants():
    return [grant for area in areas() for grant in package_of(area)["grants"]]


def test_the_demo_awards_validate_against_the_360giving_schema(package_validator, demo):
    for area in areas():
        package = package_of(area)
        errors = sorted(package_validator.iter_errors(package), key=str)
        assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    grants = all_grants()
    assert len(grants) == 2
    plymouth = next(g for g in grants if "Safer Plymouth" in g["title"])
    assert plymouth["amountAwarded"] == 400568 and plymouth["currency"] == "GBP"
    assert plymouth["awardDate"] == "2020-04-01"
    assert plymouth["plannedDates"] == [{"startDate": "2020-04-01", "endDate": "2021-03-31", "duration": 12}]
    assert plymouth["recipientOrganization"][0] == {
        "id": "GB-LAE-PLY",
        "name": "Plymouth City Council",
        "location": [
            {"name": "Plymouth City Council", "geoCode": "E06000026", "countryCode": "GB", "geoCodeType": "UA"}
        ],
        "department": "Safer Plymouth",
    }
    assert plymouth["beneficiaryLocation"][0] == {
        "name": "Plymouth City Council",
        "geoCode": "E06000026",
        "geoCodeType": "UA",
        "countryCode": "GB",
    }
    assert plymouth["id"].startswith("360G-csgrants-devon-and-cornwall-")
    south = next(g for g in grants if "South Gloucestershire" in g["title"])
    assert south["amountAwarded"] == 92680 and south["recipientOrganization"][0]["id"] == "GB-LAE-SGC"


def test_a_schema_violation_would_be_caught(package_validator, demo):
    package = package_of(areas()[0])
    package["grants"][0]["awardDate"] = "1 April 2020"
    assert list(package_validator.iter_errors(package))


def test_grant_identifiers_are_stable_and_use_the_configured_prefix(settings, demo):
    settings.THREESIXTYGIVING_PREFIX = "360G-opcc-dc"
    first = [g["id"] for g in all_grants()]
    second = [g["id"] for g in all_grants()]
    assert first == second and all(i.startswith("360G-opcc-dc-") for i in first)


def test_only_made_awards_from_the_opccs_own_streams_are_published(package_validator, plymouth_plan):
    area = plymouth_plan.partnership.force_area
    stream = area.funding_streams.get()
    proposed = GrantAward.objects.create(
        funding_stream=stream,
        partnership=plymouth_plan.partnership,
        financial_year="2021/22",
        amount=D("1.00"),
        status="proposed",
    )
    direct = FundingStream.objects.create(
        force_area=area, name="Home Office direct", kind="home_office", awarded_directly=True
    )
    GrantAward.objects.create(
        funding_stream=direct,
        organisation=Organisation.objects.create(name="Direct Charity"),
        financial_year="2020/21",
        amount=D("5.00"),
        status="made",
        awarded_on="2020-05-01",
    )
    ids = [g["id"] for g in package_of(area)["grants"]]
    assert len(ids) == 1 and not any(i.endswith(f"-{proposed.pk}") for i in ids)


def test_draft_and_declined_plans_are_never_published_but_an_approved_one_is(plymouth_plan):
    area = plymouth_plan.partnership.force_area
    description = package_of(area)["grants"][0]["description"]
    assert "Plymouth Domestic Abuse Service" not in description  # the plan is a draft
    plymouth_plan.status = SpendingPlan.Status.DECLINED
    plymouth_plan.save(update_fields=["status"])  # as the workflow's services do
    description = package_of(area)["grants"][0]["description"]
    assert "Plymouth Domestic Abuse Service" not in description
    plymouth_plan.status = SpendingPlan.Status.APPROVED
    plymouth_plan.save(update_fields=["status"])
    description = package_of(area)["grants"][0]["description"]
    assert "1. Plymouth Domestic Abuse Service" in description


def test_the_public_page_lists_grants_made_without_signing_in(client, plymouth_plan):
    response = client.get(reverse("grants:published", kwargs={"area": "devon-and-cornwall"}))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Safer Plymouth" in content and "£400,568.00" in content
    assert "Conditions of Grant" in content  # the conditions attached
    assert "Local crime prevention and reduction initiatives" in content  # purpose
    assert "South Gloucestershire" not in content
    assert "Plymouth Domestic Abuse Service" not in content  # draft plan content is not published
    assert client.get(reverse("grants:published-index")).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_360giving_downloads_need_no_sign_in_and_carry_the_figures(client, demo, fmt, package_validator):
    response = client.get(reverse("grants:published-360", kwargs={"area": "avon-and-somerset", "fmt": fmt}))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')
    if fmt == "json":
        package = json.loads(response.content)
        assert not list(package_validator.iter_errors(package))
        assert package["grants"][0]["amountAwarded"] == 92680
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][:5] == ["Identifier", "Title", "Description", "Currency", "Amount Awarded"]
        assert rows[1][4] == "92680" and rows[1][3] == "GBP"
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["E1"].value == "Amount Awarded" and sheet["E2"].value == 92680


def test_opcc_downloads_cover_their_area_with_one_funder_per_file(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:threesixty", kwargs={"area": "devon-and-cornwall", "fmt": "json"})
    grants = json.loads(client.get(url).content)["grants"]
    assert [g["recipientOrganization"][0]["department"] for g in grants] == ["Safer Plymouth"]
    assert {g["fundingOrganization"][0]["name"] for g in grants} == {
        "Office of the Police and Crime Commissioner for Devon, Cornwall and the Isles of Scilly"
    }
    client.force_login(demo_user("opcc.avon"))
    assert client.get(url).status_code == 404


def test_panel_report_page_word_and_pdf_agree(client, demo_user, plymouth_plan, tmp_path):
    drive(plymouth_plan, demo_user)  # the report counts approved plans
    client.force_login(demo_user("treasurer.devon"))
    url = reverse("grants:panel-report", kwargs={"area": "devon-and-cornwall", "year": "2020/21"})
    content = client.get(url).content.decode()
    for text in (
        "£400,568.00",
        "£377,568.00",
        "£23,000.00",
        "£44,450.00",
        "Priorities 3 and 4 (shared)",
        "£235,000.00",
    ):
        assert text in content, text
    word = client.get(url + "?format=docx")
    assert word["Content-Type"].startswith("application/vnd.openxmlformats")
    text = docx_text(word.content)
    for figure in ("£400,568.00", "£377,568.00", "£23,000.00", "£235,000.00", "Safer Plymouth"):
        assert figure in text, figure
    pdf = client.get(url + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for figure in ("£400,568.00", "£377,568.00", "£23,000.00", "£235,000.00"):
        assert figure in text, figure
    pages = pdf_to_pngs(pdf.content, tmp_path)
    assert pages and all(png_is_not_blank(p) for p in pages)


@pytest.mark.parametrize(("username", "status"), [("officer.plymouth", 403), ("opcc.avon", 404)])
def test_reports_are_refused_outside_the_force_area(client, demo_user, demo, username, status):
    client.force_login(demo_user(username))
    assert client.get(reverse("grants:reports", kwargs={"area": "devon-and-cornwall"})).status_code == status
    url = reverse("grants:panel-report", kwargs={"area": "devon-and-cornwall", "year": "2020/21"})
    assert client.get(url + "?format=pdf").status_code == status
