"""360Giving publications pass 360Giving's quality checks, not only its schema: every file the product offers
(JSON, CSV and XLSX, read back to JSON) is validated and checked; each check catches what it is for; the rules that
keep bad data out of the files (no £0 grants, no future award dates, no e-mail addresses, one funder per file)
hold; an area with nothing published offers no file."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from grants.models import FundingStream, GrantAward
from grants.services.rounds import application_decide
from grants.services.threesixty import (
    COLUMNS,
    LOCATION_FIELDS,
    TRAILING_COLUMNS,
    award_date,
    grant_title,
    release_for,
    releases,
    threesixty_package,
)
from grants.services.threesixty_quality import check_package
from partnerships.models import ForceArea, Organisation
from partnerships.services import funder_body_change
from tests.factories import (
    GrantApplicationFactory,
    GrantAwardFactory,
    GrantRoundFactory,
    LocalAuthorityFactory,
    OrganisationFactory,
    PartnershipFactory,
    mayor_funded_area,
)

pytestmark = pytest.mark.django_db
D = Decimal
SCHEMAS = Path(__file__).resolve().parents[2] / "grants" / "standards" / "360giving"
TODAY = datetime.date.today()


@pytest.fixture(scope="module")
def validator():
    grant = json.loads((SCHEMAS / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text())
    registry = Registry().with_resources(
        [
            (package["properties"]["grants"]["items"]["$ref"], DRAFT202012.create_resource(grant)),
            (grant["$id"], DRAFT202012.create_resource(grant)),
            (package["$id"], DRAFT202012.create_resource(package)),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- reading the spreadsheet layout back into 360Giving JSON (as 360Giving's own tools do) ----------------------

NUMBERS = {"amountAwarded", "plannedDates/0/duration"}


def _path_of(title: str) -> str | None:
    known = dict(COLUMNS + TRAILING_COLUMNS)
    if title in known:
        return known[title]
    if title.startswith("Beneficiary Location:"):
        rest = title.removeprefix("Beneficiary Location:")
        index = 0
        if rest.split(":")[0].isdigit():
            index, rest = int(rest.split(":")[0]), rest.split(":", 1)[1]
        return f"beneficiaryLocation/{index}/{dict(LOCATION_FIELDS)[rest]}"
    return None


def _put(record: dict, path: str, value) -> None:
    parts = path.split("/")
    target = record
    for part, following in zip(parts, parts[1:], strict=False):
        if part.isdigit():
            index = int(part)
            while len(target) <= index:
                target.append({} if not following.isdigit() else [])
            target = target[index]
        else:
            target = target.setdefault(part, [] if following.isdigit() else {})
    target[parts[-1]] = value


def unflatten(rows: list[list]) -> dict:
    headings, grants = rows[0], []
    for row in rows[1:]:
        grant: dict = {}
        for heading, value in zip(headings, row, strict=True):
            if value in ("", None):
                continue
            path = _path_of(heading)
            assert path is not None, f"unknown column {heading!r}"
            if isinstance(value, str) and value.startswith("'"):
                value = value[1:]  # the apostrophe that keeps a formula-like text as text (CSV)
            if path in NUMBERS and isinstance(value, str):
                value = json.loads(value)
            _put(grant, path, value)
        grants.append(grant)
    return {"grants": grants}


def _csv_rows(content: bytes) -> list[list]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def files_offered(client, area: ForceArea) -> list[tuple[str, dict, dict]]:
    """Every 360Giving file the public page offers for the area, each in JSON, CSV and XLSX, read as JSON."""
    offered = []
    for release in releases(force_area=area):
        for fmt in ("json", "csv", "xlsx"):
            url = reverse("grants:published-360", kwargs={"area": area.slug, "fmt": fmt}) + f"?funder={release.key}"
            page = client.get(reverse("grants:published", kwargs={"area": area.slug})).content.decode()
            assert url.replace("&", "&amp;") in page or url in page, f"{url} is not offered on the public page"
            response = client.get(url)
            assert response.status_code == 200, url
            if fmt == "json":
                package = json.loads(response.content)
                json_package = package
            elif fmt == "csv":
                package = unflatten(_csv_rows(response.content))
            else:
                package = unflatten(_xlsx_rows(response.content))
            offered.append((url, package, json_package))
    return offered


def assert_passes(validator, package: dict, where: str) -> None:
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(package)]
    assert not errors, (where, errors)
    findings = check_package(package)
    assert not findings, (where, findings)


def test_every_file_the_demo_offers_passes_the_schema_and_the_quality_checks(client, validator, demo):
    checked = 0
    for area in ForceArea.objects.all():
        for url, package, json_package in files_offered(client, area):
            assert_passes(validator, package, url)
            if not url.split("?")[0].endswith(".json"):
                # The spreadsheets carry exactly what the JSON carries.
                for from_sheet, from_json in zip(package["grants"], json_package["grants"], strict=True):
                    for key in ("id", "title", "description", "amountAwarded", "awardDate", "dataSource"):
                        assert from_sheet[key] == from_json[key], (url, key)
            checked += 1
    assert checked == 6  # two areas, each one funder, three formats


@pytest.fixture
def mayor_area(db):
    """A force area funded by a PCC until 7 May 2028, then by a mayor; with a grant made by each, a grant-round
    award to a charity, and awards that must not be published (£0, dated in the future)."""
    area = mayor_funded_area(name="Metropolis", slug="metropolis")
    body = area.funder_bodies.get()
    body.kind, body.name, body.decision_maker_title = "pcc", "Police and Crime Commissioner for Metropolis", "PCC"
    body.holder_title, body.finance_officer_title = "Police and Crime Commissioner", "Treasurer"
    body.save()
    funder_body_change(
        force_area=area,
        starts_on=datetime.date(2028, 5, 7),
        kind="mayor",
        name="Mayor's Office for Policing and Crime, Metropolis",
        org_id="GB-GOR-PB1234",
    )
    councils = [
        LocalAuthorityFactory(name="North Town Council", ons_code="E07000043", local_authority_code="NTC"),
        LocalAuthorityFactory(name="South Town Council", ons_code="E07000046", local_authority_code="STC"),
    ]
    partnership = PartnershipFactory(force_area=area, name="Safer Towns", local_authorities=councils)
    partnership.accountable_body = councils[0]
    partnership.save()
    stream = FundingStream.objects.create(force_area=area, name="Metropolis community safety grant", kind="pcc_csp")
    GrantAwardFactory(partnership=partnership, funding_stream=stream, financial_year="2027/28",
                      awarded_on=datetime.date(2027, 4, 1), amount=D("50000.00"))  # fmt: skip
    later = GrantAwardFactory(partnership=partnership, funding_stream=stream, financial_year="2028/29",
                              awarded_on=datetime.date(2028, 6, 1), amount=D("51000.50"))  # fmt: skip
    grant_round = GrantRoundFactory(force_area=area, funding_stream=stream, financial_year="2027/28")
    charity = OrganisationFactory(name="Town Youth Trust", charity_number="1123328")
    application = application_decide(
        application=GrantApplicationFactory(grant_round=grant_round, organisation=charity),
        decision="approved",
        decided_on=datetime.date(2027, 9, 1),
        amount_awarded=D("20000.00"),
    )
    GrantAwardFactory(partnership=partnership, funding_stream=stream, financial_year="2026/27",
                      awarded_on=datetime.date(2026, 4, 1), amount=D("0.00"))  # fmt: skip
    return area, later, application


def test_an_area_whose_funder_changed_offers_one_file_per_funder_each_passing(client, validator, mayor_area, settings):
    area, later, application = mayor_area
    today = datetime.date(2029, 1, 1)
    found = releases(force_area=area, today=today)
    assert [r.funder.name for r in found] == [
        "Mayor's Office for Policing and Crime, Metropolis",
        "Police and Crime Commissioner for Metropolis",
    ]
    assert [len(r.items) for r in found] == [1, 2]  # the £0 award is never published
    for release in found:
        package = threesixty_package(release)
        errors = [e.message for e in validator.iter_errors(package)]
        assert not errors
        assert not check_package(package, today=today)
        assert len({g["fundingOrganization"][0]["id"] for g in package["grants"]}) == 1
    mayor = threesixty_package(found[0])["grants"][0]
    assert mayor["fundingOrganization"] == [
        {"id": "GB-GOR-PB1234", "name": "Mayor's Office for Policing and Crime, Metropolis"}
    ]
    assert mayor["amountAwarded"] == 51000.5
    assert [loc["geoCode"] for loc in mayor["beneficiaryLocation"]] == ["E07000043", "E07000046"]
    pcc = threesixty_package(found[1])["grants"]
    charity_grant = next(g for g in pcc if g["recipientOrganization"][0]["name"] == "Town Youth Trust")
    assert charity_grant["recipientOrganization"][0]["id"] == "GB-CHC-1123328"
    assert charity_grant["awardDate"] == "2027-09-01" == str(award_date(application.award))
    assert charity_grant["fromOpenCall"] == "Yes"
    # a grant to an organisation benefits the councils of the whole area
    assert {loc["geoCode"] for loc in charity_grant["beneficiaryLocation"]} == {"E07000043", "E07000046"}


def test_a_grant_dated_in_the_future_is_not_published_until_its_day(mayor_area):
    area, later, _ = mayor_area
    before = releases(force_area=area, today=datetime.date(2028, 5, 31))
    assert later.pk not in [item.award.pk for release in before for item in release.items]
    after = releases(force_area=area, today=datetime.date(2028, 6, 1))
    assert later.pk in [item.award.pk for release in after for item in release.items]


def test_an_area_with_nothing_published_offers_no_file_and_says_so(client, db):
    area = ForceArea.objects.create(name="Empty Shire", slug="empty-shire")
    page = client.get(reverse("grants:published", kwargs={"area": area.slug})).content.decode()
    assert "No grants have been published for Empty Shire yet" in page
    assert "360giving.json" not in page
    for fmt in ("json", "csv", "xlsx"):
        response = client.get(reverse("grants:published-360", kwargs={"area": area.slug, "fmt": fmt}))
        assert response.status_code == 404
        assert "There is no 360Giving file for Empty Shire" in response.content.decode()


def test_a_proposed_only_area_is_nothing_published_too(client, db):
    award = GrantAwardFactory(proposed=True)
    url = reverse("grants:published-360", kwargs={"area": award.partnership.force_area.slug, "fmt": "json"})
    assert client.get(url).status_code == 404


def test_e_mail_addresses_never_reach_the_data(db, validator):
    award = GrantAwardFactory(
        purpose="Outreach. Contact jo.bloggs@example.org for referrals.",
        conditions="Report to grants@opcc.example.gov.uk each quarter.",
    )
    package = threesixty_package(release_for(force_area=award.partnership.force_area))
    text = json.dumps(package)
    assert "@" not in text.replace("[e-mail address removed]", "")
    assert "[e-mail address removed]" in package["grants"][0]["description"]
    assert not check_package(package)


def test_titles_are_at_most_140_characters_and_never_the_description(db):
    organisation = OrganisationFactory(name="The " + "Very Long Named " * 12 + "Trust")
    stream = FundingStream.objects.create(
        force_area=PartnershipFactory().force_area, name="Stream " + "x" * 100, kind="other"
    )
    award = GrantAward.objects.create(
        funding_stream=stream,
        organisation=organisation,
        financial_year="2020/21",
        amount=D("10.00"),
        status="made",
        awarded_on=datetime.date(2020, 4, 1),
    )
    title = grant_title(award)
    assert len(title) <= 140 and title.endswith("…")
    award.purpose = title
    award.save()
    grant = threesixty_package(release_for(force_area=stream.force_area))["grants"][0]
    assert grant["title"] != grant["description"]


def test_recipient_identifiers_come_from_registers_never_360g_when_registered(db):
    council = LocalAuthorityFactory(name="Cardiff Council", ons_code="W06000015", local_authority_code="CRF")
    assert council.org_id == "GB-PLA-CRF"
    company = OrganisationFactory(name="Safe Ltd", charity_number="", company_number="01234567")
    unregistered = OrganisationFactory(name="Street Pastors group", charity_number="")
    stream = FundingStream.objects.create(force_area=PartnershipFactory().force_area, name="Fund", kind="other")
    for organisation in (council, company, unregistered):
        GrantAward.objects.create(
            funding_stream=stream, organisation=organisation, financial_year="2020/21", amount=D("5.00"),
            status="made", awarded_on=datetime.date(2020, 4, 1),
        )  # fmt: skip
    package = threesixty_package(release_for(force_area=stream.force_area))
    ids = {g["recipientOrganization"][0]["name"]: g["recipientOrganization"][0]["id"] for g in package["grants"]}
    assert ids["Cardiff Council"] == "GB-PLA-CRF"
    assert ids["Safe Ltd"] == "GB-COH-01234567"
    assert ids["Street Pastors group"].startswith("360G-")  # no registered number: the publisher's own id
    assert not check_package(package)


# --- each quality check catches what it is for -----------------------------------------------------------------


@pytest.fixture
def good_package(demo):
    return threesixty_package(release_for(force_area=ForceArea.objects.get(slug="devon-and-cornwall")))


def _second_grant(package: dict) -> dict:
    grant = copy.deepcopy(package["grants"][0])
    grant["id"] += "-2"
    package["grants"].append(grant)
    return grant


BREAKAGES = {
    "zero_amount": lambda p: p["grants"][0].update(amountAwarded=0),
    "post_dated_award": lambda p: p["grants"][0].update(awardDate=str(TODAY + datetime.timedelta(days=3))),
    "impossible_date": lambda p: p["grants"][0].update(awardDate="2021-02-31"),
    "looks_like_email": lambda p: p["grants"][0].update(description="Ask a@b.org"),
    "grant_id_line_break": lambda p: p["grants"][0].update(id="360G-x\n1"),
    "org_id_line_break": lambda p: p["grants"][0]["recipientOrganization"][0].update(id="GB-LAE-\nPLY"),
    "org_id_unrecognised_prefix": lambda p: p["grants"][0]["recipientOrganization"][0].update(id="XX-ABC-1"),
    "org_id_looks_invalid": lambda p: p["grants"][0]["recipientOrganization"][0].update(id="GB-CHC-12"),
    "charity_number": lambda p: p["grants"][0]["recipientOrganization"][0].update(charityNumber="12"),
    "company_number": lambda p: p["grants"][0]["recipientOrganization"][0].update(companyNumber="123"),
    "recipient_360g_with_registered_number": lambda p: p["grants"][0]["recipientOrganization"][0].update(
        id="360G-csgrants-org-1", charityNumber="1123328"
    ),
    "title_length": lambda p: p["grants"][0].update(title="x" * 141),
    "title_description_same": lambda p: p["grants"][0].update(description=p["grants"][0]["title"]),
    "no_grant_programme": lambda p: p["grants"][0].pop("grantProgramme"),
    "no_beneficiary_location": lambda p: p["grants"][0].pop("beneficiaryLocation"),
    "beneficiary_location_no_code": lambda p: p["grants"][0]["beneficiaryLocation"][0].pop("geoCode"),
    "no_last_modified": lambda p: p["grants"][0].pop("dateModified"),
    "no_data_source": lambda p: p["grants"][0].pop("dataSource"),
    "more_than_one_funder": lambda p: _second_grant(p)["fundingOrganization"][0].update(id="GB-GOR-X1"),
    "funder_id_several_names": lambda p: _second_grant(p)["fundingOrganization"][0].update(name="Another name"),
    "no_grants": lambda p: p.update(grants=[]),
}


@pytest.mark.parametrize("check", sorted(BREAKAGES))
def test_each_quality_check_catches_what_it_is_for(good_package, check):
    assert not check_package(good_package)
    broken = copy.deepcopy(good_package)
    BREAKAGES[check](broken)
    assert check in {finding.check for finding in check_package(broken)}


# --- formula injection: every CSV and XLSX the product writes ---------------------------------------------------

HYPERLINK = '=HYPERLINK("http://x","y")'


def test_a_formula_typed_as_a_purpose_reaches_the_csv_and_xlsx_as_text(client, db):
    award = GrantAwardFactory(purpose=HYPERLINK, conditions="+1+1", reference="=cmd|' /C calc'!A0")
    area = award.partnership.force_area.slug
    csv_text = client.get(reverse("grants:published-360", kwargs={"area": area, "fmt": "csv"})).content
    rows = _csv_rows(csv_text)
    description = rows[1][rows[0].index("Description")]
    assert description.startswith("'" + HYPERLINK)
    programme = rows[1][rows[0].index("Grant Programme:Description")]
    assert programme == "Reference =cmd|' /C calc'!A0"  # not at the start: harmless
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("grants:published-360", kwargs={"area": area, "fmt": "xlsx"})).content)
    ).active
    column = [cell.value for cell in sheet[1]].index("Description") + 1
    cell = sheet.cell(row=2, column=column)
    assert cell.data_type == "s" and cell.value.startswith(HYPERLINK)  # text, exactly as typed
    assert cell.quotePrefix


@pytest.mark.parametrize("value", [HYPERLINK, "=cmd|' /C calc'!A0", "+1+1", "-1+2", "@SUM(A1)", "\tx", "\rx"])
def test_the_one_rule_neutralises_every_formula_start(value):
    from openpyxl import Workbook

    from partnerships.spreadsheets import safe_cell

    assert safe_cell(value) == "'" + value
    assert safe_cell("Plain text") == "Plain text" and safe_cell(12) == 12
    cell = safe_cell(value, cell=Workbook().active["A1"])
    assert cell.data_type == "s" and cell.value == value and cell.quotePrefix


@pytest.mark.parametrize("fmt", ["SafeCSV", "SafeXLSX"])
def test_the_admins_exports_neutralise_formulae(db, fmt):
    from partnerships import spreadsheets
    from partnerships.resources import OrganisationResource

    Organisation.objects.create(name=HYPERLINK, notes="+1+1")
    dataset = OrganisationResource().export()
    content = getattr(spreadsheets, fmt)().export_data(dataset)
    if fmt == "SafeCSV":
        rows = _csv_rows(content.encode("utf-8"))
        assert [rows[1][0], rows[1][rows[0].index("notes")]] == ["'" + HYPERLINK, "'+1+1"]
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet["A2"].value == HYPERLINK and sheet["A2"].data_type == "s"


def test_the_admin_offers_only_the_safe_export_formats(admin_client, db):
    from django.conf import settings

    from partnerships.spreadsheets import SafeCSV, SafeXLSX

    assert [SafeCSV, SafeXLSX] == settings.EXPORT_FORMATS
    Organisation.objects.create(name=HYPERLINK)
    response = admin_client.post(
        reverse("admin:partnerships_organisation_export"),
        {"format": "0", "resource": "0", **{f"organisationresource_{f}": "on" for f in ("name", "kind", "notes")}},
    )
    assert response.status_code == 200, response.content[:500]
    assert ("'" + HYPERLINK).encode() in response.content.replace(b'""', b'"')


def test_plan_exports_use_the_same_rule(plymouth_plan):
    from grants.documents.spreadsheet import lines_csv, lines_xlsx

    project = plymouth_plan.projects.first()
    project.title = HYPERLINK
    project.save()
    rows = _csv_rows(lines_csv(plymouth_plan))
    assert any(cell.startswith("'" + HYPERLINK) for row in rows for cell in row)
    sheet = load_workbook(io.BytesIO(lines_xlsx(plymouth_plan))).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == HYPERLINK]
    assert cells and all(cell.data_type == "s" for cell in cells)
