"""What the OPCC sees of its force area for a financial year: every CSP with its award, its spending plan's
status and figures, and the area's totals.

Read-only selectors. Every figure comes from the model layer (`SpendingPlan.allocated`, `.unallocated`,
`.match_funding_total` as annotated by `with_figures()`), so the dashboard, the Police and Crime Panel report and
the plan page can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from grants.models import FundingStream, GrantAward, SpendingPlan, SubmissionDeadline
from grants.money import ZERO
from partnerships.models import ForceArea, Partnership

NO_PLAN = "none"
NO_AWARD = "no_award"

SORT_KEYS = {
    "partnership": lambda row: row.partnership.name.lower(),
    "award": lambda row: row.award_amount,
    "status": lambda row: row.status_label,
    "allocated": lambda row: row.allocated,
    "unallocated": lambda row: row.unallocated,
    "match": lambda row: row.match_funding,
}


@dataclass
class OverviewRow:
    """One CSP's line on the dashboard. A CSP with no award or no plan yet still appears, with nothing to show."""

    partnership: Partnership
    award: GrantAward | None = None
    plan: SpendingPlan | None = None

    @property
    def award_amount(self) -> Decimal:
        return self.award.amount if self.award else ZERO

    @property
    def allocated(self) -> Decimal:
        return self.plan.allocated if self.plan else ZERO

    @property
    def unallocated(self) -> Decimal:
        """With no plan yet the whole award is unallocated."""
        return self.plan.unallocated if self.plan else self.award_amount

    @property
    def over_allocated(self) -> Decimal:
        return self.plan.over_allocated if self.plan else ZERO

    @property
    def match_funding(self) -> Decimal:
        return self.plan.match_funding_total if self.plan else ZERO

    @property
    def status(self) -> str:
        if self.award is None:
            return NO_AWARD
        return self.plan.status if self.plan else NO_PLAN

    @property
    def status_label(self) -> str:
        if self.award is None:
            return "No award set"
        return self.plan.get_status_display() if self.plan else "No plan yet"


@dataclass
class Overview:
    force_area: ForceArea
    financial_year: str
    rows: list[OverviewRow]
    deadline: SubmissionDeadline | None = None
    all_rows: list[OverviewRow] = field(default_factory=list)

    @property
    def award_total(self) -> Decimal:
        return sum((row.award_amount for row in self.rows), ZERO)

    @property
    def allocated_total(self) -> Decimal:
        return sum((row.allocated for row in self.rows), ZERO)

    @property
    def unallocated_total(self) -> Decimal:
        return sum((row.unallocated for row in self.rows), ZERO)

    @property
    def match_funding_total(self) -> Decimal:
        return sum((row.match_funding for row in self.rows), ZERO)

    @property
    def plans(self) -> list[SpendingPlan]:
        return [row.plan for row in self.rows if row.plan is not None]

    def is_late(self, row: OverviewRow, today: date | None = None) -> bool:
        """Past the OPCC's deadline and the partnership has still not sent its plan on."""
        if self.deadline is None or row.award is None:
            return False
        today = today or timezone.localdate()
        editable = row.plan is None or row.plan.status in SpendingPlan.EDITABLE_STATUSES
        return editable and today > self.deadline.submit_by


def force_area_overview(
    *,
    force_area: ForceArea,
    financial_year: str,
    user,
    status: str = "",
    sort: str = "partnership",
    descending: bool = False,
) -> Overview:
    """Every CSP of the area for the year: the PCC community safety grant award, the newest version of its plan.

    Costs a fixed number of queries whatever the number of partnerships.
    """
    partnerships = list(Partnership.objects.visible_to(user).in_force_area(force_area).order_by("name"))
    awards = {}
    for award in GrantAward.objects.filter(
        partnership__in=partnerships,
        financial_year=financial_year,
        funding_stream__kind=FundingStream.Kind.PCC_COMMUNITY_SAFETY,
    ).select_related("funding_stream"):
        awards.setdefault(award.partnership_id, award)
    plans = {
        plan.award_id: plan
        for plan in SpendingPlan.objects.visible_to(user)
        .filter(award__in=awards.values())
        .latest_versions()
        .with_figures()
    }
    rows = []
    for partnership in partnerships:
        award = awards.get(partnership.pk)
        plan = plans.get(award.pk) if award else None
        rows.append(OverviewRow(partnership=partnership, award=award, plan=plan))
    shown = [row for row in rows if not status or row.status == status]
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
