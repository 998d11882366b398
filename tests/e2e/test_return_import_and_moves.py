"""A return from the spreadsheet, and money moved between projects, in Chromium with an axe check of every page
and no sideways scroll at 1280 and 390 px (screenshots to NARROW_SCREENSHOTS when it is set): the officer downloads
the return template, fills it in, uploads it, sees the preview and saves it; then records a small move (listed and
summed) and one at the OPCC's threshold, which the return page says needs a variation, with the link to start one."""

import io
import os

import openpyxl
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from grants.models import PerformanceReturn, SpendingPlan, VariationThreshold
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_a_return_then_record_money_moved(as_user, axe_check, demo_user, live_server, tmp_path):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    drive(plan, demo_user)
    VariationThreshold.objects.create(force_area=plan.partnership.force_area, minor_below=10000)
    ret = PerformanceReturn.objects.get(
        period__award=plan.award, period__number=1, project__title="Plymouth Domestic Abuse Service"
    )
    officer = as_user("officer.plymouth")

    shots = iter(range(100))

    def check(page):
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            if folder := os.environ.get("NARROW_SCREENSHOTS"):
                page.screenshot(path=f"{folder}/import-and-moves-{next(shots)}-{width}.png", full_page=True)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{page.url} at {width} px"
        page.set_viewport_size({"width": 1280, "height": 900})
        axe_check(page)

    officer.goto(live_server.url + reverse("grants:return", args=[ret.pk]))
    officer.get_by_role("link", name="import the return from a spreadsheet").click()
    check(officer)
    with officer.expect_download() as download:
        officer.get_by_role("link", name="Download the return template").click()
    assert download.value.suggested_filename.endswith("-project-1.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = workbook["Return"]
    figures = {
        "75% or above victims referred to the service engage with the service": 78,
        "Re-referral rate is below 20%": "22%",
        "90% of victims exiting the service do so in a planned way": 91,
        "100% of victims engaging": 100,
        "Staff trained are satisfied": "All twelve staff trained rated it good or better.",
        "Spend in Q1 (April to June 2020)": "£52,500.00",
        "Forecast spend in Q2 (July to September 2020)": 52500,
    }
    for row in sheet.iter_rows(min_row=5):
        if row[0].value in figures:
            row[3].value = figures[row[0].value]
    path = tmp_path / "return.xlsx"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())

    officer.get_by_label("Return spreadsheet").set_input_files(str(path))
    officer.get_by_role("button", name="Upload and check").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Check what will be saved")
    expect(officer.get_by_role("table", name="What the spreadsheet says")).to_contain_text("£52,500.00")
    check(officer)
    officer.get_by_role("button", name="Save the return").click()
    expect(officer.locator("#spend-in-period")).to_have_text("£52,500.00 (25% of £210,000.00)")
    check(officer)

    officer.get_by_role("link", name="Record money moved between projects").click()
    check(officer)

    def move(to, amount, reason):
        officer.get_by_label("Moved to").select_option(label=to)
        officer.get_by_label("Amount moved").fill(amount)
        officer.get_by_label("Why the money was moved").fill(reason)
        officer.get_by_role("button", name="Record the move").click()

    move("1. Plymouth Domestic Abuse Service", "£100", "By mistake.")  # the same project: refused beside the field
    expect(officer.locator(".govuk-error-summary")).to_contain_text("Choose a different project")
    check(officer)
    projects = officer.get_by_label("Moved to").locator("option").all_inner_texts()
    other = next(p for p in projects if p[0].isdigit() and "Domestic Abuse" not in p)
    move(other, "£2,500.50", "More demand for the other service.")
    moves = officer.get_by_role("table", name="Money moved between projects")
    expect(moves).to_contain_text("No: a small move")
    expect(officer.locator("#moves-summary")).to_contain_text("1 small move, £2,500.50 in all.")
    check(officer)
    move(other, "£10,000", "A larger change of plan.")
    expect(moves.get_by_role("row").filter(has_text="£10,000.00")).to_contain_text("Yes")
    officer.get_by_role("link", name="Go back to the return").click()
    expect(officer.locator("#blocked")).to_contain_text("needs a variation of the plan")
    expect(officer.get_by_role("link", name="start a variation of the plan")).to_be_visible()
    expect(officer.locator("#spend-moves")).to_contain_text("£2,500.50 out")
    check(officer)
