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


def organisations_of_force_area(force_area):
    """The organisations one force area's people may pick as a provider: the councils its partnerships cover and
    their accountable bodies, the providers of its partnerships' funded projects, the applicants to its grant
    rounds, the organisations its awards go to, its funding streams' funders and the bodies that pay it money.

    Organisations are shared by every force area (a national charity works in several), but who applied for or
    holds another area's money is that area's business: an applicant to Avon & Somerset's round must not appear in
    a Devon & Cornwall officer's list."""
    from django.db.models import Q

    from partnerships.models import Organisation

    return Organisation.objects.filter(
        Q(pk__in=Organisation.objects.filter(partnerships_covering__force_area=force_area).values("pk"))
        | Q(pk__in=Organisation.objects.filter(accountable_for__force_area=force_area).values("pk"))
        | Q(pk__in=FundedProject.objects.filter(plan__award__partnership__force_area=force_area).values("provider"))
        | Q(pk__in=Organisation.objects.filter(grant_applications__grant_round__force_area=force_area).values("pk"))
        | Q(pk__in=Organisation.objects.filter(awards__funding_stream__force_area=force_area).values("pk"))
        | Q(pk__in=Organisation.objects.filter(funding_streams__force_area=force_area).values("pk"))
        | Q(pk__in=Organisation.objects.filter(funding_given__force_area=force_area).values("pk"))
    )


def providers_for(plan: SpendingPlan, *, current=None):
    """The provider list of a plan's project page: its force area's organisations (`organisations_of_force_area`),
    by name, plus the project's current provider (`current`, a pk) so that saving the page never drops it."""
    from django.db.models import Q

    from partnerships.models import Organisation

    own = organisations_of_force_area(plan.award.partnership.force_area)
    return Organisation.objects.filter(Q(pk__in=own.values("pk")) | Q(pk=current or None)).order_by("name")
