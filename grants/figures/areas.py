"""A force area's figures for a financial year: each CSP's PCC community safety award, the plan in force against
it (grants/figures/plans.py), and the area's totals.

The totals count committed money only: the plans in force, which are approved versions. A plan or variation not
yet approved is shown beside its partnership's committed figures, never added to them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from grants.models import FundingStream, GrantAward, SpendingPlan
from grants.money import ZERO
from partnerships.models import ForceArea, Partnership

from .plans import FiguresChange, PlanFigures, PlanInForce, plans_in_force


@dataclass
class PartnershipYear:
    """One CSP's year: its award (None when none is set) and its plan in force and newest version."""

    partnership: Partnership
    award: GrantAward | None = None
    plans: PlanInForce | None = None

    @property
    def in_force(self) -> SpendingPlan | None:
        return self.plans.in_force if self.plans else None

    @property
    def pending(self) -> SpendingPlan | None:
        return self.plans.pending if self.plans else None

    @property
    def latest(self) -> SpendingPlan | None:
        return self.plans.latest if self.plans else None

    @property
    def status_label(self) -> str:
        """The newest version's status, in the users' words."""
        if self.award is None:
            return "No award set"
        return self.latest.get_status_display() if self.latest else "No plan yet"

    @property
    def in_force_label(self) -> str:
        """Which version's figures are committed, in the users' words."""
        if self.award is None:
            return "No award set"
        if self.in_force is not None:
            return f"Version {self.in_force.version}, approved"
        return "None approved yet" if self.latest is not None else "No plan yet"

    @property
    def committed(self) -> PlanFigures | None:
        """None when the partnership has no award for the year; the whole award unallocated when no plan is
        approved yet."""
        return self.plans.committed if self.plans else None

    @property
    def proposed(self) -> PlanFigures | None:
        return self.plans.proposed if self.plans else None

    @property
    def change(self) -> FiguresChange | None:
        return self.plans.change if self.plans else None


@dataclass(frozen=True)
class AreaTotals:
    """The area's committed totals over the partnerships given."""

    award: Decimal = ZERO
    allocated: Decimal = ZERO
    match_funding: Decimal = ZERO
    plans_in_force: int = 0
    plans_pending: int = 0

    @property
    def unallocated(self) -> Decimal:
        return self.award - self.allocated


def area_totals(rows: Iterable[PartnershipYear]) -> AreaTotals:
    rows = [row for row in rows if row.committed is not None]
    return AreaTotals(
        award=sum((row.committed.award for row in rows), ZERO),
        allocated=sum((row.committed.allocated for row in rows), ZERO),
        match_funding=sum((row.committed.match_funding for row in rows), ZERO),
        plans_in_force=sum(1 for row in rows if row.in_force is not None),
        plans_pending=sum(1 for row in rows if row.pending is not None),
    )


def partnership_years(*, force_area: ForceArea, financial_year: str, user) -> list[PartnershipYear]:
    """Every CSP of the area the user may see, by name, with its PCC community safety award for the year and the
    plan in force against it. A fixed number of queries whatever the number of partnerships."""
    partnerships = list(Partnership.objects.visible_to(user).in_force_area(force_area).order_by("name"))
    awards: dict[int, GrantAward] = {}
    for award in (
        GrantAward.objects.live()
        .filter(
            partnership__in=partnerships,
            financial_year=financial_year,
            funding_stream__kind=FundingStream.Kind.PCC_COMMUNITY_SAFETY,
        )
        .select_related("funding_stream")
        .order_by("pk")
    ):
        awards.setdefault(award.partnership_id, award)
    by_pk = {partnership.pk: partnership for partnership in partnerships}
    for partnership in partnerships:
        partnership.force_area = force_area  # the area asked for (`in_force_area`): not read again per row
    for award in awards.values():
        award.partnership = by_pk[award.partnership_id]
    # The awards are of partnerships the user may see, so their plans are too: no second visibility filter.
    found = plans_in_force(awards.values(), awards_read=True)
    rows = []
    for partnership in partnerships:
        award = awards.get(partnership.pk)
        rows.append(PartnershipYear(partnership, award, found[award.pk] if award else None))
    return rows
