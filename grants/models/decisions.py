"""Every decision on a spending plan is a record: who decided, in which role, when, what, with which comments
and conditions, and what the plan said at that moment. Declarations of interest are part of that record, and
the PCC's decision notice is issued from it when the PCC and the Treasurer have both signed off.

Records are written only by the workflow service (grants/services/workflow.py) and never changed afterwards.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grants.money import MoneyField, non_negative
from grants.states import Stage
from grants.workflow import TRANSITIONS
from partnerships.models import ForceArea, Role
from partnerships.personal_data import CLEARED, NAME

from .plans import FundedProject, SpendingPlan
from .records import history_options


def recorded_title(title: str, kind: str) -> str:
    """A record's title, or for a record made before titles were kept, the title every role then had."""
    from grants.workflow import DEFAULT_TITLES

    return title or DEFAULT_TITLES.get(kind) or Role.Kind(kind).label


class AppendOnly(models.Model):
    """A record that is written once and never changed: the audit trail of a public decision."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and not getattr(self, "_allow_update", False):
            raise ValidationError(f"A {self._meta.verbose_name} cannot be changed once it is made.")
        super().save(*args, **kwargs)


class Decision(AppendOnly):
    """One decision on one version of a plan at one stage of the approval path."""

    plan = models.ForeignKey(SpendingPlan, on_delete=models.PROTECT, related_name="decisions")
    version = models.PositiveSmallIntegerField(help_text="The plan version decided on.")
    round = models.PositiveSmallIntegerField(help_text="Which submission of this version it belongs to.")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    action = models.CharField(max_length=20, choices=[(t.name, t.done) for t in TRANSITIONS])
    from_status = models.CharField(max_length=20, choices=SpendingPlan.Status.choices)
    to_status = models.CharField(max_length=20, choices=SpendingPlan.Status.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_decisions")
    user_name = models.CharField(max_length=300, help_text="The person's name when they decided.")
    job_title = models.CharField(max_length=200, blank=True)

    # Replaced by "Former user <id>" when the person's account is anonymised (partnerships/personal_data.py).
    PERSONAL_DATA = {"user": {"user_name": NAME, "job_title": CLEARED}}
    role_kind = models.CharField("Role", max_length=20, choices=Role.Kind.choices)
    role_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="The role's title when they decided, in the funder body's words for the sign-offs (Police and "
        "Crime Commissioner, Deputy Mayor for Policing and Crime, Treasurer, Chief Finance Officer).",
    )
    role_scope = models.CharField(max_length=200, help_text="The partnership or force area the role is held for.")
    decided_at = models.DateTimeField(default=timezone.now)
    comments = models.TextField(blank=True)
    conditions = models.TextField(
        blank=True, help_text="Conditions attached to the decision, one per line or as a list."
    )
    note = models.CharField(
        max_length=500, blank=True, help_text="What the system decided with it, such as a minor variation's route."
    )
    snapshot = models.JSONField(help_text="The plan's content when the decision was taken (plan_snapshot).")
    meeting_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the decision was taken at a minuted meeting (the board): the meeting's date, which is then "
        "the decision's date. `decided_at` stays the moment it was recorded.",
    )
    minute_reference = models.CharField(max_length=100, blank=True, help_text="For example “Minute 12/20”.")

    class Meta:
        ordering = ["plan_id", "decided_at", "pk"]
        indexes = [
            models.Index(fields=["plan", "round", "stage"]),
            # The latest decisions of an area, newest first (`inbox.recent_decisions`): read backwards until enough
            # of its plans' are found, instead of sorting the area's 2,000 (issue 13: 5.6 to 1.3 ms for 30 CSPs).
            models.Index(fields=["decided_at", "id"], name="grants_decision_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.action_display} by {self.user_name}, {self.decided_at:%d %B %Y}"

    @property
    def decision_date(self) -> datetime.date:
        """The date the decision was taken: the meeting's when it was taken at one, else the day it was entered."""
        return self.meeting_date or timezone.localdate(self.decided_at)

    @property
    def meeting_display(self) -> str:
        """`Board meeting of 12 March 2020, minute 12/20`, or ""."""
        if not self.meeting_date:
            return ""
        minute = f", minute {self.minute_reference}" if self.minute_reference else ""
        return f"{self.stage_display} meeting of {self.meeting_date:%-d %B %Y}{minute}"

    @property
    def transition(self):
        from grants.workflow import BY_NAME

        return BY_NAME[self.action]

    @property
    def title(self) -> str:
        """The title they acted under, as recorded then."""
        return recorded_title(self.role_title, self.role_kind)

    @property
    def action_display(self) -> str:
        """`Signed off by the Deputy Mayor for Policing and Crime`: in the words in force when decided."""
        from grants.workflow import words

        return words(self.action, 1, self.title)

    @property
    def stage_display(self) -> str:
        from grants.workflow import PARTNERSHIP_STAGES

        return Stage(self.stage).label if self.stage in PARTNERSHIP_STAGES or self.stage == "opcc" else self.title

    @property
    def role_display(self) -> str:
        return f"{self.title}, {self.role_scope}"

    @property
    def person_display(self) -> str:
        """`Sam Taylor, Board chair (Board member, Safer Plymouth)`; the job title only when it adds something."""
        role = self.title
        job = f", {self.job_title}" if self.job_title and self.job_title.lower() != role.lower() else ""
        return f"{self.user_name}{job} ({self.role_display})"

    @property
    def is_return(self) -> bool:
        return self.to_status == SpendingPlan.Status.RETURNED


class InterestDeclaration(AppendOnly):
    """A reviewer's interest in a funded project ("I sit on the provider's board"), declared before they act.

    It joins the decision the person then takes, and it is printed on the PCC's decision notice."""

    plan = models.ForeignKey(SpendingPlan, on_delete=models.PROTECT, related_name="declarations")
    project = models.ForeignKey(
        FundedProject, on_delete=models.SET_NULL, null=True, blank=True, related_name="declarations"
    )
    line_id = models.UUIDField(help_text="The line across versions, as FundedProject.line_id.")
    project_number = models.PositiveSmallIntegerField()
    project_title = models.CharField(max_length=300)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="declarations")
    user_name = models.CharField(max_length=300)

    PERSONAL_DATA = {"user": {"user_name": NAME}}
    role_kind = models.CharField("Role", max_length=20, choices=Role.Kind.choices)
    role_title = models.CharField(max_length=200, blank=True, help_text="The role's title when they declared it.")
    role_scope = models.CharField(max_length=200)
    interest = models.TextField(help_text="The nature of the interest.")
    prejudicial = models.BooleanField(
        default=False,
        help_text="So significant that the person may not act on the plan: another person with the role decides.",
    )
    declared_at = models.DateTimeField(default=timezone.now)
    decision = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="declarations",
        help_text="The decision the person took after declaring it.",
    )

    class Meta:
        ordering = ["plan_id", "declared_at", "pk"]
        verbose_name = "declaration of interest"
        verbose_name_plural = "declarations of interest"

    def __str__(self) -> str:
        return f"{self.user_name}: interest in project {self.project_number}, {self.project_title}"

    @property
    def role_display(self) -> str:
        return f"{recorded_title(self.role_title, self.role_kind)}, {self.role_scope}"

    @property
    def kind_display(self) -> str:
        return "Prejudicial interest" if self.prejudicial else "Interest"


class DecisionNotice(models.Model):
    """The PCC's published decision approving a spending plan (or a variation), with its reference number.

    Issued in the same transaction as the second of the PCC's and the Treasurer's sign-offs. It keeps the funder
    body's name, and its two decisions the titles, in force on the day: a notice of 2027 still reads "Police and
    Crime Commissioner" after a mayor takes over."""

    plan = models.OneToOneField(SpendingPlan, on_delete=models.PROTECT, related_name="decision_notice")
    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="decision_notices")
    financial_year = models.CharField(max_length=7)
    sequence = models.PositiveIntegerField()
    # Unique within its force area, not nationally: the prefix is the area's initials (`DC` for Devon & Cornwall),
    # which Derbyshire, Dorset and Durham share (`D`), as West Mercia and West Midlands do (`WM`). Each PCC
    # publishes its own decisions, and a notice is always shown with its funder's name.
    reference = models.CharField(max_length=40)
    issued_at = models.DateTimeField(default=timezone.now)
    funder_name = models.CharField(
        max_length=200, blank=True, help_text="The funder body that took the decision, by its name at the time."
    )
    pcc_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    treasurer_decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_area", "financial_year", "sequence"], name="notice_unique_number_per_area_year"
            ),
            models.UniqueConstraint(fields=["force_area", "reference"], name="notice_unique_reference_per_area"),
        ]

    def __str__(self) -> str:
        return f"Decision {self.reference}"


class VariationThreshold(models.Model):
    """Set by the OPCC for its force area: a variation that moves less money than this is minor, and goes by
    the partnership's shorter path (`Partnership.minor_variation_path`). The OPCC's scrutiny and the PCC's and
    Treasurer's sign-off are never skipped (conditions of grant: any change of use needs OPCC approval)."""

    force_area = models.OneToOneField(ForceArea, on_delete=models.CASCADE, related_name="variation_threshold")
    minor_below = MoneyField(
        "Minor variation threshold",
        help_text="A variation is minor when the money it moves between lines (added, removed or changed "
        "amounts, counted once each) is less than this.",
    )
    note = models.CharField(max_length=300, blank=True)

    # Who set or removed the threshold, when, and what it was before: it decides which variations skip the board.
    history = HistoricalRecords(**history_options())

    class Meta:
        constraints = non_negative("minor_below", model="variation_threshold")

    def __str__(self) -> str:
        from grants.money import format_money

        return f"{self.force_area}: minor variations below {format_money(self.minor_below)}"
