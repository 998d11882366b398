"""What the OPCC sees of its force area for a financial year: every CSP with its award, the plan in force and any
version awaiting approval beside it, the area's committed totals, and which plans are late.

Read-only selectors over grants/figures (`partnership_years`, `area_totals`), so the dashboard, the Police and
Crime Panel report and the plan page can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from grants.figures.areas import AreaTotals, PartnershipYear, area_totals, partnership_years
from grants.models import SpendingPlan, SubmissionDeadline
from grants.money import ZERO
from partnerships.models import ForceArea

NO_PLAN = "none"
NO_AWARD = "no_award"


def _committed(row: PartnershipYear, figure: str):
    return getattr(row.committed, figure) if row.committed is not None else ZERO


SORT_KEYS = {
    "partnership": lambda row: row.partnership.name.lower(),
    "award": lambda row: _committed(row, "award"),
    "status": lambda row: row.status_label,
    "allocated": lambda row: _committed(row, "allocated"),
    "unallocated": lambda row: _committed(row, "unallocated"),
    "match": lambda row: _committed(row, "match_funding"),
}


def statuses(row: PartnershipYear) -> set[str]:
    """What a filter by status matches: the statuses of the plan in force and of the newest version."""
    if row.award is None:
        return {NO_AWARD}
    return row.plans.statuses or {NO_PLAN}


@dataclass
class Overview:
    force_area: ForceArea
    financial_year: str
    rows: list[PartnershipYear]
    deadline: SubmissionDeadline | None = None
    all_rows: list[PartnershipYear] = field(default_factory=list)

    @property
    def totals(self) -> AreaTotals:
        """Committed totals of the partnerships shown."""
        return area_totals(self.rows)

    @property
    def plans_in_force(self) -> list[SpendingPlan]:
        return [row.in_force for row in self.rows if row.in_force is not None]

    @property
    def pending(self) -> list[PartnershipYear]:
        """Partnerships with a version awaiting approval (version 1 before any approval, or a variation)."""
        return [row for row in self.rows if row.pending is not None]

    def is_late(self, row: PartnershipYear, today: date | None = None) -> bool:
        """The one rule (`SubmissionDeadline.is_late`) for the year's plan, or for an award with no plan yet."""
        if self.deadline is None or row.award is None:
            return False
        return self.deadline.is_late(row.latest, today)


def force_area_overview(
    *,
    force_area: ForceArea,
    financial_year: str,
    user,
    status: str = "",
    sort: str = "partnership",
    descending: bool = False,
) -> Overview:
    """Every CSP of the area for the year, filtered by a status and sorted by a column. A fixed number of queries
    whatever the number of partnerships."""
    rows = partnership_years(force_area=force_area, financial_year=financial_year, user=user)
    shown = [row for row in rows if not status or status in statuses(row)]
    key = SORT_KEYS.get(sort, SORT_KEYS["partnership"])
    shown.sort(key=key, reverse=descending)
    deadline = SubmissionDeadline.objects.filter(force_area=force_area, financial_year=financial_year).first()
    return Overview(force_area, financial_year, shown, deadline, all_rows=rows)


def status_choices() -> list[tuple[str, str]]:
    return [
        ("", "All"),
        (NO_AWARD, "No award set"),
        (NO_PLAN, "No plan yet"),
        *SpendingPlan.Status.choices,
    ]
