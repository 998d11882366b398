"""Read paths over the decision records, for the plan page, the inbox and the decision notice: the approval
trail, what each line's *Approved* column says, the last return for changes, the versions of a plan, and what a
variation changes. Figures and words come from here so that the page and the documents agree.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

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


@dataclass
class ApprovalStep:
    """One step of the approval path (DOMAIN.md; Plymouth's section 8) and what was decided at it."""

    stage: str
    decision: str = "Not yet approved"
    decided_by: str = ""
    decided_on: str = ""
    conditions: str = ""


def approval_steps(plan: SpendingPlan) -> list[ApprovalStep]:
    """The steps of this version's current submission, each filled from its latest decision record (the board
    paper's approvals section). Before the plan is submitted, the steps it would go through."""
    from grants import workflow
    from grants.services.workflow import route_for

    if plan.round:
        needs_executive, needs_board = plan.needs_executive_group, plan.needs_board
        finance_first = plan.finance_officer_first
    else:
        route = route_for(plan)
        needs_executive, needs_board = route.needs_executive_group, route.needs_board
        finance_first = route.finance_officer_first
    funder = workflow.funder_of(plan)
    sign_offs = [
        (workflow.Stage.PCC, workflow.stage_title(workflow.Stage.PCC, funder), True),
        (workflow.Stage.TREASURER, workflow.stage_title(workflow.Stage.TREASURER, funder), True),
    ]
    stages = [
        (workflow.Stage.EXECUTIVE, "Executive group", needs_executive),
        (workflow.Stage.BOARD, f"{plan.partnership} board", needs_board),
        (workflow.Stage.OPCC, "OPCC scrutiny", True),
        *(reversed(sign_offs) if finance_first else sign_offs),
    ]
    latest: dict[str, Decision] = {}
    if plan.round:
        for decision in plan.decisions.filter(round=plan.round).exclude(action="submit").order_by("decided_at"):
            latest[decision.stage] = decision
    steps = []
    for stage, label, taken in stages:
        if not taken:
            continue
        decision = latest.get(stage)
        if decision is None:
            steps.append(ApprovalStep(label))
            continue
        if stage in (workflow.Stage.PCC, workflow.Stage.TREASURER):
            label = decision.title  # the title it was signed under
        steps.append(
            ApprovalStep(
                label,
                decision=decision.action_display,
                decided_by=decision.person_display,
                decided_on=timezone.localtime(decision.decided_at).strftime("%-d %B %Y"),
                conditions=decision.conditions,
            )
        )
    return steps


def final_approval(plan: SpendingPlan) -> Decision | None:
    """The sign-off that approved this version (the second of the decision-maker's and the finance officer's)."""
    if plan.status != Status.APPROVED:
        return None
    return plan.decisions.filter(to_status=Status.APPROVED).order_by("-decided_at").first()


def last_return(plan: SpendingPlan) -> Decision | None:
    """The return for changes the officer is working on, while the plan is back with them."""
    if plan.status != Status.RETURNED:
        return None
    return plan.decisions.filter(to_status=Status.RETURNED).select_related("user").order_by("-decided_at").first()


def last_approved_version(plan: SpendingPlan) -> SpendingPlan | None:
    """This version if approved, else the newest approved version before it."""
    if plan.status == Status.APPROVED:
        return plan
    if plan.version <= 1:
        return None
    return (
        SpendingPlan.objects.filter(award_id=plan.award_id, version__lt=plan.version, status=Status.APPROVED)
        .order_by("-version")
        .first()
    )


@dataclass
class LineApproval:
    """What the *Approved* column says for one line."""

    approved: bool
    text: str
    approved_on: datetime | None = None
    version: int | None = None
    declarations: list[InterestDeclaration] = field(default_factory=list)


def line_approvals(plan: SpendingPlan, projects, declarations=None) -> dict[uuid.UUID, LineApproval]:
    """Fills the *Approved* column from the trail: a line is approved when the version approved last (this one,
    or an earlier one for a variation in progress) holds the line exactly as it is now."""
    by_line = defaultdict(list)
    for declaration in plan.declarations.all() if declarations is None else declarations:
        by_line[declaration.line_id].append(declaration)
    declarations = by_line
    approved_version = last_approved_version(plan)
    final = final_approval(approved_version) if approved_version else None
    result = {}
    if final is None:
        for project in projects:
            result[project.line_id] = LineApproval(
                False, "Not yet approved", declarations=declarations[project.line_id]
            )
        return result
    if approved_version.pk == plan.pk:
        for project in projects:
            result[project.line_id] = LineApproval(
                True, "Approved", final.decided_at, plan.version, declarations[project.line_id]
            )
        return result
    approved_lines = final.snapshot.get("lines", {})
    current_lines = plan_snapshot(plan)["lines"]
    for project in projects:
        key = str(project.line_id)
        before = approved_lines.get(key)
        if before is not None and before == current_lines.get(key):
            approval = LineApproval(True, "Approved", final.decided_at, approved_version.version)
        elif before is not None:
            approval = LineApproval(False, f"Changed since version {approved_version.version}: not yet approved")
        else:
            approval = LineApproval(False, "New in this variation: not yet approved")
        approval.declarations = declarations[project.line_id]
        result[project.line_id] = approval
    return result


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
