"""Money the OPCC receives: a funder's grant to the OPCC (Ministry of Justice victims' funding, a Home Office
programme, MHCLG domestic abuse duty money to pass on, NHS England), for a period, with its conditions and the
reports the funder asks for. Income is never a grant made: the figures and reports keep the two apart.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from grants.money import ZERO, MoneyField, format_money, non_negative
from partnerships.financial_years import FinancialYear, FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Organisation

from .funding import FundingStream
from .records import Withdrawable, WithdrawableQuerySet, history_options


class FundingReceived(Withdrawable):
    """One grant to the OPCC from a funder, into one of its funding streams, with an amount per financial year."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="funding_received")
    funding_stream = models.ForeignKey(
        FundingStream,
        on_delete=models.PROTECT,
        related_name="income",
        help_text="The stream the money is received into, and granted out of.",
    )
    funder = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="funding_given", help_text="Who pays it to the OPCC."
    )
    reference = models.CharField(max_length=100, blank=True, help_text="The funder's reference for the grant.")
    amount = MoneyField(help_text="The whole sum over the period: the amounts per financial year add up to it.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    agreed_on = models.DateField(null=True, blank=True, help_text="When the grant agreement or offer was signed.")
    conditions = models.TextField(blank=True, help_text="The funder's conditions of grant.")
    reporting_duties = models.TextField(
        blank=True, help_text="What the OPCC must report to the funder, and when (for example quarterly returns)."
    )
    notes = models.TextField(blank=True)

    objects = WithdrawableQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area", "-starts_on", "funding_stream__name"]
        verbose_name = "funding received"
        verbose_name_plural = "funding received"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="income_ends_after_it_starts",
                violation_error_message="The period must end on or after the day it starts.",
            ),
            *non_negative("amount", model="income"),
        ]

    def __str__(self) -> str:
        return f"{self.funder} to {self.force_area}: {format_money(self.amount)} ({self.period_label})"

    @property
    def period_label(self) -> str:
        first, last = FinancialYear.containing(self.starts_on), FinancialYear.containing(self.ends_on)
        return str(first) if first == last else f"{first} to {last}"

    @property
    def financial_years(self) -> list[str]:
        """Every financial year the period touches, in order."""
        year, last, years = FinancialYear.containing(self.starts_on), FinancialYear.containing(self.ends_on), []
        while year <= last:
            years.append(str(year))
            year = year.next()
        return years

    @property
    def years_total(self) -> Decimal:
        return sum((y.amount for y in self.years.all()), ZERO)

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date."
        if self.funding_stream_id and self.force_area_id and self.funding_stream.force_area_id != self.force_area_id:
            errors["funding_stream"] = "Choose one of this OPCC's funding streams."
        if errors:
            raise ValidationError(errors)


class FundingReceivedYear(models.Model):
    """The part of the funding received that falls in one financial year: what that year's figures count."""

    income = models.ForeignKey(FundingReceived, on_delete=models.CASCADE, related_name="years")
    financial_year = FinancialYearField()
    amount = MoneyField()

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["income_id", "financial_year"]
        verbose_name = "funding received in a year"
        constraints = [
            models.UniqueConstraint(fields=["income", "financial_year"], name="income_year_once"),
            financial_year_check("financial_year", "income_year_financial_year_format"),
            *non_negative("amount", model="income_year"),
        ]

    def __str__(self) -> str:
        return f"{self.financial_year}: {format_money(self.amount)}"
