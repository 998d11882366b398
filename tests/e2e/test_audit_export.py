"""The OPCC's audit-trail export page (issue 12 item 6) in Chromium: reached from the reports page, an error
summary when the dates are out of order, then the CSV downloaded; axe finds nothing serious and the page fits 1280
and 390 px without a sideways scroll."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_opcc_exports_a_persons_audit_trail(as_user, live_server, axe_check):
    page = as_user("admin.devon")
    page.goto(live_server.url + reverse("grants:reports", args=["devon-and-cornwall"]))
    page.get_by_role("link", name="Audit trail of a person").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Audit trail of a person"
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"audit export at {width} px"
        axe_check(page)

    page.get_by_label("Person").select_option(label="Alex Morgan (officer.plymouth)")
    boxes = {"first": ("1", "4", "2026"), "last": ("31", "3", "2026")}
    for name, (day, month, year) in boxes.items():
        page.locator(f"#id_{name}_0").fill(day)
        page.locator(f"#id_{name}_1").fill(month)
        page.locator(f"#id_{name}_2").fill(year)
    page.get_by_role("button", name="Download the audit trail (CSV)").click()
    assert (
        "The last day must be the same as or after the first day" in page.locator(".govuk-error-summary").inner_text()
    )
    axe_check(page)

    page.locator("#id_first_2").fill("2025")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the audit trail (CSV)").click()
    assert download.value.suggested_filename.startswith("devon-and-cornwall-audit-trail-")
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        assert handle.readline().startswith("When (UTC),Who,Username,What,Record")
