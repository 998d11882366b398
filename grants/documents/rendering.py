"""Big documents and exports are made in the task queue and kept until their data changes (issue 13;
docs/decisions.md "Big documents are made in the task queue"): the board paper, Panel report, performance pack and
decision notice (PDF and Word), and an area's 360Giving file (JSON, CSV, XLSX; the national file streams instead).

`document_request` is what a download view calls once it has checked the person may see the subject. It neither
reads the document's data nor prints it: it asks again, in one query, the queries the kept file was made from
(documents/reads.py), and answers the file only while they answer the same, on the same day, with the same code.
Otherwise it queues `grants.tasks.render_document`, which reads the data, prints it (WeasyPrint, python-docx,
openpyxl), records its queries and takes the fingerprint in one snapshot, away from the web request. So a kept
file is answered only while nothing it shows has changed: a line's amount, a return's narrative, a partnership
the person may not see, a grant published since, a provider renamed by hand. What a page says of a kept file (the
reports page: each 360Giving file's quality checks) is worked out by the same task and kept on the file's row
(`DocumentKind.summaries`), so it is current exactly when the file is; `documents_request` answers several
subjects' files in a fixed number of queries.

Rejected: a fingerprint from "updated" times (awards, claims, payments and a plan's lines have no such time, so an
edit would have gone unnoticed); the hash of the printed text, taken in the request (reading the data and printing
the HTML or the 360Giving JSON cost most of a WeasyPrint-free request; it remains where the queries cannot be
asked again, on SQLite); a list per kind of document of the tables it shows (a table added to a document later
would be missed unless someone remembered).

Kept files nobody has asked for in `KEPT_DOCUMENTS_DAYS` days, superseded ones and files no row names are removed
by `kept_files_sweep`, which the scheduler queues (grants/scheduler.py), never in a web request.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from grants.documents import reads
from grants.models import RenderedDocument

logger = logging.getLogger(__name__)

Kind = RenderedDocument.Kind
Format = RenderedDocument.Format
Status = RenderedDocument.Status

# A document still queued after this long is queued again: its worker may have stopped mid-way.
STALE_AFTER = timedelta(minutes=10)
# When a kept file was last asked for is written at most this often (the sweep needs days, not seconds).
ASKED_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class DocumentKind:
    """How to read one kind of document's data from its subject key, what its fingerprint is taken of, and how
    to make each of its formats."""

    load: Callable[[str, Any], Any]  # (subject key, user) -> the document's data
    text: Callable[[Any], str]  # data -> the text the file is made from (the fingerprint is taken of it)
    formats: dict[str, Callable[[Any], bytes]]  # format -> (data -> the file)
    personal: bool = False  # what it shows depends on who asked (the Panel report: the partnerships they may see)
    # format -> ((the file, the day it is made for) -> what a page says of it, JSON), kept on the row with the
    # file (`reads["summary"]`), so it is current exactly when the file is: the 360Giving file's quality checks
    summaries: dict[str, Callable[[bytes, Any], Any]] = dataclasses.field(default_factory=dict)


def printed(
    load, template: str, context: Callable[[Any], dict], docx: Callable[[Any], bytes], *, personal: bool = False
) -> DocumentKind:
    """A document printed as PDF from `template` (the text of its fingerprint), or written as Word by `docx`."""

    def pdf(data) -> bytes:
        from grants.documents.pdf import render_pdf

        return render_pdf(template, context(data))

    return DocumentKind(
        load=load,
        text=lambda data: render_to_string(template, context(data)),
        formats={Format.PDF: pdf, Format.DOCX: docx},
        personal=personal,
    )


def _board_paper(subject: str, user):
    from grants.documents.board_paper import board_paper
    from grants.models import SpendingPlan

    return board_paper(SpendingPlan.objects.get(pk=_key(subject, "plan")[0]))


def _board_paper_context(paper) -> dict:
    return {"paper": paper}


def _board_paper_docx(paper) -> bytes:
    from grants.documents.board_paper import board_paper_document

    return board_paper_document(paper)


def _panel_report(subject: str, user):
    from grants.services.reports import panel_report
    from partnerships.models import ForceArea

    area_pk, year = _key(subject, "area")
    return panel_report(force_area=ForceArea.objects.get(pk=area_pk), financial_year=year, user=user)


def _panel_report_docx(report) -> bytes:
    from grants.documents.panel_report import panel_report_docx

    return panel_report_docx(report)


def _performance_pack(subject: str, user):
    from grants.figures.packs import performance_pack
    from grants.models import ReportingPeriod

    return performance_pack(ReportingPeriod.objects.get(pk=_key(subject, "period")[0]))


def _performance_pack_docx(pack) -> bytes:
    from grants.documents.performance_pack import performance_pack_docx

    return performance_pack_docx(pack)


def _area_performance_pack(subject: str, user):
    from grants.figures.packs import area_pack
    from partnerships.models import ForceArea

    area_pk, year, number = _key(subject, "area-period")
    return area_pack(force_area=ForceArea.objects.get(pk=area_pk), financial_year=year, number=int(number))


def _area_performance_pack_docx(pack) -> bytes:
    from grants.documents.performance_pack import area_performance_pack_docx

    return area_performance_pack_docx(pack)


def _decision_notice(subject: str, user):
    from grants.documents.decision_notice import decision_notice_context
    from grants.models import SpendingPlan

    return decision_notice_context(SpendingPlan.objects.get(pk=_key(subject, "plan")[0]))


def _decision_notice_context(notice) -> dict:
    from grants.documents.decision_notice import decision_notice_print_context

    return decision_notice_print_context(notice)


def _decision_notice_docx(notice) -> bytes:
    from grants.documents.decision_notice import notice_docx

    return notice_docx(notice)


def _threesixty(subject: str, user):
    """The release of one funder body in one area (`area:<pk>:<release key>`). Raises NothingPublished."""
    from grants.services.threesixty import release_for
    from partnerships.models import ForceArea

    area_pk, release = _key(subject, "area")
    return release_for(force_area=ForceArea.objects.get(pk=area_pk), funder=release)


def _threesixty_maker(serialise_name: str) -> Callable[[Any], bytes]:
    def make(release) -> bytes:
        from grants.services import threesixty

        return getattr(threesixty, serialise_name)(threesixty.threesixty_package(release))

    return make


def _threesixty_text(release) -> str:
    """The file's JSON as of a fixed moment: its "dateModified" and "issued" are when it was made, not its data."""
    from grants.services.threesixty import threesixty_json, threesixty_package

    return threesixty_json(threesixty_package(release, modified=FIXED_MOMENT)).decode()


def _threesixty_checks(content: bytes, today) -> list[dict]:
    from grants.services.threesixty import quality_summary

    return quality_summary(content, today=today)


FIXED_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)

KINDS: dict[str, DocumentKind] = {
    Kind.BOARD_PAPER: printed(_board_paper, "documents/board_paper.html", _board_paper_context, _board_paper_docx),
    Kind.PANEL_REPORT: printed(
        _panel_report,
        "documents/panel_report.html",
        lambda report: {"report": report, "year": report.financial_year},
        _panel_report_docx,
        personal=True,
    ),
    Kind.PERFORMANCE_PACK: printed(
        _performance_pack, "documents/performance_pack.html", lambda pack: {"pack": pack}, _performance_pack_docx
    ),
    Kind.AREA_PERFORMANCE_PACK: printed(
        _area_performance_pack,
        "documents/area_performance_pack.html",
        lambda pack: {"pack": pack},
        _area_performance_pack_docx,
    ),
    Kind.DECISION_NOTICE: printed(
        _decision_notice, "documents/decision_notice.html", _decision_notice_context, _decision_notice_docx
    ),
    Kind.THREESIXTY: DocumentKind(
        _threesixty,
        _threesixty_text,
        {
            Format.JSON: _threesixty_maker("threesixty_json"),
            Format.CSV: _threesixty_maker("threesixty_csv"),
            Format.XLSX: _threesixty_maker("threesixty_xlsx"),
        },
        summaries={Format.JSON: _threesixty_checks},
    ),
}


def _key(subject: str, prefix: str) -> list[str]:
    name, *parts = subject.split(":")
    if name != prefix:
        raise ValueError(f"{subject!r} is not a {prefix} key")
    return parts


def plan_subject(plan) -> str:
    return f"plan:{plan.pk}"


def panel_report_subject(force_area, financial_year: str) -> str:
    return f"area:{force_area.pk}:{financial_year}"


def period_subject(period) -> str:
    return f"period:{period.pk}"


def area_period_subject(force_area, financial_year: str, number: int) -> str:
    return f"area-period:{force_area.pk}:{financial_year}:{number}"


def release_subject(force_area, release_key: str) -> str:
    return f"area:{force_area.pk}:{release_key}"


def fingerprint(kind: str, data) -> str:
    """SHA-256 of the text the file is made from, without the time it was generated (the only thing that changes
    every time). Used where the queries cannot be asked again (not PostgreSQL: documents/reads.py)."""
    if dataclasses.is_dataclass(data) and any(f.name == "generated" for f in dataclasses.fields(data)):
        data = dataclasses.replace(data, generated="")
    return hashlib.sha256(KINDS[kind].text(data).encode()).hexdigest()


def _requester(user):
    return user if getattr(user, "pk", None) else None


def _kept(kind: str, fmt: str, subject: str, requester):
    """This subject's files of one kind and format; for a document that depends on who asked (the Panel report),
    only those made for that person."""
    rows = RenderedDocument.objects.filter(kind=kind, format=fmt, subject=subject)
    return rows.filter(requested_by=requester) if KINDS[kind].personal else rows


def _stamp(document: RenderedDocument, digest: str, today) -> str:
    """The fingerprint: what the recorded queries answer, with what else the output depends on."""
    person = document.requested_by_id if KINDS[document.kind].personal else ""
    parts = [str(reads.FORMAT), reads.code_version(), document.kind, document.format, document.subject]
    return hashlib.sha256("|".join([*parts, str(person), today.isoformat(), digest]).encode()).hexdigest()


def is_current(document: RenderedDocument) -> bool:
    """Whether a ready document's queries answer now what they answered when it was made (one query), on the
    same day and with the same code."""
    return are_current([document])[document.pk]


def are_current(documents: list[RenderedDocument]) -> dict[int, bool]:
    """`is_current` of each ready document, in one query whatever their number."""
    asked = [d for d in documents if (d.reads or {}).get("code") == reads.code_version() and "queries" in d.reads]
    answer = {document.pk: False for document in documents}  # made by other code (or by the text fingerprint)
    if not asked:
        return answer
    try:
        with transaction.atomic():  # a query that no longer runs (a column since removed) means "not current"
            digests = reads.digests([document.reads["queries"] for document in asked])
    except DatabaseError:
        if len(asked) > 1:  # which one: each on its own
            return answer | {document.pk: is_current(document) for document in asked}
        logger.warning("The queries of %s could not be asked again", asked[0], exc_info=True)
        return answer
    today = timezone.localdate()
    return answer | {d.pk: d.fingerprint == _stamp(d, digest, today) for d, digest in zip(asked, digests, strict=True)}


def document_request(
    kind: str, fmt: str, subject: str, user, *, retry: bool = False, data: Any = None
) -> RenderedDocument:
    """The kept document for this subject's data as it is now, or one queued to be made. Call only after checking
    that `user` may see the subject. `retry` queues a failed document again. `data`: the subject's data when the
    view has read it already; only read where the queries cannot be asked again (documents/reads.py)."""
    if fmt not in KINDS[kind].formats:
        raise ValueError(f"A {kind} is not made as {fmt}")
    if not reads.replayable():
        return _request_by_text(kind, fmt, subject, user, retry=retry, data=data)
    latest = _kept(kind, fmt, subject, _requester(user)).order_by("-created_at", "-pk").first()
    current = latest is not None and latest.status == Status.READY and is_current(latest)
    return _answer(latest, current, kind, fmt, subject, user, retry=retry)


def documents_request(kind: str, fmt: str, subjects: list[str], user, *, retry: bool = False) -> list[RenderedDocument]:
    """`document_request` for several subjects of one kind and format, in the same order: for a page that shows
    what each kept file says (the reports page: each 360Giving file's quality checks), in a fixed number of queries
    while they are kept and current (their latest rows in one, whether each is current in one more)."""
    if fmt not in KINDS[kind].formats:
        raise ValueError(f"A {kind} is not made as {fmt}")
    if not reads.replayable() or KINDS[kind].personal:
        return [document_request(kind, fmt, subject, user, retry=retry) for subject in subjects]
    rows = RenderedDocument.objects.filter(kind=kind, format=fmt, subject__in=subjects)
    latest = {row.subject: row for row in rows.order_by("subject", "-created_at", "-pk").distinct("subject")}
    current = are_current([row for row in latest.values() if row.status == Status.READY])
    return [
        _answer(latest.get(s), current.get(getattr(latest.get(s), "pk", None), False), kind, fmt, s, user, retry=retry)
        for s in subjects
    ]


def _answer(latest, current: bool, kind: str, fmt: str, subject: str, user, *, retry: bool) -> RenderedDocument:
    """What a request is answered from the subject's latest row: the row itself while it is current or being
    made, queued again when it failed (on `retry`) or its worker stopped, else a new row queued to be made."""
    now = timezone.now()
    if latest is not None:
        if latest.status == Status.QUEUED:
            return queue_again(latest, user) if latest.created_at < now - STALE_AFTER else latest
        if latest.status == Status.FAILED:
            return queue_again(latest, user) if retry else latest
        if current:
            if latest.last_asked_at is None or latest.last_asked_at < now - ASKED_EVERY:
                RenderedDocument.objects.filter(pk=latest.pk).update(last_asked_at=now)
            return latest
    document = RenderedDocument.objects.create(
        kind=kind, format=fmt, subject=subject, fingerprint=_pending(), requested_by=_requester(user), last_asked_at=now
    )
    return _enqueue(document)


def _pending() -> str:
    """A queued document's fingerprint until it is made: unique, and never that of a made one."""
    return f"pending:{uuid.uuid4().hex}"


def _enqueue(document: RenderedDocument) -> RenderedDocument:
    from grants.tasks import render_document

    render_document.enqueue(document.pk)
    document.refresh_from_db()  # the immediate backend (tests, DEBUG) has made it already
    return document


def _request_by_text(kind: str, fmt: str, subject: str, user, *, retry: bool, data: Any) -> RenderedDocument:
    """Where the queries cannot be asked again (SQLite in development): the document's data is read and its
    text printed in the request, and its hash is the fingerprint."""
    data = KINDS[kind].load(subject, user) if data is None else data
    found, created = RenderedDocument.objects.get_or_create(
        kind=kind,
        format=fmt,
        subject=subject,
        fingerprint=fingerprint(kind, data),
        defaults={"requested_by": _requester(user), "last_asked_at": timezone.now()},
    )
    stale = found.status == Status.QUEUED and found.created_at < timezone.now() - STALE_AFTER
    if created:
        return _enqueue(found)
    if stale or (retry and found.status == Status.FAILED):
        return queue_again(found, user)
    return found


def queue_again(document: RenderedDocument, user) -> RenderedDocument:
    """Queues a document to be made again: it failed and is retried, its worker stopped, or its file is missing
    from storage (kept documents need no backup: they are made again when asked for)."""
    document.status, document.error, document.created_at = Status.QUEUED, "", timezone.now()
    document.requested_by = _requester(user) or document.requested_by
    document.last_asked_at = document.created_at
    document.save(update_fields=["status", "error", "created_at", "requested_by", "last_asked_at"])
    return _enqueue(document)


def _make(document: RenderedDocument) -> tuple[bytes, str, dict]:
    """The file, its fingerprint and its recorded queries (with the file's summary, `DocumentKind.summaries`),
    read in one snapshot."""
    kind = KINDS[document.kind]
    summarise = kind.summaries.get(document.format)
    if not reads.replayable():
        content = kind.formats[document.format](kind.load(document.subject, document.requested_by))
        return content, document.fingerprint, {"summary": summarise(content, timezone.localdate())} if summarise else {}
    with reads.one_snapshot():
        today = timezone.localdate()
        with reads.recording() as queries:
            person = _person(document) if kind.personal else None  # made for nobody in particular
            content = kind.formats[document.format](kind.load(document.subject, person))
        digest = reads.digest(queries)
        if timezone.localdate() != today:
            return content, _pending(), {}  # made across midnight: kept for nobody, made again when asked
    recorded = {"code": reads.code_version(), "queries": queries}
    if summarise:
        recorded["summary"] = summarise(content, today)
    return content, _stamp(document, digest, today), recorded


def _person(document: RenderedDocument):
    """The person a personal document is made for, read among its recorded queries (their roles decide what it
    shows). Only the fields that say what a person may see: their last sign-in must not make the file out of date
    (a field read later is read by its own query, and recorded)."""
    from django.contrib.auth import get_user_model

    if document.requested_by_id is None:
        return None
    fields = ("pk", "username", "is_active", "is_staff", "is_superuser")
    return get_user_model().objects.only(*fields).filter(pk=document.requested_by_id).first()


def render(document_id: int) -> str:
    """Makes one queued document (the task's body): reads the data again, prints it, keeps the file with the
    fingerprint of what it was made from, and removes this subject's older files of the same kind and format. A
    failure is kept on the row, for the waiting page."""
    document = RenderedDocument.objects.select_related("requested_by").filter(pk=document_id).first()
    if document is None:  # swept away while it waited in the queue (kept_files_sweep): nobody is waiting for it
        return "gone"
    if document.status == Status.READY:
        return document.status
    try:
        content, stamp, recorded = _make(document)
    except Exception:
        logger.exception("Could not make %s", document)
        document.status, document.finished_at = Status.FAILED, timezone.now()
        document.error = (
            "Something went wrong while making the document. Try again, or tell the OPCC if it happens again."
        )
        document.save(update_fields=["status", "error", "finished_at"])
        return document.status
    document.file.save("", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            older = (
                _kept(document.kind, document.format, document.subject, document.requested_by)
                .exclude(pk=document.pk)
                .exclude(status=Status.QUEUED)
            )
            _remove(list(older))
            document.status, document.finished_at, document.error = Status.READY, timezone.now(), ""
            document.fingerprint, document.reads = stamp, recorded
            document.save(update_fields=["file", "status", "finished_at", "error", "fingerprint", "reads"])
    except IntegrityError:  # the same file made at the same time by another worker, and kept: this one goes
        document.file.storage.delete(document.file.name)
        RenderedDocument.objects.filter(pk=document.pk).delete()
        return Status.READY
    return document.status


def _remove(documents: list[RenderedDocument]) -> int:
    """Deletes rows, then their files once the deletion is committed (a rolled-back sweep keeps its files)."""
    for old in documents:
        if old.file:
            transaction.on_commit(lambda name=old.file.name, storage=old.file.storage: storage.delete(name))
    return RenderedDocument.objects.filter(pk__in=[old.pk for old in documents]).delete()[0]


# Files in storage that no row names are removed only once this old: a task saves its file just before its row.
ORPHAN_AFTER = timedelta(days=1)


def kept_files_sweep(*, now: datetime | None = None) -> int:
    """Removes kept files nobody has asked for in `settings.KEPT_DOCUMENTS_DAYS` days (and failures and queued rows
    as old), files superseded by a newer one for the same subject (and person, for a personal document), and
    files under rendered/ that no row names. Rows are deleted, and their files after the commit. Run by the
    `sweep_kept_files` task (grants/scheduler.py queues it), never in a web request. Idempotent. Returns how many
    rows and orphan files it removed."""
    from django.conf import settings
    from django.db.models import Exists, OuterRef, Q
    from django.db.models.functions import Coalesce

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.KEPT_DOCUMENTS_DAYS)
    personal = [kind for kind, spec in KINDS.items() if spec.personal]
    unused = (
        RenderedDocument.objects.annotate(asked=Coalesce("last_asked_at", "finished_at", "created_at"))
        .filter(asked__lt=cutoff)
        .values("pk")
    )
    newer = RenderedDocument.objects.filter(
        kind=OuterRef("kind"),
        format=OuterRef("format"),
        subject=OuterRef("subject"),
        status=Status.READY,
        finished_at__gt=OuterRef("finished_at"),
    )
    superseded = (
        RenderedDocument.objects.filter(status=Status.READY)
        .filter(
            Q(Exists(newer), ~Q(kind__in=personal))
            | Q(Exists(newer.filter(requested_by=OuterRef("requested_by"))), kind__in=personal)
            | Q(kind__in=personal, requested_by__isnull=True)  # made for someone since deleted: never asked again
        )
        .values("pk")
    )
    with transaction.atomic():
        gone = RenderedDocument.objects.select_for_update().filter(Q(pk__in=unused) | Q(pk__in=superseded))
        removed = _remove(list(gone))
    return removed + _remove_orphans(now)


def _remove_orphans(now: datetime) -> int:
    """Files under rendered/ that no row names: a task that stopped between saving its file and its row, or a
    deletion after the commit that failed. Only files older than ORPHAN_AFTER, so a file being kept right now
    is never taken."""
    from django.core.files.storage import default_storage

    storage = RenderedDocument._meta.get_field("file").storage or default_storage
    named = set(RenderedDocument.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for kind in Kind.values:
        folder = f"rendered/{kind}"
        try:
            _, files = storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in files:
            path = f"{folder}/{name}"
            if path in named:
                continue
            try:
                if storage.get_modified_time(path) > now - ORPHAN_AFTER:
                    continue
            except (NotImplementedError, OSError):
                continue
            storage.delete(path)
            removed += 1
    return removed
