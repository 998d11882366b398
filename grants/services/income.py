"""Funding received by the OPCC: recorded, corrected and withdrawn here, and only here.

The amounts per financial year must add up to the whole sum and lie within the period, or nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from grants.models import FundingReceived, FundingReceivedYear, FundingStream
from grants.money import ZERO, format_money
from partnerships.financial_years import FinancialYear
from partnerships.models import ForceArea, Organisation

from .corrections import require_reason, save_with_reason, withdraw_record


@dataclass
class IncomeInput:
    funding_stream: FundingStream
    funder_name: str
    amount: Decimal
    starts_on: date
    ends_on: date
    years: list[tuple[str, Decimal]]
    reference: str = ""
    agreed_on: date | None = None
    conditions: str = ""
    reporting_duties: str = ""
    notes: str = ""


def _years_errors(data: IncomeInput) -> dict[str, str]:
    """The amounts per year against the period and the whole sum; {} when they agree."""
    if not data.years:
        return {"years": "Give the amount received in each financial year of the period."}
    first, last = FinancialYear.containing(data.starts_on), FinancialYear.containing(data.ends_on)
    seen = set()
    for label, _amount in data.years:
        year = FinancialYear.parse(label)
        if label in seen:
            return {"years": f"{label} is given twice: give one amount for each financial year."}
        seen.add(label)
        if not first <= year <= last:
            return {
                "years": f"{label} is outside the period ({data.starts_on:%-d %B %Y} to {data.ends_on:%-d %B %Y}, "
                f"financial years {first} to {last})."
            }
    total = sum((amount for _, amount in data.years), ZERO)
    if total != data.amount:
        difference = data.amount - total
        side = "short of" if difference > 0 else "more than"
        return {
            "years": f"The amounts per year add up to {format_money(total)}, {format_money(abs(difference))} {side} "
            f"the {format_money(data.amount)} received. They must agree exactly."
        }
    return {}


def _funder(name: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(name=name.strip(), defaults={"kind": Organisation.Kind.OTHER})
    return organisation


def _apply(income: FundingReceived, data: IncomeInput) -> None:
    if not data.funder_name.strip():
        raise ValidationError({"funder_name": "Enter who pays the money to the OPCC."})
    if data.ends_on < data.starts_on:
        raise ValidationError({"ends_on": "The end date must be on or after the start date."})
    if errors := _years_errors(data):
        raise ValidationError(errors)
    income.funding_stream = data.funding_stream
    income.funder = _funder(data.funder_name)
    income.amount = data.amount
    income.starts_on, income.ends_on, income.agreed_on = data.starts_on, data.ends_on, data.agreed_on
    income.reference = data.reference
    income.conditions, income.reporting_duties, income.notes = data.conditions, data.reporting_duties, data.notes
    income.full_clean()


def _years_write(income: FundingReceived, years: list[tuple[str, Decimal]]) -> None:
    income.years.all().delete()
    bulk_create_with_history(
        [FundingReceivedYear(income=income, financial_year=label, amount=amount) for label, amount in sorted(years)],
        FundingReceivedYear,
        default_user=getattr(income, "_history_user", None),
    )


@transaction.atomic
def income_record(*, force_area: ForceArea, data: IncomeInput, by) -> FundingReceived:
    if data.funding_stream.force_area_id != force_area.pk:
        raise ValidationError({"funding_stream": "Choose one of this OPCC's funding streams."})
    income = FundingReceived(force_area=force_area)
    _apply(income, data)
    save_with_reason(income, reason="Recorded", by=by)
    _years_write(income, data.years)
    return income


@transaction.atomic
def income_correct(*, income: FundingReceived, data: IncomeInput, reason: str, by) -> FundingReceived:
    reason = require_reason(reason, "the funding received is corrected")
    income = FundingReceived.objects.select_for_update().get(pk=income.pk)
    if income.is_withdrawn:
        raise ValidationError("This funding has been withdrawn: it cannot be corrected.")
    before = ", ".join(f"{y.financial_year} {format_money(y.amount)}" for y in income.years.all())
    _apply(income, data)
    after = ", ".join(f"{label} {format_money(amount)}" for label, amount in sorted(data.years))
    note = reason if before == after else f"{reason} (per year was {before}; now {after})"
    save_with_reason(income, reason=note, by=by)
    _years_write(income, data.years)
    return income


@transaction.atomic
def income_withdraw(*, income: FundingReceived, reason: str, by) -> FundingReceived:
    reason = require_reason(reason, "the funding received is withdrawn")
    income = FundingReceived.objects.select_for_update().get(pk=income.pk)
    if income.is_withdrawn:
        raise ValidationError("This funding was already withdrawn.")
    withdraw_record(income, reason=reason, by=by)
    return income
