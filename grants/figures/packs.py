"""The figures of the performance packs: a CSP's pack for one period (its projects' spend and measures, the
exceptions) with the charts' figures (RAG counts across periods, spend bars), and the OPCC's pack across its CSPs
(by partnership, Police and Crime Plan priority and theme, spend per CSP and per funding stream). Built from the
monitoring figures of grants/figures/monitoring.py (spend, measure ratings), never from figures of their own; the
pages, PDFs and Word files all read these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from grants import rag
from grants.figures.money import awards_with_ledger
from grants.figures.monitoring import (
    MeasureRow,
    PeriodSpend,
    Spend,
    percent,
    period_spend,
    returns_measure_rows,
    returns_spend,
)
from grants.models import (
    GrantAward,
    MeasureResult,
    PerformanceReturn,
    ReportingPeriod,
    ReportingRules,
)
from grants.money import ZERO

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
    # The period's returns and each kind of figure read once for all of them (grants/figures/monitoring.py), not
    # once a return: the projects are the plan's spend rows, so the two cannot list different returns.
    spend = period_spend(period)
    rows = returns_measure_rows([r for r, _ in spend.rows])
    projects = [PackProject(r, rows[r.pk], s) for r, s in spend.rows]
    pack = PerformancePack(period=period, projects=projects, spend=spend)
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
    (`returns_spend`, THE rating, `PerformanceReturn.is_late`, `is_underspending`)."""
    from grants.models import FundedProject

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
    spend = returns_spend(current)  # THE spend rule, money moved between projects included
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
