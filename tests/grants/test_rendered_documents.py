"""Issue 13: the big documents (board paper, Panel report, performance pack) are made in the task queue and kept
until their data changes. Through the test client: with the immediate backend (tests, DEBUG) the file comes at
once; with a backend that does not run tasks the person sees "Your document is being prepared" (a page that looks
again by itself) until the task has run, then the file. A change to the plan changes the fingerprint, so the
kept paper is not handed out again; a failure is shown with a way to try again."""

import dataclasses
import json

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from grants.documents import rendering
from grants.models import GrantAward, RenderedDocument
from grants.tasks import render_document
from grants.views.rendered import POLL_SECONDS
from tests.documents import docx_text, pdf_text
from tests.workflow import drive

pytestmark = pytest.mark.django_db
Status = RenderedDocument.Status

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def paper_url(plan, fmt="pdf"):
    return reverse("grants:plan-download", args=[plan.pk, "board-paper", fmt])


def test_immediate_backend_answers_the_file_and_keeps_it(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    first = client.get(paper_url(plymouth_plan))
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert (
        first["Content-Disposition"].startswith('attachment; filename="')
        and "board-paper" in first["Content-Disposition"]
    )
    assert "Safer Plymouth" in pdf_text(first.content)
    kept = RenderedDocument.objects.get()
    assert kept.status == Status.READY and kept.subject == f"plan:{plymouth_plan.pk}" and kept.finished_at
    assert default_storage.exists(kept.file.name)
    # Asked again with nothing changed: the same kept file, not a new one.
    again = client.get(paper_url(plymouth_plan))
    assert again.content == first.content
    assert list(RenderedDocument.objects.values_list("pk", "file")) == [(kept.pk, kept.file.name)]
    word = client.get(paper_url(plymouth_plan, "docx"))
    assert "Safer Plymouth" in docx_text(word.content).upper() or "SAFER PLYMOUTH" in docx_text(word.content)
    assert RenderedDocument.objects.filter(format="docx", status=Status.READY).count() == 1


def test_waiting_page_until_the_task_has_run(client, demo_user, plymouth_plan, settings):
    settings.TASKS = DUMMY
    client.force_login(demo_user("officer.plymouth"))
    url = paper_url(plymouth_plan)
    waiting = client.get(url)
    assert waiting.status_code == 200 and waiting["Content-Type"].startswith("text/html")
    page = waiting.content.decode()
    assert "Your document is being prepared" in page
    assert "http-equiv" not in page  # never reloads itself (WCAG 2.2.1); a script asks quietly, the link works without
    assert f'data-app-document-waiting="{url}"' in page and 'aria-live="polite"' in page
    assert f'href="{url}"' in page and "the board paper for Safer Plymouth" in page
    assert waiting["Cache-Control"] == "private, no-store"
    queued = RenderedDocument.objects.get()
    assert queued.status == Status.QUEUED and not queued.file
    # Asking again before the worker has run: still waiting, and not queued twice.
    assert "Your document is being prepared" in client.get(url).content.decode()
    assert RenderedDocument.objects.count() == 1

    assert render_document.call(queued.pk) == Status.READY  # what the worker does
    ready = client.get(url)
    assert ready["Content-Type"] == "application/pdf" and "Safer Plymouth" in pdf_text(ready.content)


def test_the_fingerprint_changes_when_the_plan_changes(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    client.get(paper_url(plymouth_plan))
    first = RenderedDocument.objects.get()
    project = plymouth_plan.projects.order_by("number").first()
    project.title = "A renamed project"
    project.save()
    text = pdf_text(client.get(paper_url(plymouth_plan)).content)
    assert "A renamed project" in text  # not the kept paper from before the change
    second = RenderedDocument.objects.get()  # the older file is removed once the new one is ready
    assert second.fingerprint != first.fingerprint and not RenderedDocument.objects.filter(pk=first.pk).exists()
    drive(plymouth_plan, demo_user, until="agree")  # submitted: the status on the paper changes
    client.get(paper_url(plymouth_plan))
    third = RenderedDocument.objects.get()
    assert third.fingerprint != second.fingerprint


def test_a_failure_is_shown_and_can_be_tried_again(client, demo_user, plymouth_plan, monkeypatch):
    client.force_login(demo_user("officer.plymouth"))
    kind = rendering.KINDS[RenderedDocument.Kind.BOARD_PAPER]

    def broken(paper):
        raise RuntimeError("python-docx fell over")

    monkeypatch.setitem(
        rendering.KINDS,
        RenderedDocument.Kind.BOARD_PAPER,
        dataclasses.replace(kind, formats={**kind.formats, "docx": broken}),
    )
    url = paper_url(plymouth_plan, "docx")
    page = client.get(url).content.decode()
    assert "Your document could not be made" in page and "govuk-error-summary" in page
    assert "http-equiv" not in page  # a failed document does not keep refreshing
    assert "Something went wrong while making the document" in page and "fell over" not in page
    assert f'href="{url}?retry=1"' in page
    assert RenderedDocument.objects.get().status == Status.FAILED
    assert "could not be made" in client.get(url).content.decode()  # not retried on its own

    monkeypatch.setitem(rendering.KINDS, RenderedDocument.Kind.BOARD_PAPER, kind)
    retried = client.get(url + "?retry=1")
    assert retried["Content-Type"].startswith("application/vnd.openxmlformats")
    assert RenderedDocument.objects.get().status == Status.READY


def test_panel_report_waits_then_downloads(client, demo_user, plymouth_plan, settings):
    drive(plymouth_plan, demo_user)
    settings.TASKS = DUMMY
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:panel-report", kwargs={"area": "devon-and-cornwall", "year": plymouth_plan.financial_year})
    page = client.get(url + "?format=docx").content.decode()
    assert "Your document is being prepared" in page and "Police and Crime Panel report for Devon" in page
    assert "http-equiv" not in page and "data-app-document-waiting" in page
    queued = RenderedDocument.objects.get(kind=RenderedDocument.Kind.PANEL_REPORT)
    assert queued.requested_by.username == "opcc.devon"
    render_document.call(queued.pk)
    word = client.get(url + "?format=docx")
    assert word["Content-Disposition"].endswith('.docx"') and "Safer Plymouth" in docx_text(word.content)
    assert "Commissioning" in client.get(url).content.decode()  # the page itself is still made in the request


def test_a_document_queued_too_long_is_queued_again(client, demo_user, plymouth_plan, settings):
    """A worker that stopped mid-way leaves the row queued; after ten minutes the next request queues it again."""
    from datetime import timedelta

    from django.utils import timezone

    settings.TASKS = DUMMY
    client.force_login(demo_user("officer.plymouth"))
    client.get(paper_url(plymouth_plan))
    stuck = RenderedDocument.objects.get()
    RenderedDocument.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    client.get(paper_url(plymouth_plan))
    stuck.refresh_from_db()
    assert stuck.status == Status.QUEUED and stuck.created_at > timezone.now() - timedelta(minutes=1)
    assert len(render_document.get_backend().results) == 2  # queued twice in all


def test_decision_notice_waits_then_downloads_and_is_kept(client, demo_user, plymouth_plan, settings):
    drive(plymouth_plan, demo_user)  # approved: the plan has a decision notice
    settings.TASKS = DUMMY
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "pdf"])
    waiting = client.get(url)
    page = waiting.content.decode()
    assert waiting.status_code == 200 and "Your document is being prepared" in page
    assert "the decision notice DC/2020-21/001" in page and f'data-app-document-waiting="{url}"' in page
    assert waiting["Retry-After"] == str(POLL_SECONDS) and waiting["Cache-Control"] == "private, no-store"
    queued = RenderedDocument.objects.get()
    assert queued.kind == RenderedDocument.Kind.DECISION_NOTICE and queued.subject == f"plan:{plymouth_plan.pk}"
    assert queued.status == Status.QUEUED

    assert render_document.call(queued.pk) == Status.READY  # what the worker does
    ready = client.get(url)
    assert ready["Content-Type"] == "application/pdf"
    assert ready["Content-Disposition"] == 'attachment; filename="decision-notice-DC-2020-21-001.pdf"'
    assert "DC/2020-21/001" in pdf_text(ready.content) and "Safer Plymouth" in pdf_text(ready.content)
    assert client.get(url).content == ready.content and RenderedDocument.objects.count() == 1  # kept

    word = reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "docx"])
    client.get(word)
    render_document.call(RenderedDocument.objects.get(format="docx").pk)
    assert "DC/2020-21/001" in docx_text(client.get(word).content)

    client.force_login(demo_user("officer.southglos"))  # another partnership: not found, nothing queued
    assert client.get(url).status_code == 404 and RenderedDocument.objects.count() == 2


def test_an_areas_360giving_file_waits_then_downloads_and_follows_its_grants(client, demo_user, demo, settings):
    settings.TASKS = DUMMY
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:threesixty", kwargs={"area": "devon-and-cornwall", "fmt": "json"})
    waiting = client.get(url)
    assert "Your document is being prepared" in waiting.content.decode() and waiting["Retry-After"]
    queued = RenderedDocument.objects.get()
    assert queued.kind == RenderedDocument.Kind.THREESIXTY and queued.format == "json"

    render_document.call(queued.pk)
    ready = client.get(url)
    assert ready["Content-Type"] == "application/json"
    assert ready["Content-Disposition"] == 'attachment; filename="360giving-devon-and-cornwall.json"'
    grants = json.loads(ready.content)["grants"]
    assert [g["recipientOrganization"][0]["department"] for g in grants] == ["Safer Plymouth"]
    # The public address answers the same kept file: the same published data.
    public = reverse("grants:published-360", kwargs={"area": "devon-and-cornwall", "fmt": "json"})
    client.logout()
    assert client.get(public).content == ready.content and RenderedDocument.objects.count() == 1

    # A grant published since changes the fingerprint: the kept file is not handed out again.
    GrantAward.objects.filter(partnership__slug="safer-plymouth").update(purpose="Purpose changed since")
    assert "Your document is being prepared" in client.get(public).content.decode()
    assert RenderedDocument.objects.filter(status=Status.QUEUED).count() == 1

    client.force_login(demo_user("opcc.avon"))  # another area's OPCC: not found, nothing queued
    assert client.get(url).status_code == 404 and RenderedDocument.objects.count() == 2


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_areas_360giving_spreadsheets_are_made_in_the_queue(client, demo, settings, fmt):
    settings.TASKS = DUMMY
    url = reverse("grants:published-360", kwargs={"area": "avon-and-somerset", "fmt": fmt})
    assert "Your document is being prepared" in client.get(url).content.decode()  # no sign-in: public data
    render_document.call(RenderedDocument.objects.get(format=fmt).pk)
    ready = client.get(url)
    assert ready["Content-Disposition"].endswith(f'.{fmt}"') and not ready["Content-Type"].startswith("text/html")


def test_a_kept_file_lost_from_storage_is_made_again(client, demo_user, plymouth_plan, settings):
    """Kept documents need no backup: a database restored without them answers "being prepared", not an error."""
    drive(plymouth_plan, demo_user)
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-decision-notice", args=[plymouth_plan.pk, "docx"])
    client.get(url)
    kept = RenderedDocument.objects.get()
    default_storage.delete(kept.file.name)
    settings.TASKS = DUMMY
    page = client.get(url)
    assert page.status_code == 200 and "Your document is being prepared" in page.content.decode()
    kept.refresh_from_db()
    assert kept.status == Status.QUEUED
    render_document.call(kept.pk)
    assert "DC/2020-21/001" in docx_text(client.get(url).content)
