"""Read paths over the decision records, for the plan page, the inbox and the decision notice: the approval
trail, the last return for changes, the versions of a plan, and what a variation changes. What each line's
*Approved* column says and the board paper's approval steps are in grants/figures/plans.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch

from grants.models import Decision, InterestDeclaration, SpendingPlan
from grants.services.comparison import PlanDiff, plan_diff, plan_snapshot

Status = SpendingPlan.Status


def approval_trail(plan: SpendingPlan) -> list[Decision]:
    """Every decision on this version, oldest first, each with the declarations made before it."""
    return list(
        plan.decisions.select_related("user").prefetch_related(
            Prefetch("declarations", queryset=InterestDeclaration.objects.order_by("declared_at"))
        )
    )


def last_return(plan: SpendingPlan) -> Decision | None:
    """The return for changes the officer is working on, while the plan is back with them."""
    if plan.status != Status.RETURNED:
        return None
    return plan.decisions.filter(to_status=Status.RETURNED).select_related("user").order_by("-decided_at").first()


def versions_of(plan: SpendingPlan) -> list[SpendingPlan]:
    """Every version of the award's plan, newest first, each with the date it was approved (if it was)."""
    versions = list(SpendingPlan.objects.filter(award_id=plan.award_id).order_by("-version"))
    approvals = {
        d.plan_id: d.decided_at
        for d in Decision.objects.filter(plan__in=versions, to_status=Status.APPROVED).order_by("decided_at")
    }
    for version in versions:
        version.approved_on = approvals.get(version.pk)
    return versions


@dataclass
class VariationChanges:
    baseline: SpendingPlan
    diff: PlanDiff


def variation_changes(plan: SpendingPlan) -> VariationChanges | None:
    """What this version changes from the one before it, line by line (the earlier version is frozen)."""
    previous = plan.previous_version
    if previous is None:
        return None
    return VariationChanges(previous, plan_diff(plan_snapshot(previous), plan_snapshot(plan)))
