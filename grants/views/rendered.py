"""Answering a big document or export (board paper, Panel report, performance pack, decision notice, an area's
360Giving file) from the task queue: the kept file when
it is ready, otherwise a page that says it is being prepared, with a link to look again. With JavaScript the page
asks quietly every few seconds and says so in a live region when the file is ready; it never reloads itself (a
meta refresh fails WCAG 2.2.1 and sends screen-reader users back to the top each time). The calling view has
already checked that the person may see the subject; the rules of making and keeping are in
grants/documents/rendering.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from grants.documents.rendering import document_request, queue_again
from grants.documents.word import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from grants.models import RenderedDocument

Format = RenderedDocument.Format
CONTENT_TYPES = {
    Format.PDF: PDF_CONTENT_TYPE,
    Format.DOCX: DOCX_CONTENT_TYPE,
    Format.JSON: "application/json",
    Format.CSV: "text/csv; charset=utf-8",
    Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# How often the waiting page's script asks again, in seconds.
POLL_SECONDS = 3


def _kept_file(document: RenderedDocument) -> bytes | None:
    """The file of a ready document, or None (not ready, or missing from storage)."""
    if document.status != RenderedDocument.Status.READY:
        return None
    try:
        with document.file.open("rb") as stored:
            return stored.read()
    except OSError:  # FileNotFoundError from the file system and from django-storages' S3 backend
        return None


def rendered_download(
    request, *, kind: str, fmt: str, subject: str, filename: str, title: str, data=None
) -> HttpResponse:
    """`title` names the document for the waiting page ("the board paper for …"); `filename` is the download's;
    `data`, the subject's data when the view has read it already."""
    document = document_request(kind, fmt, subject, request.user, retry=request.GET.get("retry") == "1", data=data)
    content = _kept_file(document)
    if document.status == RenderedDocument.Status.READY and content is None:
        document = queue_again(document, request.user)  # lost from storage (restored without it): made again
        content = _kept_file(document)
    if content is not None:
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    query = request.GET.copy()
    query.pop("retry", None)
    download_url = request.path + (f"?{query.urlencode()}" if query else "")
    retry_url = request.path + "?" + urlencode({**query.dict(), "retry": "1"})
    response = render(
        request,
        "grants/document_preparing.html",
        {
            "document": document,
            "title": title,
            "format_name": document.get_format_display(),
            "download_url": download_url,
            "retry_url": retry_url,
            "poll_seconds": POLL_SECONDS,
        },
    )
    response["Cache-Control"] = "private, no-store"
    if document.status == RenderedDocument.Status.QUEUED:
        response["Retry-After"] = str(POLL_SECONDS)  # for a program fetching the address (a 360Giving harvester)
    return response
