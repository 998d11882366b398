"""Allocations of a funding stream across councils (MHCLG's domestic abuse duty money per local authority, say):
a table whose lines must reconcile exactly with the stream's total for the year."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Sum

from grants.money import ZERO, MoneyField, non_negative
from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Organisation

from .funding import FundingStream


class AllocationTable(models.Model):
    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="allocation_tables")
    funding_stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="allocation_tables")
    financial_year = FinancialYearField()
    title = models.CharField(max_length=200)
    total = MoneyField(help_text="The stream's total for the year, which the councils' lines must add up to.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["force_area", "-financial_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_area", "funding_stream", "financial_year"], name="allocation_one_per_stream_year"
            ),
            financial_year_check("financial_year", "allocation_financial_year_format"),
            *non_negative("total", model="allocation"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.financial_year})"

    @property
    def allocated(self) -> Decimal:
        return self.lines.aggregate(total=Sum("amount"))["total"] or ZERO

    @property
    def difference(self) -> Decimal:
        """Total less the lines: zero when the table reconciles."""
        return self.total - self.allocated


class AllocationLine(models.Model):
    table = models.ForeignKey(AllocationTable, on_delete=models.CASCADE, related_name="lines")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="allocation_lines")
    amount = MoneyField()

    class Meta:
        ordering = ["table", "recipient__name"]
        constraints = [
            models.UniqueConstraint(fields=["table", "recipient"], name="allocation_line_one_per_recipient"),
            *non_negative("amount", model="allocation_line"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.amount}"
