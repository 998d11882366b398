"""Big documents made in the task queue and kept until their data changes (issue 13; docs/decisions.md
"Big documents are made in the task queue").

A board paper, Panel report, performance pack or decision notice as PDF or Word takes seconds of WeasyPrint or
python-docx work, and an area's 360Giving file (JSON, CSV, XLSX) a second of reading and writing at national size:
too long for a web request, and the same file is asked for again and again while nothing has changed. A
`RenderedDocument` is one such file for one subject (`subject`, a key string such as "plan:12"), with the queries
it was made from (`reads`) and the fingerprint of what they answered (`fingerprint`, with the code, the day and,
for the Panel report, the person). A request asks those queries again (grants/documents/reads.py): the kept file
is answered while they answer the same; otherwise a new file is made, and the old one is removed when the new one
is ready, or by the sweep when nobody has asked for it in `KEPT_DOCUMENTS_DAYS` days.

The file goes through Django's storage API (MEDIA_ROOT or the bucket, like supporting documents) and is never
served from a public address: the download views check the person may see the subject first.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


def rendered_name(document: RenderedDocument, filename: str) -> str:
    """A name nobody can guess or collide with; the download name is the view's."""
    return f"rendered/{document.kind}/{uuid.uuid4().hex}.{document.format}"


class RenderedDocument(models.Model):
    class Kind(models.TextChoices):
        BOARD_PAPER = "board-paper", "board paper"
        PANEL_REPORT = "panel-report", "Police and Crime Panel report"
        PERFORMANCE_PACK = "performance-pack", "performance pack"
        AREA_PERFORMANCE_PACK = "area-performance-pack", "performance pack across the area"
        DECISION_NOTICE = "decision-notice", "decision notice"
        THREESIXTY = "360giving", "360Giving file"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word"
        JSON = "json", "JSON"
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    format = models.CharField(max_length=10, choices=Format.choices)
    subject = models.CharField(max_length=100, help_text='What the document is about, e.g. "plan:12".')
    fingerprint = models.CharField(max_length=64, help_text="A digest of the data the document is built from.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to=rendered_name, max_length=400, blank=True)
    error = models.TextField(blank=True, help_text="What went wrong, for the person who asked (no internals).")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Whose view of the data is rendered (the Panel report lists the partnerships they may see).",
    )
    reads = models.JSONField(
        default=dict,
        blank=True,
        help_text="The queries the document was made from, to ask again whether it is current (documents/reads.py).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_asked_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone last asked for it: files nobody asks for are swept away."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "format", "subject", "fingerprint"], name="rendered_document_unique_fingerprint"
            )
        ]
        indexes = [models.Index(fields=["kind", "format", "subject"], name="rendered_document_subject")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_format_display()}) for {self.subject}: {self.status}"
