"""The year end of an award, and the one writer of its records.

Conditions of grant: money not spent by the end of the year goes back to the OPCC, unless the OPCC and the
Treasurer agree it is carried forward into the partnership's award for next year. The OPCC officer proposes
(outturn and underspend from grants/figures/year_end.py, and how much to carry forward); the funder's
decision-maker and its finance officer approve in either order, each as a record, and never the same person
twice. On the second approval a carry-forward is added to next year's award for the same partnership and stream
through `awards_set` (creating it, proposed, when there is none), with the reason in its history. Before the
second approval the OPCC may withdraw the proposal (`year_end_withdraw`): it stays as a withdrawn record, with any
approval already given, and a new one can be proposed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.figures.year_end import award_outturn
from grants.models import GrantAward, YearEnd, YearEndApproval
from grants.money import ZERO, format_money
from grants.services.awards import awards_set
from grants.workflow import Verdict  # one answer to "may they?", with the reason
from partnerships.financial_years import FinancialYear
from partnerships.models import Role, kind_title

APPROVER_KINDS = (Role.Kind.PCC, Role.Kind.TREASURER)


def _kinds_held(user, award: GrantAward) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return set(
        Role.objects.filter(user=user, force_area_id=award.partnership.force_area_id).values_list("kind", flat=True)
    )


def next_year(financial_year: str) -> str:
    return str(FinancialYear.parse(financial_year).next())


def next_award(award: GrantAward) -> GrantAward | None:
    """Next year's award for the same partnership and stream, if there is one."""
    return (
        GrantAward.objects.live()
        .filter(
            funding_stream_id=award.funding_stream_id,
            partnership_id=award.partnership_id,
            financial_year=next_year(award.financial_year),
        )
        .first()
    )


# --- who may do what ----------------------------------------------------------------------------------------------


def may_propose(user, award: GrantAward) -> Verdict:
    if Role.Kind.OPCC not in _kinds_held(user, award):
        return Verdict(False, "Only the OPCC's officers propose what happens to an underspend.")
    if standing(award) is not None:
        return Verdict(False, f"The year end of this award for {award.financial_year} has already been proposed.")
    return Verdict(True)


def standing(award: GrantAward) -> YearEnd | None:
    """The award's year end that counts: the one proposal not withdrawn (there is at most one)."""
    return award.year_ends.exclude(status=YearEnd.Status.WITHDRAWN).first()


def may_withdraw(user, year_end: YearEnd) -> Verdict:
    """The OPCC's officers may withdraw a proposal until it is fully approved (an approved one has moved money)."""
    if Role.Kind.OPCC not in _kinds_held(user, year_end.award):
        return Verdict(False, "Only the OPCC's officers withdraw a year-end proposal.")
    if year_end.is_withdrawn:
        return Verdict(False, "This year-end proposal has already been withdrawn.")
    if year_end.is_approved:
        return Verdict(
            False, "This year end has been approved by both: it cannot be withdrawn. Correct next year's award instead."
        )
    return Verdict(True)


def approver_kind(user, year_end: YearEnd) -> str | None:
    """The role in which `user` would approve now: one they hold that has not yet approved."""
    done = set(year_end.approvals.values_list("role_kind", flat=True))
    held = _kinds_held(user, year_end.award)
    return next((kind for kind in APPROVER_KINDS if kind in held and kind not in done), None)


def may_approve(user, year_end: YearEnd) -> Verdict:
    area = year_end.award.partnership.force_area
    held = _kinds_held(user, year_end.award)
    if not held & set(APPROVER_KINDS):
        return Verdict(
            False,
            f"Only the {kind_title(Role.Kind.PCC, area)} and the {kind_title(Role.Kind.TREASURER, area)} approve a "
            "year end.",
        )
    if year_end.is_approved:
        return Verdict(False, "This year end has already been approved.")
    if year_end.is_withdrawn:
        return Verdict(False, "This year-end proposal has been withdrawn: there is nothing to approve.")
    if year_end.approvals.filter(user=user).exists():
        return Verdict(
            False, "You have already approved this year end: the other approval must come from someone else."
        )
    if approver_kind(user, year_end) is None:
        return Verdict(False, "This year end has already been approved in your role.")
    return Verdict(True)


# --- writing ------------------------------------------------------------------------------------------------------


@transaction.atomic
def year_end_propose(
    *, award: GrantAward, by, treatment: str, carried_forward: Decimal | None = None, comments: str = ""
) -> YearEnd:
    """Records the OPCC's proposal for the award's year end, with the outturn and underspend of today."""
    award = (
        GrantAward.objects.select_for_update(of=("self",)).select_related("partnership__force_area").get(pk=award.pk)
    )
    if award.partnership_id is None or award.is_withdrawn:
        raise ValidationError("Only a standing award to a partnership has a year end here.")
    if not (verdict := may_propose(by, award)):
        raise ValidationError(verdict.reason)
    figures = award_outturn(award)
    if treatment not in YearEnd.Treatment.values:
        raise ValidationError({"treatment": "Choose whether the underspend is returned or carried forward."})
    amount = ZERO
    if treatment == YearEnd.Treatment.CARRY_FORWARD:
        if carried_forward is None or carried_forward <= 0:
            raise ValidationError({"carried_forward": "Enter the amount to carry forward, more than £0."})
        if carried_forward > figures.underspend:
            raise ValidationError(
                {
                    "carried_forward": f"The underspend is {format_money(figures.underspend)}: no more than that can "
                    f"be carried forward ({format_money(carried_forward - figures.underspend)} too much)."
                }
            )
        following = next_award(award)
        if following is not None and following.years.exists():
            raise ValidationError(
                {
                    "carried_forward": f"Next year's award runs over several years: correct its amount for "
                    f"{following.financial_year} by hand and return the underspend here."
                }
            )
        amount = carried_forward
    year_end = YearEnd(
        award=award,
        financial_year=award.financial_year,
        award_amount=figures.award_amount,
        outturn=figures.outturn,
        underspend=figures.underspend,
        treatment=treatment,
        carried_forward=amount,
        comments=comments,
        proposed_by=by,
        proposed_by_name=by.display_name,
    )
    year_end.full_clean()
    year_end.save()
    return year_end


@transaction.atomic
def year_end_approve(*, year_end: YearEnd, by, comments: str = "") -> YearEndApproval:
    """One of the two approvals. The second makes the year end approved and carries the money forward."""
    year_end = (
        YearEnd.objects.select_for_update(of=("self",))
        .select_related("award__partnership__force_area")
        .get(pk=year_end.pk)
    )
    if not (verdict := may_approve(by, year_end)):
        raise ValidationError(verdict.reason)
    kind = approver_kind(by, year_end)
    approval = YearEndApproval.objects.create(
        year_end=year_end,
        role_kind=kind,
        role_title=kind_title(kind, year_end.award.partnership.force_area),
        user=by,
        user_name=by.display_name,
        comments=comments,
    )
    if year_end.approvals.count() == len(APPROVER_KINDS):
        year_end.status = YearEnd.Status.APPROVED
        year_end.approved_at = timezone.now()
        if year_end.carried_forward > 0:
            year_end.next_award = _carry_forward(year_end, by=by)
        year_end.save(update_fields=["status", "approved_at", "next_award"])
    return approval


@transaction.atomic
def year_end_withdraw(*, year_end: YearEnd, by, reason: str) -> YearEnd:
    """Withdraws a proposal not yet fully approved, with the reason. A record, never a delete: the proposal and any
    approval already given stay as history, and the award may have a new proposal."""
    year_end = (
        YearEnd.objects.select_for_update(of=("self",))
        .select_related("award__partnership__force_area")
        .get(pk=year_end.pk)
    )
    if not (verdict := may_withdraw(by, year_end)):
        raise ValidationError(verdict.reason)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the proposal is withdrawn."})
    year_end.status = YearEnd.Status.WITHDRAWN
    year_end.withdrawn_at = timezone.now()
    year_end.withdrawn_by = by
    year_end.withdrawn_by_name = by.display_name
    year_end.withdrawal_reason = reason
    year_end.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawn_by_name", "withdrawal_reason"])
    return year_end


def _carry_forward(year_end: YearEnd, *, by) -> GrantAward:
    """Adds the carried-forward money to next year's award (creating it, proposed, when there is none)."""
    award = year_end.award
    following = next_award(award)
    if following is not None and following.years.exists():
        raise ValidationError(
            f"Next year's award runs over several years: correct its amount for {following.financial_year} by hand."
        )
    current = following.amount if following is not None else ZERO
    reason = (
        f"Underspend of {year_end.financial_year} carried forward: {format_money(year_end.carried_forward)}, "
        "approved at the year end"
    )
    (saved,) = awards_set(
        funding_stream=award.funding_stream,
        financial_year=next_year(award.financial_year),
        amounts={award.partnership: current + year_end.carried_forward},
        awarded_on=None,
        by=by,
        reason=reason,
    )
    return saved


# --- reading ------------------------------------------------------------------------------------------------------


@dataclass
class YearEndRow:
    award: GrantAward
    figures: object
    year_end: YearEnd | None
    action: str  # "propose", "approve", "waiting", "done" or "" (nothing for this person to do)
    withdrawn: list[YearEnd] = field(default_factory=list)  # earlier proposals, withdrawn: their history
    may_withdraw: bool = False


def year_end_rows(*, force_area, financial_year: str, user) -> list[YearEndRow]:
    """The area's awards to partnerships for the year, each with its outturn, underspend and year-end step."""
    awards = (
        GrantAward.objects.live()
        .filter(partnership__force_area=force_area, financial_year=financial_year)
        .select_related("partnership__force_area", "funding_stream")
        .order_by("partnership__name", "funding_stream__name")
    )
    year_ends, withdrawn = {}, {}
    for y in YearEnd.objects.filter(award__in=awards).prefetch_related("approvals").order_by("proposed_at", "pk"):
        if y.is_withdrawn:
            withdrawn.setdefault(y.award_id, []).append(y)
        else:
            year_ends[y.award_id] = y
    rows = []
    for award in awards:
        year_end = year_ends.get(award.pk)
        if year_end is None:
            action = "propose" if may_propose(user, award) else ""
        elif year_end.is_approved:
            action = "done"
        else:
            action = "approve" if may_approve(user, year_end) else "waiting"
        rows.append(
            YearEndRow(
                award=award,
                figures=award_outturn(award),
                year_end=year_end,
                action=action,
                withdrawn=withdrawn.get(award.pk, []),
                may_withdraw=bool(year_end and may_withdraw(user, year_end)),
            )
        )
    return rows
