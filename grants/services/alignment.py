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

from grants.figures.plans import Combination, PriorityFigures, PriorityMoney, priority_figures
from grants.models import FundedProject, SpendingPlan
from grants.money import ZERO
from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority


@dataclass
class PartnershipAlignment:
    plan: SpendingPlan
    money: PriorityFigures
    unfunded_risks: list[LocalPriority]
    lines_without_local_priority: list[FundedProject]

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
    def unfunded_risks(self) -> list[tuple[PartnershipAlignment, LocalPriority]]:
        return [(p, risk) for p in self.partnerships for risk in p.unfunded_risks]

    @property
    def lines_without_local_priority(self) -> list[tuple[PartnershipAlignment, FundedProject]]:
        return [(p, line) for p in self.partnerships for line in p.lines_without_local_priority]


def plans_alignment(*, plans: list[SpendingPlan], police_and_crime_plan: PoliceAndCrimePlan | None) -> Alignment:
    """Money by Police and Crime Plan priority across the plans given and per plan (grants/figures/plans.py);
    local high-level risks with no funded project; funded projects serving no local priority."""
    if police_and_crime_plan is not None:
        prefetch_related_objects([police_and_crime_plan], "priorities")  # read by the figures and listed below
    together, per_plan_money = priority_figures(plans, police_and_crime_plan)
    # The lines as few fields and their local priorities as plain pairs: a whole area's lines are read here, and
    # full rows with an object per link cost more than the figures (issue 13).
    lines_by_plan = defaultdict(list)
    lines = FundedProject.objects.filter(plan__in=plans).only("pk", "plan", "number", "title", "amount_allocated")
    for line in lines.order_by("plan_id", "number"):
        lines_by_plan[line.plan_id].append(line)
    serving = defaultdict(set)
    links = FundedProject.local_priorities.through.objects.filter(fundedproject__plan__in=plans).order_by()
    for line_pk, local_pk in links.values_list("fundedproject_id", "localpriority_id"):
        serving[line_pk].add(local_pk)
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
        funded = {local_pk for line in plan_lines for local_pk in serving[line.pk]}
        per_plan.append(
            PartnershipAlignment(
                plan=plan,
                money=per_plan_money[plan.pk],
                unfunded_risks=[
                    risk for risk in high_risks[(plan.partnership.pk, plan.financial_year)] if risk.pk not in funded
                ],
                lines_without_local_priority=[line for line in plan_lines if not serving[line.pk]],
            )
        )
    return Alignment(
        police_and_crime_plan=police_and_crime_plan,
        priorities=list(police_and_crime_plan.priorities.all()) if police_and_crime_plan else [],
        money=together,
        partnerships=per_plan,
        plans_allocated=sum((plan.figures.allocated for plan in plans), ZERO),
    )
