"""The figures of monitoring after the sign-off: spend against allocation (per project, plan and force area: in the
period, year to date, forecast outturn, under- or overspend, against payments made) and each measure's figure
with its RAG rating and trend. The page, the performance pack and the digest all read them from here.

Spend is what the returns report (whatever their status: a submitted figure is the partnership's best word; the
status beside it says whether it is certified and accepted). Payments are the money ledger's (grants/figures/money.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from grants import rag
from grants.figures.money import award_ledger, award_years, awards_with_ledger
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


# --- the performance pack -----------------------------------------------------------------------------------------

UNDERSPEND_TOLERANCE = Decimal("10")  # per cent of the allocation: a forecast underspend beyond it is an exception


@dataclass
class PackProject:
    performance_return: PerformanceReturn
    rows: list[MeasureRow]
    spend: Spend


@dataclass
class PerformancePack:
    """A CSP's period in one place: narrative first, then the RAG summary, spend against allocation, and the
    exceptions (red measures, late returns, forecast underspend beyond UNDERSPEND_TOLERANCE per cent)."""

    period: ReportingPeriod
    projects: list[PackProject]
    spend: PeriodSpend
    rag_trend: list[tuple[str, RagCounts]] = field(default_factory=list)  # the charts (pack_charts)
    spend_chart: list[SpendBar] = field(default_factory=list)

    @property
    def award(self) -> GrantAward:
        return self.period.award

    @property
    def rag_counts(self) -> dict[str, int]:
        counts = {rating.value: 0 for rating in rag.Rag}
        for project in self.projects:
            for row in project.rows:
                counts[row.rating.value] += 1
        return counts

    @property
    def red_measures(self) -> list[tuple[PerformanceReturn, MeasureRow]]:
        return [(p.performance_return, row) for p in self.projects for row in p.rows if row.rating == rag.Rag.RED]

    @property
    def late(self) -> list[PerformanceReturn]:
        return [p.performance_return for p in self.projects if p.performance_return.is_late()]

    @property
    def underspending(self) -> list[tuple[PerformanceReturn, Spend]]:
        return [(p.performance_return, p.spend) for p in self.projects if is_underspending(p.spend)]


def performance_pack(period: ReportingPeriod) -> PerformancePack:
    returns = (
        PerformanceReturn.objects.filter(period=period)
        .select_related("period__award__partnership", "project")
        .order_by("project__number")
    )
    projects = [PackProject(r, measure_rows(r), return_spend(r)) for r in returns]
    pack = PerformancePack(period=period, projects=projects, spend=period_spend(period))
    pack.rag_trend, pack.spend_chart = pack_charts(pack)
    return pack


# --- charts: RAG across periods, spend bars ------------------------------------------------------------------------


@dataclass
class RagCounts:
    """How many measures are green, amber, red and not rated: one period's bar of the RAG chart."""

    green: int = 0
    amber: int = 0
    red: int = 0
    none: int = 0

    def add(self, rating: rag.Rag) -> None:
        setattr(self, rating.value, getattr(self, rating.value) + 1)

    def __add__(self, other: RagCounts) -> RagCounts:
        return RagCounts(*(getattr(self, r.value) + getattr(other, r.value) for r in rag.Rag))

    @property
    def total(self) -> int:
        return self.green + self.amber + self.red + self.none

    @property
    def segments(self) -> list[tuple[rag.Rag, int, Decimal, Decimal]]:
        """Each rating with its count, where its part of a stacked bar starts and how wide it is (per cent of all
        measures). The widths add up to exactly 100: the last part takes what rounding left."""
        counts = [(rating, getattr(self, rating.value)) for rating in rag.Rag]
        widths = [percent(Decimal(n), Decimal(self.total)) or Decimal("0.0") for _, n in counts]
        if self.total:
            last = max(i for i, (_, n) in enumerate(counts) if n)
            widths[last] += Decimal("100.0") - sum(widths)
        parts, start = [], Decimal("0.0")
        for (rating, count), width in zip(counts, widths, strict=True):
            parts.append((rating, count, start, width))
            start += width
        return parts


@dataclass
class SpendBar:
    """One row of a spend chart: allocation, spend to date and forecast outturn, each as a bar's width in per cent
    of the largest figure on the chart, so every bar of a chart is drawn to one scale."""

    label: str
    spend: Spend
    allocation_width: Decimal
    to_date_width: Decimal
    outturn_width: Decimal


def spend_bars(rows: list[tuple[str, Spend]]) -> list[SpendBar]:
    scale = max([max(s.allocation, s.year_to_date, s.forecast_outturn) for _, s in rows], default=ZERO)
    width = lambda amount: percent(amount, scale) or Decimal("0.0")  # noqa: E731
    return [
        SpendBar(label, s, width(s.allocation), width(s.year_to_date), width(s.forecast_outturn)) for label, s in rows
    ]


def _rated(returns: list[PerformanceReturn], tolerance: Decimal) -> dict[int, list[MeasureRow]]:
    """Each return's outcome measures with THE rating (grants/rag.py), in two queries whatever the number of
    returns: the same ratings `measure_rows` gives one return at a time (without the trend)."""
    from grants.models import OutcomeMeasure

    measures: dict[int, list] = {}
    for measure in OutcomeMeasure.objects.filter(project_id__in={r.project_id for r in returns}):
        measures.setdefault(measure.project_id, []).append(measure)
    results = {
        (result.performance_return_id, result.measure_id): result
        for result in MeasureResult.objects.filter(performance_return__in=[r.pk for r in returns])
    }
    rated = {}
    for r in returns:
        rows = []
        for measure in measures.get(r.project_id, []):
            result = results.get((r.pk, measure.pk))
            if result is not None:
                result.measure = measure
            rating = rag.rate_result(result, tolerance=tolerance) if result else rag.Rag.NONE
            rows.append(MeasureRow(measure, result, rating, rag.Trend.NONE, []))
        rated[r.pk] = rows
    return rated


def rag_by_period(returns: list[PerformanceReturn], tolerance: Decimal) -> list[tuple[str, RagCounts]]:
    """The RAG chart: for each period (by its short name, Q1, Q2 ...) the ratings of all its returns' measures."""
    rated = _rated(returns, tolerance)
    by_number: dict[int, tuple[str, RagCounts]] = {}
    for r in returns:
        _, counts = by_number.setdefault(r.period.number, (r.period.short_name, RagCounts()))
        for row in rated[r.pk]:
            counts.add(row.rating)
    return [by_number[number] for number in sorted(by_number)]


def _project_label(performance_return: PerformanceReturn) -> str:
    return f"{performance_return.project.number}. {performance_return.project.title}"


def pack_charts(pack: PerformancePack) -> tuple[list[tuple[str, RagCounts]], list[SpendBar]]:
    """A CSP pack's two charts: RAG counts for each period of the year up to the pack's, and each project's
    allocation, spend to date and forecast outturn."""
    period = pack.period
    returns = list(
        PerformanceReturn.objects.filter(period__award_id=period.award_id, period__number__lte=period.number)
        .select_related("period")
        .order_by("period__number", "project__number")
    )
    trend = rag_by_period(returns, ReportingRules.for_area(pack.award.partnership.force_area_id).amber_tolerance)
    bars = spend_bars([(_project_label(p.performance_return), p.spend) for p in pack.projects])
    return trend, bars


# --- the OPCC's pack across its CSPs (and spend by funding stream) -------------------------------------------------


@dataclass
class PartnershipSummary:
    """One CSP's line of the OPCC's pack: its returns' statuses, RAG counts and spend against allocation."""

    award: GrantAward
    period: ReportingPeriod
    statuses: list[tuple[str, int]]  # (status label, how many returns), in the order a return moves
    late: int
    rag: RagCounts
    spend: Spend
    paid: Decimal


@dataclass
class GroupSummary:
    """The measures and money of the funded projects in one group: a Police and Crime Plan priority or a theme."""

    label: str
    projects: int = 0
    rag: RagCounts = field(default_factory=RagCounts)
    spend: Spend = field(default_factory=Spend)


@dataclass
class StreamSpend:
    """Spend against allocation for the awards of one funding stream, with the payments made on them."""

    stream: object
    spend: Spend = field(default_factory=Spend)
    paid: Decimal = ZERO

    @property
    def paid_less_spent(self) -> Decimal:
        return self.paid - self.spend.year_to_date


@dataclass
class AreaPack:
    """The OPCC's performance pack for a force area, a year and a period number: each CSP's returns and RAG, the
    same by Police and Crime Plan priority and by theme (the funded project's thematic group), the exceptions
    across the area, spend against allocation per CSP and per funding stream."""

    force_area: object
    financial_year: str
    number: int
    period_name: str
    partnerships: list[PartnershipSummary]
    rag_trend: list[tuple[str, RagCounts]]
    by_priority: list[GroupSummary]
    by_theme: list[GroupSummary]
    red_measures: list[tuple[PerformanceReturn, MeasureRow]]
    late: list[PerformanceReturn]
    underspending: list[tuple[PerformanceReturn, Spend]]
    streams: list[StreamSpend]
    spend_chart: list[SpendBar] = field(default_factory=list)

    @property
    def total(self) -> Spend:
        return sum((p.spend for p in self.partnerships), Spend())

    @property
    def paid(self) -> Decimal:
        return sum((p.paid for p in self.partnerships), ZERO)

    @property
    def rag(self) -> RagCounts:
        return sum((p.rag for p in self.partnerships), RagCounts())


def is_underspending(spend: Spend) -> bool:
    """THE exception rule: a forecast underspend beyond UNDERSPEND_TOLERANCE per cent of the allocation."""
    return bool(
        spend.reported and spend.allocation and spend.underspend * 100 / spend.allocation > UNDERSPEND_TOLERANCE
    )


def area_pack_periods(force_area) -> list[tuple[str, int, str]]:
    """(year, number, name) of every reporting period with returns of the area's CSP awards, newest first: the
    OPCC's packs."""
    rows = (
        ReportingPeriod.objects.filter(
            award__partnership__force_area=force_area, award__withdrawn_at__isnull=True, returns__isnull=False
        )
        .order_by("-award__financial_year", "-number", "name")
        .values_list("award__financial_year", "number", "name")
        .distinct()
    )
    found: dict[tuple[str, int], str] = {}
    for year, number, name in rows:
        found.setdefault((year, number), name)
    return [(year, number, name) for (year, number), name in found.items()]


def area_pack(*, force_area, financial_year: str, number: int) -> AreaPack:
    """The OPCC's pack, in a fixed number of queries whatever the number of CSPs, projects or measures: every
    return of the year up to the period is read once, and each figure is the same rule as the CSP's pack
    (`return_spend`, THE rating, `PerformanceReturn.is_late`, `is_underspending`)."""
    from grants.models import FundedProject, SpendForecast

    awards = {
        a.pk: a
        for a in awards_with_ledger(
            GrantAward.objects.live().filter(partnership__force_area=force_area, financial_year=financial_year)
        ).select_related("partnership", "funding_stream")
    }
    returns = list(
        PerformanceReturn.objects.filter(period__award_id__in=awards, period__number__lte=number)
        .select_related("period", "project__thematic_group")
        .order_by("period__number", "project__number")
    )
    for r in returns:
        r.period.award = awards[r.period.award_id]
    current = [r for r in returns if r.period.number == number]
    spent: dict[tuple[int, object], list[Decimal]] = {}
    for r in returns:
        if r.spend_in_period is not None:
            spent.setdefault((r.period.award_id, r.line_id), []).append(r.spend_in_period)
    forecast: dict[int, Decimal] = {}
    for row in SpendForecast.objects.filter(performance_return__in=[r.pk for r in current], period__number__gt=number):
        forecast[row.performance_return_id] = forecast.get(row.performance_return_id, ZERO) + row.amount
    spend = {}
    for r in current:
        reported = spent.get((r.period.award_id, r.line_id), [])
        spend[r.pk] = Spend(
            allocation=r.project.amount_allocated,
            in_period=r.spend_in_period or ZERO,
            year_to_date=sum(reported, ZERO),
            forecast_remaining=forecast.get(r.pk, ZERO),
            reported=bool(reported),
        )
    tolerance = ReportingRules.for_area(force_area.pk).amber_tolerance
    rated = _rated(returns, tolerance)

    def counts(r) -> RagCounts:
        found = RagCounts()
        for row in rated[r.pk]:
            found.add(row.rating)
        return found

    by_award: dict[int, list[PerformanceReturn]] = {}
    for r in current:
        by_award.setdefault(r.period.award_id, []).append(r)
    statuses = PerformanceReturn.Status
    partnerships = []
    for award_id, found in by_award.items():
        award = awards[award_id]
        partnerships.append(
            PartnershipSummary(
                award=award,
                period=found[0].period,
                statuses=[
                    (label, n) for value, label in statuses.choices if (n := sum(r.status == value for r in found))
                ],
                late=sum(r.is_late() for r in found),
                rag=sum((counts(r) for r in found), RagCounts()),
                spend=sum((spend[r.pk] for r in found), Spend()),
                paid=award.paid,
            )
        )
    partnerships.sort(key=lambda p: p.award.partnership.name)

    def grouped(keys) -> list[GroupSummary]:
        groups: dict[object, GroupSummary] = {}
        for r in current:
            for key, label in keys(r):
                group = groups.setdefault(key, GroupSummary(label))
                group.projects += 1
                group.rag += counts(r)
                group.spend += spend[r.pk]
        return [groups[key] for key in sorted(groups, key=lambda k: (k is None, k))]

    served: dict[int, list] = {}
    through = FundedProject.pcc_priorities.through.objects.filter(fundedproject_id__in={r.project_id for r in current})
    for row in through.select_related("priority"):
        served.setdefault(row.fundedproject_id, []).append(row.priority)

    def priorities(r):
        found = served.get(r.project_id)
        if not found:
            return [(None, "No Police and Crime Plan priority given")]
        return [((p.plan_id, p.number), f"{p.number}. {p.title}") for p in found]

    def theme(r):
        group = r.project.thematic_group
        return [(group.name, group.name) if group else (None, "No thematic group given")]

    red = [(r, row) for r in current for row in rated[r.pk] if row.rating == rag.Rag.RED]
    by_stream: dict[int, StreamSpend] = {}
    for p in partnerships:
        stream = by_stream.setdefault(p.award.funding_stream_id, StreamSpend(p.award.funding_stream))
        stream.spend += p.spend
        stream.paid += p.paid
    return AreaPack(
        force_area=force_area,
        financial_year=financial_year,
        number=number,
        period_name=current[0].period.name if current else "",
        partnerships=partnerships,
        rag_trend=[
            (name, sum((counts(r) for r in returns if r.period.short_name == name), RagCounts()))
            for name in dict.fromkeys(r.period.short_name for r in returns)
        ],
        by_priority=grouped(priorities),
        by_theme=grouped(theme),
        red_measures=red,
        late=[r for r in current if r.is_late()],
        underspending=[(r, spend[r.pk]) for r in current if is_underspending(spend[r.pk])],
        streams=sorted(by_stream.values(), key=lambda s: s.stream.name),
        spend_chart=spend_bars([(str(p.award.partnership), p.spend) for p in partnerships]),
    )


def latest_area_pack(*, force_area, financial_year: str) -> AreaPack | None:
    """The OPCC's pack for the year's latest period with spend reported, or None before any: the money page shows
    its spend by funding stream, so the money page and the pack never disagree."""
    from django.db.models import Max

    number = ReportingPeriod.objects.filter(
        award__partnership__force_area=force_area,
        award__financial_year=financial_year,
        award__withdrawn_at__isnull=True,
        returns__spend_in_period__isnull=False,
    ).aggregate(latest=Max("number"))["latest"]
    return area_pack(force_area=force_area, financial_year=financial_year, number=number) if number else None
