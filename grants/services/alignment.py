"""Alignment of the money with the Police and Crime Plan and with each CSP's strategic assessment.

The rule that matters: a funded project serving several priorities is ONE amount of money. It is shown under
each priority it serves, marked as shared, but it is counted once in every total; the totals reconcile to the
penny with the plans' own `allocated` figures (`Alignment.reconciles`). Splitting a shared line between its
priorities would invent a precision the plans do not have, so we do not apportion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from grants.models import FundedProject, SpendingPlan
from grants.money import ZERO
from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority


@dataclass
class PriorityMoney:
    """Money on funded projects serving one priority: on projects serving it alone, and shared with others."""

    priority: Priority | None
    alone: Decimal = ZERO
    shared: Decimal = ZERO
    lines: int = 0
    of_total: Decimal = ZERO  # the area's (or the CSP's) allocated money, for percentages

    @property
    def total(self) -> Decimal:
        return self.alone + self.shared

    def _percent(self, amount: Decimal) -> Decimal:
        if not self.of_total:
            return ZERO
        return (amount * 100 / self.of_total).quantize(Decimal("0.1"))

    @property
    def percent(self) -> Decimal:
        return self._percent(self.total)

    @property
    def percent_alone(self) -> Decimal:
        return self._percent(self.alone)

    @property
    def percent_shared(self) -> Decimal:
        return self._percent(self.shared)


@dataclass
class Combination:
    """Funded projects serving exactly this set of priorities (empty: none given). Each project is in one
    combination only, so combinations add up to the money allocated."""

    priorities: tuple[Priority, ...]
    amount: Decimal = ZERO
    lines: int = 0

    @property
    def label(self) -> str:
        if not self.priorities:
            return "No Police and Crime Plan priority given"
        numbers = [str(p.number) for p in self.priorities]
        if len(numbers) == 1:
            return f"Priority {numbers[0]} only"
        return "Priorities " + ", ".join(numbers[:-1]) + " and " + numbers[-1] + " (shared)"


@dataclass
class PartnershipAlignment:
    plan: SpendingPlan
    by_priority: list[PriorityMoney]
    no_priority: Decimal
    unfunded_risks: list[LocalPriority]
    lines_without_local_priority: list[FundedProject]

    @property
    def partnership(self):
        return self.plan.partnership

    @property
    def allocated(self) -> Decimal:
        return self.plan.allocated


@dataclass
class Alignment:
    police_and_crime_plan: PoliceAndCrimePlan | None
    priorities: list[Priority]
    by_priority: list[PriorityMoney]
    combinations: list[Combination]
    allocated: Decimal
    partnerships: list[PartnershipAlignment] = field(default_factory=list)
    plans_allocated: Decimal = ZERO

    @property
    def no_priority(self) -> Decimal:
        return sum((c.amount for c in self.combinations if not c.priorities), ZERO)

    @property
    def shared_total(self) -> Decimal:
        """Money on projects serving more than one priority, counted once."""
        return sum((c.amount for c in self.combinations if len(c.priorities) > 1), ZERO)

    @property
    def reconciles(self) -> bool:
        """Every project counted once: the combinations, the lines and the plans' own totals agree."""
        return sum((c.amount for c in self.combinations), ZERO) == self.allocated == self.plans_allocated

    @property
    def unfunded_risks(self) -> list[tuple[PartnershipAlignment, LocalPriority]]:
        return [(p, risk) for p in self.partnerships for risk in p.unfunded_risks]

    @property
    def lines_without_local_priority(self) -> list[tuple[PartnershipAlignment, FundedProject]]:
        return [(p, line) for p in self.partnerships for line in p.lines_without_local_priority]


def _money_by_priority(lines, priorities, total) -> tuple[list[PriorityMoney], Decimal]:
    rows = {p.pk: PriorityMoney(p, of_total=total) for p in priorities}
    none = ZERO
    for line in lines:
        served = list(line.pcc_priorities.all())
        if not served:
            none += line.amount_allocated
        for priority in served:
            row = rows.setdefault(priority.pk, PriorityMoney(priority, of_total=total))
            row.lines += 1
            if len(served) == 1:
                row.alone += line.amount_allocated
            else:
                row.shared += line.amount_allocated
    ordered = sorted(rows.values(), key=lambda r: (r.priority.plan_id != _plan_id(priorities), r.priority.number))
    return ordered, none


def _plan_id(priorities):
    return priorities[0].plan_id if priorities else None


def plans_alignment(*, plans: list[SpendingPlan], police_and_crime_plan: PoliceAndCrimePlan | None) -> Alignment:
    """Money by Police and Crime Plan priority across the plans given and per plan; local high-level risks with
    no funded project; funded projects serving no local priority."""
    priorities = list(police_and_crime_plan.priorities.all()) if police_and_crime_plan else []
    lines = list(
        FundedProject.objects.filter(plan__in=plans)
        .select_related("plan")
        .prefetch_related("pcc_priorities", "local_priorities")
        .order_by("plan", "number")
    )
    allocated = sum((line.amount_allocated for line in lines), ZERO)
    by_priority, _ = _money_by_priority(lines, priorities, allocated)

    combinations: dict[tuple[int, ...], Combination] = {}
    for line in lines:
        served = tuple(sorted(line.pcc_priorities.all(), key=lambda p: p.number))
        key = tuple(p.pk for p in served)
        combination = combinations.setdefault(key, Combination(served))
        combination.amount += line.amount_allocated
        combination.lines += 1
    ordered_combinations = sorted(
        combinations.values(), key=lambda c: (not c.priorities, len(c.priorities), [p.number for p in c.priorities])
    )

    lines_by_plan = defaultdict(list)
    for line in lines:
        lines_by_plan[line.plan_id].append(line)
    high_risks = defaultdict(list)
    for risk in LocalPriority.objects.filter(
        risk_level=LocalPriority.RiskLevel.HIGH,
        assessment__partnership__in=[plan.partnership for plan in plans],
        assessment__financial_year__in={plan.financial_year for plan in plans},
    ).select_related("assessment"):
        high_risks[(risk.assessment.partnership_id, risk.assessment.financial_year)].append(risk)

    per_plan = []
    for plan in plans:
        plan_lines = lines_by_plan[plan.pk]
        plan_total = sum((line.amount_allocated for line in plan_lines), ZERO)
        rows, none = _money_by_priority(plan_lines, priorities, plan_total)
        funded = {local.pk for line in plan_lines for local in line.local_priorities.all()}
        per_plan.append(
            PartnershipAlignment(
                plan=plan,
                by_priority=rows,
                no_priority=none,
                unfunded_risks=[
                    risk for risk in high_risks[(plan.partnership.pk, plan.financial_year)] if risk.pk not in funded
                ],
                lines_without_local_priority=[line for line in plan_lines if not line.local_priorities.all()],
            )
        )
    return Alignment(
        police_and_crime_plan=police_and_crime_plan,
        priorities=priorities,
        by_priority=by_priority,
        combinations=ordered_combinations,
        allocated=allocated,
        partnerships=per_plan,
        plans_allocated=sum((plan.allocated for plan in plans), ZERO),
    )
