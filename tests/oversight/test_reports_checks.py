"""Issue 13: the reports page shows each 360Giving file's quality checks without building or checking the file in
the request. The checks are run once, by the task that makes the kept 360Giving JSON file, and kept on its row
(`DocumentKind.summaries`), so they are current exactly when the downloaded file is; a file not made yet is said
to be being prepared. What the page shows once the checks are ready is what it showed when it checked every file
on every request (reports_publication_bf63187.html: the page of commit bf63187, before this change)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from grants.models import FundingStream, GrantAward, RenderedDocument
from grants.services import threesixty
from grants.services.threesixty import releases, threesixty_package
from grants.services.threesixty_quality import check_package
from grants.tasks import render_document
from partnerships.models import ForceArea, Organisation, Partnership
from tests.factories import GrantAwardFactory, PartnershipFactory
from tests.grants.test_funder_titles import mayor_from

pytestmark = pytest.mark.django_db
Status = RenderedDocument.Status
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
BEFORE = Path(__file__).with_name("reports_publication_bf63187.html").read_text()
URL = reverse("grants:reports", kwargs={"area": "devon-and-cornwall"})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def before(case: str) -> str:
    """The publication part of the page as commit bf63187 showed it in `case`."""
    return re.search(rf"<!-- case: {case} -->\n(.*?)(?=<!-- case: |\Z)", BEFORE, re.S).group(1)


def publication(html: str) -> str:
    """From the Publication heading to the end of the page's content; funders by any number."""
    start = html.index('<h2 class="govuk-heading-l">Publication</h2>')
    end = html.index("</main>") if "</main>" in html else len(html)
    return re.sub(r"funder=\d+", "funder=N", html[start:end]).rstrip() + "\n"


def page(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def flawed_council() -> None:
    """Plymouth's council with numbers no register gives: three findings in Safer Plymouth's grant."""
    body = Partnership.objects.get(slug="safer-plymouth").accountable_body
    Organisation.objects.filter(pk=body.pk).update(charity_number="12", company_number="123")


def torbay_grant() -> GrantAward:
    """A grant of 2019 to a CSP that covers no council: no beneficiary location."""
    stream = FundingStream.objects.get(name="Devon & Cornwall PCC community safety grant")
    torbay = PartnershipFactory(
        force_area=stream.force_area, name="Safer Torbay", slug="safer-torbay", local_authorities=[]
    )
    return GrantAwardFactory(
        partnership=torbay, funding_stream=stream, financial_year="2019/20",
        awarded_on=datetime.date(2019, 5, 1), amount=1000,
    )  # fmt: skip


def test_the_page_shows_what_it_showed_when_it_checked_each_file_per_request(client, demo_user, demo):
    """The same cases, in the same order, as the reference page was taken in; and the same findings as building
    and checking each release's file now (what the page did on each request)."""

    def same_as_building_each_file(html: str) -> None:
        for release in releases(force_area=ForceArea.objects.get(slug="devon-and-cornwall")):
            findings = check_package(threesixty_package(release))
            for finding in findings:
                assert f"<li>{finding.message} <span" in html.replace("&#x27;", "'")
            count = f"would flag {len(findings)} thing" if findings else "Passes"
            assert count in html

    client.force_login(demo_user("opcc.devon"))
    assert publication(page(client)) == before("passes")
    flawed_council()
    assert publication(page(client)) == before("findings")
    same_as_building_each_file(page(client))
    torbay_grant()
    assert publication(page(client)) == before("torbay")
    mayor_from(datetime.date(2020, 6, 1))
    GrantAward.objects.filter(partnership__slug="safer-plymouth").update(awarded_on=datetime.date(2020, 7, 1))
    assert publication(page(client)) == before("two")  # two files, each with its own checks
    same_as_building_each_file(page(client))
    client.force_login(demo_user("opcc.avon"))
    assert publication(page(client, reverse("grants:reports", args=["avon-and-somerset"]))) == before("avon")


def test_the_checks_are_read_from_the_kept_file_not_run_in_the_request(client, demo_user, demo, monkeypatch):
    client.force_login(demo_user("opcc.devon"))
    first = page(client)  # the immediate task backend (tests, DEBUG) makes the file in this request
    kept = RenderedDocument.objects.get(kind=RenderedDocument.Kind.THREESIXTY, format="json")
    assert kept.status == Status.READY and kept.reads["summary"] == []

    def refused(*args, **kwargs):
        raise AssertionError("built or checked in the request")

    monkeypatch.setattr(threesixty, "threesixty_package", refused)
    monkeypatch.setattr(threesixty, "check_package", refused)
    monkeypatch.setattr(threesixty, "publications", refused)
    assert publication(page(client)) == publication(first)
    assert list(RenderedDocument.objects.values_list("pk", flat=True)) == [kept.pk]
    # The download answers the same kept file the checks were run on.
    download = client.get(reverse("grants:threesixty", kwargs={"area": "devon-and-cornwall", "fmt": "json"}))
    assert download.content == kept.file.open("rb").read()


def test_a_change_to_a_grant_shows_in_its_checks_at_once(client, demo_user, demo):
    """A change no signal hears (`update()`): the kept file and its checks are made again, and the page shows
    them; the same change undone, the file passes again."""
    client.force_login(demo_user("opcc.devon"))
    assert "Passes" in page(client)
    kept = RenderedDocument.objects.get(status=Status.READY)
    torbay = PartnershipFactory(force_area=ForceArea.objects.get(slug="devon-and-cornwall"), local_authorities=[])
    plymouth = Partnership.objects.get(slug="safer-plymouth")
    GrantAward.objects.filter(partnership=plymouth).update(partnership=torbay)  # the grant now goes to Torbay
    html = page(client)
    assert "would flag 1 thing in this file" in html and "No beneficiary location." in html
    made = RenderedDocument.objects.get(status=Status.READY)
    assert made.pk != kept.pk and made.reads["summary"] == [
        {
            "check": "no_beneficiary_location",
            "path": "/grants/0/beneficiaryLocation",
            "message": "No beneficiary location.",
        }
    ]
    GrantAward.objects.filter(partnership=torbay).update(partnership=plymouth)
    assert "Passes" in page(client) and "No beneficiary location." not in page(client)
    GrantAward.objects.filter(partnership=plymouth).update(amount=D("0.00"))  # no longer published: no file
    html = page(client)
    assert 'id="nothing-published"' in html and "0 grants made in Devon &amp; Cornwall are published" in html


def test_checks_not_ready_are_said_to_be_prepared_then_shown(client, demo_user, demo, settings):
    settings.TASKS = DUMMY  # a worker that has not run yet
    client.force_login(demo_user("opcc.devon"))
    waiting = page(client)
    assert "quality checks of this file are being prepared" in waiting
    assert "Passes" not in waiting and "would flag" not in waiting
    queued = RenderedDocument.objects.get()
    assert queued.status == Status.QUEUED and queued.format == "json" and queued.subject.startswith("area:")
    json_url = reverse("grants:threesixty", kwargs={"area": "devon-and-cornwall", "fmt": "json"})
    assert f'data-app-document-waiting="{json_url}?funder=' in waiting
    # Asked again: the same one waits.
    assert publication(page(client)) == publication(waiting) and RenderedDocument.objects.count() == 1

    render_document.call(queued.pk)
    assert "Passes" in page(client) and "being prepared" not in page(client)
    # The download, asked for the same release, answers the file the checks were read from.
    assert client.get(json_url)["Content-Type"] == "application/json" and RenderedDocument.objects.count() == 1


def test_checks_that_failed_say_so_and_can_be_tried_again(client, demo_user, demo, settings, monkeypatch):
    settings.TASKS = DUMMY
    client.force_login(demo_user("opcc.devon"))
    page(client)
    queued = RenderedDocument.objects.get()
    with monkeypatch.context() as broken:
        broken.setattr(threesixty, "quality_summary", lambda *a, **k: 1 / 0)
        assert render_document.call(queued.pk) == Status.FAILED
    failed = page(client)
    assert "quality checks could not be run" in failed and f'href="{URL}?retry=1"' in failed
    assert page(client, URL + "?retry=1").count("being prepared") == 1
    render_document.call(queued.pk)
    assert "Passes" in page(client)


def test_a_kept_file_without_checks_is_made_again(client, demo_user, demo, settings):
    """A file kept by code that ran no checks (SQLite's key by the printed text outlives a deployment) is made
    again rather than waiting for ever."""
    client.force_login(demo_user("opcc.devon"))
    page(client)
    kept = RenderedDocument.objects.get()
    RenderedDocument.objects.filter(pk=kept.pk).update(reads={k: v for k, v in kept.reads.items() if k != "summary"})
    settings.TASKS = DUMMY
    from grants.documents import rendering

    kept.refresh_from_db()
    assert rendering.is_current(kept)  # current, but with nothing to show
    assert "being prepared" in page(client)
    assert RenderedDocument.objects.get().status == Status.QUEUED


def test_release_heads_count_the_grants_as_releases_reads_them(demo):
    """The page's counts come from one grouped query (`release_heads`), not from reading the grants."""
    devon = ForceArea.objects.get(slug="devon-and-cornwall")
    torbay_grant()
    mayor_from(datetime.date(2020, 6, 1))
    GrantAward.objects.filter(partnership__slug="safer-plymouth").update(awarded_on=datetime.date(2020, 7, 1))
    heads = threesixty.release_heads(force_area=devon)
    assert [(r.key, r.grant_count) for r in heads] == [(r.key, len(r.items)) for r in releases(force_area=devon)]
    assert [r.grant_count for r in heads] == [1, 1]


def test_several_documents_digests_are_asked_in_one_query(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from grants.documents import reads

    documents = [["SELECT 1"], [], ["SELECT 2", "SELECT 1"]]
    alone = [reads.digest(queries) for queries in documents]
    with CaptureQueriesContext(connection) as captured:
        assert reads.digests(documents) == alone
    assert sum(q["sql"].startswith("SELECT array_to_string") for q in captured.captured_queries) == 1
