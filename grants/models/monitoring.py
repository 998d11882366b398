"""After the sign-off: the returns a funded project makes each reporting period, against its award.

- `ReportingRules`: what the OPCC sets for its force area: how long a reporting period is (quarterly by default),
  how many working days after a period ends its return is due, when reminders go, and the amber tolerance for
  RAG ratings (grants/rag.py).
- `ReportingPeriod`: one period of an award's year (Q1 April-June, ...), with its window and due date.
- `PerformanceReturn`: one funded project's return for one period: spend, forecast, risks, narrative, a figure per
  outcome measure (`MeasureResult`) and the forecast for each remaining period (`SpendForecast`).
- `ReturnStep`: every step a return takes (saved, submitted, certified, queried, accepted, reopened), like the
  plan's decisions: who, in which role, when, with which comments. One table, written by grants/services/returns.py.
- `SentReminder`: a reminder or digest that has been sent, so the scheduled job never sends it twice.
- `MoneyMove`: money a return records as moved from one funded project of the plan to another (MHCLG's log of
  money moved between projects); one at or above the OPCC's minor variation threshold needs a variation instead.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grants.money import MoneyField, non_negative
from partnerships.models import ForceArea, Role
from partnerships.personal_data import NAME

from .decisions import AppendOnly
from .funding import GrantAward
from .plans import FundedProject, OutcomeMeasure
from .records import history_options


class ReportingRules(models.Model):
    """The OPCC's reporting rules for its force area. An area that has set none reports quarterly, 20 working days
    after each quarter ends, with reminders 5 working days before and no amber band."""

    DEFAULT_MONTHS = 3
    DEFAULT_WORKING_DAYS = 20
    DEFAULT_REMINDER_DAYS = 5

    force_area = models.OneToOneField(ForceArea, on_delete=models.CASCADE, related_name="reporting_rules")
    months_per_period = models.PositiveSmallIntegerField(
        "Months in each reporting period",
        default=DEFAULT_MONTHS,
        choices=[(1, "Monthly"), (3, "Quarterly"), (6, "Six-monthly"), (12, "Annually")],
    )
    working_days_to_report = models.PositiveSmallIntegerField(
        "Working days to send a return",
        default=DEFAULT_WORKING_DAYS,
        help_text="How many working days after a period ends its return is due (bank holidays in England and Wales "
        "are not working days).",
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        "Working days before the due date to send a reminder", default=DEFAULT_REMINDER_DAYS
    )
    amber_tolerance = models.DecimalField(
        "Amber tolerance",
        max_digits=8,
        decimal_places=2,
        default=0,
        help_text="How far a figure may miss its target and still be amber rather than red, in the measure's own "
        "unit (percentage points for a percentage). 0: no amber band.",
    )

    history = HistoricalRecords(**history_options())

    class Meta:
        verbose_name = "reporting rules"
        verbose_name_plural = "reporting rules"
        constraints = [
            models.CheckConstraint(condition=Q(months_per_period__in=[1, 3, 6, 12]), name="rules_months_divide_year"),
            models.CheckConstraint(condition=Q(amber_tolerance__gte=0), name="rules_tolerance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"Reporting rules for {self.force_area}"

    @classmethod
    def for_area(cls, force_area_id: int) -> ReportingRules:
        """The area's rules, or the defaults (unsaved) when it has set none."""
        return cls.objects.filter(force_area_id=force_area_id).first() or cls(force_area_id=force_area_id)


class ReportingPeriod(models.Model):
    """One reporting period of an award's financial year. Its window opens the day after it ends; its return is
    due `working_days_to_report` working days after it ends (grants/working_days.py)."""

    award = models.ForeignKey(GrantAward, on_delete=models.CASCADE, related_name="reporting_periods")
    number = models.PositiveSmallIntegerField(help_text="1 for the first period of the year.")
    name = models.CharField(max_length=40, help_text="For example Q1 (April to June 2020).")
    starts_on = models.DateField()
    ends_on = models.DateField()
    opens_on = models.DateField(help_text="The first day a return for the period can be submitted.")
    due_on = models.DateField(help_text="The last day to submit and certify the return.")

    class Meta:
        ordering = ["award_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["award", "number"], name="period_unique_number_per_award"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("opens_on")), name="period_due_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.award.financial_year} {self.name}"

    @property
    def short_name(self) -> str:
        return self.name.split(" ")[0]

    def is_open(self, on: datetime.date) -> bool:
        return on >= self.opens_on


class ReturnStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted, waiting for certification"
    CERTIFIED = "certified", "Certified, waiting for the OPCC"
    QUERIED = "queried", "Queried by the OPCC"
    ACCEPTED = "accepted", "Accepted by the OPCC"


LATE_STATUSES = (ReturnStatus.NOT_STARTED, ReturnStatus.IN_PROGRESS)


class PerformanceReturnQuerySet(models.QuerySet):
    def late(self, on: datetime.date):
        """THE late rule in SQL (`PerformanceReturn.is_late` for one return): past its due date, not submitted.
        Most overdue first."""
        return self.filter(_late_q(on)).order_by(
            "period__due_on", "period__award__partnership__name", "project__number"
        )

    def not_late(self, on: datetime.date):
        """The returns `late` leaves out, by the same rule: a list of returns beside the late ones (the home page's
        returns waiting for someone) without a subquery repeating the whole list's joins to take the late ones
        out."""
        return self.exclude(_late_q(on))


def _late_q(on: datetime.date) -> models.Q:
    return models.Q(period__due_on__lt=on, status__in=LATE_STATUSES)


class PerformanceReturn(models.Model):
    """One funded project's return for one reporting period. Its status changes only through
    grants/services/returns.py (`return_act`), which writes a `ReturnStep` for each change.

    An OPCC award made directly to an organisation (no partnership, no plan) that asks for reports has one return
    per period for the award itself: no project and no line (`is_direct`). Its provider has no users, so the OPCC
    records it and another OPCC officer accepts it; spend, forecast, risks and narrative, no outcome measures."""

    Status = ReturnStatus
    EDITABLE = (ReturnStatus.NOT_STARTED, ReturnStatus.IN_PROGRESS, ReturnStatus.QUERIED)
    DONE = (ReturnStatus.SUBMITTED, ReturnStatus.CERTIFIED, ReturnStatus.ACCEPTED)

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="returns")
    project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, null=True, blank=True, related_name="returns")
    line_id = models.UUIDField(
        null=True, blank=True, help_text="The funded project's line, the same across versions of the plan."
    )
    status = models.CharField(max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.NOT_STARTED)
    spend_in_period = MoneyField(null=True, blank=True)
    risks = models.TextField("Risks and issues", blank=True)
    went_well = models.TextField("What went well", blank=True)
    issues = models.TextField("What did not go well, and what is being done", blank=True)
    case_study = models.TextField(
        blank=True, help_text="A short, anonymised account of the difference the service made to someone."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PerformanceReturnQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["period_id", "project__number"]  # the period by its key, not its ordering (models/plans.py)
        constraints = [
            models.UniqueConstraint(fields=["period", "line_id"], name="return_unique_per_line_and_period"),
            models.UniqueConstraint(  # an award made directly to an organisation: one return per period
                fields=["period"], condition=Q(project__isnull=True), name="return_one_per_period_for_a_direct_award"
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True, line_id__isnull=True)
                | Q(project__isnull=False, line_id__isnull=False),
                name="return_project_and_line_together",
            ),
            *non_negative("spend_in_period", model="return"),
        ]

    def __str__(self) -> str:
        return f"{self.period} return for {self.project or self.period.award.recipient}"

    @property
    def is_direct(self) -> bool:
        """The return of an award made directly to an organisation, for the award itself."""
        return self.project_id is None

    @property
    def title(self) -> str:
        """`1. Plymouth Domestic Abuse Service`, or the organisation of a direct award."""
        if self.project_id is None:
            return str(self.period.award.recipient)
        return f"{self.project.number}. {self.project.title}"

    @property
    def recipient(self):
        """The partnership, or the organisation of a direct award."""
        return self.period.award.recipient

    def get_status_display(self) -> str:
        if self.is_direct and self.status == ReturnStatus.SUBMITTED:
            return "Recorded, waiting for another OPCC officer to accept it"
        return ReturnStatus(self.status).label

    @property
    def award(self) -> GrantAward:
        return self.period.award

    @property
    def partnership(self):
        return self.period.award.partnership

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def is_late(self, on: datetime.date | None = None) -> bool:
        """THE late rule for a return: past its due date and not yet submitted (a return submitted on time but
        queried afterwards is not late)."""
        on = on or timezone.localdate()
        return on > self.period.due_on and self.status in LATE_STATUSES

    def days_late(self, on: datetime.date | None = None) -> int:
        on = on or timezone.localdate()
        return max((on - self.period.due_on).days, 0) if self.is_late(on) else 0


class MeasureResult(models.Model):
    """A return's figure for one outcome measure: a number in the measure's unit, or words for a qualitative one.
    Numeric measures are rated by grants/rag.py; a qualitative one carries the OPCC reviewer's judgement."""

    class Judgement(models.TextChoices):
        GREEN = "green", "Green: on track"
        AMBER = "amber", "Amber: some concern"
        RED = "red", "Red: off track"

    performance_return = models.ForeignKey(PerformanceReturn, on_delete=models.CASCADE, related_name="results")
    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.PROTECT, related_name="results")
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    narrative = models.TextField(blank=True)
    judgement = models.CharField(
        "Reviewer's judgement", max_length=10, choices=Judgement.choices, blank=True, help_text="Qualitative only."
    )

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["performance_return_id", "measure__position", "measure__pk"]
        constraints = [
            models.UniqueConstraint(fields=["performance_return", "measure"], name="result_unique_per_measure"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value if self.value is not None else self.narrative[:40]}"


class SpendForecast(models.Model):
    """A return's forecast of spend in one later period of the year."""

    performance_return = models.ForeignKey(PerformanceReturn, on_delete=models.CASCADE, related_name="forecasts")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    amount = MoneyField()

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["performance_return_id", "period__number"]
        constraints = [
            models.UniqueConstraint(fields=["performance_return", "period"], name="forecast_unique_per_period"),
            *non_negative("amount", model="forecast"),
        ]

    def __str__(self) -> str:
        return f"{self.period}: {self.amount}"

    def clean(self):
        later = self.period_id and self.performance_return_id
        if later and self.period.number <= self.performance_return.period.number:
            raise ValidationError("A forecast is for a later period of the year.")


class ReturnStep(AppendOnly):
    """One step in a return's life: who, in which role, when, from which status to which, with which comments."""

    class Action(models.TextChoices):
        SAVE = "save", "Saved"
        SUBMIT = "submit", "Submitted"
        CERTIFY = "certify", "Certified"
        QUERY = "query", "Queried"
        ACCEPT = "accept", "Accepted"
        REOPEN = "reopen", "Reopened"

    performance_return = models.ForeignKey(PerformanceReturn, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(max_length=10, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="return_steps")
    user_name = models.CharField(max_length=300)
    role_kind = models.CharField("Role", max_length=20, choices=Role.Kind.choices)
    taken_at = models.DateTimeField(default=timezone.now)
    comments = models.TextField(blank=True)

    PERSONAL_DATA = {"user": {"user_name": NAME}}

    class Meta:
        ordering = ["performance_return_id", "taken_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.user_name}, {self.taken_at:%-d %B %Y}"


class SentReminder(models.Model):
    """A reminder, overdue notice or digest sent to one person. The unique constraint is what makes the job
    idempotent: the row is written before the e-mail goes, and a second run finds it and sends nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(
        max_length=100,
        help_text="What was sent: `return-12-before`, `return-12-due`, `return-12-overdue`, "
        "`digest-devon-and-cornwall-2020-W28`.",
    )
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once")]

    def __str__(self) -> str:
        return self.key


class MoneyMove(models.Model):
    """Money a return records as moved from one funded project of the plan to another, with the reason: the log of
    money moved between projects of MHCLG's quarterly returns. Written and removed only by
    grants/services/returns.py (`move_record`, `move_remove`), while the return can be edited. A move at or above
    the force area's minor variation threshold (`needs_variation`) stops the return being submitted: so much money
    changes the plan, and the plan is changed by a variation."""

    performance_return = models.ForeignKey(PerformanceReturn, on_delete=models.CASCADE, related_name="moves")
    from_project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="moves_out")
    to_project = models.ForeignKey(FundedProject, on_delete=models.PROTECT, related_name="moves_in")
    amount = MoneyField()
    reason = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    # Who recorded or removed the move, when, and what it was: money moved between lines is accounted for.
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["performance_return_id", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="move_amount_positive"),
            models.CheckConstraint(condition=~Q(from_project=models.F("to_project")), name="move_between_two_projects"),
        ]

    def __str__(self) -> str:
        from grants.money import format_money

        return f"{format_money(self.amount)} from {self.from_project} to {self.to_project}"

    def needs_variation(self, minor_below: Decimal | None) -> bool:
        """THE rule: a move of `minor_below` or more (the area's minor variation threshold) changes the plan, and
        needs a variation. With no threshold set every move does, as every variation goes the full path then."""
        return minor_below is None or self.amount >= minor_below
