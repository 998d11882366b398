"""Answering a big document (board paper, Panel report, performance pack) from the task queue: the kept file when
it is ready, otherwise a page that says it is being prepared and looks again by itself (a meta refresh, so it works
without JavaScript). The calling view has already checked that the person may see the subject; the rules of
making and keeping are in grants/documents/rendering.py."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render

from grants.documents.rendering import document_request
from grants.documents.word import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE
from grants.models import RenderedDocument

CONTENT_TYPES = {RenderedDocument.Format.PDF: PDF_CONTENT_TYPE, RenderedDocument.Format.DOCX: DOCX_CONTENT_TYPE}
# How often the waiting page looks again, in seconds.
REFRESH_SECONDS = 3


def rendered_download(request, *, kind: str, fmt: str, subject: str, filename: str, title: str) -> HttpResponse:
    """`title` names the document for the waiting page ("the board paper for …"); `filename` is the download's."""
    document = document_request(kind, fmt, subject, request.user, retry=request.GET.get("retry") == "1")
    if document.status == RenderedDocument.Status.READY:
        with document.file.open("rb") as stored:
            response = HttpResponse(stored.read(), content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    query = request.GET.copy()
    query.pop("retry", None)
    download_url = request.path + (f"?{query.urlencode()}" if query else "")
    retry_url = request.path + "?" + urlencode({**query.dict(), "retry": "1"})
    # WCAG 2.2.1: a page that reloads by itself must let the person turn that off (screen readers start again at
    # the top on every reload). `?refresh=off` gives the same page without the refresh, and a link to check.
    refreshing = request.GET.get("refresh") != "off"
    stop_url = request.path + "?" + urlencode({**query.dict(), "refresh": "off"})
    response = render(
        request,
        "grants/document_preparing.html",
        {
            "document": document,
            "title": title,
            "format_name": document.get_format_display(),
            "download_url": download_url,
            "retry_url": retry_url,
            "refresh_seconds": REFRESH_SECONDS,
            "refreshing": refreshing,
            "stop_url": stop_url,
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
