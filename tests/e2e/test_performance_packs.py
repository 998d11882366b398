"""The performance packs in Chromium (issue 11, item 7): the CSP's pack and the OPCC's pack across its CSPs, with
their charts, at 1280 and 390 px: no sideways scroll of the page (wide tables scroll inside their labelled
region), the charts drawn, and axe finds nothing serious. Screenshots go to PACK_SCREENSHOTS when it is set, for a
person to look at."""

import os
from decimal import Decimal as D

import pytest
from django.urls import reverse

from grants.models import SpendingPlan
from grants.services import returns as service
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_packs_read_well_on_a_desktop_and_a_phone(as_user, demo_user, live_server, axe_check):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    drive(plan, demo_user)
    returns = service.returns_set_up(award=plan.award)
    q1 = next(r for r in returns if r.period.number == 1 and r.project.title == "Plymouth Domestic Abuse Service")
    figures = {"75% or above": "78", "Re-referral": "22", "90% of victims": "91"}
    results = {}
    for measure in q1.project.outcome_measures.all():
        value = next((D(v) for words, v in figures.items() if measure.description.startswith(words)), D("100"))
        results[measure.pk] = (value, "") if measure.is_numeric else (None, "Staff satisfied.")
    service.return_save(
        performance_return=q1,
        by=demo_user("officer.plymouth"),
        spend_in_period=D("52500"),
        forecasts={},
        results=results,
        went_well="78% of victims referred engaged.",
    )
    pages = [
        ("csp-pack", reverse("grants:performance-pack", args=[plan.award_id, 1])),
        (
            "area-pack",
            reverse("grants:area-pack", kwargs={"area": "devon-and-cornwall", "year": "2020/21", "number": 1}),
        ),
    ]
    page = as_user("opcc.devon")
    page.goto(live_server.url + reverse("grants:reporting-rules", kwargs={"area": "devon-and-cornwall"}))
    page.get_by_role("link", name="2020/21 Q1").click()  # the OPCC's way in to its pack
    assert page.get_by_role("heading", level=1).inner_text().startswith("Performance pack across the area")
    for name, url in pages:
        page.goto(live_server.url + url)
        assert page.locator("figure.app-chart svg rect").count() > 0, name
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            if folder := os.environ.get("PACK_SCREENSHOTS"):
                page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width} px"
        axe_check(page)
    rag_table = page.locator("#area-rag-chart-table")
    assert rag_table.get_by_role("row", name="Q1").locator('[data-rag="red"]').inner_text() == "1"
