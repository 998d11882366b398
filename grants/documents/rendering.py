"""Big documents and exports are made in the task queue and kept until their data changes (issue 13;
docs/decisions.md "Big documents are made in the task queue"): the board paper, Panel report, performance pack and
decision notice (PDF and Word), and an area's 360Giving file (JSON, CSV, XLSX; the national file streams instead).

`document_request` is what a download view calls once it has checked the person may see the subject. It reads
the document's data (the same queries the HTML page makes, milliseconds) and takes its fingerprint: a SHA-256 of
the text the file is made from (the print HTML of a PDF, the 360Giving JSON), with the "generated on" time left
out. Same text, same document, so a kept file is answered only while nothing it shows has changed: a line's
amount, a return's narrative, a partnership the person may not see, a grant published since. If no kept file
matches, it queues `grants.tasks.render_document`, which does the slow part (WeasyPrint, python-docx, openpyxl)
away from the web request.

Rejected: a fingerprint from "updated" times. Awards, claims, payments and a plan's lines have no such time, so
an edit would have gone unnoticed and an out-of-date paper handed out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from grants.models import RenderedDocument

logger = logging.getLogger(__name__)

Kind = RenderedDocument.Kind
Format = RenderedDocument.Format
Status = RenderedDocument.Status

# A document still queued after this long is queued again: its worker may have stopped mid-way.
STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class DocumentKind:
    """How to read one kind of document's data from its subject key, what its fingerprint is taken of, and how
    to make each of its formats."""

    load: Callable[[str, Any], Any]  # (subject key, user) -> the document's data
    text: Callable[[Any], str]  # data -> the text the file is made from (the fingerprint is taken of it)
    formats: dict[str, Callable[[Any], bytes]]  # format -> (data -> the file)


def printed(load, template: str, context: Callable[[Any], dict], docx: Callable[[Any], bytes]) -> DocumentKind:
    """A document printed as PDF from `template` (the text of its fingerprint), or written as Word by `docx`."""

    def pdf(data) -> bytes:
        from grants.documents.pdf import render_pdf

        return render_pdf(template, context(data))

    return DocumentKind(
        load=load,
        text=lambda data: render_to_string(template, context(data)),
        formats={Format.PDF: pdf, Format.DOCX: docx},
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


FIXED_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)

KINDS: dict[str, DocumentKind] = {
    Kind.BOARD_PAPER: printed(_board_paper, "documents/board_paper.html", _board_paper_context, _board_paper_docx),
    Kind.PANEL_REPORT: printed(
        _panel_report,
        "documents/panel_report.html",
        lambda report: {"report": report, "year": report.financial_year},
        _panel_report_docx,
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
    every time)."""
    if dataclasses.is_dataclass(data) and any(f.name == "generated" for f in dataclasses.fields(data)):
        data = dataclasses.replace(data, generated="")
    return hashlib.sha256(KINDS[kind].text(data).encode()).hexdigest()


def document_request(
    kind: str, fmt: str, subject: str, user, *, retry: bool = False, data: Any = None
) -> RenderedDocument:
    """The kept document for this subject's data as it is now, or one queued to be made. Call only after checking
    that `user` may see the subject. `retry` queues a failed document again. `data`: the subject's data when the
    view has read it already (what `load` would answer), so it is not read twice."""
    from grants.tasks import render_document

    if fmt not in KINDS[kind].formats:
        raise ValueError(f"A {kind} is not made as {fmt}")
    data = KINDS[kind].load(subject, user) if data is None else data
    found, created = RenderedDocument.objects.get_or_create(
        kind=kind,
        format=fmt,
        subject=subject,
        fingerprint=fingerprint(kind, data),
        defaults={"requested_by": user if getattr(user, "pk", None) else None},
    )
    stale = found.status == Status.QUEUED and found.created_at < timezone.now() - STALE_AFTER
    if created or stale or (retry and found.status == Status.FAILED):
        if not created:
            return queue_again(found, user)
        render_document.enqueue(found.pk)
        found.refresh_from_db()  # the immediate backend (tests, DEBUG) has made it already
    return found


def queue_again(document: RenderedDocument, user) -> RenderedDocument:
    """Queues a document to be made again: it failed and is retried, its worker stopped, or its file is missing
    from storage (kept documents need no backup: they are made again when asked for)."""
    from grants.tasks import render_document

    document.status, document.error, document.created_at = Status.QUEUED, "", timezone.now()
    document.requested_by = user if getattr(user, "pk", None) else document.requested_by
    document.save(update_fields=["status", "error", "created_at", "requested_by"])
    render_document.enqueue(document.pk)
    document.refresh_from_db()
    return document


def render(document_id: int) -> str:
    """Makes one queued document (the task's body): reads the data again, prints it, keeps the file, and removes
    this subject's older files of the same kind and format. A failure is kept on the row, for the waiting page."""
    document = RenderedDocument.objects.select_related("requested_by").get(pk=document_id)
    if document.status == Status.READY:
        return document.status
    try:
        kind = KINDS[document.kind]
        content = kind.formats[document.format](kind.load(document.subject, document.requested_by))
    except Exception:
        logger.exception("Could not make %s", document)
        document.status, document.finished_at = Status.FAILED, timezone.now()
        document.error = (
            "Something went wrong while making the document. Try again, or tell the OPCC if it happens again."
        )
        document.save(update_fields=["status", "error", "finished_at"])
        return document.status
    document.file.save("", ContentFile(content), save=False)
    document.status, document.finished_at, document.error = Status.READY, timezone.now(), ""
    document.save(update_fields=["file", "status", "finished_at", "error"])
    older = (
        RenderedDocument.objects.filter(kind=document.kind, format=document.format, subject=document.subject)
        .exclude(pk=document.pk)
        .exclude(status=Status.QUEUED)
    )
    for old in older:
        if old.file:
            transaction.on_commit(lambda name=old.file.name, storage=old.file.storage: storage.delete(name))
        old.delete()
    return document.status
