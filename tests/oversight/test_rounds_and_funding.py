"""Grant rounds (pot, awarded, remaining), other funding streams and their awards, allocations across councils."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import AllocationTable, FundingStream, GrantApplication, GrantAward, GrantRound
from partnerships.models import ForceArea, Organisation
from tests.oversight.dates import date_boxes

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"

APPLICATIONS = [
    ("Road Safety Trust Devon", "Young driver workshops", "80000.00", "approved", "75000.00"),
    ("Cornwall Cycling Charity", "Safe routes to school", "60000.00", "approved", "60000.00"),
    ("Speedwatch Volunteers", "Community Speedwatch kit", "45000.00", "declined", None),
    ("Torbay Youth Trust", "Motorbike safety course", "70000.00", "approved", "52500.50"),
    ("Exeter Drink Drive Campaign", "Christmas campaign", "40000.00", "approved", "39999.49"),
    ("Rural Roads Forum", "Rural junction study", "90000.00", "pending", None),
]


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, **kwargs})


@pytest.fixture
def road_safety(demo):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(
        force_area=area, name="Road safety fund", kind=FundingStream.Kind.OTHER, description="PCC road safety money"
    )
    return GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Road safety fund 2021/22",
        financial_year="2021/22",
        pot=D("300000.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 30),
        conditions="Report quarterly.",
    )


def test_a_round_with_six_applications_shows_pot_awarded_and_remaining(client, demo_user, road_safety):
    client.force_login(demo_user("opcc.devon"))
    for organisation, title, requested, _, _ in APPLICATIONS:
        response = client.post(
            url("application-new", pk=road_safety.pk),
            {
                "organisation_name": organisation,
                "project_title": title,
                "purpose": f"{title}: fewer people killed or seriously injured on the roads.",
                "amount_requested": f"£{D(requested):,.2f}",
                **date_boxes("received_on", "2021-06-01"),
            },
        )
        assert response.status_code == 302
    assert road_safety.applications.count() == 6
    for application, (_, _, _, decision, awarded) in zip(
        road_safety.applications.order_by("pk"), APPLICATIONS, strict=True
    ):
        if decision == "pending":
            continue
        data = {"decision": decision, **date_boxes("decided_on", "2021-07-15"), "amount_awarded": awarded or ""}
        response = client.post(url("application-decision", pk=road_safety.pk, application=application.pk), data)
        assert response.status_code == 302, response.context["form"].errors
    awarded = D("75000.00") + D("60000.00") + D("52500.50") + D("39999.49")
    assert road_safety.awarded == awarded == D("227499.99")
    assert road_safety.remaining == D("72500.01")
    assert road_safety.requested == D("385000.00")
    content = client.get(url("round", pk=road_safety.pk)).content.decode()
    assert "£300,000.00" in content and "£227,499.99" in content and "£72,500.01" in content
    # each approval is a made award to the applicant from the round's stream
    awards = GrantAward.objects.filter(funding_stream=road_safety.funding_stream)
    assert awards.count() == 4 and all(a.status == "made" and a.organisation_id for a in awards)
    assert awards.get(organisation__name="Torbay Youth Trust").conditions == "Report quarterly."


def test_an_award_that_would_pass_the_pot_is_refused(client, demo_user, road_safety):
    organisation = Organisation.objects.create(name="Big Ask Ltd")
    big = GrantApplication.objects.create(
        grant_round=road_safety,
        organisation=organisation,
        project_title="Everything",
        purpose="All of it",
        amount_requested=D("400000.00"),
        received_on=datetime.date(2021, 6, 1),
    )
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("application-decision", pk=road_safety.pk, application=big.pk),
        {"decision": "approved", **date_boxes("decided_on", "2021-07-01"), "amount_awarded": "300000.01"},
    )
    assert response.status_code == 200
    assert "would take the round £0.01 past its pot of £300,000.00" in response.content.decode()
    big.refresh_from_db()
    assert big.decision == "pending" and road_safety.awarded == 0
    response = client.post(
        url("application-decision", pk=road_safety.pk, application=big.pk),
        {"decision": "approved", **date_boxes("decided_on", "2021-07-01"), "amount_awarded": "300000.00"},
    )
    assert response.status_code == 302
    assert road_safety.remaining == 0


def test_starting_a_round_checks_its_dates(client, demo_user, road_safety):
    client.force_login(demo_user("opcc.devon"))
    data = {
        "name": "Safer streets top-up",
        "funding_stream": road_safety.funding_stream.pk,
        "financial_year": "2021/22",
        "pot": "50,000",
        **date_boxes("opens_on", "2021-09-01"),
        **date_boxes("closes_on", "2021-08-01"),
    }
    response = client.post(url("round-new"), data)
    assert response.status_code == 200 and "The closing date must be on or after the opening date" in (
        response.content.decode()
    )
    response = client.post(url("round-new"), {**data, **date_boxes("closes_on", "2021-10-01")})
    assert response.status_code == 302
    assert GrantRound.objects.get(name="Safer streets top-up").pot == D("50000.00")


@pytest.mark.parametrize(("username", "status"), [("pcc.devon", 403), ("opcc.avon", 404), ("officer.plymouth", 403)])
def test_only_the_areas_officers_and_treasurer_change_rounds(client, demo_user, road_safety, username, status):
    client.force_login(demo_user(username))
    assert client.get(url("application-new", pk=road_safety.pk)).status_code == status
    assert client.get(url("round-new")).status_code == status
    expected_read = 200 if username == "pcc.devon" else status
    assert client.get(url("round", pk=road_safety.pk)).status_code == expected_read


def test_other_funding_streams_and_awards_to_csps_or_organisations(client, demo_user, plymouth_plan):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("stream-new"),
        {"name": "Safer Streets Fund", "kind": "home_office", "funder_name": "Home Office", "awarded_directly": "on"},
    )
    assert response.status_code == 302
    stream = FundingStream.objects.get(name="Safer Streets Fund")
    assert stream.awarded_directly and stream.funder.name == "Home Office"
    response = client.post(
        url("stream-award-new", pk=stream.pk),
        {
            "partnership": plymouth_plan.partnership.pk,
            "financial_year": "2021/22",
            "amount": "£250,000",
            "purpose": "Street lighting and CCTV",
            "status": "made",
            **date_boxes("awarded_on", "2021-09-01"),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url("stream-award-new", pk=stream.pk),
        {
            "organisation_name": "Neighbourhood Watch Devon",
            "charity_number": "1234567",
            "financial_year": "2021/22",
            "amount": "12000.00",
            "status": "proposed",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    content = client.get(url("stream", pk=stream.pk)).content.decode()
    assert "Safer Plymouth" in content and "Neighbourhood Watch Devon" in content and "£262,000.00" in content
    assert Organisation.objects.get(name="Neighbourhood Watch Devon").org_id == "GB-CHC-1234567"
    response = client.post(url("stream-award-new", pk=stream.pk), {"financial_year": "2021/22", "amount": "1"})
    assert "Choose the partnership, or name the organisation" in response.content.decode()


def test_an_allocation_across_councils_must_reconcile(client, demo_user, demo):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(
        force_area=area, name="Domestic abuse duty", kind=FundingStream.Kind.MHCLG, awarded_directly=True
    )
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("allocation-new"),
        {"title": "DA duty 2021/22", "funding_stream": stream.pk, "financial_year": "2021/22", "total": "1,000,000"},
    )
    assert response.status_code == 302
    table = AllocationTable.objects.get()
    rows = {"rows": "3", "council-0": "Plymouth City Council", "amount-0": "400,000", "council-1": "Cornwall Council"}
    response = client.post(url("allocation", pk=table.pk), {**rows, "amount-1": "599,999.99"})
    content = response.content.decode()
    assert "add up to £999,999.99, £0.01 short of the total of £1,000,000.00" in content
    assert not table.lines.exists()
    response = client.post(url("allocation", pk=table.pk), {**rows, "amount-1": "600,000.00"})
    assert response.status_code == 302
    assert table.allocated == D("1000000.00") and table.difference == 0
    upload = SimpleUploadedFile(
        "da.csv",
        b"Local authority,Amount\nPlymouth City Council,300000\nCornwall Council,500000\nTorbay Council,200000\n",
    )
    response = client.post(url("allocation", pk=table.pk), {"file": upload})
    assert response.status_code == 302
    assert table.lines.count() == 3 and table.allocated == D("1000000.00")
    bad = SimpleUploadedFile("da.csv", b"Local authority,Amount\nPlymouth City Council,1\n")
    content = client.post(url("allocation", pk=table.pk), {"file": bad}).content.decode()
    assert "short of the total" in content and table.lines.count() == 3


def test_typed_council_figures_are_read_like_an_imported_file(client, demo_user, demo):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(
        force_area=area, name="Domestic abuse duty", kind=FundingStream.Kind.MHCLG, awarded_directly=True
    )
    table = AllocationTable.objects.create(
        force_area=area, funding_stream=stream, financial_year="2021/22", title="DA duty", total=D("1000.00")
    )
    client.force_login(demo_user("opcc.devon"))
    typed = {
        "rows": "4",
        "council-0": "Cornwall Council",
        "amount-0": "500",
        "council-1": "",
        "amount-1": "500",
        "council-2": "Cornwall Council",
        "amount-2": "500",
        "council-3": "Plymouth City Council",
        "amount-3": "£12,5OO",
    }
    content = client.post(url("allocation", pk=table.pk), typed).content.decode()
    assert "Row 2, Local authority: is empty." in content
    assert "Row 3, Local authority: Cornwall Council appears twice." in content
    assert "Row 4, Amount: &#x27;£12,5OO&#x27; is not an amount: enter pounds and pence." in content
    assert not table.lines.exists()
