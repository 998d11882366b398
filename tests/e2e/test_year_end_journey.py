"""The year end in Chromium, with an axe check of every page visited: Plymouth's 2020/21 year reported, the OPCC
proposes carrying £5,000.00 of the underspend forward, the Treasurer and the Police and Crime Commissioner
approve, and next year's award shows the money carried forward."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import PerformanceReturn, SpendingPlan
from grants.services.returns import returns_set_up
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_underspend_carried_forward_into_next_years_award(as_user, axe_check, demo_user, live_server):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    drive(plan, demo_user)
    returns = returns_set_up(award=plan.award)
    PerformanceReturn.objects.filter(pk__in=[r.pk for r in returns]).update(spend_in_period=Decimal("1000.00"))

    opcc = as_user("opcc.devon")
    opcc.goto(f"{live_server.url}/oversight/devon-and-cornwall/awards/2020-21/")
    opcc.get_by_role("link", name="Year end 2020/21").click()
    axe_check(opcc)
    year_end_url = opcc.url
    opcc.get_by_role("link", name="Propose the year end for Safer Plymouth").click()
    axe_check(opcc)
    opcc.get_by_label("Carry forward into next year's award").check()
    opcc.get_by_label("Amount to carry forward").fill("£5,000")
    opcc.get_by_role("button", name="Propose the year end").click()
    axe_check(opcc)

    for username in ("treasurer.devon", "pcc.devon"):
        approver = as_user(username)
        approver.goto(year_end_url)
        approver.get_by_role("link", name="Approve the year end for Safer Plymouth").click()
        axe_check(approver)
        approver.get_by_role("button", name="Approve the year end").click()
        axe_check(approver)

    opcc.goto(year_end_url)
    opcc.get_by_role("link", name="Next year's award for Safer Plymouth").click()
    axe_check(opcc)
    expect(opcc.locator("[data-figure=carried-forward]")).to_have_text(
        "Of which carried forward from 2020/21: £5,000.00"
    )
