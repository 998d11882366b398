"""Allocations of a funding stream across councils or CSPs (MHCLG's domestic abuse duty money per local
authority, say): a table whose rows must reconcile exactly with its total for the year.

Each row is an award (`GrantAward.allocation`) to a council or a CSP chosen from those recorded with their
official codes, so an allocation counts in the figures, the Panel report and, when the OPCC makes it from its
own money, the publications, exactly as any other grant made. Rows are written only by
`grants/services/allocations.py`, which checks the reconciliation.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from grants.money import MoneyField, format_money, non_negative
from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea
from priorities.models import Priority

from .funding import FundingStream
from .records import Withdrawable, WithdrawableQuerySet, history_options


class AllocationTable(Withdrawable):
    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="allocation_tables")
    funding_stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="allocation_tables")
    financial_year = FinancialYearField()
    title = models.CharField(max_length=200)
    total = MoneyField(help_text="The stream's total for the year, which the rows must add up to.")
    awarded_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the allocation was decided: its rows are then grants made. Blank while it is proposed.",
    )
    pcc_priorities = models.ManyToManyField(
        Priority, blank=True, related_name="allocation_tables", verbose_name="Police and Crime Plan priorities"
    )
    notes = models.TextField(blank=True)

    objects = WithdrawableQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area", "-financial_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_area", "funding_stream", "financial_year"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="allocation_one_per_stream_year",
                violation_error_message="This stream already has an allocation for that year: change that one.",
            ),
            financial_year_check("financial_year", "allocation_financial_year_format"),
            *non_negative("total", model="allocation"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.financial_year}, {format_money(self.total)})"
