"""OPCC journeys in Chromium, with an axe check of every page visited: the dashboard for each force area, the
formula screen from imported indicators to the year's awards, a grant round, and the publication pages."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import FundingStream, GrantAward, GrantRound
from grants.services.rounds import application_add
from partnerships.models import ForceArea, Organisation, Partnership
from tests.factories import GrantAwardFactory, PartnershipFactory
from tests.workflow import SOUTHGLOS_PATH, drive

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def test_opcc_devon_sees_plymouth_figures_and_priorities_but_not_avon(
    page, live_server, demo, demo_user, plymouth_plan, sign_in, axe_check
):
    drive(plymouth_plan, demo_user)  # approved: its figures are committed
    sign_in(page, "opcc.devon")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community Safety Partnerships")
    row = page.locator("#csp-safer-plymouth")
    expect(row.locator('[data-figure="award"]')).to_have_text("£400,568.00")
    expect(row.locator('[data-figure="allocated"]')).to_have_text("£377,568.00")
    expect(row.locator('[data-figure="unallocated"]')).to_have_text("£23,000.00")
    expect(page.locator("#priority-table")).to_contain_text("Protecting people at risk of abuse")
    expect(page.locator("#priority-3 [data-figure='total']")).to_contain_text("£377,568.00")
    expect(page.locator("#alignment-total")).to_have_text("£377,568.00")
    expect(page.get_by_text("Safer and Stronger South Gloucestershire")).to_have_count(0)
    axe_check(page)
    award_header = page.locator("#dashboard-table thead a", has_text="Award")
    award_header.click()
    expect(page.locator("th[aria-sort='ascending']")).to_contain_text("Award")
    award_header.click()
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Award")
    axe_check(page)
    response = page.goto(f"{live_server.url}/oversight/avon-and-somerset/")
    assert response.status == 404


def test_opcc_avon_sees_south_gloucestershire_available(
    page, live_server, demo, demo_user, southglos_plan, sign_in, axe_check
):
    drive(southglos_plan, demo_user, SOUTHGLOS_PATH)
    sign_in(page, "opcc.avon")
    page.get_by_role("link", name="Dashboard").click()
    row = page.locator("#csp-safer-and-stronger-south-gloucestershire")
    expect(row.locator('[data-figure="unallocated"]')).to_have_text("£24,700.00")
    expect(page.get_by_text("Safer Plymouth")).to_have_count(0)
    axe_check(page)


def test_formula_from_imported_indicators_becomes_the_years_awards(
    page, live_server, demo, sign_in, axe_check, tmp_path
):
    area = ForceArea.objects.get(slug="devon-and-cornwall")
    stream = area.funding_streams.get()
    for index in range(10):
        partnership = PartnershipFactory(force_area=area, name=f"Safer District {index:02d}")
        GrantAwardFactory(partnership=partnership, funding_stream=stream, amount=D(100000 + index * 5000))
    lines = ["Partnership,Population,Recorded crime per 1000"]
    for index, partnership in enumerate(Partnership.objects.filter(force_area=area).order_by("name")):
        lines.append(f"{partnership.name},{90000 + index * 17001},{35 + index}")
    upload = tmp_path / "indicators.csv"
    upload.write_text("\n".join(lines))

    sign_in(page, "opcc.devon")
    page.goto(f"{live_server.url}/oversight/devon-and-cornwall/awards/2021-22/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Awards for 2021/22")
    axe_check(page)
    page.get_by_role("link", name="Import indicators").click()
    axe_check(page)
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", name="Check the figures before saving them")).to_be_visible()
    expect(page.locator("#import-preview tbody tr")).to_have_count(11)
    axe_check(page)
    page.get_by_role("button", name="Save these figures").click()
    expect(page.get_by_text("22 indicator figures saved for 2021/22")).to_be_visible()

    page.get_by_role("link", name="Work out a formula scenario").click()
    page.get_by_label("Scenario name").fill("Population and crime")
    page.get_by_label("Pot", exact=True).fill("£1,500,000.07")
    page.get_by_label("Top-slice", exact=True).fill("50,000")
    page.get_by_label("Weight for Population").fill("3")
    page.get_by_label("Weight for Recorded crime per 1000").fill("1")
    page.get_by_label("Damping (%)").fill("15")
    axe_check(page)
    page.get_by_role("button", name="Work out and save the scenario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Population and crime")
    expect(page.locator("#scenario-table tbody tr")).to_have_count(11)
    expect(page.locator("#scenario-total")).to_have_text("£1,450,000.07")
    axe_check(page)
    awards_date = page.get_by_role("group", name="Date the awards are made")
    awards_date.get_by_label("Day").fill("1")
    awards_date.get_by_label("Month").fill("4")
    awards_date.get_by_label("Year").fill("2021")
    page.get_by_role("button", name="Confirm these as the year's awards").click()
    expect(page.get_by_text("'Population and crime' confirmed: 11 awards for 2021/22 made")).to_be_visible()
    expect(page.locator("#awards-total")).to_have_text("£1,450,000.07")
    axe_check(page)
    awards = GrantAward.objects.filter(financial_year="2021/22", partnership__force_area=area)
    assert awards.count() == 11 and sum(a.amount for a in awards) == D("1450000.07")


def test_a_grant_round_shows_awarded_and_remaining(page, live_server, demo, sign_in, axe_check):
    area = ForceArea.objects.get(slug="devon-and-cornwall")
    stream = FundingStream.objects.create(force_area=area, name="Road safety fund", kind="other")
    grant_round = GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Road safety 2021/22",
        financial_year="2021/22",
        pot=D("300000.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 30),
    )
    for index in range(6):
        application_add(
            grant_round=grant_round,
            organisation=Organisation.objects.create(name=f"Road charity {index}"),
            project_title=f"Project {index}",
            purpose="Fewer people killed or seriously injured.",
            amount_requested=D("60000.00"),
            received_on=datetime.date(2021, 6, 1),
        )
    sign_in(page, "opcc.devon")
    page.get_by_role("link", name="Grant rounds").click()
    axe_check(page)
    page.get_by_role("link", name="Road safety 2021/22").click()
    expect(page.locator("#applications-table tbody tr")).to_have_count(6)
    axe_check(page)
    page.get_by_role("link", name="Decide on the application from Road charity 0").click()
    axe_check(page)
    page.get_by_label("Approve").check()
    page.get_by_label("Amount awarded").fill("55,000.50")
    decision_date = page.get_by_role("group", name="Date of the decision")
    decision_date.get_by_label("Day").fill("1")
    decision_date.get_by_label("Year").fill("2021")
    page.get_by_role("button", name="Record the decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The date of the decision must include a month")
    axe_check(page)
    summary.get_by_role("link", name="The date of the decision must include a month").click()
    expect(decision_date.get_by_label("Month")).to_be_focused()
    expect(decision_date.get_by_label("Day")).to_have_value("1")
    decision_date.get_by_label("Month").fill("7")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("£55,000.50 awarded to Road charity 0")).to_be_visible()
    expect(page.locator("#round-pot")).to_have_text("£300,000.00")
    expect(page.locator("#round-awarded")).to_have_text("£55,000.50")
    expect(page.locator("#round-remaining")).to_have_text("£244,999.50")
    axe_check(page)


def test_publication_pages(page, live_server, demo, sign_in, axe_check):
    page.goto(f"{live_server.url}/published/devon-and-cornwall/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crime and disorder reduction grants")
    expect(page.get_by_role("cell", name="£400,568.00")).to_be_visible()
    axe_check(page)
    sign_in(page, "opcc.devon")
    page.get_by_role("link", name="Reports").click()
    axe_check(page)
    page.get_by_role("link", name="Police and Crime Panel report 2020/21").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Commissioning in Devon & Cornwall, 2020/21")
    axe_check(page)
    page.goto(f"{live_server.url}/oversight/devon-and-cornwall/funding/")
    axe_check(page)
