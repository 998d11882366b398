"""The Police and Crime Panel report: commissioning in a force area for a year, per funding stream and per Police
and Crime Plan priority, with awards, amounts and the outcome measures set. One function feeds the printable
page, the Word document and the PDF (grants/documents/panel_report.py), so they can never disagree.

Its spending-plan figures are the committed ones: the plans in force (grants/figures). A plan or variation not
yet approved is listed apart, with its proposed figures and the difference, never counted in the totals.

Money received and grants made are separate figures (`grants.figures.money.AreaMoney`): the headline "Grants
made" counts the OPCC's own grants only, never income from funders nor money a funder awards directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from grants.figures.money import (
    AreaMoney,
    DirectSpending,
    area_money,
    awards_in_year,
    direct_spending,
    rounds_with_figures,
)
from grants.models import FundingStream, GrantAward, GrantRound, OutcomeMeasure
from grants.money import ZERO
from grants.questions import built_once
from grants.services.alignment import Alignment, plans_alignment
from grants.services.oversight import Overview, force_area_overview
from priorities.models import PoliceAndCrimePlan


@dataclass
class StreamSummary:
    stream: FundingStream
    awards: list[GrantAward]

    @property
    def made(self) -> list[GrantAward]:
        return [a for a in self.awards if a.status == GrantAward.Status.MADE]

    @property
    def total(self) -> Decimal:
        """Made in the year (each award's part in the year: `year_amount`, from grants.figures.money)."""
        return sum((a.year_amount for a in self.made), ZERO)

    @property
    def proposed_total(self) -> Decimal:
        return sum((a.year_amount for a in self.awards if a.status != GrantAward.Status.MADE), ZERO)


@dataclass
class OutcomeSummary:
    partnership: str
    projects: int
    measures: int
    numeric_targets: int
    examples: list[str] = field(default_factory=list)


@dataclass
class PanelReport:
    force_area: object
    financial_year: str
    overview: Overview
    alignment: Alignment
    streams: list[StreamSummary]
    rounds: list[GrantRound]
    outcomes: list[OutcomeSummary]
    money: AreaMoney | None = None
    direct: DirectSpending | None = None

    @property
    def made_total(self) -> Decimal:
        """Grants made by the OPCC: not income, not contracts, not money a funder awards directly."""
        return self.money.grants_made

    @property
    def made_count(self) -> int:
        return self.money.grants_made_count


@built_once()
def _questions(force_area_pk: int, financial_year: str) -> tuple[QuerySet, QuerySet]:
    """The report's awards and grant rounds for an area and a year, as querysets not yet run: built once per
    thread (grants/questions.py; building them cost more than running them, issue 13) and run as a copy
    (`.all()`) by every report, so nothing read is kept, only the questions. They depend on nothing but the
    area and the year."""
    awards = (
        awards_in_year(GrantAward.objects.live(), financial_year)
        .filter(Q(funding_stream__force_area=force_area_pk) | Q(partnership__force_area=force_area_pk))
        .select_related("funding_stream__funder", "funding_stream__force_area", "partnership", "organisation")
        .order_by("funding_stream__name", "partnership__name", "organisation__name")
    )
    rounds = rounds_with_figures(
        GrantRound.objects.live().filter(force_area=force_area_pk, financial_year=financial_year)
    )
    return awards, rounds


def panel_report(*, force_area, financial_year: str, user) -> PanelReport:
    overview = force_area_overview(force_area=force_area, financial_year=financial_year, user=user)
    in_force = overview.plans_in_force
    pcp = PoliceAndCrimePlan.objects.covering(force_area, financial_year).first()
    alignment = plans_alignment(plans=in_force, police_and_crime_plan=pcp, local=False)  # money only
    awards, rounds = (question.all() for question in _questions(force_area.pk, str(financial_year)))
    by_stream: dict[int, StreamSummary] = {}
    for award in awards:
        if award.funding_stream.force_area_id == force_area.pk:  # its funder name reads the caller's area, once
            award.funding_stream.force_area = force_area
        by_stream.setdefault(award.funding_stream_id, StreamSummary(award.funding_stream, [])).awards.append(award)
    rounds = list(rounds)
    outcomes = []
    # Plain values, not a measure, project and plan object per row: an area's approved plans hold thousands of
    # measures, of which the report prints counts and three examples a plan (issue 13). Within a plan, in the
    # measures' own order (their project's number, then `OutcomeMeasure.Meta.ordering`).
    by_plan: dict[int, list[tuple]] = {}
    for plan_id, project_id, title, description, target in (
        OutcomeMeasure.objects.filter(project__plan__in=in_force)
        .order_by("project__plan_id", "project__number", "sub_item__label", "position", "pk")
        .values_list("project__plan_id", "project_id", "project__title", "description", "target_value")
    ):
        by_plan.setdefault(plan_id, []).append((project_id, title, description, target is not None))
    for plan in in_force:
        plan_measures = by_plan.get(plan.pk, [])
        numeric = [m for m in plan_measures if m[3]]
        outcomes.append(
            OutcomeSummary(
                partnership=str(plan.partnership),
                projects=len({m[0] for m in plan_measures}),
                measures=len(plan_measures),
                numeric_targets=len(numeric),
                examples=[f"{title}: {description}" for _, title, description, _ in numeric[:3]],
            )
        )
    money = area_money(force_area=force_area, financial_year=financial_year)
    return PanelReport(
        force_area=force_area,
        financial_year=financial_year,
        overview=overview,
        alignment=alignment,
        streams=sorted(by_stream.values(), key=lambda s: (s.stream.kind != "pcc_csp", s.stream.name)),
        rounds=rounds,
        outcomes=outcomes,
        money=money,
        direct=direct_spending(
            force_area=force_area, financial_year=financial_year, police_and_crime_plan=pcp, money=money
        ),
    )
