"""How an OPCC shares its community safety grant between CSPs: indicators recorded per CSP and year, and named
formula scenarios compared side by side before one is confirmed as the year's awards.

The arithmetic is in `grants/services/formula.py` (pure functions); these models keep what was decided with.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from simple_history.models import HistoricalRecords

from grants.money import ZERO, MoneyField, non_negative
from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Partnership

from .funding import FundingStream
from .records import history_options


class Indicator(models.Model):
    """Something the OPCC measures per CSP to share money fairly: population, population density, recorded crime
    per 1,000, ASB incidents, substance-misuse demand, or any other measure it adds."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(max_length=100)
    unit = models.CharField(max_length=50, blank=True, help_text="For example people, per 1,000 people, incidents.")
    description = models.TextField(blank=True, help_text="Where the figures come from.")

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area", "name"]
        constraints = [models.UniqueConstraint(fields=["force_area", "name"], name="indicator_unique_name_per_area")]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One CSP's figure for an indicator in a financial year (imported from CSV or XLSX, or entered)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="indicator_values")
    financial_year = FinancialYearField()
    value = models.DecimalField(max_digits=16, decimal_places=4, validators=[MinValueValidator(Decimal(0))])

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["indicator_id", "partnership__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "partnership", "financial_year"], name="indicator_value_one_per_year"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
            financial_year_check("financial_year", "indicator_value_financial_year_format"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.partnership} {self.financial_year}: {self.value.normalize():,f}"

    def clean(self):
        if self.indicator_id and self.partnership_id and self.indicator.force_area_id != self.partnership.force_area_id:
            raise ValidationError({"partnership": "Choose a partnership in the indicator's force area."})


class FormulaScenario(models.Model):
    """A named way of splitting the year's pot: top-slice, flat base per CSP, weighted indicators, damping and
    phasing. Its lines are computed when it is saved, so scenarios compare as they were decided."""

    force_area = models.ForeignKey(ForceArea, on_delete=models.CASCADE, related_name="formula_scenarios")
    funding_stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="formula_scenarios")
    financial_year = FinancialYearField()
    name = models.CharField(max_length=100, help_text="For example 'Population and crime, 5% damping'.")
    pot = MoneyField(help_text="The whole sum available for the year, before any top-slice.")
    top_slice = MoneyField(default=ZERO, help_text="Held back for area-wide work.")
    top_slice_purpose = models.CharField(max_length=200, blank=True)
    base_per_partnership = MoneyField(default=ZERO, help_text="A flat amount every partnership receives first.")
    damping_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="No partnership moves more than this percentage from last year's award.",
    )
    phase_year = models.PositiveSmallIntegerField(null=True, blank=True)
    phase_years = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area", "-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["force_area", "financial_year", "name"], name="scenario_unique_name_per_area_year"
            ),
            models.CheckConstraint(
                condition=Q(phase_year__isnull=True, phase_years__isnull=True)
                | Q(phase_year__gte=1, phase_years__gte=models.F("phase_year")),
                name="scenario_phasing_valid",
                violation_error_message="Give the phasing as year N of M, with N between 1 and M.",
            ),
            models.CheckConstraint(
                condition=Q(top_slice__lte=models.F("pot")),
                name="scenario_top_slice_within_pot",
                violation_error_message="The top-slice cannot be more than the pot.",
            ),
            financial_year_check("financial_year", "scenario_financial_year_format"),
            *non_negative("pot", "top_slice", "base_per_partnership", model="scenario"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.force_area}, {self.financial_year})"

    @property
    def distributable(self) -> Decimal:
        return self.pot - self.top_slice

    @property
    def allocated_total(self) -> Decimal:
        return self.lines.aggregate(total=Sum("amount"))["total"] or ZERO


class ScenarioWeight(models.Model):
    scenario = models.ForeignKey(FormulaScenario, on_delete=models.CASCADE, related_name="weights")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(max_digits=7, decimal_places=3, validators=[MinValueValidator(Decimal(0))])

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["scenario_id", "-weight", "indicator__name"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "indicator"], name="scenario_weight_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="scenario_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.weight}"


class ScenarioLine(models.Model):
    """One CSP's result in a scenario: last year's award, the pure formula figure, and the figure after damping
    and phasing, rounded so that the lines add up exactly to the pot less the top-slice."""

    scenario = models.ForeignKey(FormulaScenario, on_delete=models.CASCADE, related_name="lines")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    previous_amount = MoneyField(null=True, blank=True)
    formula_amount = MoneyField(help_text="Before damping and phasing, to the penny.")
    amount = MoneyField()

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["scenario_id", "partnership__name"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "partnership"], name="scenario_line_unique"),
            *non_negative("previous_amount", "formula_amount", "amount", model="scenario_line"),
        ]

    def __str__(self) -> str:
        return f"{self.partnership}: {self.amount}"

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_amount is None else self.amount - self.previous_amount

    @property
    def change_percent(self) -> Decimal | None:
        if not self.previous_amount:
            return None
        return ((self.amount - self.previous_amount) * 100 / self.previous_amount).quantize(Decimal("0.01"))
