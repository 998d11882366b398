"""Correcting and withdrawing the OPCC's records (funding streams, awards, grant rounds, applications and their
decisions, allocations, funding received), and reading their history back.

Every change is saved with who made it and why (django-simple-history keeps before and after); nothing is
deleted: a record is withdrawn, with a reason, and then counts in no figure. A grant that was made and is then
corrected or withdrawn keeps a note saying so (`GrantAward.publication_note`), which the publications show.
Money already claimed or paid limits what may change: an award is never made smaller than what is claimed and
paid on it, nor withdrawn while money paid on it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from grants.claims import ClaimStatus
from grants.figures.money import award_ledger
from grants.models import AwardYear, FundingStream, GrantApplication, GrantAward, GrantRound
from grants.money import ZERO, format_money
from partnerships.financial_years import FinancialYear
from priorities.models import PoliceAndCrimePlan, Priority


def save_with_reason(instance: models.Model, *, reason: str, by, **kwargs) -> None:
    """Saves a record with the person and the reason in its history."""
    instance._change_reason = reason
    if by is not None:
        instance._history_user = by
    instance.save(**kwargs)


def require_reason(reason: str, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"Say why {what}: it is kept in the record's history."})
    return reason


# --- priorities ---------------------------------------------------------------------------------------------------


def priorities_for(force_area, financial_year: str):
    """The priorities money in this area and year can serve: those of the Police and Crime Plan in force."""
    plan = PoliceAndCrimePlan.objects.covering(force_area, financial_year).first()
    return Priority.objects.filter(plan=plan) if plan else Priority.objects.none()


def priorities_set(*, record, priorities, force_area, financial_year: str) -> None:
    """Sets the Police and Crime Plan priorities of an award, a round or an allocation: only priorities of the
    plan in force for the area and year."""
    allowed = set(priorities_for(force_area, financial_year).values_list("pk", flat=True))
    wrong = [p for p in priorities if p.pk not in allowed]
    if wrong:
        raise ValidationError(
            {"pcc_priorities": f"Choose priorities of the Police and Crime Plan in force for {financial_year}."}
        )
    record.pcc_priorities.set(priorities)


# --- awards: amounts per year, corrections, withdrawal ------------------------------------------------------------


def award_years_set(*, award: GrantAward, years: list[tuple[str, Decimal]]) -> None:
    """THE writer of an award's money over time: one (financial year, amount) for a one-year award, several for a
    multi-year award or contract. Sets the award's first year and its amount (their sum); the award must then be
    validated and saved, and `award_years_save` called after."""
    if not years:
        raise ValidationError({"years": "Give the amount for at least one financial year."})
    seen = set()
    for label, _amount in years:
        FinancialYear.parse(label)
        if label in seen:
            raise ValidationError({"years": f"{label} is given twice: give one amount for each financial year."})
        seen.add(label)
    ordered = sorted(years)
    first, last = FinancialYear.parse(ordered[0][0]), FinancialYear.parse(ordered[-1][0])
    if award.starts_on and FinancialYear.containing(award.starts_on) > first:
        raise ValidationError(
            {"years": f"The award starts on {award.starts_on:%-d %B %Y}, after {first} ends: remove {first}."}
        )
    if award.ends_on and FinancialYear.containing(award.ends_on) < last:
        raise ValidationError(
            {"years": f"The award ends on {award.ends_on:%-d %B %Y}, before {last} begins: remove {last}."}
        )
    award.financial_year = str(first)
    award.amount = sum((amount for _, amount in ordered), ZERO)
    award._years = ordered


def award_years_save(award: GrantAward) -> None:
    """Writes the rows `award_years_set` prepared: none for a one-year award, one per year for several."""
    years = getattr(award, "_years", None)
    if years is None:
        return
    award.years.all().delete()
    if len(years) > 1:
        bulk_create_with_history(
            [AwardYear(award=award, financial_year=fy, amount=amount) for fy, amount in years],
            AwardYear,
            default_user=getattr(award, "_history_user", None),
        )


def _amount_floor_error(award: GrantAward, amount: Decimal) -> str:
    """Why `amount` is too small for what is already claimed and paid on the award, or ""."""
    if not award.pk:
        return ""
    ledger = award_ledger(award)
    floor = ledger.claimed + ledger.paid_without_claim
    if amount < floor:
        return (
            f"{format_money(ledger.claimed)} is claimed and {format_money(ledger.paid_without_claim)} paid without a "
            f"claim on this award: it cannot be less than {format_money(floor)} ({format_money(floor - amount)} "
            "more than the new amount)."
        )
    return ""


def _describe(field: models.Field, value) -> str:
    if value is None or value == "":
        return "blank"
    if isinstance(field, models.DecimalField):
        return format_money(value)
    if isinstance(field, models.DateField) and isinstance(value, date | datetime):
        return f"{value:%-d %B %Y}"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


CORRECTABLE = (
    "amount",
    "financial_year",
    "purpose",
    "conditions",
    "reference",
    "awarded_on",
    "starts_on",
    "ends_on",
    "payment_schedule",
    "kind",
    "status",
    "organisation",
    "partnership",
)


@transaction.atomic
def award_correct(
    *,
    award: GrantAward,
    changes: dict,
    years: list[tuple[str, Decimal]] | None,
    priorities=None,
    reason: str,
    by,
) -> GrantAward:
    """Corrects an award: any of its facts, its amounts per year and its priorities. A made grant keeps a note of
    what changed and why, which the publications show. Never below what is already claimed and paid on it."""
    reason = require_reason(reason, "the award is corrected")
    award = GrantAward.objects.select_for_update(of=("self",)).get(pk=award.pk)
    if award.is_withdrawn:
        raise ValidationError("This award has been withdrawn: it cannot be corrected.")
    before = {name: getattr(award, name) for name in CORRECTABLE}
    was_published = award.is_published_grant
    for name, value in changes.items():
        setattr(award, name, value)
    if years is not None:
        award_years_set(award=award, years=years)
    if award.status == GrantAward.Status.PROPOSED:
        award.awarded_on = None
    if message := _amount_floor_error(award, award.amount):
        raise ValidationError({"amount": message})
    award.full_clean()
    changed = []
    for name, old in before.items():
        field = GrantAward._meta.get_field(name)
        if getattr(award, name) != old and name not in ("purpose", "conditions"):
            label = str(field.verbose_name).capitalize()
            changed.append(f"{label} was {_describe(field, old)}, now {_describe(field, getattr(award, name))}")
    if was_published or award.is_published_grant:
        award.corrected_at = timezone.now()
        award.correction_note = "; ".join([*changed, reason]) if changed else reason
    save_with_reason(award, reason=reason, by=by)
    award_years_save(award)
    if priorities is not None:
        priorities_set(
            record=award,
            priorities=priorities,
            force_area=award.force_area,
            financial_year=award.financial_year,
        )
    return award


def withdrawal_blocker(award: GrantAward) -> str:
    ledger = award_ledger(award)
    if ledger.paid:
        return (
            f"{format_money(ledger.paid)} has been paid on the award to {award.recipient}: reverse the payments first "
            "(or record the money repaid), then withdraw it."
        )
    waiting = award.claims.filter(status=ClaimStatus.SUBMITTED).count()
    if waiting:
        return f"The award to {award.recipient} has {waiting} claim(s) awaiting a decision: decide them first."
    return ""


def withdraw_record(record, *, reason: str, by) -> None:
    record.withdrawn_at = timezone.now()
    record.withdrawn_by = by
    record.withdrawal_reason = reason
    save_with_reason(record, reason=f"Withdrawn: {reason}", by=by)


@transaction.atomic
def award_withdraw(*, award: GrantAward, reason: str, by) -> GrantAward:
    """Withdraws an award (a duplicate, a grant not taken up). It stays readable, and a published grant is
    published as withdrawn. Refused while money paid on it stands or claims on it await a decision."""
    reason = require_reason(reason, "the award is withdrawn")
    award = GrantAward.objects.select_for_update(of=("self",)).get(pk=award.pk)
    if award.is_withdrawn:
        raise ValidationError("This award was already withdrawn.")
    if message := withdrawal_blocker(award):
        raise ValidationError(message)
    withdraw_record(award, reason=reason, by=by)
    return award


# --- streams ------------------------------------------------------------------------------------------------------


@transaction.atomic
def stream_update(*, stream: FundingStream, changes: dict, reason: str, by) -> FundingStream:
    reason = require_reason(reason, "the funding stream is changed")
    stream = FundingStream.objects.select_for_update().get(pk=stream.pk)
    if stream.is_withdrawn:
        raise ValidationError("This funding stream has been withdrawn: it cannot be changed.")
    for name, value in changes.items():
        setattr(stream, name, value)
    stream.full_clean()
    save_with_reason(stream, reason=reason, by=by)
    return stream


@transaction.atomic
def stream_withdraw(*, stream: FundingStream, reason: str, by) -> FundingStream:
    """Withdraws a stream recorded in error (a duplicate): only when nothing still stands in it."""
    reason = require_reason(reason, "the funding stream is withdrawn")
    stream = FundingStream.objects.select_for_update().get(pk=stream.pk)
    standing = {
        "awards": stream.awards.live().count(),
        "grant rounds": stream.grant_rounds.live().count(),
        "allocations": stream.allocation_tables.live().count(),
        "funding received": stream.income.live().count(),
    }
    if any(standing.values()):
        listed = ", ".join(f"{count} {what}" for what, count in standing.items() if count)
        raise ValidationError(f"{stream} still holds {listed}: withdraw them first, or correct them to another stream.")
    withdraw_record(stream, reason=reason, by=by)
    return stream


# --- grant rounds and applications --------------------------------------------------------------------------------


@transaction.atomic
def round_update(*, grant_round: GrantRound, changes: dict, priorities=None, reason: str, by) -> GrantRound:
    """Corrects a round: name, dates, pot (never below what it has awarded), purpose, conditions, priorities."""
    reason = require_reason(reason, "the grant round is changed")
    grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
    if grant_round.is_withdrawn:
        raise ValidationError("This grant round has been withdrawn: it cannot be changed.")
    for name, value in changes.items():
        setattr(grant_round, name, value)
    grant_round.full_clean()
    save_with_reason(grant_round, reason=reason, by=by)
    if priorities is not None:
        priorities_set(
            record=grant_round,
            priorities=priorities,
            force_area=grant_round.force_area,
            financial_year=grant_round.financial_year,
        )
    return grant_round


@transaction.atomic
def round_withdraw(*, grant_round: GrantRound, reason: str, by) -> GrantRound:
    """Withdraws a round and, with it, its applications and the awards made from them: all or nothing."""
    reason = require_reason(reason, "the grant round is withdrawn")
    grant_round = GrantRound.objects.select_for_update().get(pk=grant_round.pk)
    if grant_round.is_withdrawn:
        raise ValidationError("This grant round was already withdrawn.")
    for application in grant_round.applications.live().select_related("award", "organisation"):
        _application_withdraw(application, reason=f"The grant round was withdrawn: {reason}", by=by)
    withdraw_record(grant_round, reason=reason, by=by)
    return grant_round


def _application_withdraw(application: GrantApplication, *, reason: str, by) -> None:
    award = application.award
    if award is not None and not award.is_withdrawn:
        if message := withdrawal_blocker(award):
            raise ValidationError(message)
        withdraw_record(award, reason=reason, by=by)
    withdraw_record(application, reason=reason, by=by)


@transaction.atomic
def application_update(*, application: GrantApplication, changes: dict, reason: str, by) -> GrantApplication:
    """Corrects what an application says (its title, purpose, amount requested, date received). The decision and
    the amount awarded are corrected with `application_decision_correct`."""
    reason = require_reason(reason, "the application is changed")
    application = GrantApplication.objects.select_for_update().get(pk=application.pk)
    if application.is_withdrawn:
        raise ValidationError("This application has been withdrawn: it cannot be changed.")
    for name, value in changes.items():
        setattr(application, name, value)
    if application.amount_awarded is not None and application.amount_requested < application.amount_awarded:
        raise ValidationError(
            {
                "amount_requested": f"{format_money(application.amount_awarded)} has been awarded: the amount "
                "requested cannot be less than that."
            }
        )
    application.full_clean()
    save_with_reason(application, reason=reason, by=by)
    return application


@transaction.atomic
def application_withdraw(*, application: GrantApplication, reason: str, by) -> GrantApplication:
    """The applicant withdrew, or the application was entered twice: withdrawn with its award, if it has one."""
    reason = require_reason(reason, "the application is withdrawn")
    application = (
        GrantApplication.objects.select_for_update(of=("self",)).select_related("award").get(pk=application.pk)
    )
    if application.is_withdrawn:
        raise ValidationError("This application was already withdrawn.")
    _application_withdraw(application, reason=reason, by=by)
    return application


@transaction.atomic
def application_decision_correct(
    *,
    application: GrantApplication,
    decision: str,
    decided_on: date,
    amount_awarded: Decimal | None,
    notes: str,
    reason: str,
    by,
) -> GrantApplication:
    """Corrects a decision already recorded: a different amount (the award is corrected), approved after all (an
    award is made, within the pot), or declined after all (the award is withdrawn). The pot is checked with the
    round locked, as for a first decision."""
    from grants.services.rounds import make_round_award

    reason = require_reason(reason, "the decision is corrected")
    grant_round = GrantRound.objects.select_for_update().get(pk=application.grant_round_id)
    application = (
        GrantApplication.objects.select_for_update(of=("self",)).select_related("award").get(pk=application.pk)
    )
    if application.is_withdrawn or grant_round.is_withdrawn:
        raise ValidationError("This application has been withdrawn: its decision cannot be corrected.")
    if application.decision == GrantApplication.Decision.PENDING:
        raise ValidationError("No decision has been recorded yet: record the decision instead.")
    if decision not in (GrantApplication.Decision.APPROVED, GrantApplication.Decision.DECLINED):
        raise ValidationError({"decision": "Choose whether to approve or decline the application."})
    award = application.award if application.award and not application.award.is_withdrawn else None
    if decision == GrantApplication.Decision.APPROVED:
        if amount_awarded is None or amount_awarded <= 0:
            raise ValidationError({"amount_awarded": "Enter the amount awarded."})
        if amount_awarded > application.amount_requested:
            raise ValidationError(
                {
                    "amount_awarded": "The amount awarded cannot be more than the "
                    f"{format_money(application.amount_requested)} requested."
                }
            )
        already = award.amount if award else ZERO
        remaining = grant_round.remaining + already
        if amount_awarded > remaining:
            raise ValidationError(
                {
                    "amount_awarded": f"Awarding {format_money(amount_awarded)} would take the round "
                    f"{format_money(amount_awarded - remaining)} past its pot of {format_money(grant_round.pot)}: "
                    f"{format_money(remaining)} remains for this application."
                }
            )
        if award is None:
            award = make_round_award(grant_round, application, amount=amount_awarded, decided_on=decided_on, by=by)
        elif award.amount != amount_awarded or award.awarded_on != decided_on:
            award_correct(
                award=award,
                changes={"awarded_on": decided_on},
                years=[(award.financial_year, amount_awarded)],
                reason=reason,
                by=by,
            )
        application.amount_awarded = amount_awarded
        application.award = award
    else:
        if award is not None:
            if message := withdrawal_blocker(award):
                raise ValidationError(message)
            withdraw_record(award, reason=f"The decision was corrected to declined: {reason}", by=by)
        application.amount_awarded = None
    application.decision = decision
    application.decided_on = decided_on
    application.decision_notes = notes
    application.full_clean()
    save_with_reason(application, reason=f"Decision corrected: {reason}", by=by)
    return application


# --- history ------------------------------------------------------------------------------------------------------


@dataclass
class FieldChange:
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    when: datetime
    who: str
    what: str  # Created, Changed, Removed
    reason: str
    changes: list[FieldChange]


_KINDS = {"+": "Created", "~": "Changed", "-": "Removed"}
_HIDDEN = {"id", "history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001 - a field that no longer exists on the model
        return name.replace("_", " ").capitalize()


def _shown(model, name: str, value) -> str:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001
        return str(value)
    if isinstance(field, models.ForeignKey) and value is not None:
        target = field.related_model.objects.filter(pk=value).first()
        return str(target) if target is not None else f"#{value}"
    return _describe(field, value)


def record_history(record: models.Model) -> list[HistoryEntry]:
    """Who changed the record, when, why, and each field's value before and after; newest first."""
    model = type(record)
    entries = []
    previous = None
    for version in record.history.order_by("history_date", "history_id").select_related("history_user"):
        changes = []
        if previous is not None:
            delta = version.diff_against(previous)
            for change in delta.changes:
                if change.field in _HIDDEN:
                    continue
                changes.append(
                    FieldChange(
                        _label(model, change.field),
                        _shown(model, change.field, change.old),
                        _shown(model, change.field, change.new),
                    )
                )
        user = version.history_user
        entries.append(
            HistoryEntry(
                when=version.history_date,
                who=str(user) if user else "The system",
                what=_KINDS.get(version.history_type, version.history_type),
                reason=version.history_change_reason or "",
                changes=changes,
            )
        )
        previous = version
    return list(reversed(entries))
