"""The year end of an award: what was spent (the outturn), the money left (the underspend), and what happens to
it: returned to the OPCC, or carried forward into next year's award for the same partnership and stream.

The OPCC officer proposes; the funder's decision-maker (Police and Crime Commissioner or successor) and its
finance officer (Treasurer or Chief Finance Officer) each approve, in either order, as two records; one person
never gives both. Until both have approved the OPCC may withdraw the proposal: the row stays, withdrawn, as the
history of what was proposed (and any approval already given), and a new proposal can be made. Written only by
grants/services/year_end.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grants.money import ZERO, MoneyField, non_negative
from partnerships.financial_years import FinancialYearField, financial_year_check
from partnerships.models import Role
from partnerships.personal_data import NAME

from .decisions import AppendOnly, recorded_title
from .funding import GrantAward
from .records import history_options


class YearEnd(models.Model):
    """One award's year end, proposed by the OPCC. The figures are those of the day it was proposed (from
    grants/figures/year_end.py), so the decision reads as it was taken."""

    class Treatment(models.TextChoices):
        RETURN = "return", "Return to the OPCC"
        CARRY_FORWARD = "carry_forward", "Carry forward into next year's award"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed, waiting for approval"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"

    award = models.ForeignKey(GrantAward, on_delete=models.PROTECT, related_name="year_ends")
    financial_year = FinancialYearField()
    award_amount = MoneyField(help_text="The award's amount for the year when the year end was proposed.")
    outturn = MoneyField(help_text="What the partnership spent in the year, as its returns report.")
    underspend = MoneyField()
    treatment = models.CharField(max_length=20, choices=Treatment.choices)
    carried_forward = MoneyField(default=ZERO, help_text="The part of the underspend carried into next year.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    comments = models.TextField(blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by_name = models.CharField(max_length=300)
    proposed_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    next_award = models.ForeignKey(
        GrantAward,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_forward_from",
        help_text="Next year's award the carried-forward money was added to.",
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_by_name = models.CharField(max_length=300, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    PERSONAL_DATA = {"proposed_by": {"proposed_by_name": NAME}, "withdrawn_by": {"withdrawn_by_name": NAME}}

    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["financial_year", "award_id"]
        constraints = [
            financial_year_check("financial_year", "year_end_financial_year_format"),
            models.UniqueConstraint(
                fields=["award"],
                condition=~Q(status="withdrawn"),
                name="year_end_one_standing_per_award",
                violation_error_message="This award's year end has already been proposed.",
            ),
            models.CheckConstraint(
                condition=Q(status="withdrawn", withdrawn_at__isnull=False)
                | Q(~Q(status="withdrawn"), withdrawn_at=None),
                name="year_end_withdrawn_has_a_date",
            ),
            *non_negative("award_amount", "outturn", "underspend", "carried_forward", model="year_end"),
            models.CheckConstraint(
                condition=Q(carried_forward__lte=F("underspend")),
                name="year_end_carries_at_most_the_underspend",
                violation_error_message="No more than the underspend can be carried forward.",
            ),
            models.CheckConstraint(
                condition=Q(treatment="carry_forward") | Q(carried_forward=0),
                name="year_end_returned_carries_nothing",
            ),
        ]

    def __str__(self) -> str:
        return f"Year end of {self.award.recipient} {self.financial_year}"

    @property
    def returned(self):
        """What goes back to the OPCC: the underspend not carried forward."""
        return self.underspend - self.carried_forward

    @property
    def is_approved(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN


class YearEndApproval(AppendOnly):
    """The decision-maker's or the finance officer's approval of a year end, in the funder's titles of the day."""

    year_end = models.ForeignKey(YearEnd, on_delete=models.PROTECT, related_name="approvals")
    role_kind = models.CharField(
        "Role", max_length=20, choices=[(Role.Kind.PCC, Role.Kind.PCC.label), (Role.Kind.TREASURER, "Treasurer")]
    )
    role_title = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_name = models.CharField(max_length=300)
    decided_at = models.DateTimeField(default=timezone.now)
    comments = models.TextField(blank=True)

    PERSONAL_DATA = {"user": {"user_name": NAME}}

    class Meta:
        ordering = ["year_end_id", "decided_at", "pk"]
        verbose_name = "year-end approval"
        constraints = [
            models.UniqueConstraint(fields=["year_end", "role_kind"], name="year_end_one_approval_per_role"),
            models.UniqueConstraint(fields=["year_end", "user"], name="year_end_one_approval_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.year_end}: approved by {self.user_name} ({self.title})"

    @property
    def title(self) -> str:
        return recorded_title(self.role_title, self.role_kind)
