"""Read paths for the plan editor's pages, named for what the page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from grants.models import FundedProject, MatchFunding, SpendingPlan
from grants.models.plans import PriorityAllocation
from grants.money import ZERO


@dataclass
class ProjectPageFigures:
    """The plan's figures with one project taken out, so the page (and its script, as the officer types) can put
    the project back in with the amounts on the form. The server checks the same sums again on save."""

    award: Decimal
    others_allocated: Decimal
    others_match: Decimal
    priorities: list[PriorityAllocation] = field(default_factory=list)  # amounts of the other projects
    amount: Decimal = ZERO
    match: Decimal = ZERO
    chosen: set = field(default_factory=set)

    def with_form(self, amount: Decimal | None, match: Decimal, chosen_priorities) -> ProjectPageFigures:
        self.amount = amount or ZERO
        self.match = match
        self.chosen = {int(pk) for pk in chosen_priorities if str(pk).isdigit()}
        return self

    @property
    def allocated(self) -> Decimal:
        return self.others_allocated + self.amount

    @property
    def unallocated(self) -> Decimal:
        return self.award - self.allocated

    @property
    def over_allocated(self) -> Decimal:
        return max(ZERO, self.allocated - self.award)

    @property
    def match_total(self) -> Decimal:
        return self.others_match + self.match

    @property
    def priority_rows(self) -> list[tuple[PriorityAllocation, Decimal]]:
        rows = []
        for row in self.priorities:
            if row.priority is None:
                continue
            rows.append((row, row.amount + (self.amount if row.priority.pk in self.chosen else ZERO)))
        return rows


def project_page_figures(plan: SpendingPlan, project: FundedProject | None) -> ProjectPageFigures:
    others = plan.projects.all()
    matches = MatchFunding.objects.filter(project__plan=plan)
    if project is not None:
        others = others.exclude(pk=project.pk)
        matches = matches.exclude(project=project)
    priorities = plan.allocation_by_priority()
    if project is not None:
        own = {p.pk for p in project.pcc_priorities.all()}
        for row in priorities:
            if row.priority is not None and row.priority.pk in own:
                row.amount -= project.amount_allocated
    return ProjectPageFigures(
        award=plan.award.amount,
        others_allocated=others.aggregate(total=Sum("amount_allocated"))["total"] or ZERO,
        others_match=matches.aggregate(total=Sum("amount"))["total"] or ZERO,
        priorities=priorities,
    )
