"""The one writer of claims and payments on an award, and of the decisions on claims.

Every write locks the award's row first, so two officers entering claims at once cannot take an award past its
amount; the figures it checks against are `grants.figures.money`'s, read inside the lock. Records are never
changed: a wrong claim is reversed (with who and why) and entered again; a wrong payment is reversed by a
payment of the opposite sign naming it, and entered again.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants import claims as table
from grants.claims import ClaimStatus
from grants.figures.money import award_ledger, claims_with_figures
from grants.models import Claim, GrantAward, Payment
from grants.money import format_money

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _locked_award(award: GrantAward) -> GrantAward:
    award = GrantAward.objects.select_for_update(of=("self",)).get(pk=award.pk)
    if award.is_withdrawn:
        raise ValidationError("This award has been withdrawn: nothing more can be claimed or paid on it.")
    return award


def _over_remaining(award: GrantAward, amount: Decimal, what: str) -> str:
    ledger = award_ledger(award)
    if amount > ledger.remaining:
        return (
            f"{what.capitalize()} of {format_money(amount)} is {format_money(amount - ledger.remaining)} more than "
            f"remains of the award: {format_money(ledger.remaining)} of {format_money(award.amount)} remains "
            f"({format_money(ledger.claimed)} claimed, {format_money(ledger.paid_without_claim)} paid without a "
            "claim)."
        )
    return ""


@transaction.atomic
def claim_add(*, award: GrantAward, amount: Decimal, claimed_on: date, description: str, evidence=None, by) -> Claim:
    """A claim against the award, refused when it is more than remains of the award (the amounts in the message)."""
    award = _locked_award(award)
    if award.payment_schedule == GrantAward.PaymentSchedule.IN_ADVANCE:
        raise ValidationError(
            "This award is paid in advance, not on claim: change its payment schedule first if it is now paid on claim."
        )
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount claimed, more than £0.00."})
    if message := _over_remaining(award, amount, "a claim"):
        raise ValidationError({"amount": message})
    if evidence is not None and evidence.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence": "The evidence file must be smaller than 10 MB."})
    claim = Claim(
        award=award,
        amount=amount,
        claimed_on=claimed_on,
        description=description,
        entered_by=by,
        evidence_name=(evidence.name if evidence is not None else "")[:255],
    )
    if evidence is not None:
        claim.evidence.save(evidence.name, evidence, save=False)  # Django's storage API: the default storage
    claim.full_clean()
    claim.save()
    return claim


def claim_check(claim: Claim, user, name: str) -> tuple[bool, str]:
    """Whether `user` may take decision `name` on the claim now, and why not (from the table in grants/claims.py).
    The role (OPCC officer or Treasurer of the area) is checked by the permission layer before this."""
    transition = table.BY_NAME.get(name)
    if transition is None:
        return False, "There is no such decision on a claim."
    if claim.status not in transition.sources:
        return False, f"This claim is {claim.get_status_display().lower()}: it cannot be {transition.done.lower()}."
    if transition.not_by_enterer and claim.entered_by_id == getattr(user, "pk", None):
        return False, "You entered this claim: someone else (an OPCC officer or the Treasurer) decides it."
    return True, ""


@transaction.atomic
def claim_decide(*, claim: Claim, decision: str, by, amount_approved: Decimal | None = None, note: str = "") -> Claim:
    """Approve (in full or for less), reject or reverse a claim: the claim's row locked, the table checked again."""
    award = GrantAward.objects.select_for_update(of=("self",)).get(pk=claim.award_id)
    claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
    allowed, why = claim_check(claim, by, decision)
    if not allowed:
        raise ValidationError(why)
    transition = table.BY_NAME[decision]
    note = (note or "").strip()
    if transition.reason_required and not note:
        raise ValidationError({"note": f"Say why the claim is {transition.done.lower()}."})
    if decision == "approve":
        amount_approved = claim.amount if amount_approved is None else amount_approved
        if amount_approved <= 0:
            raise ValidationError({"amount_approved": "Enter the amount approved, more than £0.00, or reject it."})
        if amount_approved > claim.amount:
            raise ValidationError(
                {
                    "amount_approved": "The amount approved cannot be more than the "
                    f"{format_money(claim.amount)} claimed."
                }
            )
        claim.amount_approved = amount_approved
    if decision == "reverse":
        paid = claims_with_figures(Claim.objects.filter(pk=claim.pk)).get().paid
        if paid:
            raise ValidationError(
                f"{format_money(paid)} has been paid against this claim: reverse the payment first, then the claim."
            )
    if award.is_withdrawn and decision == "approve":
        raise ValidationError("The award has been withdrawn: its claims cannot be approved.")
    claim.status = transition.target
    claim.decided_at = timezone.now()
    claim.decided_by = by
    claim.decision_note = note
    claim.full_clean()
    claim.save(update_fields=["status", "amount_approved", "decided_at", "decided_by", "decision_note"])
    return claim


@transaction.atomic
def payment_add(
    *, award: GrantAward, amount: Decimal, paid_on: date, reference: str, claim: Claim | None = None, by
) -> Payment:
    """A payment on the award. On an award paid on claim it pays an approved claim (never more than is unpaid of
    it); otherwise it is paid on the schedule, never more than remains of the award."""
    award = _locked_award(award)
    if amount is None or amount <= 0:
        raise ValidationError({"amount": "Enter the amount paid, more than £0.00."})
    if not (reference or "").strip():
        raise ValidationError({"reference": "Enter the finance system's reference for the payment."})
    if claim is None and award.payment_schedule == GrantAward.PaymentSchedule.ON_CLAIM:
        raise ValidationError({"claim": "This award is paid on claim: choose the approved claim the payment pays."})
    if claim is not None:
        claim = claims_with_figures(Claim.objects.select_for_update(of=("self",)).filter(pk=claim.pk)).get()
        if claim.award_id != award.pk:
            raise ValidationError({"claim": "Choose a claim on this award."})
        if claim.status != ClaimStatus.APPROVED:
            raise ValidationError(
                {"claim": f"This claim is {claim.get_status_display().lower()}: pay approved claims."}
            )
        if amount > claim.unpaid:
            raise ValidationError(
                {
                    "amount": f"A payment of {format_money(amount)} is more than the {format_money(claim.unpaid)} "
                    f"unpaid of the claim ({format_money(claim.amount_approved)} approved, "
                    f"{format_money(claim.paid)} paid)."
                }
            )
    elif message := _over_remaining(award, amount, "a payment"):
        raise ValidationError({"amount": message})
    payment = Payment(
        award=award, claim=claim, amount=amount, paid_on=paid_on, reference=reference.strip(), entered_by=by
    )
    payment.full_clean()
    payment.save()
    return payment


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str, reversed_on: date, by) -> Payment:
    """Reverses a payment entered in error (or returned): a payment of the opposite sign that names it and why.
    The correct payment, if any, is then entered again."""
    GrantAward.objects.select_for_update(of=("self",)).get(pk=payment.award_id)
    payment = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the payment is reversed."})
    if payment.is_reversal:
        raise ValidationError("This is itself a reversal: enter the payment again instead.")
    if Payment.objects.filter(reverses=payment).exists():
        raise ValidationError("This payment was already reversed.")
    reversal = Payment(
        award_id=payment.award_id,
        claim_id=payment.claim_id,
        amount=-payment.amount,
        paid_on=reversed_on,
        reference=f"Reversal of {payment.reference}"[:100],
        reverses=payment,
        reason=reason,
        entered_by=by,
    )
    reversal.full_clean()
    reversal.save()
    return reversal


def expected_payments(award: GrantAward) -> list[tuple[str, date, Decimal]]:
    """When the award's schedule says its money is due: the whole of each year's amount at the start of the year
    (in advance), or each year's amount in four parts after each quarter ends (quarterly in arrears), split so
    that the parts add up to the penny. Nothing for an award paid on claim."""
    from grants.figures.money import award_years
    from partnerships.financial_years import FinancialYear

    schedule = []
    if award.payment_schedule == GrantAward.PaymentSchedule.ON_CLAIM:
        return schedule
    for label, amount in award_years(award):
        year = FinancialYear.parse(label)
        if award.payment_schedule == GrantAward.PaymentSchedule.IN_ADVANCE:
            schedule.append((f"{label}, in advance", max(year.starts_on, award.starts_on or year.starts_on), amount))
            continue
        pennies = int(amount * 100)
        parts = [pennies // 4 + (1 if index < pennies % 4 else 0) for index in range(4)]
        quarter_ends = [
            date(year.start_year, 6, 30),
            date(year.start_year, 9, 30),
            date(year.start_year, 12, 31),
            date(year.start_year + 1, 3, 31),
        ]
        for number, (ends, part) in enumerate(zip(quarter_ends, parts, strict=True), start=1):
            schedule.append((f"{label}, quarter {number} (to {ends:%-d %B %Y})", ends, Decimal(part) / 100))
    return schedule
