"""Supporting documents attached to a spending plan or to one of its funded projects.

The seed plan embeds a Word evaluation form in project 4 and a provider's PDF proposal in its risks: plans come
with papers. A document is part of the version it is attached to: it can be added or removed only while the
plan is editable (`PlanContent`, and the delete guard in grants/signals.py), and a variation starts with the
earlier version's documents (`grants/services/attachments.py`, which also checks and stores the files).

Files are kept through Django's storage API (local files under MEDIA_ROOT by default, an S3-compatible bucket
in production) and are never served from a public address: `DocumentDownloadView` checks that the person may
see the plan first.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from partnerships.personal_data import NAME

from .plans import FundedProject, PlanContent, SpendingPlan


def stored_name(instance: SupportingDocument, filename: str) -> str:
    """`supporting-documents/<award>/<random>/<name>`: a random folder per file, so names never collide, a later
    upload never replaces an earlier one, and no address can be guessed from another."""
    return f"supporting-documents/{instance.plan.award_id}/{uuid.uuid4().hex}/{filename}"


class SupportingDocument(PlanContent):
    """A file attached to a plan or one of its funded projects, frozen with the version like the rest of it."""

    # The uploader's name as it was, replaced when they are anonymised (partnerships/personal_data.py).
    PERSONAL_DATA = {"uploaded_by": {"uploaded_by_name": NAME}}

    plan = models.ForeignKey(SpendingPlan, on_delete=models.CASCADE, related_name="documents")
    project = models.ForeignKey(
        FundedProject,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        help_text="The funded project it supports; empty for the plan as a whole.",
    )
    name = models.CharField(max_length=200, help_text="The file's name as shown and downloaded (made safe).")
    file = models.FileField(upload_to=stored_name, max_length=400)
    content_type = models.CharField(max_length=120, help_text="Found from the file's content, not the browser.")
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    description = models.CharField(max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_by_name = models.CharField(max_length=300)
    uploaded_at = models.DateTimeField(default=timezone.now)
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The earlier version's document this one was carried forward from (same stored file).",
    )

    class Meta:
        ordering = ["plan_id", "project__number", "uploaded_at", "pk"]
        verbose_name = "supporting document"

    def __str__(self) -> str:
        return self.name

    @property
    def owning_plan_id(self):
        return self.plan_id

    def get_absolute_url(self) -> str:
        return reverse("grants:document-download", args=[self.plan_id, self.pk])

    @property
    def size_display(self) -> str:
        """`245 KB`, `1.2 MB`: as GOV.UK shows attachment sizes."""
        if self.size < 1024:
            return f"{self.size} bytes"
        if self.size < 1024 * 1024:
            return f"{round(self.size / 1024)} KB"
        return f"{self.size / (1024 * 1024):.1f} MB"

    @property
    def kind_display(self) -> str:
        from grants.services.attachments import kind_of

        return kind_of(self.content_type)
