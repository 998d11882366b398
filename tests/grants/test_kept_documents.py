"""Issue 13: a kept document is handed out only while the queries it was made from answer the same
(grants/documents/reads.py), and the request that asks for it neither reads its data into objects nor prints it.

Each test changes one kind of thing a document prints, the way no signal hears (`update()`, as the admin's bulk
actions, the priorities' renumbering and SQL by hand do), and checks that the next request makes a new file that
shows it, and that the file made before is not offered again."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal as D

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from grants.documents import reads, rendering
from grants.models import (
    Decision,
    FundedProject,
    FundingStream,
    GrantAward,
    MatchFunding,
    MeasureResult,
    OutcomeMeasure,
    PerformanceReturn,
    PlanSection,
    RenderedDocument,
    RiskItem,
    ScrutinyComment,
    SpendingPlan,
    SubItem,
)
from grants.tasks import render_document
from partnerships.models import ForceArea, FunderBody, Organisation, Partnership
from priorities.models import Priority
from tests.documents import docx_text
from tests.factories.money import PaymentFactory
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db
Status = RenderedDocument.Status
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _get(client, url) -> tuple[bytes, RenderedDocument]:
    response = client.get(url)
    assert response.status_code == 200 and not response["Content-Type"].startswith("text/html")
    return response.content, RenderedDocument.objects.filter(status=Status.READY).latest("finished_at")


def _changes_make_a_new_file(client, url, change, shown: str | None, read=docx_text):
    """The kept file is answered until `change`; then a new file that shows `shown` (None: that says something
    else), and the old one is gone."""
    first, kept = _get(client, url)
    assert shown is None or shown not in read(first)
    assert _get(client, url)[1].pk == kept.pk  # nothing changed: the same file
    change()
    content, made = _get(client, url)
    assert made.pk != kept.pk and made.fingerprint != kept.fingerprint
    assert shown in read(content) if shown is not None else read(content) != read(first)
    assert not RenderedDocument.objects.filter(pk=kept.pk).exists()  # its file goes after the commit


def _first_line(plan) -> FundedProject:
    return plan.projects.order_by("number").first()


def _with_provider(plan) -> FundedProject:
    return plan.projects.exclude(provider=None).order_by("number").first()


BOARD_PAPER_CHANGES = {
    "a line's title": (
        lambda p: FundedProject.objects.filter(pk=_first_line(p).pk).update(title="Zed line"),
        "Zed line",
    ),
    "a line's amount": (
        lambda p: FundedProject.objects.filter(pk=_first_line(p).pk).update(amount_allocated=D("1234.56")),
        "1,234.56",
    ),
    "a line's outline": (
        lambda p: FundedProject.objects.filter(pk=_first_line(p).pk).update(outline="Outline changed by hand"),
        "Outline changed by hand",
    ),
    "a sub-item": (
        lambda p: SubItem.objects.filter(project__plan=p).update(title="Sub-item changed by hand"),
        "Sub-item changed by hand",
    ),
    "an outcome measure": (
        lambda p: OutcomeMeasure.objects.filter(project__plan=p).update(description="Measure changed by hand"),
        "Measure changed by hand",
    ),
    "match funding": (
        lambda p: MatchFunding.objects.filter(project__plan=p).update(source="Source changed by hand"),
        "Source changed by hand",
    ),
    "a provider's name": (
        lambda p: Organisation.objects.filter(pk=_with_provider(p).provider_id).update(name="Renamed Provider CIC"),
        "Renamed Provider CIC",
    ),
    "a Police and Crime Plan priority": (
        lambda p: Priority.objects.filter(plan=p.police_and_crime_plan).update(title="Priority renamed by hand"),
        "Priority renamed by hand",
    ),
    "a risk": (
        lambda p: RiskItem.objects.filter(plan=p).update(initiative="Risk changed by hand"),
        "Risk changed by hand",
    ),
    "a paper section": (
        lambda p: PlanSection.objects.filter(plan=p).update(text="Section changed by hand"),
        "Section changed by hand",
    ),
    "the plan's purpose": (
        lambda p: SpendingPlan.objects.filter(pk=p.pk).update(purpose="Purpose changed by hand"),
        "Purpose changed by hand",
    ),
    "the partnership's name": (
        lambda p: Partnership.objects.filter(pk=p.award.partnership_id).update(name="Renamed Partnership"),
        "RENAMED PARTNERSHIP",
    ),
    "the funding stream": (
        lambda p: FundingStream.objects.filter(pk=p.award.funding_stream_id).update(name="Stream renamed"),
        "Stream renamed",
    ),
    "the award's amount": (
        lambda p: GrantAward.objects.filter(pk=p.award_id).update(amount=D("987654.32")),
        "987,654.32",
    ),
}


@pytest.mark.parametrize("what", BOARD_PAPER_CHANGES)
def test_the_board_paper_is_made_again_when_what_it_prints_changes(client, demo_user, plymouth_plan, what):
    change, shown = BOARD_PAPER_CHANGES[what]
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])
    _changes_make_a_new_file(client, url, lambda: change(plymouth_plan), shown)


def test_the_board_paper_pdf_follows_a_renamed_provider(client, demo_user, plymouth_plan):
    from tests.documents import pdf_text

    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "pdf"])
    change, shown = BOARD_PAPER_CHANGES["a provider's name"]
    _changes_make_a_new_file(client, url, lambda: change(plymouth_plan), shown, read=pdf_text)


def test_the_board_paper_follows_its_approvals(client, demo_user, plymouth_plan):
    """A decision is recorded (the approvals table), then a declaration of interest (the Approved column)."""
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])
    _changes_make_a_new_file(client, url, lambda: drive(plymouth_plan, demo_user, until="agree"), "(submitted)")


def _approved(plymouth_plan, demo_user) -> SpendingPlan:
    drive(plymouth_plan, demo_user)
    return SpendingPlan.objects.get(pk=plymouth_plan.pk)


def _by_sql(model, column: str, value: str, **where) -> None:
    """An UPDATE by hand: records written once refuse `update()`, but a kept file must follow even SQL."""
    from django.db import connection

    table = model._meta.db_table
    condition = " AND ".join(f"{name} = %s" for name in where)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {condition}", [value, *where.values()])  # noqa: S608


NOTICE_CHANGES = {
    "a decision's comments": (
        lambda p: _by_sql(Decision, "comments", "Comment changed by hand", plan_id=p.pk),
        "Comment changed by hand",
    ),
    "a scrutiny comment": (
        lambda p: _by_sql(ScrutinyComment, "text", "Scrutiny changed by hand", plan_id=p.pk),
        "Scrutiny changed by hand",
    ),
    "a line's title": (
        lambda p: FundedProject.objects.filter(pk=_first_line(p).pk).update(title="Zed line"),
        "Zed line",
    ),
    "a provider's name": BOARD_PAPER_CHANGES["a provider's name"],
    "a risk": BOARD_PAPER_CHANGES["a risk"],
}


@pytest.mark.parametrize("what", NOTICE_CHANGES)
def test_the_decision_notice_is_made_again_when_what_it_prints_changes(client, demo_user, plymouth_plan, what):
    from grants.services.scrutiny import comment_add

    drive(plymouth_plan, demo_user, until="recommend")  # with the OPCC: a scrutiny comment on the notice
    comment_add(
        plan=plymouth_plan, by=demo_user("opcc.devon"), project=_first_line(plymouth_plan), kind="note", text="A note"
    )
    steps = [step for step in PLYMOUTH_PATH if step[0] in ("recommend", "sign_off_pcc", "sign_off_treasurer")]
    drive(plymouth_plan, demo_user, steps)
    plan = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    change, shown = NOTICE_CHANGES[what]
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-decision-notice", args=[plan.pk, "docx"])
    _changes_make_a_new_file(client, url, lambda: change(plan), shown)


def _panel_url(plan) -> str:
    url = reverse("grants:panel-report", kwargs={"area": "devon-and-cornwall", "year": plan.financial_year})
    return url + "?format=docx"


PANEL_CHANGES = {
    "an award's purpose": (
        lambda p: GrantAward.objects.filter(pk=p.award_id).update(purpose="Award purpose changed by hand"),
        "Award purpose changed by hand",
    ),
    "a payment": (lambda p: PaymentFactory(award=p.award, amount=D("4321.09")), "4,321.09"),
    "the partnership's name": (
        lambda p: Partnership.objects.filter(pk=p.award.partnership_id).update(name="Renamed Partnership"),
        "Renamed Partnership",
    ),
    "an allocation in force": (BOARD_PAPER_CHANGES["a line's amount"][0], None),  # the totals change
    "a priority": BOARD_PAPER_CHANGES["a Police and Crime Plan priority"],
}


@pytest.mark.parametrize("what", PANEL_CHANGES)
def test_the_panel_report_is_made_again_when_what_it_prints_changes(client, demo_user, plymouth_plan, what):
    plan = _approved(plymouth_plan, demo_user)
    change, shown = PANEL_CHANGES[what]
    client.force_login(demo_user("opcc.devon"))
    _changes_make_a_new_file(client, _panel_url(plan), lambda: change(plan), shown)


def test_a_panel_report_made_for_one_person_is_not_handed_to_another(client, demo_user, plymouth_plan):
    """What the Panel report lists depends on the partnerships the person may see: each person has their own."""
    plan = _approved(plymouth_plan, demo_user)
    client.force_login(demo_user("opcc.devon"))
    first, theirs = _get(client, _panel_url(plan))
    client.force_login(demo_user("pcc.devon"))
    _, mine = _get(client, _panel_url(plan))
    assert mine.pk != theirs.pk and mine.requested_by.username == "pcc.devon"
    assert RenderedDocument.objects.filter(pk=theirs.pk).exists()  # not superseded by another person's
    client.force_login(demo_user("opcc.devon"))  # signing in again changes nothing the report shows
    assert client.get(_panel_url(plan)).content == first and RenderedDocument.objects.count() == 2


def _threesixty_url() -> str:
    return reverse("grants:published-360", kwargs={"area": "devon-and-cornwall", "fmt": "json"})


def _json_text(content: bytes) -> str:
    return content.decode()


THREESIXTY_CHANGES = {
    "a grant's purpose": (
        lambda: GrantAward.objects.filter(partnership__slug="safer-plymouth").update(purpose="Purpose by hand"),
        "Purpose by hand",
    ),
    "a recipient's name": (
        lambda: Partnership.objects.filter(slug="safer-plymouth").update(name="Renamed Recipient"),
        "Renamed Recipient",
    ),
    "the accountable body": (
        lambda: Organisation.objects.filter(
            pk__in=Partnership.objects.filter(slug="safer-plymouth").values("accountable_body")
        ).update(name="Renamed Council"),
        "Renamed Council",
    ),
    "the funder body": (
        lambda: FunderBody.objects.filter(force_area__slug="devon-and-cornwall").update(name="Renamed Funder"),
        "Renamed Funder",
    ),
    "the force area": (
        lambda: ForceArea.objects.filter(slug="devon-and-cornwall").update(name="Renamed Area"),
        "Renamed Area",
    ),
}


@pytest.mark.parametrize("what", THREESIXTY_CHANGES)
def test_an_areas_360giving_file_is_made_again_when_what_it_holds_changes(client, demo, what):
    change, shown = THREESIXTY_CHANGES[what]
    _changes_make_a_new_file(client, _threesixty_url(), change, shown, read=_json_text)


def test_an_areas_360giving_file_follows_the_plan_in_force(client, demo_user, plymouth_plan):
    """The grant's description lists the approved plan's funded projects: approving it changes the file."""
    _, kept = _get(client, _threesixty_url())
    drive(plymouth_plan, demo_user)
    content, made = _get(client, _threesixty_url())
    assert made.pk != kept.pk and _first_line(plymouth_plan).title in content.decode()


def test_a_kept_file_is_not_handed_out_on_another_day_or_by_other_code(client, demo, monkeypatch):
    """Rules that follow the date (what is published, what is late) and a deployment's code are part of the key."""
    _, kept = _get(client, _threesixty_url())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(rendering.timezone, "localdate", lambda *args: tomorrow)
    assert not rendering.is_current(kept)
    _, made = _get(client, _threesixty_url())
    assert made.pk != kept.pk
    monkeypatch.setattr(reads, "code_version", lambda: "other code")
    assert not rendering.is_current(made)


PACK_CHANGES = {
    "a return's narrative": (
        lambda: PerformanceReturn.objects.filter(period__number=2).update(went_well="Went well by hand"),
        "Went well by hand",
    ),
    "a measure's figure": (
        lambda: MeasureResult.objects.filter(performance_return__period__number=2).update(value=D("71")),
        "71",
    ),
    "spend in the period": (
        lambda: PerformanceReturn.objects.filter(period__number=2).update(spend_in_period=D("1777.77")),
        "1,777.77",
    ),
    "a payment": (lambda: PaymentFactory(award=GrantAward.objects.get(), amount=D("6543.21")), "11,543.21"),
}


@pytest.mark.parametrize("what", PACK_CHANGES)
def test_the_performance_pack_is_made_again_when_what_it_prints_changes(client, what):
    from tests.factories.partnerships import officer_of
    from tests.monitoring.test_packs import area_with_returns

    change, shown = PACK_CHANGES[what]
    _, partnerships = area_with_returns(csps=1)
    award = GrantAward.objects.get(partnership=partnerships[0])
    client.force_login(officer_of(partnerships[0]))
    url = reverse("grants:performance-pack-docx", kwargs={"award_pk": award.pk, "number": 2})
    _changes_make_a_new_file(client, url, change, shown)


def test_asking_for_a_kept_file_reads_none_of_its_data(client, demo_user, plymouth_plan, monkeypatch):
    """The request asks the kept file's queries again in one query; it neither loads the paper nor prints it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "pdf"])
    first = client.get(url).content
    kind = rendering.KINDS[RenderedDocument.Kind.BOARD_PAPER]

    def refused(*args):
        raise AssertionError("read in the request")

    monkeypatch.setitem(
        rendering.KINDS, RenderedDocument.Kind.BOARD_PAPER, dataclasses.replace(kind, load=refused, text=refused)
    )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content == first
    fingerprints = [q["sql"] for q in queries.captured_queries if "string_agg" in q["sql"]]
    assert len(fingerprints) == 1
    assert len(queries.captured_queries) <= 12  # the session, the user, the plan's permission, the kept row, one


def test_a_change_while_the_file_is_made_is_printed_under_its_own_fingerprint(
    client, demo_user, plymouth_plan, settings
):
    """The request only queues; the task reads, prints and takes the fingerprint together, so a change made between
    the two is both printed and in the fingerprint, and the file is then current."""
    settings.TASKS = DUMMY
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])
    assert "being prepared" in client.get(url).content.decode()
    FundedProject.objects.filter(pk=_first_line(plymouth_plan).pk).update(title="Changed while queued")
    queued = RenderedDocument.objects.get()
    assert render_document.call(queued.pk) == Status.READY
    ready = client.get(url)
    assert "Changed while queued" in docx_text(ready.content)
    assert RenderedDocument.objects.get().pk == queued.pk  # current: not made again


# --- The sweep -----------------------------------------------------------------------------------------------------


def _made(client, url) -> RenderedDocument:
    return _get(client, url)[1]


def test_the_sweep_removes_files_nobody_asked_for_and_keeps_the_rest(
    client, demo_user, plymouth_plan, settings, django_capture_on_commit_callbacks
):
    settings.KEPT_DOCUMENTS_DAYS = 30
    client.force_login(demo_user("officer.plymouth"))
    old = _made(client, reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"]))
    recent = _made(client, reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "pdf"]))
    long_ago = timezone.now() - datetime.timedelta(days=31)
    RenderedDocument.objects.filter(pk=old.pk).update(last_asked_at=long_ago)
    RenderedDocument.objects.filter(pk=recent.pk).update(
        created_at=long_ago, finished_at=long_ago, last_asked_at=timezone.now() - datetime.timedelta(days=29)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert rendering.kept_files_sweep() == 1
    assert list(RenderedDocument.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)
    assert rendering.kept_files_sweep() == 0  # idempotent


def test_asking_again_keeps_a_file_from_the_sweep(client, demo_user, plymouth_plan, settings):
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])
    kept = _made(client, url)
    RenderedDocument.objects.filter(pk=kept.pk).update(last_asked_at=timezone.now() - datetime.timedelta(days=31))
    assert _made(client, url).pk == kept.pk  # asked for: its time is written again
    assert rendering.kept_files_sweep() == 0 and RenderedDocument.objects.filter(pk=kept.pk).exists()


def test_the_sweep_removes_superseded_files_but_not_another_persons(
    client, demo_user, plymouth_plan, django_capture_on_commit_callbacks
):
    plan = _approved(plymouth_plan, demo_user)
    client.force_login(demo_user("opcc.devon"))
    older = _made(client, _panel_url(plan))
    client.force_login(demo_user("pcc.devon"))
    theirs = _made(client, _panel_url(plan))
    # A newer file for the same person whose older one was left behind (a worker that stopped after its commit).
    newer = RenderedDocument.objects.create(
        kind=older.kind,
        format=older.format,
        subject=older.subject,
        fingerprint="newer",
        status=Status.READY,
        requested_by=older.requested_by,
        finished_at=timezone.now() + datetime.timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert rendering.kept_files_sweep() == 1
    assert set(RenderedDocument.objects.values_list("pk", flat=True)) == {theirs.pk, newer.pk}
    assert not default_storage.exists(older.file.name)


def test_the_sweep_removes_files_no_row_names_once_old(media):
    from django.core.files.base import ContentFile

    orphan = default_storage.save("rendered/board-paper/orphan.pdf", ContentFile(b"%PDF"))
    fresh = default_storage.save("rendered/board-paper/fresh.pdf", ContentFile(b"%PDF"))
    import os

    old = (timezone.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(media / orphan, (old, old))
    assert rendering.kept_files_sweep() == 1
    assert not default_storage.exists(orphan) and default_storage.exists(fresh)


def test_the_scheduler_queues_the_sweep(settings):
    from grants import scheduler
    from grants.tasks import sweep_kept_files

    settings.TASKS = DUMMY
    scheduler.queue_due_jobs()
    queued = [result.task.name for result in sweep_kept_files.get_backend().results]
    assert "sweep_kept_files" in queued


def test_the_download_chooses_its_release_as_the_releases_are_found(demo, demo_user, plymouth_plan):
    """`release_heads` (what the download reads) names the same funders, in the same order, as `releases` (what
    the file is made of), also after the area's funder changed and with grants under both bodies."""
    from grants.services.threesixty import release_heads, releases
    from tests.grants.test_funder_titles import devon, mayor_from

    def heads():
        return [(r.key, r.funder.name) for r in release_heads(force_area=devon())]

    assert heads() == [(r.key, r.funder.name) for r in releases(force_area=devon())] and heads()
    mayor_from(datetime.date(2020, 6, 1))
    GrantAward.objects.filter(partnership__slug="safer-plymouth").update(awarded_on=datetime.date(2020, 7, 1))
    found = releases(force_area=devon())
    assert heads() == [(r.key, r.funder.name) for r in found]
    assert len(found) >= 1


def test_a_queued_document_swept_away_is_not_made(client, demo_user, plymouth_plan, settings):
    settings.TASKS = DUMMY
    client.force_login(demo_user("officer.plymouth"))
    client.get(reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"]))
    queued = RenderedDocument.objects.get()
    RenderedDocument.objects.filter(pk=queued.pk).update(last_asked_at=timezone.now() - datetime.timedelta(days=31))
    assert rendering.kept_files_sweep() == 1
    assert render_document.call(queued.pk) == "gone" and not RenderedDocument.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_reads_and_prints_in_one_snapshot(client, settings):
    """Outside any transaction (a `db_worker`), the document is read, printed and fingerprinted in one REPEATABLE
    READ transaction, so a change committed meanwhile is in neither or in both."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.partnerships import officer_of
    from tests.monitoring.test_packs import area_with_returns

    settings.TASKS = DUMMY
    _, partnerships = area_with_returns(csps=1)
    award = GrantAward.objects.get(partnership=partnerships[0])
    client.force_login(officer_of(partnerships[0]))
    url = reverse("grants:performance-pack-docx", kwargs={"award_pk": award.pk, "number": 2})
    client.get(url)
    queued = RenderedDocument.objects.get()
    with CaptureQueriesContext(connection) as queries:
        assert render_document.call(queued.pk) == Status.READY
    statements = [q["sql"] for q in queries.captured_queries]
    assert "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ" in statements
    first_read = next(i for i, sql in enumerate(statements) if "grants_reportingperiod" in sql)
    assert statements.index("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ") < first_read
    answer = client.get(url)
    assert answer.status_code == 200 and not answer["Content-Type"].startswith("text/html")  # kept, and current


def test_the_stored_queries_are_asked_read_only(db):
    """The digest asks queries kept in the database; PostgreSQL refuses any write one might make (here a sequence
    moved on), and the transaction around it carries on, writable."""
    from django.contrib.auth.models import Group
    from django.db import DatabaseError

    with pytest.raises(DatabaseError, match="read-only"):
        reads.digest(["SELECT nextval(pg_get_serial_sequence('auth_group', 'id'))"])
    assert reads.digest(["SELECT 1"]) == reads.digest(["SELECT 1"])
    Group.objects.create(name="Written after the digest")
