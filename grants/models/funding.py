"""Where money comes from (funding streams) and who it is given to, for which year (grant awards)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from grants.money import MoneyField, format_money, non_negative
from grants.querysets import GrantAwardQuerySet
from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import ForceArea, Organisation, Partnership


class FundingStream(models.Model):
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


class GrantAward(models.Model):
    """Money given from a stream to a CSP or an organisation for one financial year, with its conditions."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        MADE = "made", "Made"

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

    objects = GrantAwardQuerySet.as_manager()

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
                condition=Q(partnership__isnull=False),
                name="award_one_per_stream_partnership_year",
                violation_error_message="This partnership already has an award from this stream for that year.",
            ),
            models.CheckConstraint(
                condition=~Q(status="made") | Q(awarded_on__isnull=False),
                name="made_award_has_date",
                violation_error_message="Give the date a made award was awarded.",
            ),
            financial_year_check("financial_year", "award_financial_year_format"),
            *non_negative("amount", "previous_year_amount", model="award"),
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
        if errors:
            raise ValidationError(errors)
