"""Issue 13 in Chromium with axe: a board paper asked for while the task queue has not made it yet shows "Your
document is being prepared"; once the worker has made it, the page says so in its live region (it never reloads
itself) and its link gives the download."""

from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from grants.models import RenderedDocument
from grants.tasks import render_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.browser_context_args(accept_downloads=True)
def test_waiting_page_then_the_download(page, live_server, plymouth_plan, sign_in, axe_check, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    sign_in(page, "officer.plymouth")
    page.goto(live_server.url + reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "pdf"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your document is being prepared")
    expect(page.get_by_role("status")).to_contain_text("the board paper for Safer Plymouth")
    axe_check(page)
    render_document.call(RenderedDocument.objects.get().pk)  # the worker
    expect(page.get_by_role("status")).to_contain_text("is ready", timeout=15_000)  # the page's script asked
    axe_check(page)
    with page.expect_download() as info:
        page.locator("#download-link").click()
    download = info.value
    assert download.suggested_filename == "safer-plymouth-2020-21-board-paper.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
