"""Submission deadlines: the date by which the OPCC wants each CSP's spending plan for a financial year."""

from __future__ import annotations

from django.db import models

from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea


class SubmissionDeadline(models.Model):
    """Set by the OPCC once per force area and year; inboxes and the dashboard show it and flag lateness."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, related_name="submission_deadlines")
    financial_year = FinancialYearField()
    submit_by = models.DateField(help_text="The date by which partnerships submit their spending plans.")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["force_area", "-financial_year"]
        constraints = [
            models.UniqueConstraint(fields=["force_area", "financial_year"], name="deadline_one_per_area_year"),
            financial_year_check("financial_year", "deadline_financial_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.force_area} {self.financial_year}: submit by {self.submit_by:%d %B %Y}"
