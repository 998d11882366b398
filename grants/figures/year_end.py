"""Year-end figures: an award's outturn and underspend for its year, and the money carried forward into an award
from the year before. The year-end page, the award page and the plan page all read them from here.

The outturn is what the plan's returns report spent in the year (grants/figures/monitoring.py), with the forecast
for any period not yet reported; the underspend is the award's amount for the year less the outturn (money left
unallocated in the plan is underspend too).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from grants.figures.money import award_years
from grants.figures.monitoring import Spend, period_spend
from grants.models import GrantAward, ReportingPeriod, YearEnd
from grants.money import ZERO


@dataclass(frozen=True)
class Outturn:
    """An award's year: `spend` is the plan's spend to the latest period reported; `final` when that period is the
    year's last, so the outturn is no longer partly a forecast."""

    award_amount: Decimal
    spend: Spend
    final: bool

    @property
    def partly_forecast(self) -> bool:
        return not self.final

    @property
    def outturn(self) -> Decimal:
        return self.spend.forecast_outturn

    @property
    def underspend(self) -> Decimal:
        return max(self.award_amount - self.outturn, ZERO)

    @property
    def overspend(self) -> Decimal:
        return max(self.outturn - self.award_amount, ZERO)


def award_amount_for_year(award: GrantAward, financial_year: str | None = None) -> Decimal:
    """The award's amount in one of its years (its first by default)."""
    return dict(award_years(award)).get(financial_year or award.financial_year, ZERO)


def award_outturn(award: GrantAward) -> Outturn:
    periods = list(ReportingPeriod.objects.filter(award=award).order_by("number"))
    reported = (
        ReportingPeriod.objects.filter(award=award, returns__spend_in_period__isnull=False).order_by("-number").first()
    )
    spend = period_spend(reported).total if reported else Spend()
    final = bool(reported and periods and reported.number == periods[-1].number)
    return Outturn(award_amount=award_amount_for_year(award), spend=spend, final=final)


@dataclass(frozen=True)
class CarriedForward:
    from_year: str
    amount: Decimal


def carried_forward_into(award: GrantAward) -> list[CarriedForward]:
    """Approved underspends carried forward into this award, by the year they come from: "of which carried
    forward from 2020/21: £X"."""
    if award is None or not award.pk:
        return []
    return [
        CarriedForward(from_year=year, amount=amount)
        for year, amount in YearEnd.objects.filter(
            next_award=award, status=YearEnd.Status.APPROVED, carried_forward__gt=0
        )
        .order_by("financial_year")
        .values_list("financial_year", "carried_forward")
    ]
