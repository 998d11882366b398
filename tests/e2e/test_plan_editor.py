"""The officer's journeys in Chromium: starting a plan, adding a project with measures and sub-items (with and
without JavaScript), over-allocating, re-entering the whole Plymouth plan from the seed, importing a good and a
bad spreadsheet, downloading each export. axe checks every page visited."""

import io
import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from grants.demo import DATA_DIR
from grants.models import SpendingPlan
from grants.services.comparison import plan_snapshot
from priorities.models import PoliceAndCrimePlan
from tests.factories import GrantAwardFactory

pytestmark = pytest.mark.django_db(transaction=True)


def lines_and_risks(plan):
    snapshot = plan_snapshot(SpendingPlan.objects.get(pk=plan.pk))
    return sorted(snapshot["lines"].values(), key=lambda line: line["number"]), snapshot["risks"]


def next_year_award(plan):
    """A 2021/22 award, and a Police and Crime Plan in force that year (the 2017-2021 plan has ended)."""
    pcp = PoliceAndCrimePlan.objects.create(
        force_area=plan.partnership.force_area,
        title="Police and Crime Plan 2021-2025",
        starts_on="2021-04-01",
        ends_on="2025-03-31",
    )
    for priority in plan.police_and_crime_plan.priorities.all():
        pcp.priorities.create(number=priority.number, title=priority.title)
    return GrantAwardFactory(
        partnership=plan.partnership,
        funding_stream=plan.award.funding_stream,
        financial_year="2021/22",
        amount=Decimal("100000.00"),
    )


def fill_measure(page, index, description, sub_item="", comparison="", value="", unit="", frequency=""):
    page.locator(f"#id_measures-{index}-description").fill(description)
    if sub_item:
        page.locator(f"#id_measures-{index}-sub_item_label").fill(sub_item)
    if comparison:
        page.locator(f"#id_measures-{index}-target_comparison").select_option(comparison)
        page.locator(f"#id_measures-{index}-target_value").fill(value)
        page.locator(f"#id_measures-{index}-target_unit").select_option(unit)
    if frequency:
        page.locator(f"#id_measures-{index}-frequency").select_option(frequency)


def fill_sub_item(page, index, label, title, amount, description=""):
    page.locator(f"#id_sub_items-{index}-label").fill(label)
    page.locator(f"#id_sub_items-{index}-title").fill(title)
    page.locator(f"#id_sub_items-{index}-amount").fill(amount)
    if description:
        page.locator(f"#id_sub_items-{index}-description").fill(description)


def add_row(page, prefix):
    page.locator(f"[data-formset={prefix}] [data-formset-add]").click()


def test_officer_starts_a_plan_and_adds_a_project_with_two_measures_and_sub_items(
    page, live_server, plymouth_plan, sign_in, axe_check
):
    award = next_year_award(plymouth_plan)
    sign_in(page, "officer.plymouth")
    expect(page.get_by_text("2021/22 award of £100,000.00 has no spending plan yet")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Start a spending plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start the 2021/22 spending plan")
    axe_check(page)
    page.get_by_label("Start with a blank plan").check()
    page.get_by_role("button", name="Start the plan").click()

    expect(page.get_by_text("The spending plan has been started.")).to_be_visible()
    expect(page.locator("#figure-unallocated")).to_have_text("£100,000.00")
    axe_check(page)
    page.get_by_role("link", name="Funded projects").click()
    axe_check(page)
    page.get_by_role("link", name="Add a funded project").click()

    page.get_by_label("Project, service or pilot title").fill("Youth diversion pilot")
    page.get_by_label("Brief outline").fill("Diverting young people from the justice system.\n\n- Mentoring\n- Sport")
    page.get_by_label("Amount allocated").fill("£12,500")
    expect(page.locator("#figure-allocated")).to_have_text("£12,500.00")  # as you type
    expect(page.locator("#figure-balance")).to_have_text("£87,500.00")
    page.get_by_label("Provider", exact=True).select_option(label="First Light")
    page.get_by_role("checkbox", name="2. Preventing and deterring crime").check()
    expect(page.locator("[data-priority]").nth(1)).to_have_text("£12,500.00")
    fill_measure(
        page, 0, "Fewer first-time entrants", comparison="below", value="15", unit="percent", frequency="quarterly"
    )
    add_row(page, "measures")
    fill_measure(page, 1, "Young people say mentoring helped", sub_item="A")
    add_row(page, "sub_items")
    fill_sub_item(page, 0, "A", "Mentoring", "£7,500")
    add_row(page, "sub_items")
    fill_sub_item(page, 1, "B", "Sport sessions", "(£4,000)")
    expect(page.locator("#sub-items-check")).to_contain_text("£1,000.00 less than the amount allocated")
    page.locator("#id_sub_items-1-amount").fill("£5,000")
    expect(page.locator("#sub-items-check")).to_have_text("The sub-items add up to £12,500.00, the amount allocated.")
    axe_check(page)
    page.get_by_role("button", name="Save funded project").click()

    expect(page.get_by_text("Funded project 1, Youth diversion pilot, has been added.")).to_be_visible()
    expect(page.locator("#funded-projects")).to_contain_text("Sub-items: A £7,500.00, B £5,000.00")
    axe_check(page)
    plan = SpendingPlan.objects.get(award=award)
    project = plan.projects.get()
    assert project.amount_allocated == Decimal("12500.00") and project.provider.name == "First Light"
    assert [m.target_display for m in project.outcome_measures.order_by("position")] == ["below 15%", ""]
    assert project.outcome_measures.get(position=2).sub_item.label == "A"


@pytest.mark.browser_context_args(java_script_enabled=False)
def test_without_javascript_add_another_posts_back_and_the_project_still_saves(
    page, live_server, plymouth_plan, sign_in
):
    sign_in(page, "officer.plymouth")
    page.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/edit/projects/add/")
    page.get_by_label("Project, service or pilot title").fill("Crisis café")
    page.get_by_label("Amount allocated").fill("£20,000")
    fill_measure(page, 0, "Fewer repeat Section 136 detentions")
    add_row(page, "measures")  # a round trip: the page comes back with one more row and what was typed
    expect(page.locator("#id_measures-0-description")).to_have_value("Fewer repeat Section 136 detentions")
    fill_measure(page, 1, "Café users feel supported", sub_item="B")
    add_row(page, "sub_items")
    fill_sub_item(page, 0, "A", "Evening café", "15,000")
    add_row(page, "sub_items")
    fill_sub_item(page, 1, "B", "Peer support", "5,000")
    page.get_by_role("button", name="Save funded project").click()
    expect(page.get_by_text("Funded project 7, Crisis café, has been added.")).to_be_visible()
    project = plymouth_plan.projects.get(number=7)
    assert project.sub_items.count() == 2 and project.outcome_measures.count() == 2


def test_over_allocating_is_shown_as_you_type_and_refused_with_the_amount(
    page, live_server, plymouth_plan, sign_in, axe_check
):
    sign_in(page, "officer.plymouth")
    page.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/edit/projects/add/")
    page.get_by_label("Project, service or pilot title").fill("Mental health crisis café")
    page.get_by_label("Amount allocated").fill("£30,000")
    expect(page.locator("#figure-balance-label")).to_have_text("Over-allocated")
    expect(page.locator("#figure-balance")).to_have_text("£7,000.00")
    expect(page.locator("#figure-balance-row")).to_have_class(re.compile("app-figure--over"))
    page.get_by_role("button", name="Save funded project").click()

    message = "The plan would allocate £407,568.00, which is £7,000.00 more than the award of £400,568.00."
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(message)
    expect(page.locator("#id_amount_allocated_1_error")).to_contain_text(message)
    axe_check(page)
    summary.get_by_role("link", name=message).click()
    expect(page.get_by_label("Amount allocated")).to_be_focused()
    assert plymouth_plan.projects.count() == 6


def test_officer_re_enters_the_whole_plymouth_plan_from_the_seed(page, live_server, plymouth_plan, sign_in, axe_check):
    """The seed's 2020/21 plan typed in again through the pages, as a new user would: same lines, same totals."""
    seed = tomllib.loads((DATA_DIR / "devon-and-cornwall.toml").read_text())["partnerships"][0]["plan"]
    expected_lines, expected_risks = lines_and_risks(plymouth_plan)
    priorities = {p.number: str(p) for p in plymouth_plan.police_and_crime_plan.priorities.all()}
    award = plymouth_plan.award
    award.plans.all().delete()

    sign_in(page, "officer.plymouth")
    page.get_by_role("link", name="Start a spending plan").click()
    page.get_by_label("Start with a blank plan").check()
    page.get_by_role("button", name="Start the plan").click()
    plan = SpendingPlan.objects.get(award=award)

    page.get_by_role("link", name="Plan details").click()
    page.get_by_label("Title of the plan").fill(seed["title"])
    page.get_by_label("Purpose and context").fill(seed["purpose"].strip())
    page.get_by_label("What the partnership proposes for money not yet allocated").fill(seed["unallocated_note"])
    axe_check(page)
    page.get_by_role("button", name="Save plan details").click()

    for number, data in enumerate(seed["projects"], start=1):
        page.goto(f"{live_server.url}/plans/{plan.pk}/edit/projects/add/")
        page.get_by_label("Project, service or pilot title").fill(data["title"])
        page.get_by_label("Brief outline").fill(data.get("outline", "").strip())
        page.get_by_label("Amount allocated").fill(f"£{Decimal(data['amount']):,}")
        if provider := data.get("provider"):
            # The list holds the area's organisations; one known only from the deleted plan is typed instead,
            # and found by its name rather than added twice.
            choices = page.get_by_label("Provider", exact=True).locator("option").all_inner_texts()
            if provider["name"] in choices:
                page.get_by_label("Provider", exact=True).select_option(label=provider["name"])
            else:
                page.get_by_label("Or add an organisation that is not in the list").fill(provider["name"])
        if "contract_value" in data:
            page.get_by_label("Total annual contract value").fill(data["contract_value"])
        if end := data.get("contract_end_date"):
            page.locator("#id_contract_end_date_0").fill(str(end.day))
            page.locator("#id_contract_end_date_1").fill(str(end.month))
            page.locator("#id_contract_end_date_2").fill(str(end.year))
        page.get_by_label("Notes on the contract").fill(data.get("contract_notes", ""))
        if group := data.get("thematic_group"):
            page.get_by_label("Thematic group").select_option(label=group)
        for priority in data.get("pcc_priorities", []):
            page.get_by_role("checkbox", name=priorities[priority], exact=True).check()
        for title in data.get("local_priorities", []):
            page.get_by_role("checkbox", name=title, exact=True).check()
        page.get_by_label("How the outcomes will be measured").fill(data.get("outcomes_summary", "").strip())
        for index, item in enumerate(data.get("sub_items", [])):
            add_row(page, "sub_items")
            fill_sub_item(
                page, index, item["label"], item["title"], item["amount"], item.get("description", "").strip()
            )
        for index, measure in enumerate(data.get("measures", [])):
            if index:
                add_row(page, "measures")
            fill_measure(
                page,
                index,
                measure["description"],
                sub_item=measure.get("sub_item", ""),
                comparison=measure.get("comparison", ""),
                value=measure.get("target_value", ""),
                unit=measure.get("unit", ""),
                frequency=measure.get("frequency", ""),
            )
        for index, match in enumerate(data.get("match_funding", [])):
            add_row(page, "match_funding")
            page.locator(f"#id_match_funding-{index}-source").fill(match["source"])
            page.locator(f"#id_match_funding-{index}-amount").fill(match["amount"])
            page.locator(f"#id_match_funding-{index}-note").fill(match.get("note", ""))
        if number == 4:
            expect(page.locator("#sub-items-check")).to_have_text(
                "The sub-items add up to £25,000.00, the amount allocated."
            )
            axe_check(page)
        page.get_by_role("button", name="Save funded project").click()
        expect(page.get_by_text(f"Funded project {number}, {data['title']}, has been")).to_be_visible()

    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/risks/")
    for index, risk in enumerate(seed["risks"]):
        if index:
            add_row(page, "risks")
        page.locator(f"#id_risks-{index}-theme").fill(risk["theme"])
        page.locator(f"#id_risks-{index}-initiative").fill(risk["initiative"].strip())
        page.locator(f"#id_risks-{index}-budget").fill(risk.get("budget", ""))
        page.locator(f"#id_risks-{index}-budget_note").fill(risk.get("budget_note", ""))
        page.locator(f"#id_risks-{index}-recommendation").fill(risk.get("recommendation", "").strip())
    axe_check(page)
    page.get_by_role("button", name="Save risks and watch items").click()

    expect(page.locator("#figure-award")).to_have_text("£400,568.00")
    expect(page.locator("#figure-allocated")).to_have_text("£377,568.00")
    expect(page.locator("#figure-unallocated")).to_have_text("£23,000.00")
    expect(page.locator("#figure-match")).to_have_text("£44,450.00")
    page.get_by_role("link", name="Check the plan").click()
    expect(page.locator("#project-4")).to_contain_text("The sub-items add up to £25,000.00, the amount allocated.")
    axe_check(page)
    page.goto(f"{live_server.url}/plans/{plan.pk}/history/")
    expect(
        page.get_by_text("Added funded project 6: Strategic analysis and evidence for decision making")
    ).to_be_visible()
    axe_check(page)

    lines, risks = lines_and_risks(plan)
    differences = [
        (line["number"], key, line[key], expected[key])
        for line, expected in zip(lines, expected_lines, strict=True)
        for key in expected
        if line[key] != expected[key]
    ]
    assert not differences
    assert lines == expected_lines
    assert risks == expected_risks


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    workbook.active.append(["Number", "Title", "Amount allocated", "Police and Crime Plan priorities"])
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_officer_imports_a_bad_spreadsheet_then_a_good_one(page, live_server, plymouth_plan, sign_in, axe_check):
    sign_in(page, "officer.plymouth")
    page.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/edit/projects/")
    page.get_by_role("link", name="Import funded projects from a spreadsheet").click()
    axe_check(page)
    bad = _xlsx(
        [
            [7, "Crisis café", "£13,000", "3"],
            [None, "Night marshals", "£5,000", "9"],
            [None, "Hate crime awareness", "£12,5OO", "2. Preventing and deterring crime"],
        ]
    )
    page.get_by_label("Spreadsheet file").set_input_files(
        {"name": "mistakes.xlsx", "mimeType": "application/octet-stream", "buffer": bad}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The spreadsheet cannot be imported yet")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Row 3, Police and Crime Plan priorities: the Police and Crime Plan 2017-2021 has no priority 9"
    )
    expect(summary).to_contain_text("Row 4, Amount allocated: '£12,5OO' is not an amount")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    axe_check(page)
    assert plymouth_plan.projects.count() == 6

    page.get_by_role("link", name="Upload a corrected spreadsheet").click()
    good = _xlsx(
        [
            [None, "Crisis café", "£13,000", "3, 4"],
            [None, "Hate crime awareness", "£10,000", "2. Preventing and deterring crime"],
        ]
    )
    page.get_by_label("Spreadsheet file").set_input_files(
        {"name": "corrected.xlsx", "mimeType": "application/octet-stream", "buffer": good}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what the import will change")
    expect(page.locator("#import-allocated")).to_have_text("£400,568.00")
    expect(page.locator("#import-unallocated")).to_have_text("£0.00")
    axe_check(page)
    page.get_by_role("button", name="Import 2 funded projects").click()
    expect(page.get_by_text("2 funded projects imported from corrected.xlsx.")).to_be_visible()
    expect(page.locator("#funded-projects tbody tr")).to_have_count(8)
    axe_check(page)


@pytest.mark.browser_context_args(accept_downloads=True)
def test_each_export_downloads_from_the_plan_page(page, live_server, plymouth_plan, sign_in, axe_check):
    sign_in(page, "board.plymouth")
    page.goto(f"{live_server.url}{plymouth_plan.get_absolute_url()}")
    axe_check(page)
    expected = {
        "Board paper (PDF)": ("safer-plymouth-2020-21-board-paper.pdf", b"%PDF"),
        "Board paper (Word)": ("safer-plymouth-2020-21-board-paper.docx", b"PK"),
        "Funded projects (Excel spreadsheet)": ("safer-plymouth-2020-21-funded-projects.xlsx", b"PK"),
        "Funded projects (CSV)": ("safer-plymouth-2020-21-funded-projects.csv", "\ufeffNumber,Title".encode()),
    }
    for link, (filename, start) in expected.items():
        with page.expect_download() as info:
            page.get_by_role("link", name=link).click()
        download = info.value
        assert download.suggested_filename == filename
        content = Path(download.path()).read_bytes()
        assert content.startswith(start), link
        if filename.endswith(".xlsx"):
            sheet = load_workbook(io.BytesIO(content))["Funded projects"]
            assert sheet["B2"].value == "Plymouth Domestic Abuse Service"
