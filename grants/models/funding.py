"""Where money comes from (funding streams) and who it is given to, for which years (grant awards and contracts).

An award is for one financial year (`financial_year`, `amount`) unless it has amounts per financial year
(`AwardYear` rows): then it runs from its first year to its last, `amount` is their sum, and each year's figures
count that year's amount (the rule is read in SQL by `grants/figures/money.py`, and only there).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from grants.money import MoneyField, format_money, non_negative
from grants.querysets import GrantAwardQuerySet
from partnerships.financial_years import FinancialYear, FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Organisation, Partnership
from priorities.models import Priority

from .records import Withdrawable, WithdrawableQuerySet, history_options


class FundingStream(Withdrawable):
    """A source of money recorded the same way as the PCC grant: MoJ, Home Office, MHCLG, NHS England, …"""

    class Kind(models.TextChoices):
        PCC_COMMUNITY_SAFETY = "pcc_csp", "PCC community safety grant"
        MINISTRY_OF_JUSTICE = "moj", "Ministry of Justice"
        HOME_OFFICE = "home_office", "Home Office"
        MHCLG = "mhclg", "MHCLG / DLUHC"
        NHS_ENGLAND = "nhse", "NHS England"
        COUNCIL = "council", "Council contribution"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    force_area = models.ForeignKey(
        ForceArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_streams",
        help_text="The force area whose OPCC records this stream (and awards from it, unless awarded directly).",
    )
    awarded_directly = models.BooleanField(
        "Awarded directly by the funder",
        default=False,
        help_text="Tick when the funder (Home Office, MHCLG, …) awards this money itself and the OPCC only records "
        "it: such awards are not the PCC's grants and are not published as them.",
    )
    funder = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_streams",
        help_text="The body the money comes from, when it is not the force area's PCC.",
    )
    description = models.TextField(blank=True)

    objects = WithdrawableQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["force_area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["force_area", "name"], name="funding_stream_unique_name_per_area"),
            models.CheckConstraint(
                condition=~Q(kind="pcc_csp") | Q(force_area__isnull=False),
                name="pcc_stream_has_force_area",
                violation_error_message="A PCC community safety grant belongs to a force area.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def funder_name(self) -> str:
        if self.funder_id:
            return self.funder.name
        if self.force_area_id:
            return self.force_area.funder.name
        return self.name


class GrantAward(Withdrawable):
    """Money given from a stream to a CSP or an organisation, for one financial year or several, with its
    conditions, its payment schedule, and the Police and Crime Plan priorities it serves."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        MADE = "made", "Made"

    class Kind(models.TextChoices):
        GRANT = "grant", "Grant"
        CONTRACT = "contract", "Contract for services"

    class PaymentSchedule(models.TextChoices):
        IN_ADVANCE = "in_advance", "In advance"
        QUARTERLY_IN_ARREARS = "quarterly_in_arrears", "Quarterly in arrears"
        ON_CLAIM = "on_claim", "On claim"

    funding_stream = models.ForeignKey(FundingStream, on_delete=models.PROTECT, related_name="awards")
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        help_text="The Community Safety Partnership that receives the award.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        help_text="Or the organisation that receives it directly.",
    )
    financial_year = FinancialYearField()
    amount = MoneyField()
    previous_year_amount = MoneyField(null=True, blank=True)
    reference = models.CharField(max_length=50, blank=True, help_text="The funder's own grant reference.")
    purpose = models.TextField(
        blank=True, help_text="What the grant is for and how it is expected to reduce crime and disorder."
    )
    conditions = models.TextField(blank=True, help_text="The conditions of grant.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    awarded_on = models.DateField(null=True, blank=True)
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.GRANT,
        help_text="A contract for services is commissioned spending, not a grant: it is never published as one.",
    )
    starts_on = models.DateField(
        null=True, blank=True, help_text="When the money starts; blank for the whole of its financial year."
    )
    ends_on = models.DateField(null=True, blank=True, help_text="When it ends; blank for the end of its last year.")
    payment_schedule = models.CharField(
        max_length=25, choices=PaymentSchedule.choices, default=PaymentSchedule.IN_ADVANCE
    )
    allocation = models.ForeignKey(
        "grants.AllocationTable",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        help_text="The allocation across councils or CSPs this award is one row of.",
    )
    pcc_priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="awards",
        verbose_name="Police and Crime Plan priorities",
        help_text="The priorities the money serves, when it is spent directly rather than through a CSP's plan.",
    )
    reports_every_months = models.PositiveSmallIntegerField(
        "Reports from the organisation",
        null=True,
        blank=True,
        choices=[(1, "Monthly"), (3, "Quarterly"), (6, "Six-monthly"), (12, "Annually")],
        help_text="An award made directly to an organisation can ask for a return each period (set by the OPCC "
        "through grants/services/returns.py). Blank: no returns.",
    )
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    correction_note = models.TextField(
        blank=True, editable=False, help_text="What the last correction of a made award changed, and why."
    )

    objects = GrantAwardQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["-financial_year", "funding_stream__name", "partnership__name", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(partnership__isnull=False, organisation__isnull=True)
                    | Q(partnership__isnull=True, organisation__isnull=False)
                ),
                name="award_has_one_recipient",
                violation_error_message="An award goes to a partnership or to an organisation, not both.",
            ),
            models.UniqueConstraint(
                fields=["funding_stream", "partnership", "financial_year"],
                condition=Q(partnership__isnull=False, withdrawn_at__isnull=True),
                name="award_one_per_stream_partnership_year",
                violation_error_message="This partnership already has an award from this stream for that year.",
            ),
            models.CheckConstraint(
                condition=~Q(status="made") | Q(awarded_on__isnull=False),
                name="made_award_has_date",
                violation_error_message="Give the date a made award was awarded.",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="award_ends_after_it_starts",
                violation_error_message="An award must end on or after the day it starts.",
            ),
            financial_year_check("financial_year", "award_financial_year_format"),
            *non_negative("amount", "previous_year_amount", model="award"),
            models.CheckConstraint(
                condition=Q(reports_every_months__isnull=True)
                | Q(reports_every_months__in=[1, 3, 6, 12], partnership__isnull=True),
                name="award_reports_asked_of_an_organisation",
                violation_error_message="Only an award made directly to an organisation asks for reports here: a "
                "partnership reports through its plan.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.financial_year}: {format_money(self.amount)}"

    @property
    def recipient(self) -> Partnership | Organisation | None:
        return self.partnership or self.organisation

    @property
    def force_area(self) -> ForceArea | None:
        """The force area whose Police and Crime Plan the money serves."""
        if self.partnership_id:
            return self.partnership.force_area
        return self.funding_stream.force_area

    @property
    def first_year(self) -> FinancialYear:
        return FinancialYear.parse(self.financial_year)

    @property
    def period_starts_on(self) -> date:
        return self.starts_on or self.first_year.starts_on

    @property
    def period_ends_on(self) -> date:
        if self.ends_on:
            return self.ends_on
        years = sorted(y.financial_year for y in self.years.all()) if self.pk else []
        return FinancialYear.parse(years[-1] if years else self.financial_year).ends_on

    @property
    def is_published_grant(self) -> bool:
        """A grant the OPCC made from its own money: what the statutory list and 360Giving publish."""
        return (
            self.status == self.Status.MADE
            and self.kind == self.Kind.GRANT
            and not self.funding_stream.awarded_directly
        )

    @property
    def publication_note(self) -> str:
        """What a publication says of a grant withdrawn or corrected after it was made, rather than dropping it."""
        if self.withdrawn_at:
            return f"Withdrawn on {self.withdrawn_at:%-d %B %Y}: {self.withdrawal_reason}"
        if self.corrected_at:
            return f"Corrected on {self.corrected_at:%-d %B %Y}: {self.correction_note}"
        return ""

    def clean(self):
        errors = {}
        if not self.partnership_id and not self.organisation_id:
            errors["partnership"] = "Choose the partnership or the organisation that receives the award."
        elif self.partnership_id and self.organisation_id:
            errors["organisation"] = "An award goes to a partnership or to an organisation, not both."
        if (
            self.pk
            and self.amount is not None
            and (plan := self.plans.order_by("-version").first()) is not None
            and plan.allocated > self.amount
        ):
            errors["amount"] = (
                f"The spending plan already allocates {format_money(plan.allocated)}: the award cannot be less "
                f"than that ({format_money(plan.allocated - self.amount)} short)."
            )
        if self.status == self.Status.MADE and not self.awarded_on:
            errors["awarded_on"] = "Give the date the award was made."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date."
        if errors:
            raise ValidationError(errors)


class AwardYear(models.Model):
    """The part of a multi-year award (or contract) that falls in one financial year. An award with none is for
    its one `financial_year`; with some, they add up to its amount (`grants/services/corrections.py` checks)."""

    award = models.ForeignKey(GrantAward, on_delete=models.CASCADE, related_name="years")
    financial_year = FinancialYearField()
    amount = MoneyField()

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["award_id", "financial_year"]
        verbose_name = "award's amount for a year"
        constraints = [
            models.UniqueConstraint(fields=["award", "financial_year"], name="award_year_once"),
            financial_year_check("financial_year", "award_year_financial_year_format"),
            *non_negative("amount", model="award_year"),
        ]

    def __str__(self) -> str:
        return f"{self.award_id} {self.financial_year}: {format_money(self.amount)}"
