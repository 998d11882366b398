"""All of an OPCC's money in Chromium, with an axe check of every page visited (issue 10): funding received from
two funders, one across two financial years; a grant round with six awards; an allocation across ten councils,
typed and then imported from a sheet with a title row and a Total row; a capital fund with three claims and two
payments; then the Panel report and the dashboard, totals right to the penny, income and grants made apart.

Set SCREENSHOTS=/some/folder to keep a picture of each page at 1280 and 390 pixels wide."""

import datetime
import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import AllocationTable, Claim, GrantAward
from partnerships.models import ForceArea
from priorities.models import PoliceAndCrimePlan
from tests.oversight.councils import DEVON_AND_CORNWALL, devon_councils

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal
AREA = "devon-and-cornwall"
ROUND_AWARDS = ["50,000.10", "45,000.20", "40,000.30", "35,000.40", "30,000.50", "25,000.60"]  # £225,002.10
TEN = [
    (name, ons, D(f"{100000 + index * 12345}.{index:02d}"))
    for index, (name, ons, _) in enumerate(DEVON_AND_CORNWALL[:10])
]
DA_TOTAL = D("1555525.45")


def shoot(page, name):
    folder = os.environ.get("SCREENSHOTS")
    if not folder:
        return
    os.makedirs(folder, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def nav(page, name):
    page.get_by_role("navigation", name="Menu").get_by_role("link", name=name).click()


def fill_date(page, group_name, day):
    group = page.get_by_role("group", name=group_name)
    d, m, y = day.split(" ")
    group.get_by_label("Day").fill(d)
    group.get_by_label("Month").fill(m)
    group.get_by_label("Year").fill(y)


def record_stream(page, axe_check, name, kind, funder):
    nav(page, "Money in and out")
    page.get_by_role("link", name="Record a funding stream").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Kind").select_option(label=kind)
    page.get_by_label("Funder", exact=True).fill(funder)
    axe_check(page)
    page.get_by_role("button", name="Save funding stream").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def test_all_of_an_opccs_money(page, live_server, demo, sign_in, axe_check, tmp_path):
    councils = {council.name: council for council in devon_councils()}
    plan = PoliceAndCrimePlan.objects.create(
        force_area=ForceArea.objects.get(slug=AREA),
        title="Police and Crime Plan 2021-2025",
        starts_on=datetime.date(2021, 4, 1),
        ends_on=datetime.date(2025, 3, 31),
    )
    for number, title in enumerate(
        ["Safer communities", "Preventing crime", "Protecting people", "Supporting victims and witnesses"], 1
    ):
        plan.priorities.create(number=number, title=title)
    sign_in(page, "opcc.devon")

    # --- two funding streams and the funding received into them ---------------------------------------------
    record_stream(page, axe_check, "Victims' services grant", "Ministry of Justice", "Ministry of Justice")
    axe_check(page)
    record_stream(
        page, axe_check, "Domestic abuse duty", "MHCLG / DLUHC", "Ministry of Housing, Communities and Local Government"
    )
    record_stream(page, axe_check, "Safer spaces capital fund", "Other", "")

    nav(page, "Money in and out")
    axe_check(page)
    page.get_by_role("link", name="Record funding received").click()
    page.get_by_label("Funding stream").select_option(label="Victims' services grant")
    page.get_by_label("Funder", exact=True).fill("Ministry of Justice")
    page.get_by_label("Amount received").fill("£1,234,567.89")
    fill_date(page, "Period starts", "1 4 2021")
    fill_date(page, "Period ends", "31 3 2023")
    page.locator("#id_years-0-financial_year").fill("2021/22")
    page.locator("#id_years-0-amount").fill("600,000.00")
    page.get_by_role("button", name="Add another financial year").click()  # with JavaScript: in place
    expect(page.locator("#id_years-1-financial_year")).to_be_focused()
    page.locator("#id_years-1-financial_year").fill("2022/23")
    page.locator("#id_years-1-amount").fill("634,567.89")
    page.get_by_label("Reporting duties").fill("Quarterly returns to the MoJ.")
    axe_check(page)
    shoot(page, "income-form")
    page.get_by_role("button", name="Save the funding received").click()
    expect(page.locator("#income-amount")).to_have_text("£1,234,567.89")
    expect(page.locator("#income-years")).to_contain_text("£634,567.89")
    axe_check(page)

    nav(page, "Money in and out")
    page.get_by_role("link", name="Record funding received").click()
    page.get_by_label("Funding stream").select_option(label="Domestic abuse duty")
    page.get_by_label("Funder", exact=True).fill("Ministry of Housing, Communities and Local Government")
    page.get_by_label("Amount received").fill("1,555,525.45")
    fill_date(page, "Period starts", "1 4 2021")
    fill_date(page, "Period ends", "31 3 2022")
    page.locator("#id_years-0-financial_year").fill("2021/22")
    page.locator("#id_years-0-amount").fill("1,555,525.45")
    page.get_by_role("button", name="Save the funding received").click()
    expect(page.locator("#income-amount")).to_have_text("£1,555,525.45")

    # --- a grant round with six awards ------------------------------------------------------------------------
    nav(page, "Grant rounds")
    page.get_by_role("link", name="Start a grant round").click()
    page.get_by_label("Name").fill("Victims' small grants 2021/22")
    page.get_by_label("Funding stream").select_option(label="Victims' services grant")
    page.get_by_label("Financial year").fill("2021/22")
    page.get_by_label("Pot").fill("300,000")
    fill_date(page, "Opens on", "1 5 2021")
    fill_date(page, "Closes on", "30 6 2021")
    page.get_by_label("4. Supporting victims and witnesses (Police and Crime Plan 2021-2025)").check()
    axe_check(page)
    page.get_by_role("button", name="Save grant round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Victims' small grants 2021/22")
    for index, amount in enumerate(ROUND_AWARDS):
        page.get_by_role("link", name="Enter an application").click()
        page.get_by_label("Applicant organisation").fill(f"Victims' charity {index + 1}")
        page.get_by_label("Project title").fill(f"Support service {index + 1}")
        page.get_by_label("What the money is for").fill("Support for victims of crime.")
        page.get_by_label("Amount requested").fill(amount)
        fill_date(page, "Received on", "1 6 2021")
        if index == 0:
            axe_check(page)
        page.get_by_role("button", name="Save application").click()
    for index, amount in enumerate(ROUND_AWARDS):
        page.get_by_role("link", name=f"Decide on the application from Victims' charity {index + 1}").click()
        page.get_by_label("Approve").check()
        page.get_by_label("Amount awarded").fill(amount)
        fill_date(page, "Date of the decision", "15 7 2021")
        page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#round-awarded")).to_have_text("£225,002.10")
    expect(page.locator("#round-remaining")).to_have_text("£74,997.90")
    axe_check(page)

    # --- an allocation across ten councils, typed ----------------------------------------------------------------
    nav(page, "Money in and out")
    page.get_by_role("link", name="Allocate a stream across councils").click()
    page.get_by_label("Title").fill("Domestic abuse duty 2021/22")
    page.get_by_label("Funding stream").select_option(label="Domestic abuse duty")
    page.get_by_label("Financial year").fill("2021/22")
    page.get_by_label("Total for the year").fill("1,555,525.45")
    fill_date(page, "Date the allocation was decided (optional)", "20 5 2021")
    axe_check(page)
    page.get_by_role("button", name="Save and enter the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Domestic abuse duty 2021/22")
    for index, (name, _, amount) in enumerate(TEN):
        if index >= 3:
            page.get_by_role("button", name="Add another row").click()
        page.locator(f"#id_rows-{index}-recipient").select_option(value=f"la-{councils[name].pk}")
        page.locator(f"#id_rows-{index}-amount").fill(f"{amount:,.2f}")
    axe_check(page)
    shoot(page, "allocation-rows")
    page.get_by_role("button", name="Save the rows").click()
    expect(page.get_by_text("Allocation saved: 10 rows, £1,555,525.45.")).to_be_visible()
    expect(page.locator("#allocation-allocated")).to_contain_text("£1,555,525.45 to 10 councils")
    expect(page.locator("#allocation-difference")).to_have_text("£0.00")
    axe_check(page)

    # --- and imported from a sheet with a title row and a Total row (the councils' figures revised) ----------
    revised = [
        (name, amount + (D("1000.00") if index % 2 else D("-1000.00"))) for index, (name, _, amount) in enumerate(TEN)
    ]
    lines = ["Domestic Abuse Duty: revised allocations 2021/22,", "Local authority,Amount"]
    lines += [f'{name},"£{amount:,.2f}"' for name, amount in revised]
    lines += [f'Total,"£{DA_TOTAL:,.2f}"']
    upload = tmp_path / "revised.csv"
    upload.write_text("\n".join(lines))
    page.get_by_role("link", name="Import the rows from a spreadsheet instead").click()
    axe_check(page)
    page.get_by_label("Upload a file").set_input_files(str(upload))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the rows before saving them")
    expect(page.locator("#import-preview tbody tr")).to_have_count(10)
    expect(page.locator("#import-sheet-total")).to_contain_text("it agrees with the rows")
    axe_check(page)
    shoot(page, "allocation-import")
    page.get_by_role("button", name="Save these 10 rows").click()
    expect(page.get_by_text("10 rows imported from revised.csv, £1,555,525.45.")).to_be_visible()
    table = AllocationTable.objects.get(title="Domestic abuse duty 2021/22")
    plymouth = GrantAward.objects.get(allocation=table, organisation__name="Plymouth City Council")
    assert plymouth.amount == D("99000.00") and plymouth.status == "made"

    # --- a capital fund with three claims and two payments ---------------------------------------------------
    nav(page, "Money in and out")
    page.get_by_role("link", name="Safer spaces capital fund").click()
    page.get_by_role("link", name="Record an award").click()
    page.get_by_label("Or an organisation").fill("Torbay Council")
    page.get_by_label("On claim").check()
    page.get_by_label("Made").check()
    fill_date(page, "Awarded on", "1 6 2021")
    page.get_by_label("Purpose").fill("CCTV and lighting in the town centre")
    page.locator("#id_years-0-financial_year").fill("2021/22")
    page.locator("#id_years-0-amount").fill("150,000")
    axe_check(page)
    shoot(page, "award-form")
    page.get_by_role("button", name="Save the award").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Torbay Council: £150,000.00")
    evidence = tmp_path / "invoice-1.pdf"
    evidence.write_bytes(b"%PDF-1.4 invoice")
    for amount, day, what in (
        ("40,000.00", "30 6 2021", "Cameras"),
        ("35,500.50", "30 9 2021", "Lighting"),
        ("20,000.25", "31 12 2021", "Signs"),
    ):
        page.get_by_role("link", name="Enter a claim").click()
        page.get_by_label("Amount claimed").fill(amount)
        fill_date(page, "Date of the claim", day)
        page.get_by_label("What the claim is for").fill(what)
        if what == "Cameras":
            page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
            axe_check(page)
        page.get_by_role("button", name="Enter the claim").click()
        expect(page.get_by_text("awaits a decision")).to_be_visible()
    page.get_by_role("link", name="Enter a claim").click()
    page.get_by_label("Amount claimed").fill("54,499.26")
    fill_date(page, "Date of the claim", "1 1 2022")
    page.get_by_label("What the claim is for").fill("Too much")
    page.get_by_role("button", name="Enter the claim").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A claim of £54,499.26 is £0.01 more than remains of the award: £54,499.25 of £150,000.00 remains"
    )
    axe_check(page)
    award_url = page.url.replace("claims/new/", "")
    page.context.clear_cookies()  # signed out

    sign_in(page, "treasurer.devon")
    page.goto(award_url)
    for claim in Claim.objects.filter(award__organisation__name="Torbay Council").order_by("pk"):
        page.goto(f"{award_url}claims/{claim.pk}/")
        if claim.description == "Cameras":
            axe_check(page)
        page.get_by_role("button", name="Approve the claim").click()
        expect(page.get_by_text("Claim approved.")).to_be_visible()
    claims = list(Claim.objects.filter(award__organisation__name="Torbay Council").order_by("pk"))
    for claim, amount, day, reference in (
        (claims[0], "40,000.00", "15 7 2021", "BACS-0001"),
        (claims[1], "35,500.50", "15 10 2021", "BACS-0002"),
    ):
        page.get_by_role("link", name="Record a payment").click()
        page.get_by_label("Amount paid").fill(amount)
        fill_date(page, "Date paid", day)
        page.get_by_label("Finance system reference").fill(reference)
        page.get_by_label("The approved claim it pays").select_option(value=str(claim.pk))
        axe_check(page)
        page.get_by_role("button", name="Record the payment").click()
        expect(page.get_by_text("recorded.")).to_be_visible()
    ledger = page.locator("#award-ledger")
    expect(ledger.locator('[data-figure="claimed"]')).to_have_text("£95,500.75")
    expect(ledger.locator('[data-figure="paid"]')).to_have_text("£75,500.50")
    expect(ledger.locator('[data-figure="remaining"]')).to_contain_text("£54,499.25")
    axe_check(page)
    shoot(page, "award-page")

    # --- the dashboard and the Panel report: totals to the penny, income and grants made apart ---------------
    page.goto(f"{live_server.url}/oversight/{AREA}/?year=2021/22")
    money = page.locator("#stream-money")
    victims = money.locator("tr", has_text="Victims' services grant")
    expect(victims.locator('[data-figure="received"]')).to_have_text("£600,000.00")
    expect(victims.locator('[data-figure="granted"]')).to_have_text("£225,002.10")
    expect(victims.locator('[data-figure="committed"]')).to_have_text("£74,997.90")
    expect(victims.locator('[data-figure="remaining"]')).to_have_text("£300,000.00")
    total = page.locator("#stream-money-total")
    expect(total.locator('[data-figure="received"]')).to_have_text("£2,155,525.45")
    expect(total.locator('[data-figure="granted"]')).to_have_text("£1,930,527.55")
    expect(total.locator('[data-figure="paid"]')).to_have_text("£75,500.50")
    expect(page.locator("#direct-total")).to_have_text("£1,930,527.55")
    axe_check(page)
    shoot(page, "dashboard")
    page.goto(f"{live_server.url}/oversight/{AREA}/reports/panel/2021-22/")
    expect(page.locator("#report-received")).to_have_text("£2,155,525.45")
    expect(page.locator("#report-made")).to_contain_text("17, £1,930,527.55 in total")
    expect(page.locator("#report-made")).to_contain_text("Grant rounds: £225,002.10")
    expect(page.locator("#report-made")).to_contain_text("Allocations across councils and CSPs: £1,555,525.45")
    expect(page.locator("#report-paid")).to_have_text("£75,500.50")
    axe_check(page)
    shoot(page, "panel-report")
    page.goto(f"{live_server.url}/oversight/{AREA}/funding/?year=2022/23")
    expect(page.locator("#money-received")).to_have_text("£634,567.89")
    expect(page.locator("#money-grants-made")).to_have_text("0, £0.00")
    axe_check(page)
