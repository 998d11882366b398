"""Read paths for the plan editor's pages, named for what the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from grants.figures.plans import PlanFigures, PriorityMoney, plan_figures, plan_priority_figures
from grants.models import FundedProject, SpendingPlan
from grants.money import ZERO


@dataclass
class ProjectPageFigures:
    """The plan's figures with one project taken out, so the page (and its script, as the officer types) can put
    the project back in with the amounts on the form. The server checks the same sums again on save."""

    others: PlanFigures  # the plan without this project
    priorities: list[PriorityMoney] = field(default_factory=list)  # money of the other projects
    amount: Decimal = ZERO
    match: Decimal = ZERO
    chosen: set = field(default_factory=set)

    def with_form(self, amount: Decimal | None, match: Decimal, chosen_priorities) -> ProjectPageFigures:
        self.amount = amount or ZERO
        self.match = match
        self.chosen = {int(pk) for pk in chosen_priorities if str(pk).isdigit()}
        return self

    @property
    def award(self) -> Decimal:
        return self.others.award

    @property
    def others_allocated(self) -> Decimal:
        return self.others.allocated

    @property
    def others_match(self) -> Decimal:
        return self.others.match_funding

    @property
    def figures(self) -> PlanFigures:
        """The plan with this project as the form has it."""
        return PlanFigures(
            award=self.others.award,
            allocated=self.others.allocated + self.amount,
            match_funding=self.others.match_funding + self.match,
        )

    @property
    def allocated(self) -> Decimal:
        return self.figures.allocated

    @property
    def unallocated(self) -> Decimal:
        return self.figures.unallocated

    @property
    def over_allocated(self) -> Decimal:
        return self.figures.over_allocated

    @property
    def match_total(self) -> Decimal:
        return self.figures.match_funding

    @property
    def priority_rows(self) -> list[tuple[PriorityMoney, Decimal]]:
        return [(row, row.total + (self.amount if row.priority.pk in self.chosen else ZERO)) for row in self.priorities]


def project_page_figures(plan: SpendingPlan, project: FundedProject | None) -> ProjectPageFigures:
    return ProjectPageFigures(
        others=plan_figures(plan, leave_out=project),
        priorities=plan_priority_figures(plan, leave_out=project).rows,
    )
