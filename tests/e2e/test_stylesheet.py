"""What the stylesheet must do, seen in Chromium: the dashboard's priority chart draws each bar as long as its
share of the money, and the funded-project form keeps its figures panel in view while the officer scrolls. Both
broke, unnoticed, when merges left three rules of static/app/app.css without their closing brace."""

import io
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from grants.money import parse_money
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def _painted(png: bytes) -> tuple[float, tuple[int, int, int]]:
    """The share of a bar's width that is painted (not white) along its middle, inside the frame, and the colour
    of its first painted pixel."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    row = [image.getpixel((x, height // 2)) for x in range(2, width - 2)]  # inside the 1px frame
    painted = [pixel for pixel in row if min(pixel) < 235]
    first = next((pixel for pixel in row if min(pixel) < 235), (255, 255, 255))
    return len(painted) / len(row), first


def test_the_priority_chart_bars_are_as_long_as_their_share_of_the_money(
    page, live_server, demo, sign_in, axe_check, plymouth_plan, demo_user
):
    drive(plymouth_plan, demo_user)  # the dashboard counts committed money: the plan in force, once approved
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "opcc.devon")
    page.get_by_role("link", name="Dashboard").click()
    page.goto(page.url.split("?")[0] + "?year=2020/21")  # the demo's plans are 2020/21's; its money goes on later
    bars = page.locator(".app-chart__bar")
    expect(bars).to_have_count(5)
    axe_check(page)
    allocated = parse_money(page.locator("#alignment-total").inner_text())
    rows = page.locator("#priority-table tbody tr")
    shares = []
    for index in range(5):
        total = parse_money(rows.nth(index).locator("[data-figure='total']").inner_text().split("\n")[0])
        expected = float(total / allocated)
        share, colour = _painted(bars.nth(index).locator("svg.app-chart__svg").screenshot())
        shares.append(share)
        assert share == pytest.approx(expected, abs=0.01), (index + 1, share, expected)
        if total:  # the chart's blues (#1d70b8, and the hatching's #d2e2f1), not black or grey
            assert max(colour) - min(colour) > 20 and colour[2] == max(colour), colour
    assert len({round(share, 2) for share in shares}) > 1  # not five identical bars
    assert allocated > Decimal(0)


def test_the_figures_panel_stays_in_view_while_the_project_form_scrolls(
    page, live_server, demo, sign_in, axe_check, plymouth_plan
):
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "officer.plymouth")
    line4 = plymouth_plan.projects.get(number=4)
    page.goto(f"{live_server.url}/plans/{plymouth_plan.pk}/edit/projects/{line4.pk}/")
    panel = page.locator("[data-figures]")
    expect(panel).to_be_visible()
    axe_check(page)
    form_height = page.locator("[data-project-form]").bounding_box()["height"]
    assert form_height > 3 * 800  # a long form: sub-items, measures and match funding
    for scrolled in (1200, 2400, int(form_height) - 1600):
        page.evaluate(f"window.scrollTo(0, {scrolled})")
        page.wait_for_function(f"Math.abs(window.scrollY - {scrolled}) < 2")
        box = panel.bounding_box()  # relative to the viewport
        assert 0 <= box["y"] <= 40, (scrolled, box)
        expect(page.locator("#figure-allocated")).to_be_in_viewport()
