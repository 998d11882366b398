"""Grant rounds (pot, awarded, remaining), other funding streams and their awards, allocations across councils."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.figures.money import allocation_figures
from grants.models import AllocationTable, FundingStream, GrantApplication, GrantAward, GrantRound
from partnerships.models import ForceArea, Organisation
from tests.oversight.councils import devon_councils, key
from tests.oversight.dates import allocation_rows, date_boxes, year_rows

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
    award = {"kind": "grant", "payment_schedule": "in_advance"}
    response = client.post(
        url("stream-award-new", pk=stream.pk),
        {
            **award,
            "partnership": plymouth_plan.partnership.pk,
            **year_rows(("2021/22", "£250,000")),
            "purpose": "Street lighting and CCTV",
            "status": "made",
            **date_boxes("awarded_on", "2021-09-01"),
        },
    )
    assert response.status_code == 302
    response = client.post(
        url("stream-award-new", pk=stream.pk),
        {
            **award,
            "organisation_name": "Neighbourhood Watch Devon",
            "charity_number": "1234567",
            **year_rows(("2021/22", "12000.00")),
            "status": "proposed",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    content = client.get(url("stream", pk=stream.pk) + "?year=2021/22").content.decode()
    assert "Safer Plymouth" in content and "Neighbourhood Watch Devon" in content
    assert "£250,000.00" in content and "£12,000.00" in content
    assert Organisation.objects.get(name="Neighbourhood Watch Devon").org_id == "GB-CHC-1234567"
    response = client.post(
        url("stream-award-new", pk=stream.pk), {**award, "status": "proposed", **year_rows(("2021/22", "1"))}
    )
    assert "Choose the partnership, or name the organisation" in response.content.decode()


def test_an_allocation_across_councils_must_reconcile(client, demo_user, demo):
    area = ForceArea.objects.get(slug=AREA)
    plymouth, torbay, cornwall = devon_councils()[:3]
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
    rows = allocation_rows((key(plymouth), "400,000"), (key(cornwall), "599,999.99"), ("", ""))
    content = client.post(url("allocation", pk=table.pk), rows).content.decode()
    assert "add up to £999,999.99, £0.01 short of the total of £1,000,000.00" in content
    assert not table.awards.exists()
    rows = allocation_rows((key(plymouth), "400,000"), (key(cornwall), "600,000.00"), ("", ""))
    response = client.post(url("allocation", pk=table.pk), rows)
    assert response.status_code == 302
    table = allocation_figures(table)
    assert table.allocated == D("1000000.00") and table.difference == 0 and table.rows == 2
    # a council now left out is removed, a new one added, in one save
    rows = allocation_rows((key(plymouth), "300,000"), (key(cornwall), "500,000"), (key(torbay), "200,000"))
    assert client.post(url("allocation", pk=table.pk), rows).status_code == 302
    assert sorted(a.recipient.name for a in table.awards.live()) == sorted(
        ["Plymouth City Council", "Cornwall Council", "Torbay Council"]
    )
    assert allocation_figures(table).allocated == D("1000000.00")


def test_typed_council_figures_are_refused_row_by_row(client, demo_user, demo):
    area = ForceArea.objects.get(slug=AREA)
    cornwall, plymouth = devon_councils()[2], devon_councils()[0]
    stream = FundingStream.objects.create(
        force_area=area, name="Domestic abuse duty", kind=FundingStream.Kind.MHCLG, awarded_directly=True
    )
    table = AllocationTable.objects.create(
        force_area=area, funding_stream=stream, financial_year="2021/22", title="DA duty", total=D("1000.00")
    )
    client.force_login(demo_user("opcc.devon"))
    typed = allocation_rows(
        (key(cornwall), "500"), ("", "500"), (key(cornwall), "500"), (key(plymouth), "£12,5OO"), ("la-999999", "1")
    )
    content = client.post(url("allocation", pk=table.pk), typed).content.decode()
    assert "choose the council or CSP." in content
    assert "Cornwall Council is also in row 1." in content
    assert "&#x27;£12,5OO&#x27; is not an amount: enter pounds and pence" in content
    assert "&#x27;la-999999&#x27; is not a council or CSP recorded with its official code" in content
    assert not table.awards.exists()
