"""Alignment of the money with the Police and Crime Plan and with each CSP's strategic assessment.

The money comes from grants/figures/plans.py (`priority_figures`): a funded project serving several priorities
is ONE amount of money, shown under each priority it serves, marked as shared, and counted once in every total;
the totals reconcile to the penny with the plans' own `allocated` figures (`Alignment.reconciles`). Splitting a
shared line between its priorities would invent a precision the plans do not have, so we do not apportion.
This module adds what is not money: local high-level risks no project serves, lines serving no local priority.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import prefetch_related_objects

from grants.figures.plans import (
    Combination,
    PriorityFigures,
    PriorityMoney,
    priority_figures,
    priority_figures_of_lines,
)
from grants.models import FundedProject, SpendingPlan
from grants.money import ZERO
from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority


@dataclass
class _Line:
    """A funded project as the alignment reads it: plain values, and the priorities it serves."""

    plan_id: int
    number: int
    title: str
    amount_allocated: Decimal
    serves: set[int] = field(default_factory=set)  # Police and Crime Plan priorities
    local: set[int] = field(default_factory=set)  # the partnership's local priorities


@dataclass(frozen=True)
class Risk:
    """A local high-level risk from a strategic assessment, as listed: its title."""

    pk: int
    title: str


def _read(items: list | None, what: str) -> list:
    if items is None:
        raise ValueError(f"{what} were not read: call plans_alignment with local=True")
    return items


@dataclass
class PartnershipAlignment:
    plan: SpendingPlan
    money: PriorityFigures
    unfunded_risks: list[Risk] | None  # None when not read (`local=False`)
    lines_without_local_priority: list[_Line] | None

    @property
    def partnership(self):
        return self.plan.partnership

    @property
    def by_priority(self) -> list[PriorityMoney]:
        return self.money.rows

    @property
    def no_priority(self) -> Decimal:
        return self.money.no_priority

    @property
    def allocated(self) -> Decimal:
        return self.money.allocated


@dataclass
class Alignment:
    police_and_crime_plan: PoliceAndCrimePlan | None
    priorities: list[Priority]
    money: PriorityFigures
    partnerships: list[PartnershipAlignment] = field(default_factory=list)
    plans_allocated: Decimal = ZERO  # the plans' own figures, to check the lines against

    @property
    def by_priority(self) -> list[PriorityMoney]:
        return self.money.rows

    @property
    def combinations(self) -> list[Combination]:
        return self.money.combinations

    @property
    def allocated(self) -> Decimal:
        return self.money.allocated

    @property
    def no_priority(self) -> Decimal:
        return self.money.no_priority

    @property
    def shared_total(self) -> Decimal:
        return self.money.shared_total

    @property
    def reconciles(self) -> bool:
        """Every project counted once: the combinations, the lines and the plans' own totals agree."""
        return sum((c.amount for c in self.combinations), ZERO) == self.allocated == self.plans_allocated

    @property
    def unfunded_risks(self) -> list[tuple[PartnershipAlignment, Risk]]:
        return [(p, risk) for p in self.partnerships for risk in _read(p.unfunded_risks, "The risks")]

    @property
    def lines_without_local_priority(self) -> list[tuple[PartnershipAlignment, _Line]]:
        return [(p, line) for p in self.partnerships for line in _read(p.lines_without_local_priority, "The lines")]


def plans_alignment(
    *, plans: list[SpendingPlan], police_and_crime_plan: PoliceAndCrimePlan | None, local: bool = True
) -> Alignment:
    """Money by Police and Crime Plan priority across the plans given and per plan (grants/figures/plans.py);
    with `local`, the local high-level risks with no funded project and the funded projects serving no local
    priority (the Panel report shows neither and asks `local=False`: reading them there would raise).

    A fixed number of queries: the Police and Crime Plan's priorities, then the lines with both kinds of
    priority they serve in one read of plain values (a line serving two of each comes back four times; an
    area's lines are read here, and an object per line or per link cost more than the figures, issue 13), then
    the high-level risks."""
    if police_and_crime_plan is not None:
        prefetch_related_objects([police_and_crime_plan], "priorities")  # read by the figures and listed below
    if not local:
        together, per_plan_money = priority_figures(plans, police_and_crime_plan)
        return _alignment(plans, police_and_crime_plan, together, per_plan_money, None, None)
    lines: dict[int, _Line] = {}
    rows = FundedProject.objects.filter(plan__in=plans).order_by("plan_id", "number")
    for pk, plan_id, number, title, amount, pcc_pk, local_pk in rows.values_list(
        "pk", "plan_id", "number", "title", "amount_allocated", "pcc_priorities", "local_priorities"
    ):
        line = lines.get(pk)
        if line is None:
            line = lines[pk] = _Line(plan_id, number, title, amount)
        if pcc_pk is not None:
            line.serves.add(pcc_pk)
        if local_pk is not None:
            line.local.add(local_pk)
    money_lines: dict[int, list] = {plan.pk: [] for plan in plans}
    for line in lines.values():
        money_lines[line.plan_id].append((line.amount_allocated, frozenset(line.serves)))
    together, per_plan_money = priority_figures_of_lines(money_lines, police_and_crime_plan)
    high_risks = defaultdict(list)
    for risk in (
        LocalPriority.objects.filter(
            risk_level=LocalPriority.RiskLevel.HIGH,
            assessment__partnership__in=[plan.partnership for plan in plans],
            assessment__financial_year__in={plan.financial_year for plan in plans},
        )
        .order_by("assessment_id", "position", "title", "pk")
        .values_list("pk", "title", "assessment__partnership_id", "assessment__financial_year")
    ):
        high_risks[(risk[2], risk[3])].append(Risk(pk=risk[0], title=risk[1]))
    lines_by_plan = defaultdict(list)
    for line in lines.values():
        lines_by_plan[line.plan_id].append(line)
    unfunded, unaligned = {}, {}
    for plan in plans:
        plan_lines = lines_by_plan[plan.pk]
        funded = {local_pk for line in plan_lines for local_pk in line.local}
        unfunded[plan.pk] = [
            risk for risk in high_risks[(plan.partnership.pk, plan.financial_year)] if risk.pk not in funded
        ]
        unaligned[plan.pk] = [line for line in plan_lines if not line.local]
    return _alignment(plans, police_and_crime_plan, together, per_plan_money, unfunded, unaligned)


def _alignment(plans, police_and_crime_plan, together, per_plan_money, unfunded, unaligned) -> Alignment:
    return Alignment(
        police_and_crime_plan=police_and_crime_plan,
        priorities=list(police_and_crime_plan.priorities.all()) if police_and_crime_plan else [],
        money=together,
        partnerships=[
            PartnershipAlignment(
                plan=plan,
                money=per_plan_money[plan.pk],
                unfunded_risks=None if unfunded is None else unfunded[plan.pk],
                lines_without_local_priority=None if unaligned is None else unaligned[plan.pk],
            )
            for plan in plans
        ],
        plans_allocated=sum((plan.figures.allocated for plan in plans), ZERO),
    )
