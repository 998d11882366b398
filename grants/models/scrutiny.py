"""OPCC scrutiny comments on a plan's funded projects, and the partnership's answers.

The OPCC's scrutiny of a plan ("comments per line", PAGES.md) is part of the public record of the PCC's
decision: a question, a condition or a note on one funded project, and the officer's answer. Both are written
only by `grants/services/scrutiny.py`, never changed afterwards (like decisions), and printed in the decision
notice's supporting information.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from partnerships.models import Role
from partnerships.personal_data import NAME

from .decisions import AppendOnly
from .plans import FundedProject, SpendingPlan


class ScrutinyComment(AppendOnly):
    """A comment by an OPCC officer on one funded project of one version of a plan."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        CONDITION = "condition", "Condition"
        NOTE = "note", "Note"

    plan = models.ForeignKey(SpendingPlan, on_delete=models.PROTECT, related_name="scrutiny_comments")
    project = models.ForeignKey(
        FundedProject, on_delete=models.SET_NULL, null=True, blank=True, related_name="scrutiny_comments"
    )
    line_id = models.UUIDField(help_text="The line across versions, as FundedProject.line_id.")
    project_number = models.PositiveSmallIntegerField()
    project_title = models.CharField(max_length=300)
    round = models.PositiveSmallIntegerField(help_text="Which submission of this version it was made on.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    PERSONAL_DATA = {"user": {"user_name": NAME}}  # the name as it was; replaced if they are anonymised

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scrutiny_comments")
    user_name = models.CharField(max_length=300, help_text="The person's name when they commented.")
    role_kind = models.CharField("Role", max_length=20, choices=Role.Kind.choices)
    role_scope = models.CharField(max_length=200)
    made_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan_id", "project_number", "made_at", "pk"]
        verbose_name = "scrutiny comment"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on project {self.project_number}, {self.project_title}, by {self.user_name}"

    @property
    def role_display(self) -> str:
        return f"{Role.Kind(self.role_kind).label}, {self.role_scope}"

    @property
    def answered(self) -> bool:
        return bool(self.answers.all())


class CommentAnswer(AppendOnly):
    """The partnership's answer to a scrutiny comment. A second answer adds to the first; none is changed."""

    comment = models.ForeignKey(ScrutinyComment, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField()
    PERSONAL_DATA = {"user": {"user_name": NAME}}  # the name as it was; replaced if they are anonymised

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comment_answers")
    user_name = models.CharField(max_length=300)
    role_kind = models.CharField("Role", max_length=20, choices=Role.Kind.choices)
    role_scope = models.CharField(max_length=200)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["comment_id", "answered_at", "pk"]
        verbose_name = "answer to a scrutiny comment"

    def __str__(self) -> str:
        return f"Answer by {self.user_name} to {self.comment}"

    @property
    def role_display(self) -> str:
        return f"{Role.Kind(self.role_kind).label}, {self.role_scope}"
