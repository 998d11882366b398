"""Submission deadlines: the date by which the OPCC wants each CSP's spending plan for a financial year, and THE
rule for when a plan is late."""

from __future__ import annotations

import datetime

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea

from .records import history_options


class SubmissionDeadline(models.Model):
    """Set by the OPCC once per force area and year; inboxes, the dashboard and the e-mails show it and flag
    lateness, all through `is_late`."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, related_name="submission_deadlines")
    financial_year = FinancialYearField()
    submit_by = models.DateField(help_text="The date by which partnerships submit their spending plans.")
    note = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area", "-financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["force_area", "financial_year"], name="deadline_one_per_area_year"),
            financial_year_check("financial_year", "deadline_financial_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.force_area} {self.financial_year}: submit by {self.submit_by:%d %B %Y}"

    @staticmethod
    def applies_to(plan) -> bool:
        """The deadline is for the year's plan to reach the OPCC: it applies while version 1 is still with the
        partnership (being written, returned for changes, or waiting for the executive group or the board).
        Variations come after an approval, so no deadline applies to them."""
        from grants.workflow import PARTNERSHIP_STAGES, awaiting_stages

        # `signed=set()`: who has signed at the parallel sign-off is the OPCC's side, so need not be looked up.
        return plan.version == 1 and any(stage in PARTNERSHIP_STAGES for stage in awaiting_stages(plan, set()))

    def has_passed(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.submit_by

    def is_late(self, plan, today: datetime.date | None = None) -> bool:
        """THE rule for "late": the deadline has passed and the year's plan has not been submitted to the OPCC,
        because there is none yet (`plan` None) or it is still with the partnership (`applies_to`)."""
        return self.has_passed(today) and (plan is None or self.applies_to(plan))

    def days_late(self, today: datetime.date | None = None) -> int:
        return max(0, ((today or timezone.localdate()) - self.submit_by).days)
