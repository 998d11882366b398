"""Grant rounds: applications entered by OPCC staff, and decisions that turn an approved application into a
made award, never taking the round past its pot."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import GrantApplication, GrantAward, GrantRound
from grants.money import format_money
from partnerships.models import Organisation


@transaction.atomic
def round_create(*, grant_round: GrantRound, priorities=(), by=None) -> GrantRound:
    """Opens a grant round (filled from the form), with the Police and Crime Plan priorities it serves."""
    from grants.services.corrections import priorities_set, save_with_reason

    grant_round.full_clean()
    save_with_reason(grant_round, reason="Opened", by=by)
    if priorities:
        priorities_set(
            record=grant_round,
            priorities=priorities,
            force_area=grant_round.force_area,
            financial_year=grant_round.financial_year,
        )
    return grant_round


@transaction.atomic
def application_add(
    *,
    grant_round: GrantRound,
    organisation: Organisation,
    project_title: str,
    purpose: str,
    amount_requested: Decimal,
    received_on: date,
) -> GrantApplication:
    if grant_round.is_withdrawn:
        raise ValidationError("This grant round has been withdrawn: it takes no more applications.")
    application = GrantApplication(
        grant_round=grant_round,
        organisation=organisation,
        project_title=project_title,
        purpose=purpose,
        amount_requested=amount_requested,
        received_on=received_on,
    )
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def application_decide(
    *,
    application: GrantApplication,
    decision: str,
    decided_on: date,
    amount_awarded: Decimal | None = None,
    notes: str = "",
    by=None,
) -> GrantApplication:
    """Approve (making an award from the round's funding stream to the applicant) or decline an application.

    The round is locked while its total is checked, so two officers deciding at once cannot overspend the pot.
    """
    grant_round = GrantRound.objects.select_for_update(of=("self",)).get(pk=application.grant_round_id)
    application = GrantApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
    if application.is_withdrawn or grant_round.is_withdrawn:
        raise ValidationError("This application has been withdrawn: no decision can be recorded.")
    if application.decision != GrantApplication.Decision.PENDING:
        raise ValidationError(
            f"This application was already {application.get_decision_display().lower()} on "
            f"{application.decided_on:%d %B %Y}."
        )
    if decision == GrantApplication.Decision.DECLINED:
        application.decision = decision
        application.decided_on = decided_on
        application.decision_notes = notes
        application.full_clean()
        application.save()
        return application
    if decision != GrantApplication.Decision.APPROVED:
        raise ValidationError({"decision": "Choose whether to approve or decline the application."})
    if amount_awarded is None or amount_awarded <= 0:
        raise ValidationError({"amount_awarded": "Enter the amount awarded."})
    if amount_awarded > application.amount_requested:
        raise ValidationError(
            {
                "amount_awarded": "The amount awarded cannot be more than the "
                f"{format_money(application.amount_requested)} requested."
            }
        )
    remaining = grant_round.remaining
    if amount_awarded > remaining:
        raise ValidationError(
            {
                "amount_awarded": f"Awarding {format_money(amount_awarded)} would take the round "
                f"{format_money(amount_awarded - remaining)} past its pot of {format_money(grant_round.pot)}: "
                f"{format_money(remaining)} remains."
            }
        )
    award = make_round_award(grant_round, application, amount=amount_awarded, decided_on=decided_on, by=by)
    application.decision = decision
    application.amount_awarded = amount_awarded
    application.decided_on = decided_on
    application.decision_notes = notes
    application.award = award
    application.full_clean()
    application.save()
    return application


def make_round_award(
    grant_round: GrantRound, application: GrantApplication, *, amount: Decimal, decided_on: date, by
) -> GrantAward:
    """The award an approved application becomes: to the applicant, from the round's stream, made on the date of
    the decision, with the round's conditions (its Police and Crime Plan priorities are the round's, read through
    `grants.figures.money.served_priorities`, unless the award is given its own)."""
    award = GrantAward(
        funding_stream=grant_round.funding_stream,
        organisation=application.organisation,
        financial_year=grant_round.financial_year,
        amount=amount,
        reference=f"R{grant_round.pk}-A{application.pk}",
        purpose=f"{application.project_title}. {application.purpose}".strip(),
        conditions=grant_round.conditions,
        status=GrantAward.Status.MADE,
        awarded_on=decided_on,
    )
    award.full_clean()
    award._change_reason = f"Application to {grant_round} approved"
    if by is not None:
        award._history_user = by
    award.save()
    return award
