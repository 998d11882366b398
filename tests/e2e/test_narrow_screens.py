"""Every page works on a phone (390 px wide) as well as on a desktop (1280 px), issue 9: the page itself never
scrolls sideways; a wide table scrolls inside its own labelled, keyboard-focusable region or becomes cards; every
action can be reached; axe finds nothing serious. Screenshots at both widths go to a temporary directory
(`NARROW_SCREENSHOTS`, or a fresh one) for a person to look at."""

import os
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse

from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# What sticks out of the page: elements whose right edge passes the viewport, not inside a scrolling region.
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('.app-table-scroll')) continue;
    const box = element.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      const classes = typeof element.className === 'string' ? element.className.split(' ').join('.') : '';
      out.push(element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') + '.' + classes +
               ' right=' + Math.round(box.right));
    }
  }
  return out.slice(0, 15);
}
"""

# Every link and button a person can act on: visible on the page, or inside a scrolling region they can reach.
UNREACHABLE = """
() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const element of document.querySelectorAll('main a[href], main button')) {
    const box = element.getBoundingClientRect();
    if (!box.width && !box.height) continue;  // inside closed details, hidden on purpose
    const region = element.closest('.app-table-scroll');
    if (region) {
      if (region.getAttribute('tabindex') !== '0' || region.getAttribute('role') !== 'region' ||
          !(region.getAttribute('aria-label') || region.getAttribute('aria-labelledby'))) {
        out.push('region without label or focus: ' + element.textContent.trim().slice(0, 40));
      }
      continue;
    }
    if (box.left < 0 || box.right > width + 1) {
      out.push(element.textContent.trim().slice(0, 40) + ' at ' + Math.round(box.right));
    }
  }
  return out;
}
"""


@pytest.fixture(scope="module")
def screenshots():
    folder = Path(os.environ.get("NARROW_SCREENSHOTS") or tempfile.mkdtemp(prefix="narrow-screens-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def check_page(page, name, axe_check, screenshots):
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        page.screenshot(path=str(screenshots / f"{name}-{size['width']}.png"), full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], (name, size["width"], width, page.evaluate(OVERFLOWING))
        assert page.evaluate(UNREACHABLE) == [], name
        axe_check(page)


def _visit(page, live_server, sign_in, axe_check, screenshots, pages) -> list[str]:
    failures = []
    for username, name, url in pages:
        page.context.clear_cookies()
        sign_in(page, username)
        page.goto(live_server.url + url)
        try:
            check_page(page, name, axe_check, screenshots)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    return failures


def test_every_page_fits_a_phone(page, live_server, demo, plymouth_plan, demo_user, sign_in, axe_check, screenshots):
    """The officer's pages while the plan is a draft, then the reviewers' once it waits for the board."""
    plan_page = reverse("grants:plan-detail", args=[plymouth_plan.pk])
    failures = _visit(
        page,
        live_server,
        sign_in,
        axe_check,
        screenshots,
        [
            ("officer.plymouth", "home-officer", reverse("home")),
            ("officer.plymouth", "plan", plan_page),
            ("officer.plymouth", "editor", reverse("grants:plan-edit", args=[plymouth_plan.pk])),
            ("officer.plymouth", "funded-projects", reverse("grants:plan-edit-projects", args=[plymouth_plan.pk])),
            ("officer.plymouth", "paper-sections", reverse("grants:plan-edit-sections", args=[plymouth_plan.pk])),
            ("officer.plymouth", "check", reverse("grants:plan-check", args=[plymouth_plan.pk])),
            (
                "officer.plymouth",
                "project",
                reverse("grants:project-edit", args=[plymouth_plan.pk, plymouth_plan.projects.get(number=4).pk]),
            ),
        ],
    )
    drive(plymouth_plan, demo_user, until="approve")  # the plan now waits for the board
    failures += _visit(
        page,
        live_server,
        sign_in,
        axe_check,
        screenshots,
        [
            ("board.plymouth", "home-board", reverse("home")),
            ("board.plymouth", "plan-for-board", plan_page),
            ("opcc.devon", "home-opcc", reverse("home")),
            ("opcc.devon", "dashboard", reverse("grants:oversight-dashboard", kwargs={"area": "devon-and-cornwall"})),
            ("opcc.devon", "area-paper-sections", reverse("grants:paper-sections", args=["devon-and-cornwall"])),
            ("opcc.devon", "reports", reverse("grants:reports", kwargs={"area": "devon-and-cornwall"})),
            ("opcc.devon", "reporting", reverse("grants:reporting-rules", kwargs={"area": "devon-and-cornwall"})),
            ("pcc.devon", "home-pcc", reverse("home")),
        ],
    )
    assert not failures, "\n".join(failures)
