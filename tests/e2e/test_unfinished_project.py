"""Issue 9, no lost work, in Chromium: an officer saves a funded project before it is finished, leaves, comes back
through "check the plan", finishes it and saves it; axe checks every page on the way."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_saves_a_half_finished_project_leaves_comes_back_and_finishes_it(
    live_server, as_user, axe_check, plymouth_plan
):
    page = as_user("officer.plymouth")
    page.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/edit/projects/")
    page.get_by_role("link", name="Add a funded project").click()
    page.get_by_label("Project, service or pilot title").fill("Night-time economy marshals")
    page.get_by_label("Brief outline").fill("Marshals at the city's taxi ranks on Friday and Saturday nights.")
    axe_check(page)
    page.get_by_role("button", name="Save and finish later").click()

    expect(page.get_by_text("has been added as not finished")).to_be_visible()
    row = page.locator("#project-7")
    expect(row).to_contain_text("Night-time economy marshals")
    expect(row).to_contain_text("Not finished")
    axe_check(page)

    # The officer leaves: the home page, nothing asked (the project was saved).
    page.get_by_role("link", name="Spending plans").first.click()
    expect(page.get_by_role("heading", name="Spending plans", level=1)).to_be_visible()

    # …and comes back: the plan's check page says what is unfinished and links to it.
    page.get_by_role("link", name="Safer Plymouth 2020/21 spending plan").click()
    page.get_by_role("link", name="Change the plan").click()
    page.get_by_role("link", name="Check the plan").click()
    unfinished = page.get_by_role("link", name="Line 7 (Night-time economy marshals): saved as not finished")
    expect(unfinished).to_contain_text("still to give: its amount and how its outcomes will be measured")
    axe_check(page)
    unfinished.click()

    expect(page.locator("#unfinished")).to_be_visible()
    expect(page.get_by_label("Project, service or pilot title")).to_have_value("Night-time economy marshals")
    expect(page.get_by_label("Amount allocated")).to_have_value("")
    axe_check(page)
    page.get_by_label("Amount allocated").fill("£10,000")
    page.get_by_label("How the outcomes will be measured").fill("Six-monthly report of users of both ranks.")
    page.get_by_role("checkbox", name="2. Preventing and deterring crime").check()
    page.get_by_role("button", name="Save funded project").click()

    expect(page.get_by_text("Funded project 7, Night-time economy marshals, has been saved.")).to_be_visible()
    expect(page.locator("#project-7")).not_to_contain_text("Not finished")
    expect(page.locator("#project-7")).to_contain_text("£10,000.00")
    axe_check(page)
    page.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/edit/check/")
    expect(page.locator("body")).not_to_contain_text("saved as not finished")
