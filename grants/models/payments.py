"""Claims against an award and payments of it: the money ledger. Both are append-only (a wrong entry is
reversed, with who and why, and entered again), so paid, claimed and remaining can always be traced.

The figures (claimed, paid, remaining) are computed in SQL by `grants/figures/money.py`, and only there. The
rules (a claim never beyond what remains, a payment on claim only against an approved claim) are in
`grants/services/payments.py`, the one writer of these records.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from grants.claims import ClaimStatus
from grants.money import MoneyField, format_money, non_negative

from .funding import GrantAward
from .records import AppendOnlyMoney, history_options


def evidence_path(claim: Claim, filename: str) -> str:
    """Evidence is kept through Django's storage API under a name nobody can guess; the original name is kept
    on the claim for the download."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"claims/{claim.award_id}/{uuid.uuid4().hex}{suffix}"


class Claim(AppendOnlyMoney):
    """A claim against an award: the amount, what it is for, the evidence, and the decision on it."""

    DECISION_FIELDS = frozenset({"status", "amount_approved", "decided_at", "decided_by", "decision_note"})

    award = models.ForeignKey(GrantAward, on_delete=models.PROTECT, related_name="claims")
    amount = MoneyField(help_text="The amount claimed.")
    claimed_on = models.DateField(help_text="The date on the claim.")
    description = models.TextField(help_text="What the claim is for: the spend, the period, the invoice.")
    evidence = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField(max_length=255, blank=True, help_text="The evidence file's name as uploaded.")
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    amount_approved = MoneyField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(blank=True, help_text="Why it was rejected or reversed; any note on approval.")

    history = HistoricalRecords(**history_options())  # who entered or decided it, when, before and after

    class Meta:
        ordering = ["award_id", "claimed_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="claim_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_approved__isnull=True) | Q(amount_approved__lte=models.F("amount")),
                name="claim_approved_within_claimed",
                violation_error_message="A claim cannot be approved for more than was claimed.",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(amount_approved__gt=0),
                name="approved_claim_has_amount",
                violation_error_message="Give the amount approved.",
            ),
            *non_negative("amount_approved", model="claim"),
        ]

    def __str__(self) -> str:
        return f"Claim of {format_money(self.amount)} on {self.claimed_on:%-d %B %Y} ({self.get_status_display()})"

    @property
    def counted_amount(self):
        """What the claim takes from the award: the amount approved, or claimed while awaiting a decision."""
        if self.status == ClaimStatus.APPROVED:
            return self.amount_approved
        if self.status == ClaimStatus.SUBMITTED:
            return self.amount
        return None


class Payment(AppendOnlyMoney):
    """Money paid out on an award, with the finance system's reference. A reversal is a payment of the opposite
    sign that names the payment it reverses and why."""

    award = models.ForeignKey(GrantAward, on_delete=models.PROTECT, related_name="payments")
    claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
        help_text="The approved claim it pays, for awards paid on claim.",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField()
    reference = models.CharField(max_length=100, help_text="The finance system's reference for the payment.")
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversal", editable=False
    )
    reason = models.TextField(blank=True, help_text="Why a payment was reversed.")
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords(**history_options())  # who entered or decided it, when, before and after

    class Meta:
        ordering = ["award_id", "paid_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="payment_positive_or_a_reversal",
                violation_error_message="A payment is more than £0.00; only a reversal is negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment of {format_money(self.amount)} on {self.paid_on:%-d %B %Y} ({self.reference})"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
