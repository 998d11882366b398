"""Issue 8's journey in Chromium, with an axe check of every page visited: Safer Plymouth's plan is approved; the
officer starts a variation, moves £3,000 from line 3 to line 5 in the editor and submits it; the OPCC's
dashboard and the Police and Crime Panel report show version 1's approved figures with version 2 beside them."""

import pytest
from playwright.sync_api import expect

from grants.models import SpendingPlan
from grants.services.variations import plan_vary
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def move_money(page, axe_check, live_server, variation, number, amount):
    project = variation.projects.get(number=number)
    page.goto(f"{live_server.url}/plans/{variation.pk}/edit/projects/{project.pk}/")
    axe_check(page)
    page.get_by_label("Amount allocated", exact=True).fill(amount)
    page.get_by_role("button", name="Save funded project").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()


def test_the_dashboard_and_panel_report_keep_the_approved_figures_beside_a_variation(
    page, live_server, demo, demo_user, plymouth_plan, sign_in, axe_check
):
    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))

    sign_in(page, "officer.plymouth")
    move_money(page, axe_check, live_server, variation, 3, "£90,575.00")
    move_money(page, axe_check, live_server, variation, 5, "£13,000.00")
    page.goto(f"{live_server.url}{variation.get_absolute_url()}")
    expect(page.locator("#plan-in-force")).to_contain_text("version 1 is in force")
    axe_check(page)
    page.get_by_role("button", name="Submit the spending plan").click()
    axe_check(page)
    page.get_by_role("button", name="Submit the spending plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    variation.refresh_from_db()
    assert variation.status == SpendingPlan.Status.SUBMITTED
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "opcc.devon")
    page.get_by_role("link", name="Dashboard").click()
    row = page.locator("#csp-safer-plymouth")
    expect(row.locator('[data-figure="status"]')).to_contain_text("Version 1")
    expect(row.locator('[data-figure="status"]')).to_contain_text("Approved")
    expect(row.locator('[data-figure="status"]')).to_contain_text("Version 2")
    expect(row.locator('[data-figure="status"]')).to_contain_text("Submitted")
    expect(row.locator('[data-figure="allocated"] > .app-numeric')).to_have_text("£377,568.00")
    expect(row.locator('[data-figure="unallocated"] > .app-numeric')).to_have_text("£23,000.00")
    expect(row.locator('[data-proposed="allocated"]')).to_have_text(
        "Version 2: £377,568.00 (£0.00), proposed, not yet approved"
    )
    expect(page.locator("#dashboard-totals")).to_contain_text("1 in force, 1 awaiting approval")
    expect(page.locator("#priority-1 [data-figure='total']")).to_contain_text("£48,993.00")  # version 1's
    axe_check(page)

    page.get_by_role("link", name="Reports").click()
    axe_check(page)
    page.get_by_role("link", name="Police and Crime Panel report 2020/21").click()
    expect(page.locator("#report-csp-safer-plymouth")).to_contain_text("Version 1, approved")
    expect(page.locator("#report-csp-safer-plymouth [data-figure='allocated']")).to_have_text("£377,568.00")
    expect(page.locator("#pending-safer-plymouth")).to_contain_text("Version 2: Submitted")
    expect(page.locator("#pending-safer-plymouth [data-figure='change-allocated']")).to_have_text("£0.00")
    axe_check(page)
