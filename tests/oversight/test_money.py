"""Money in and money out (issue 10): funding received apart from grants made, amounts per financial year,
the figures per stream and for the area to the penny, and the Panel report's headline."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from grants.figures.money import area_money, awards_in_year
from grants.models import FundingReceived, FundingStream, GrantAward
from grants.services import funding
from grants.services.income import IncomeInput, income_record
from grants.services.reports import panel_report
from partnerships.models import ForceArea
from tests.oversight.dates import date_boxes, year_rows

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, **kwargs})


@pytest.fixture
def area(demo):
    return ForceArea.objects.get(slug=AREA)


@pytest.fixture
def victims(area):
    return FundingStream.objects.create(
        force_area=area, name="Victims' services", kind=FundingStream.Kind.MINISTRY_OF_JUSTICE
    )


@pytest.fixture
def safer_streets(area):
    return FundingStream.objects.create(
        force_area=area, name="Safer Streets", kind=FundingStream.Kind.HOME_OFFICE, awarded_directly=True
    )


def income_post(stream, funder, amount, starts, ends, *years, **extra):
    return {
        "funding_stream": stream.pk,
        "funder_name": funder,
        "amount": amount,
        **date_boxes("starts_on", starts),
        **date_boxes("ends_on", ends),
        **year_rows(*years),
        **extra,
    }


def test_income_from_two_funders_one_over_two_years_counts_in_each_year(client, demo_user, area, victims):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("income-new"),
        income_post(
            victims,
            "Ministry of Justice",
            "£1,234,567.89",
            "2021-04-01",
            "2023-03-31",
            ("2021/22", "600,000.00"),
            ("2022/23", "634,567.89"),
            reference="MoJ-VS-21",
            conditions="Spend on victims' services only.",
            reporting_duties="Quarterly returns to the MoJ by the 20th of the month after each quarter.",
        ),
    )
    assert response.status_code == 302, response.context["errors"]
    response = client.post(
        url("income-new"),
        income_post(victims, "NHS England", "45,000.50", "2021-07-01", "2022-03-31", ("2021/22", "45,000.50")),
    )
    assert response.status_code == 302
    first = area_money(force_area=area, financial_year="2021/22")
    second = area_money(force_area=area, financial_year="2022/23")
    assert first.received == D("645000.50") and second.received == D("634567.89")
    # income is never a grant made
    assert first.grants_made == D("0.00") and first.grants_made_count == 0
    content = client.get(url("funding") + "?year=2022/23").content.decode()
    listed = content.split('id="income-table"')[1].split("</table>")[0]
    assert "£634,567.89" in listed and "Ministry of Justice" in listed and "NHS England" not in listed
    income = FundingReceived.objects.get(funder__name="Ministry of Justice")
    page = client.get(url("income", pk=income.pk)).content.decode()
    assert "Quarterly returns to the MoJ" in page and "2021/22 to 2022/23" in page and "£1,234,567.89" in page


def test_amounts_per_year_that_do_not_add_up_are_refused_and_nothing_is_saved(client, demo_user, area, victims):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("income-new"),
        income_post(
            victims,
            "Ministry of Justice",
            "100,000",
            "2021-04-01",
            "2023-03-31",
            ("2021/22", "50,000"),
            ("2022/23", "49,999.99"),
        ),
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "add up to £99,999.99, £0.01 short of the £100,000.00 received" in content
    response = client.post(
        url("income-new"),
        income_post(victims, "Ministry of Justice", "100,000", "2021-04-01", "2022-03-31", ("2022/23", "100,000")),
    )
    assert "2022/23 is outside the period" in response.content.decode()
    assert not FundingReceived.objects.exists()
    assert not area.funding_streams.exclude(pk=victims.pk).filter(kind="other").exists()


def test_two_financial_years_typed_in_one_box_are_refused_not_cut(client, demo_user, area, victims):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("stream-award-new", pk=victims.pk),
        {
            "kind": "grant",
            "payment_schedule": "in_advance",
            "status": "proposed",
            "organisation_name": "Victim Support",
            **year_rows(("2021/22-2022/23", "10,000")),
        },
    )
    content = response.content.decode()
    assert "Enter one financial year, like 2021/22 (&#x27;2021/22-2022/23&#x27; is more than one)" in content
    assert not GrantAward.objects.filter(funding_stream=victims).exists()
    response = client.post(
        url("allocation-new"),
        {"title": "DA duty", "funding_stream": victims.pk, "financial_year": "2021/22-2022/23", "total": "1"},
    )
    assert "is more than one" in response.content.decode()
    assert 'maxlength="7"' not in client.get(url("allocation-new")).content.decode()


def test_a_two_year_award_shows_in_each_years_figures(client, demo_user, area, victims):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("stream-award-new", pk=victims.pk),
        {
            "kind": "grant",
            "payment_schedule": "quarterly_in_arrears",
            "status": "made",
            **date_boxes("awarded_on", "2021-05-01"),
            **date_boxes("starts_on", "2021-05-01"),
            **date_boxes("ends_on", "2023-04-30"),
            "organisation_name": "Victim Support",
            "charity_number": "298028",
            "purpose": "Independent domestic violence advisers",
            **year_rows(("2021/22", "40,000.00"), ("2022/23", "60,000.01")),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    award = GrantAward.objects.get(funding_stream=victims)
    assert award.amount == D("100000.01") and award.financial_year == "2021/22" and award.years.count() == 2
    for year, expected in (("2021/22", "40000.00"), ("2022/23", "60000.01"), ("2023/24", "0.00")):
        money = area_money(force_area=area, financial_year=year)
        assert money.grants_made == D(expected), year
        in_year = awards_in_year(GrantAward.objects.filter(pk=award.pk), year)
        assert [a.year_amount for a in in_year] == ([D(expected)] if expected != "0.00" else [])
    report = panel_report(force_area=area, financial_year="2022/23", user=demo_user("opcc.devon"))
    assert report.made_total == D("60000.01") and report.made_count == 1
    page = client.get(url("award", pk=award.pk)).content.decode()
    # quarterly in arrears: each year's amount in four parts that add up to the penny
    assert "£15,000.01" in page and "£15,000.00" in page
    assert "2022/23, quarter 4 (to 31 March 2023)" in page


def test_the_panel_report_counts_grants_made_and_income_apart(client, demo_user, area, victims, safer_streets):
    by = demo_user("opcc.devon")
    income_record(
        force_area=area,
        data=IncomeInput(
            funding_stream=victims,
            funder_name="Ministry of Justice",
            amount=D("500000.00"),
            starts_on=datetime.date(2020, 4, 1),
            ends_on=datetime.date(2021, 3, 31),
            years=[("2020/21", D("500000.00"))],
        ),
        by=by,
    )
    funding.stream_award_save(
        award=GrantAward(
            funding_stream=victims,
            organisation=None,
            status="made",
            awarded_on=datetime.date(2020, 6, 1),
        ),
        years=[("2020/21", D("12345.67"))],
        organisation_name="Splitz Support Service",
        by=by,
    )
    funding.stream_award_save(
        award=GrantAward(
            funding_stream=safer_streets,
            partnership=area.partnerships.get(slug="safer-plymouth"),
            status="made",
            awarded_on=datetime.date(2020, 6, 1),
        ),
        years=[("2020/21", D("250000.00"))],
        by=by,
    )
    report = panel_report(force_area=area, financial_year="2020/21", user=by)
    # the PCC's grant to Safer Plymouth (£400,568.00) and the victims' grant: never the income, never the Home
    # Office's own award to Safer Plymouth
    assert report.made_total == D("400568.00") + D("12345.67")
    assert report.made_count == 2
    assert report.money.received == D("500000.00")
    assert report.money.funder_direct == D("250000.00")
    client.force_login(by)
    content = client.get(url("panel-report", year="2020-21")).content.decode()
    assert "2, £412,913.67 in total" in content
    assert "Funding received by the OPCC" in content and "£500,000.00" in content
    victims_row = f'id="stream-{victims.pk}"'
    assert victims_row in content
    docx = client.get(url("panel-report", year="2020-21") + "?format=docx")
    assert docx.status_code == 200


def test_each_stream_shows_received_granted_committed_paid_and_remaining(client, demo_user, area, victims):
    from grants.services.payments import payment_add

    by = demo_user("opcc.devon")
    income_record(
        force_area=area,
        data=IncomeInput(
            funding_stream=victims,
            funder_name="Ministry of Justice",
            amount=D("300000.00"),
            starts_on=datetime.date(2021, 4, 1),
            ends_on=datetime.date(2022, 3, 31),
            years=[("2021/22", D("300000.00"))],
        ),
        by=by,
    )
    made = funding.stream_award_save(
        award=GrantAward(funding_stream=victims, status="made", awarded_on=datetime.date(2021, 5, 1)),
        years=[("2021/22", D("100000.00"))],
        organisation_name="First Light",
        by=by,
    )
    funding.stream_award_save(
        award=GrantAward(funding_stream=victims, status="proposed"),
        years=[("2021/22", D("50000.50"))],
        organisation_name="Twelves Company",
        by=by,
    )
    payment_add(award=made, amount=D("25000.25"), paid_on=datetime.date(2021, 6, 1), reference="FIN-1", by=by)
    row = next(r for r in area_money(force_area=area, financial_year="2021/22").streams if r.stream == victims)
    assert (row.received, row.granted, row.committed, row.paid) == (
        D("300000.00"),
        D("100000.00"),
        D("50000.50"),
        D("25000.25"),
    )
    assert row.remaining == D("149999.50")
    client.force_login(by)
    content = client.get(url("stream", pk=victims.pk) + "?year=2021/22").content.decode()
    for figure in ("£300,000.00", "£100,000.00", "£50,000.50", "£25,000.25", "£149,999.50", "£74,999.75"):
        assert figure in content, figure


@pytest.mark.parametrize(("username", "read", "write"), [("pcc.devon", 200, 403), ("opcc.avon", 404, 404)])
def test_money_pages_are_read_by_the_area_and_written_by_its_officers(
    client, demo_user, area, victims, username, read, write
):
    income = FundingReceived.objects.create(
        force_area=area,
        funding_stream=victims,
        funder=victims.funder or area.partnerships.first().accountable_body,
        amount=D("1.00"),
        starts_on=datetime.date(2021, 4, 1),
        ends_on=datetime.date(2022, 3, 31),
    )
    client.force_login(demo_user(username))
    assert client.get(url("funding")).status_code == read
    assert client.get(url("income", pk=income.pk)).status_code == read
    assert client.get(url("income-new")).status_code == write
    assert client.get(url("income-change", pk=income.pk)).status_code == write
    assert client.get(url("stream-award-new", pk=victims.pk)).status_code == write
    assert client.post(url("record-withdraw", kind="income", pk=income.pk), {"reason": "x"}).status_code == write
    income.refresh_from_db()
    assert not income.is_withdrawn
    client.force_login(demo_user("officer.plymouth"))
    assert client.get(url("funding")).status_code == 403
