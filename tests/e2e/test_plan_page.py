import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_signs_in_and_reads_the_plymouth_plan(page, live_server, demo, sign_in, axe_check):
    sign_in(page, "officer.plymouth", axe_check)
    expect(page.get_by_role("heading", name="Spending plans", level=1)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Safer Plymouth 2020/21 spending plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("OPCC grant spending plan")
    expect(page.locator("#figure-award")).to_contain_text("£400,568.00")
    expect(page.locator("#figure-allocated")).to_have_text("£377,568.00")
    expect(page.locator("#figure-unallocated")).to_have_text("£23,000.00")
    expect(page.locator("#plan-table tbody > tr")).to_have_count(6)
    axe_check(page)


def test_accessibility_statement_is_reachable_from_every_page(page, live_server, db, axe_check):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    axe_check(page)


def test_opcc_scrutinises_the_plan_against_the_police_and_crime_plan(page, live_server, demo, sign_in, axe_check):
    sign_in(page, "opcc.devon")
    page.get_by_role("link", name="Safer Plymouth 2020/21 spending plan").first.click()
    expect(page.get_by_role("heading", name="Money by Police and Crime Plan priority")).to_be_visible()
    expect(page.locator("#priority-table")).to_contain_text("£377,568.00")
    axe_check(page)
