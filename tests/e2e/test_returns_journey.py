"""The issue's journey in Chromium, with an axe check of every page visited: after Plymouth's 2020/21 plan is
approved, the officer enters Q1 for the domestic abuse service (green, red, green; spend 25% of £210,000.00), the
finance lead certifies it, the OPCC queries it, the officer answers, the finance lead certifies again and the OPCC
accepts it."""

import pytest
from playwright.sync_api import expect

from grants.models import SpendingPlan
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_quarterly_return_from_entry_to_acceptance(as_user, axe_check, demo_user):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    drive(plan, demo_user)

    officer = as_user("officer.plymouth")
    officer.get_by_role("link", name="Safer Plymouth 2020/21 performance returns").click()
    axe_check(officer)
    officer.get_by_role("table", name="Q1 (April to June 2020): due by 28 July 2020").get_by_role(
        "link", name="1. Plymouth Domestic Abuse Service"
    ).click()
    axe_check(officer)
    return_url = officer.url
    officer.get_by_role("link", name="Start the return").click()
    axe_check(officer)
    officer.get_by_label("100% of victims engaging").fill("100")
    officer.get_by_label("75% or above victims referred to the service engage with the service").fill("78")
    officer.get_by_label("Re-referral rate is below 20%").fill("22")
    officer.get_by_label("Staff trained are satisfied").fill("All twelve staff trained rated it good or better.")
    officer.get_by_label("90% of victims exiting the service do so in a planned way").fill("91")
    officer.get_by_label("Spend in the period").fill("£52,500")
    officer.get_by_role("button", name="Save the return").click()
    axe_check(officer)
    measures = officer.get_by_role("table", name="Outcome measures against their targets")
    for words, rating in [
        ("75% or above victims referred", "Green"),
        ("Re-referral rate is below 20%", "Red"),
        ("90% of victims exiting", "Green"),
    ]:
        expect(measures.get_by_role("row").filter(has_text=words).locator("[data-rag]")).to_have_text(rating)
    expect(officer.locator("#spend-in-period")).to_have_text("£52,500.00 (25% of £210,000.00)")

    def step(page, button, comments=""):
        page.goto(return_url)
        page.get_by_role("link", name=button).click()
        axe_check(page)
        if comments:
            page.get_by_role("textbox").first.fill(comments)
        page.get_by_role("button", name=button).click()
        axe_check(page)

    step(officer, "Submit the return for certification")
    finance = as_user("finance.plymouth")
    step(finance, "Certify the return")
    opcc = as_user("opcc.devon")
    step(opcc, "Query the return", "Why did re-referrals rise?")
    expect(opcc.locator("#status")).to_contain_text("Queried by the OPCC")
    step(officer, "Submit the return for certification", "Two families were re-referred after moving back.")
    step(finance, "Certify the return")
    step(opcc, "Accept the return")
    expect(opcc.locator("#status")).to_contain_text("Accepted by the OPCC")
    expect(opcc.get_by_role("table", name="What has happened to this return").get_by_role("row")).to_have_count(8)

    # The performance pack and the OPCC's returns page, checked too.
    opcc.get_by_role("link", name="Safer Plymouth 2020/21 returns").click()
    axe_check(opcc)
    opcc.get_by_role("link", name="Performance pack for Q1").click()
    expect(opcc.get_by_role("heading", level=1)).to_have_text("Performance pack: Q1 (April to June 2020)")
    expect(opcc.locator("#exceptions")).to_contain_text("Re-referral rate is below 20%")
    axe_check(opcc)
    opcc.goto(opcc.url.split("/grants/")[0] + "/oversight/devon-and-cornwall/reporting/")
    expect(opcc.locator("#area-spend")).to_contain_text("£52,500.00")
    axe_check(opcc)
