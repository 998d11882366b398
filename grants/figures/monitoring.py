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

from django.db.models import F, Q, Sum

from grants import rag
from grants.figures.money import award_ledger, award_years, awards_with_ledger
from grants.models import (
    GrantAward,
    MeasureResult,
    MoneyMove,
    OutcomeMeasure,
    PerformanceReturn,
    ReportingPeriod,
    ReportingRules,
    SpendForecast,
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
    return returns_spend([performance_return])[performance_return.pk]


def returns_spend(returns: list[PerformanceReturn]) -> dict[int, Spend]:
    """`return_spend` of each return, by the return's pk, in a fixed number of queries whatever the number of
    returns, awards or areas (a page of 26 lines, or an area's CSPs, would otherwise read each return's year to
    date, forecasts, threshold and moves one by one). Every spend figure of every page, pack and export is worked
    out here, so they cannot disagree.

    The returns should come with their period and project (`select_related("period", "project")`); a direct
    award's return reads its award's years."""
    returns = list(returns)
    if not returns:
        return {}
    # The year to date: the spend of each (award, line)'s returns, by period number; one query for all.
    last = {}
    for r in returns:
        key = r.period.award_id
        last[key] = max(last.get(key, 0), r.period.number)
    in_reach = Q()
    for award_id, number in last.items():
        in_reach |= Q(period__award_id=award_id, period__number__lte=number)
    spent: dict[tuple[int, object], list[tuple[int, Decimal]]] = {}
    for award_id, line_id, number, amount in (
        PerformanceReturn.objects.filter(in_reach, spend_in_period__isnull=False)
        .values_list("period__award_id", "line_id", "period__number", "spend_in_period")
        .order_by()
    ):
        spent.setdefault((award_id, line_id), []).append((number, amount))
    # The forecast for the periods after each return's own, summed in SQL.
    forecast = dict(
        SpendForecast.objects.filter(
            performance_return__in=[r.pk for r in returns],
            period__number__gt=F("performance_return__period__number"),
        )
        .values("performance_return_id")
        .annotate(total=Sum("amount"))
        .values_list("performance_return_id", "total")
        .order_by()
    )
    moves = _award_moves({r.period.award_id for r in returns if not r.is_direct})
    direct = (
        {
            award.pk: dict(award_years(award)).get(award.financial_year, ZERO)
            for award in GrantAward.objects.filter(pk__in={r.period.award_id for r in returns if r.is_direct})
            .prefetch_related("years")
            .order_by()
        }
        if any(r.is_direct for r in returns)
        else {}
    )
    found = {}
    for r in returns:
        number = r.period.number
        reported = [amount for n, amount in spent.get((r.period.award_id, r.line_id), []) if n <= number]
        # a direct award's return reports against the award's amount for its year, and has no lines to move money
        # between
        moved_in, moved_out = (ZERO, ZERO) if r.is_direct else moves.line_moves(r.period, r.line_id)
        found[r.pk] = Spend(
            allocation=direct.get(r.period.award_id, ZERO) if r.is_direct else r.project.amount_allocated,
            in_period=r.spend_in_period or ZERO,
            year_to_date=sum(reported, ZERO),
            forecast_remaining=forecast.get(r.pk) or ZERO,
            reported=bool(reported),
            moved_in=moved_in,
            moved_out=moved_out,
        )
    return found


# --- money moved between projects ---------------------------------------------------------------------------------


def minor_below(force_area_id: int) -> Decimal | None:
    """The force area's minor variation threshold, None when the OPCC has set none."""
    return VariationThreshold.objects.filter(force_area_id=force_area_id).values_list("minor_below", flat=True).first()


def line_moves(period: ReportingPeriod, line_id) -> tuple[Decimal, Decimal]:
    """(moved in, moved out) of a funded project's line by the moves its award's returns record up to `period`,
    those below the variation threshold only (one at or above it waits for a variation, and moves nothing)."""
    return _award_moves({period.award_id}).line_moves(period, line_id)


@dataclass
class AwardMoves:
    """The moves the returns of some awards record, each award with its area's minor variation threshold: read
    in two queries for any number of awards, then summed for each line by `line_moves` (THE rule for which moves
    count)."""

    thresholds: dict[int, Decimal]  # award pk -> its area's threshold (an award of an area with none: absent)
    moves: dict[int, list[tuple[int, Decimal, object, object]]]  # award pk -> (period number, amount, from, to)

    def line_moves(self, period: ReportingPeriod, line_id) -> tuple[Decimal, Decimal]:
        threshold = self.thresholds.get(period.award_id)
        if threshold is None:
            return ZERO, ZERO
        moved_in = moved_out = ZERO
        for number, amount, from_line, to_line in self.moves.get(period.award_id, []):
            if number <= period.number and amount < threshold:
                if to_line == line_id:
                    moved_in += amount
                if from_line == line_id:
                    moved_out += amount
        return moved_in, moved_out


def _award_moves(award_ids: set[int]) -> AwardMoves:
    if not award_ids:
        return AwardMoves({}, {})
    thresholds = dict(
        GrantAward.objects.filter(
            pk__in=award_ids, partnership__force_area__variation_threshold__isnull=False
        ).values_list("pk", "partnership__force_area__variation_threshold__minor_below")
    )
    moves: dict[int, list] = {}
    if thresholds:
        for award_id, *move in (
            MoneyMove.objects.filter(performance_return__period__award_id__in=thresholds)
            .values_list(
                "performance_return__period__award_id",
                "performance_return__period__number",
                "amount",
                "from_project__line_id",
                "to_project__line_id",
            )
            .order_by()
        ):
            moves.setdefault(award_id, []).append(tuple(move))
    return AwardMoves(thresholds, moves)


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
    return periods_spend([period])[0]


def periods_spend(periods: list[ReportingPeriod]) -> list[PeriodSpend]:
    """`period_spend` of each period, in the same order, in a fixed number of queries whatever the number of
    periods, awards or returns: the returns of all the periods at once, their spend by `returns_spend`, and the
    payments of all their awards in one query."""
    periods = list(periods)
    if not periods:
        return []
    by_pk = {period.pk: period for period in periods}
    returns = list(
        PerformanceReturn.objects.filter(period__in=by_pk).select_related("project").order_by("project__number")
    )
    for r in returns:
        r.period = by_pk[r.period_id]  # the caller's period, with its award as the caller read it
    spend = returns_spend(returns)
    paid = dict(
        awards_with_ledger(GrantAward.objects.filter(pk__in={p.award_id for p in periods}))
        .values_list("pk", "paid")
        .order_by()
    )
    rows: dict[int, list] = {}
    for r in returns:
        rows.setdefault(r.period_id, []).append((r, spend[r.pk]))
    return [PeriodSpend(period=p, rows=rows.get(p.pk, []), paid=paid[p.award_id]) for p in periods]


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
    returns = list(returns.order_by("period__number"))
    spend = returns_spend(returns)
    return AwardReports(rows=[(r, spend[r.pk]) for r in returns], paid=award_ledger(award).paid)


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
    return periods_spend(found)


def area_spend(*, force_area, financial_year: str, number: int) -> list[tuple[GrantAward, Spend]]:
    """Each award of the area's year with the spend of its plan up to period `number`."""
    periods = ReportingPeriod.objects.filter(
        award__partnership__force_area=force_area, award__financial_year=financial_year, number=number
    ).select_related("award__partnership")
    return [(found.period.award, found.total) for found in periods_spend(periods.order_by("award__partnership__name"))]


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
    return returns_measure_rows([performance_return])[performance_return.pk]


def returns_measure_rows(returns: list[PerformanceReturn]) -> dict[int, list[MeasureRow]]:
    """`measure_rows` of each return, by the return's pk, in four queries whatever the number of returns (the
    areas' rules, the results of the returns' lines up to their periods, the awards' periods and the projects'
    measures): a pack of 26 projects would otherwise read them 26 times.

    The returns should come with their period, project and award's partnership
    (`select_related("period__award__partnership", "project")`)."""
    found: dict[int, list[MeasureRow]] = {r.pk: [] for r in returns}
    returns = [r for r in returns if r.project_id is not None]  # a direct award's return: narrative and spend only
    if not returns:
        return found
    area_ids = {r.period.award.partnership.force_area_id for r in returns}
    rules = {rules.force_area_id: rules for rules in ReportingRules.objects.filter(force_area_id__in=area_ids)}
    last: dict[int, int] = {}
    for r in returns:
        last[r.period.award_id] = max(last.get(r.period.award_id, 0), r.period.number)
    in_reach = Q()
    for award_id, number in last.items():
        in_reach |= Q(performance_return__period__award_id=award_id, performance_return__period__number__lte=number)
    # A variation renews the measure rows; the same line's measure is known by its words.
    history: dict[tuple[int, object], dict[str, dict[int, MeasureResult]]] = {}
    own: dict[int, dict[int, MeasureResult]] = {}
    for result in (
        MeasureResult.objects.filter(in_reach, performance_return__line_id__in={r.line_id for r in returns})
        .select_related("measure")
        .annotate(
            award_id=F("performance_return__period__award_id"),
            line_id=F("performance_return__line_id"),
            number=F("performance_return__period__number"),
        )
    ):
        by_description = history.setdefault((result.award_id, result.line_id), {})
        by_description.setdefault(result.measure.description, {})[result.number] = result
        own.setdefault(result.performance_return_id, {})[result.measure_id] = result
    periods: dict[int, list[ReportingPeriod]] = {}
    for period in ReportingPeriod.objects.filter(award_id__in=last):
        periods.setdefault(period.award_id, []).append(period)
    measures: dict[int, list] = {}
    for measure in OutcomeMeasure.objects.filter(project_id__in={r.project_id for r in returns}):
        measures.setdefault(measure.project_id, []).append(measure)
    for r in returns:
        area_id = r.period.award.partnership.force_area_id
        tolerance = (rules.get(area_id) or ReportingRules(force_area_id=area_id)).amber_tolerance
        found[r.pk] = _measure_rows(
            r,
            measures.get(r.project_id, []),
            own.get(r.pk, {}),
            {
                description: {number: result for number, result in by_number.items() if number <= r.period.number}
                for description, by_number in history.get((r.period.award_id, r.line_id), {}).items()
            },
            [period for period in periods.get(r.period.award_id, []) if period.number <= r.period.number],
            tolerance,
        )
    return found


def _measure_rows(performance_return, measures, results, by_description, periods, tolerance) -> list[MeasureRow]:
    rows = []
    for measure in measures:
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
