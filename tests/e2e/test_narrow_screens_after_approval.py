"""Issue 9's phone width for the pages after approval (issue 11): the award's returns, a return and its form, the
OPCC's returns page and the year end have no sideways scroll of the page at 390 px (wide tables scroll inside
their labelled region) nor at 1280, and axe finds nothing serious on them. Screenshots go to NARROW_SCREENSHOTS
when it is set, for a person to look at."""

import os

import pytest
from django.urls import reverse

from grants.models import PerformanceReturn, SpendingPlan
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def test_pages_after_approval_fit_a_phone(as_user, demo_user, live_server, axe_check):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    drive(plan, demo_user)
    ret = (
        PerformanceReturn.objects.filter(period__award=plan.award).order_by("period__number", "project__number").first()
    )
    pages = {
        "officer.plymouth": [
            ("returns", reverse("grants:returns", args=[plan.award_id])),
            ("return", reverse("grants:return", args=[ret.pk])),
            ("return-edit", reverse("grants:return-edit", args=[ret.pk])),
        ],
        "opcc.devon": [
            ("year-end", reverse("grants:year-end", kwargs={"area": "devon-and-cornwall", "year": "2020-21"})),
            ("reporting", reverse("grants:reporting-rules", kwargs={"area": "devon-and-cornwall"})),
        ],
    }
    for user, urls in pages.items():
        page = as_user(user)
        for name, url in urls:
            page.goto(live_server.url + url)
            for width in (1280, 390):
                page.set_viewport_size({"width": width, "height": 900})
                if folder := os.environ.get("NARROW_SCREENSHOTS"):
                    page.screenshot(path=f"{folder}/{name}-{width}.png", full_page=True)
                assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} at {width} px"
            axe_check(page)
