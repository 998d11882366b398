"""Grant rounds: a pot the OPCC opens to applications (up to £300,000 for road safety, say) between two dates.
Staff enter the applications; each one approved becomes a `GrantAward` to the applicant, for its own amount."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from grants.money import MoneyField, format_money, non_negative
from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Organisation
from priorities.models import Priority

from .funding import FundingStream, GrantAward
from .records import Withdrawable, WithdrawableQuerySet, history_options


class GrantRound(Withdrawable):
    force_area = models.ForeignKey(ForceArea, on_delete=models.PROTECT, related_name="grant_rounds")
    funding_stream = models.ForeignKey(
        FundingStream,
        on_delete=models.PROTECT,
        related_name="grant_rounds",
        help_text="The money the round's awards are made from.",
    )
    name = models.CharField(max_length=200, help_text="For example Road safety fund 2021/22.")
    financial_year = FinancialYearField()
    pot = MoneyField(help_text="The most the round can award in total.")
    opens_on = models.DateField()
    closes_on = models.DateField()
    purpose = models.TextField(blank=True, help_text="What the round funds.")
    conditions = models.TextField(blank=True, help_text="The conditions of grant attached to every award it makes.")
    pcc_priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="grant_rounds",
        verbose_name="Police and Crime Plan priorities",
        help_text="The priorities the round serves; its awards serve them too unless given their own.",
    )

    objects = WithdrawableQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area", "-financial_year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["force_area", "name"], name="round_unique_name_per_area"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
                violation_error_message="The round must close on or after the day it opens.",
            ),
            financial_year_check("financial_year", "round_financial_year_format"),
            *non_negative("pot", model="round"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = "The closing date must be on or after the opening date."
        if self.funding_stream_id and self.force_area_id and self.funding_stream.force_area_id != self.force_area_id:
            errors["funding_stream"] = "Choose a funding stream this OPCC awards from."
        if self.pk and self.pot is not None and (awarded := self.awarded) > self.pot:
            errors["pot"] = f"The round has already awarded {format_money(awarded)}: the pot cannot be less than that."
        if errors:
            raise ValidationError(errors)

    def _figure(self, name: str) -> Decimal:
        """From `grants.figures.money.rounds_with_figures`, the one definition: annotated on lists, asked for
        one round otherwise (never cached: a decision changes it)."""
        if name in self.__dict__:
            return self.__dict__[name]
        from grants.figures.money import rounds_with_figures

        return getattr(rounds_with_figures(GrantRound.objects.filter(pk=self.pk)).get(), name)

    @property
    def awarded(self) -> Decimal:
        """Approved applications still standing (not withdrawn)."""
        return self._figure("awarded_total")

    @property
    def requested(self) -> Decimal:
        return self._figure("requested_total")

    @property
    def remaining(self) -> Decimal:
        return self.pot - self.awarded


class GrantApplication(Withdrawable):
    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    grant_round = models.ForeignKey(GrantRound, on_delete=models.CASCADE, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="grant_applications")
    project_title = models.CharField(max_length=300)
    purpose = models.TextField(help_text="What the money is for and how it is expected to reduce crime and disorder.")
    amount_requested = MoneyField()
    received_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    amount_awarded = MoneyField(null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    award = models.OneToOneField(
        GrantAward, on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )

    objects = WithdrawableQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["grant_round_id", "received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(decision="approved", amount_awarded__isnull=False, decided_on__isnull=False)
                    | Q(decision="declined", amount_awarded__isnull=True, decided_on__isnull=False)
                    | Q(decision="pending", amount_awarded__isnull=True, decided_on__isnull=True)
                ),
                name="application_decision_complete",
                violation_error_message="An approved application has an amount awarded and a decision date; a "
                "declined one has a decision date and no amount.",
            ),
            *non_negative("amount_requested", "amount_awarded", model="application"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.project_title}"
