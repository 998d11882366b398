"""The figures of monitoring after the sign-off: spend against allocation (per project, plan and force area: in the
period, year to date, forecast outturn, under- or overspend, against payments made) and each measure's figure
with its RAG rating and trend. The pages, the digest and the performance packs (grants/figures/packs.py, built on
these) all read them from here.

Spend is what the returns report (whatever their status: a submitted figure is the partnership's best word; the
status beside it says whether it is certified and accepted). Payments are the money ledger's (grants/figures/money.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from grants import rag
from grants.figures.money import award_ledger, award_years
from grants.models import (
    GrantAward,
    MeasureResult,
    MoneyMove,
    PerformanceReturn,
    ReportingPeriod,
    ReportingRules,
    VariationThreshold,
)
from grants.money import ZERO


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`, to one decimal place; None when there is no whole."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))


def format_percent(value: Decimal | None) -> str:
    """`25%`, `37.5%`; a dash for none."""
    if value is None:
        return "—"
    return f"{value.normalize():f}%" if value == value.to_integral() else f"{value:f}%"


@dataclass
class Spend:
    """Spend against an allocation up to one period. `variance` is positive for an underspend."""

    allocation: Decimal = ZERO
    in_period: Decimal = ZERO
    year_to_date: Decimal = ZERO
    forecast_remaining: Decimal = ZERO
    reported: bool = False  # any spend reported yet
    moved_in: Decimal = ZERO  # money the returns record as moved into the project (below the variation threshold)
    moved_out: Decimal = ZERO

    @property
    def forecast_outturn(self) -> Decimal:
        return self.year_to_date + self.forecast_remaining

    @property
    def allocation_after_moves(self) -> Decimal:
        return self.allocation + self.moved_in - self.moved_out

    @property
    def variance(self) -> Decimal:
        return self.allocation_after_moves - self.forecast_outturn

    @property
    def underspend(self) -> Decimal:
        return max(self.variance, ZERO)

    @property
    def overspend(self) -> Decimal:
        return max(-self.variance, ZERO)

    @property
    def percent_in_period(self) -> Decimal | None:
        return percent(self.in_period, self.allocation)

    @property
    def percent_to_date(self) -> Decimal | None:
        return percent(self.year_to_date, self.allocation)

    @property
    def percent_in_period_display(self) -> str:
        return format_percent(self.percent_in_period)

    @property
    def percent_to_date_display(self) -> str:
        return format_percent(self.percent_to_date)

    def __add__(self, other: Spend) -> Spend:
        return Spend(
            self.allocation + other.allocation,
            self.in_period + other.in_period,
            self.year_to_date + other.year_to_date,
            self.forecast_remaining + other.forecast_remaining,
            self.reported or other.reported,
            self.moved_in + other.moved_in,
            self.moved_out + other.moved_out,
        )


def return_spend(performance_return: PerformanceReturn) -> Spend:
    """One project's spend up to its return's period: the period's spend, the year to date (this and earlier
    periods' returns of the same line), and the forecast this return gives for the later periods."""
    period = performance_return.period
    earlier = PerformanceReturn.objects.filter(
        period__award_id=period.award_id, line_id=performance_return.line_id, period__number__lte=period.number
    ).values_list("spend_in_period", flat=True)
    reported = [amount for amount in earlier if amount is not None]
    forecasts = performance_return.forecasts.filter(period__number__gt=period.number).values_list("amount", flat=True)
    # a direct award's return reports against the award's amount for its year, and has no lines to move money between
    moved_in, moved_out = (
        line_moves(period, performance_return.line_id) if performance_return.project_id else (ZERO, ZERO)
    )
    award = period.award
    return Spend(
        allocation=performance_return.project.amount_allocated
        if performance_return.project_id
        else dict(award_years(award)).get(award.financial_year, ZERO),
        in_period=performance_return.spend_in_period or ZERO,
        year_to_date=sum(reported, ZERO),
        forecast_remaining=sum(forecasts, ZERO),
        reported=bool(reported),
        moved_in=moved_in,
        moved_out=moved_out,
    )


# --- money moved between projects ---------------------------------------------------------------------------------


def minor_below(force_area_id: int) -> Decimal | None:
    """The force area's minor variation threshold, None when the OPCC has set none."""
    return VariationThreshold.objects.filter(force_area_id=force_area_id).values_list("minor_below", flat=True).first()


def line_moves(period: ReportingPeriod, line_id) -> tuple[Decimal, Decimal]:
    """(moved in, moved out) of a funded project's line by the moves its award's returns record up to `period`,
    those below the variation threshold only (one at or above it waits for a variation, and moves nothing)."""
    threshold = minor_below(period.award.partnership.force_area_id)
    if threshold is None:
        return ZERO, ZERO
    moves = MoneyMove.objects.filter(
        performance_return__period__award_id=period.award_id,
        performance_return__period__number__lte=period.number,
        amount__lt=threshold,
    )
    totals = moves.aggregate(
        moved_in=Sum("amount", filter=Q(to_project__line_id=line_id), default=ZERO),
        moved_out=Sum("amount", filter=Q(from_project__line_id=line_id), default=ZERO),
    )
    return totals["moved_in"], totals["moved_out"]


@dataclass
class ReturnMoves:
    """The moves a return records, each with whether it needs a variation (`MoneyMove.needs_variation`), and the
    small ones summed: what the return page and the moves page show."""

    moves: list[MoneyMove]
    threshold: Decimal | None

    @property
    def small(self) -> list[MoneyMove]:
        return [move for move in self.moves if not move.needs_variation(self.threshold)]

    @property
    def needing_variation(self) -> list[MoneyMove]:
        return [move for move in self.moves if move.needs_variation(self.threshold)]

    @property
    def small_total(self) -> Decimal:
        return sum((move.amount for move in self.small), ZERO)


def return_moves(performance_return: PerformanceReturn) -> ReturnMoves:
    if performance_return.is_direct:  # an award made to an organisation has no funded projects to move money between
        return ReturnMoves([], None)
    moves = list(performance_return.moves.select_related("from_project", "to_project"))
    threshold = minor_below(performance_return.period.award.partnership.force_area_id)
    for move in moves:
        move.variation_needed = move.needs_variation(threshold)  # for the templates
    return ReturnMoves(moves, threshold)


@dataclass
class PeriodSpend:
    """A plan's spend up to one period: each project's, the total, and the payments made on the award."""

    period: ReportingPeriod
    rows: list[tuple[PerformanceReturn, Spend]] = field(default_factory=list)
    paid: Decimal = ZERO

    @property
    def total(self) -> Spend:
        return sum((spend for _, spend in self.rows), Spend())

    @property
    def paid_less_spent(self) -> Decimal:
        """Paid but not yet reported as spent (negative: spent ahead of payment)."""
        return self.paid - self.total.year_to_date


def period_spend(period: ReportingPeriod) -> PeriodSpend:
    returns = (
        PerformanceReturn.objects.filter(period=period).select_related("project", "period").order_by("project__number")
    )
    return PeriodSpend(
        period=period, rows=[(r, return_spend(r)) for r in returns], paid=award_ledger(period.award).paid
    )


@dataclass
class AwardReports:
    """An award made directly to an organisation: each period's return with its spend against the award's amount,
    and the payments made on the award (grants/figures/money.py)."""

    rows: list[tuple[PerformanceReturn, Spend]] = field(default_factory=list)
    paid: Decimal = ZERO

    @property
    def latest(self) -> Spend | None:
        """Spend to the latest period reported, with that return's forecast for the rest of the year."""
        reported = [spend for r, spend in self.rows if r.spend_in_period is not None]
        return reported[-1] if reported else None

    @property
    def paid_less_spent(self) -> Decimal:
        return self.paid - (self.latest.year_to_date if self.latest else ZERO)


def award_reports(award: GrantAward) -> AwardReports:
    returns = PerformanceReturn.objects.filter(period__award=award, project__isnull=True).select_related(
        "period__award"
    )
    return AwardReports(
        rows=[(r, return_spend(r)) for r in returns.order_by("period__number")], paid=award_ledger(award).paid
    )


def area_latest_spend(force_area) -> list[PeriodSpend]:
    """For each award of the area that reports, its plan's spend to the latest period with spend reported: the
    OPCC's view across its CSPs."""
    periods = (
        ReportingPeriod.objects.filter(
            award__partnership__force_area=force_area, returns__spend_in_period__isnull=False
        )
        .select_related("award__partnership")
        .order_by("award_id", "-number")
        .distinct("award_id")
    )
    found = sorted(periods, key=lambda p: (p.award.financial_year, p.award.partnership.name), reverse=False)
    return [period_spend(period) for period in found]


def area_spend(*, force_area, financial_year: str, number: int) -> list[tuple[GrantAward, Spend]]:
    """Each award of the area's year with the spend of its plan up to period `number`."""
    periods = ReportingPeriod.objects.filter(
        award__partnership__force_area=force_area, award__financial_year=financial_year, number=number
    ).select_related("award__partnership")
    rows = []
    for period in periods.order_by("award__partnership__name"):
        rows.append((period.award, period_spend(period).total))
    return rows


# --- measures: figure, rating, trend ------------------------------------------------------------------------------


@dataclass
class MeasureRow:
    measure: object
    result: MeasureResult | None
    rating: rag.Rag
    trend: rag.Trend
    history: list[tuple[ReportingPeriod, Decimal | None, rag.Rag]]

    @property
    def figure_display(self) -> str:
        if self.result is None:
            return "Not given"
        if self.result.value is None:
            return self.result.narrative or "Not given"
        value = self.result.value.normalize()
        text = f"{value:,f}"
        unit = self.measure.target_unit
        if unit == "percent":
            return f"{text}%"
        if unit == "pounds":
            from grants.money import format_money

            return format_money(self.result.value)
        return text


def tolerance_for(performance_return: PerformanceReturn) -> Decimal:
    return ReportingRules.for_area(performance_return.period.award.partnership.force_area_id).amber_tolerance


def measure_rows(performance_return: PerformanceReturn) -> list[MeasureRow]:
    """Each outcome measure of the return's project: the figure, THE rating (grants/rag.py) with the area's amber
    tolerance, the trend since the previous period, and the history across the year's periods."""
    if performance_return.project_id is None:
        return []  # a direct award's return: narrative and spend, no measures
    tolerance = tolerance_for(performance_return)
    results = {r.measure_id: r for r in performance_return.results.select_related("measure")}
    history_results = MeasureResult.objects.filter(
        performance_return__period__award_id=performance_return.period.award_id,
        performance_return__line_id=performance_return.line_id,
        performance_return__period__number__lte=performance_return.period.number,
    ).select_related("measure", "performance_return__period")
    by_description: dict[str, dict[int, MeasureResult]] = {}
    for result in history_results:
        # A variation renews the measure rows; the same line's measure is known by its words.
        by_description.setdefault(result.measure.description, {})[result.performance_return.period.number] = result
    periods = list(
        performance_return.period.award.reporting_periods.filter(number__lte=performance_return.period.number)
    )
    rows = []
    for measure in performance_return.project.outcome_measures.all():
        result = results.get(measure.pk)
        target = rag.Target.of(measure)
        rating = rag.rate_result(result, tolerance=tolerance) if result else rag.Rag.NONE
        past = by_description.get(measure.description, {})
        history = []
        for period in periods:
            old = past.get(period.number)
            history.append(
                (period, old.value if old else None, rag.rate_result(old, tolerance=tolerance) if old else rag.Rag.NONE)
            )
        previous = past.get(performance_return.period.number - 1)
        trend = rag.trend(previous.value if previous else None, result.value if result else None, target)
        rows.append(MeasureRow(measure, result, rating, trend, history))
    return rows
