"""Issue 11 in Chromium, with axe on every page visited at 1280 and 390 px wide (no sideways scroll of the page):
Safer Plymouth's certifier delegates certification of its approved plan to a deputy, who certifies a submitted
return; the OPCC asks an award made directly to an organisation for quarterly returns, records the provider's
first return, and another OPCC officer accepts it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from grants.models import FundingStream, PerformanceReturn, SpendingPlan
from grants.services import returns as service
from partnerships.models import ForceArea, Role
from tests import factories as f
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def checked(axe_check):
    """Axe, and no sideways scroll of the page, at 1280 and at 390 px."""

    def check(page):
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            wide = page.evaluate(
                """width => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > width + 1)
                .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)""",
                width,
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} at {width} px: {wide}"
            axe_check(page)

    return check


def test_a_deputy_certifies_for_the_certifier(as_user, demo_user, checked, live_server):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    drive(plan, demo_user)
    officer = demo_user("officer.plymouth")
    ret = PerformanceReturn.objects.filter(period__award=plan.award, period__number=1).order_by("project__number")[0]
    results = {
        m.pk: (Decimal("80"), "") if m.is_numeric else (None, "Going well.") for m in ret.project.outcome_measures.all()
    }
    service.return_save(
        performance_return=ret, by=officer, spend_in_period=Decimal("52500"), forecasts={}, results=results
    )
    service.return_act(performance_return=ret, by=officer, action="submit")

    finance = as_user("finance.plymouth")
    finance.goto(f"{live_server.url}/grants/{plan.award_id}/returns/")
    checked(finance)
    finance.get_by_role("link", name="Delegate certification for this plan").click()
    checked(finance)
    finance.get_by_role("radio", name="Jordan Evans, Executive group member").check()
    finance.get_by_role("button", name="Delegate certification").click()
    expect(finance.locator("#deputies")).to_contain_text("Jordan Evans")
    checked(finance)

    deputy = as_user("exec.plymouth")
    deputy.goto(f"{live_server.url}/returns/{ret.pk}/")
    checked(deputy)
    deputy.get_by_role("link", name="Certify the return").click()
    checked(deputy)
    deputy.get_by_role("button", name="Certify the return").click()
    expect(deputy.locator("#status")).to_contain_text("Certified, waiting for the OPCC")
    expect(deputy.get_by_role("table", name="What has happened to this return")).to_contain_text("Jordan Evans")
    checked(deputy)


def test_the_opcc_records_a_providers_return_and_another_officer_accepts_it(as_user, demo, checked, live_server):
    area = ForceArea.objects.get(slug="devon-and-cornwall")
    award = f.GrantAwardFactory(
        partnership=None,
        organisation=f.OrganisationFactory(name="Recovery house"),
        funding_stream=FundingStream.objects.filter(force_area=area).first(),
        amount=Decimal("40000.00"),
    )
    from partnerships.models import User

    Role.objects.create(user=User.objects.get(username="admin.devon"), kind=Role.Kind.OPCC, force_area=area)
    award_url = f"{live_server.url}/oversight/devon-and-cornwall/grants/{award.pk}/"

    opcc = as_user("opcc.devon")
    opcc.goto(award_url)
    checked(opcc)
    opcc.get_by_role("link", name="Ask Recovery house for returns").click()
    checked(opcc)
    opcc.get_by_role("radio", name="Quarterly").check()
    opcc.get_by_role("button", name="Save").click()
    expect(opcc.get_by_role("table", name="Each period's return, with spend against the award")).to_be_visible()
    checked(opcc)
    opcc.get_by_role("link", name="Q1 (April to June 2020)").click()
    checked(opcc)
    opcc.get_by_role("link", name="Start the return").click()
    checked(opcc)
    opcc.get_by_label("Spend in the period").fill("£10,000")
    opcc.get_by_label("What went well").fill("Forty-eight women supported in the quarter.")
    opcc.get_by_role("button", name="Save the return").click()
    expect(opcc.locator("#spend-in-period")).to_have_text("£10,000.00 (25% of £40,000.00)")
    checked(opcc)
    opcc.get_by_role("link", name="Record the provider's return").click()
    checked(opcc)
    opcc.get_by_role("button", name="Record the provider's return").click()
    expect(opcc.locator("#status")).to_contain_text("Recorded, waiting for another OPCC officer to accept it")
    return_url = opcc.url

    other = as_user("admin.devon")
    other.goto(return_url)
    other.get_by_role("link", name="Accept the return").click()
    checked(other)
    other.get_by_role("button", name="Accept the return").click()
    expect(other.locator("#status")).to_contain_text("Accepted by the OPCC")
    checked(other)
    other.goto(award_url)
    expect(other.locator("#award-return-1")).to_contain_text("Accepted by the OPCC")
    checked(other)
