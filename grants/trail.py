"""Read paths over the decision records, for the plan page, the inbox and the decision notice: the approval
trail, the last return for changes, the versions of a plan, and what a variation changes. What each line's
*Approved* column says and the board paper's approval steps are in grants/figures/plans.py.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Prefetch
from django.utils import timezone

from grants.models import Decision, InterestDeclaration, ScrutinyComment, SpendingPlan, SupportingDocument
from grants.services.comparison import PlanDiff, plan_diff, plan_snapshot

Status = SpendingPlan.Status


def _with_people_and_declarations(decisions):
    return decisions.select_related("user").prefetch_related(
        Prefetch("declarations", queryset=InterestDeclaration.objects.order_by("declared_at"))
    )


def kept_decisions(plan: SpendingPlan) -> list[Decision] | None:
    """This version's decisions, oldest first, when the page has read them once (`read_once`); else None."""
    return plan.__dict__.get("_decisions")


def read_once(plan: SpendingPlan, user, declarations: list[InterestDeclaration]) -> None:
    """The plan page's one read of the award's versions and their decisions (with who made each and the
    declarations before it), kept on this plan for the request: the approval trail, the *Approved* column, the
    route, the versions, the `vary_plan` rule and the workflow's questions about `user` (`know_in_advance`, from
    `declarations`: this version's) then ask no query of their own (issue 13: each read them again, nine queries
    where three do). Only read paths call it, on a plan fetched for the request; `refresh_from_db` forgets what it
    kept (`SpendingPlan.WORKFLOW_CACHES`)."""
    from grants import workflow
    from partnerships.rules import roles_held

    versions = list(SpendingPlan.objects.filter(award_id=plan.award_id).order_by("-version"))
    decisions = list(_with_people_and_declarations(Decision.objects.filter(plan__in=versions)))
    _mark_approvals(versions, decisions)
    plan.__dict__["_versions"] = versions
    plan.__dict__["_decisions"] = [decision for decision in decisions if decision.plan_id == plan.pk]
    if user.is_authenticated:
        workflow.know_in_advance(
            [plan],
            user,
            roles=roles_held(user),
            decisions=plan.__dict__["_decisions"],
            declarations=[d for d in declarations if d.user_id == user.pk and d.prejudicial],
        )


def approval_trail(plan: SpendingPlan) -> list[Decision]:
    """Every decision on this version, oldest first, each with the declarations made before it."""
    kept = kept_decisions(plan)
    return kept if kept is not None else list(_with_people_and_declarations(plan.decisions.all()))


def last_return(plan: SpendingPlan) -> Decision | None:
    """The return for changes the officer is working on, while the plan is back with them."""
    if plan.status != Status.RETURNED:
        return None
    return plan.decisions.filter(to_status=Status.RETURNED).select_related("user").order_by("-decided_at").first()


def versions_of(plan: SpendingPlan) -> list[SpendingPlan]:
    """Every version of the award's plan, newest first, each with the date it was approved (if it was)."""
    if "_versions" in plan.__dict__:  # read once by the page (`read_once`)
        return plan.__dict__["_versions"]
    versions = list(SpendingPlan.objects.filter(award_id=plan.award_id).order_by("-version"))
    _mark_approvals(versions, Decision.objects.filter(plan__in=versions, to_status=Status.APPROVED))
    return versions


def _mark_approvals(versions: list[SpendingPlan], decisions) -> None:
    """Each version's `approved_on`: when its last approval was decided, from `decisions` on them."""
    approvals = {
        d.plan_id: d.decided_at
        for d in sorted(decisions, key=lambda d: (d.decided_at, d.pk))
        if d.to_status == Status.APPROVED
    }
    for version in versions:
        version.approved_on = approvals.get(version.pk)


@dataclass
class VariationChanges:
    baseline: SpendingPlan
    diff: PlanDiff


def variation_changes(plan: SpendingPlan) -> VariationChanges | None:
    """What this version changes from the approved version it would replace, line by line: the newest approved
    version before it (the one in force), or the version before it when none was approved. Earlier versions are
    frozen, so the comparison is the same on the plan page, the decision page and the decision notice."""
    from grants.services.variations import last_approved_before

    if plan.version <= 1:
        return None
    baseline = last_approved_before(plan) or plan.previous_version
    if baseline is None:
        return None
    return VariationChanges(baseline, plan_diff(plan_snapshot(baseline), plan_snapshot(plan)))


# --- where the plan is ---------------------------------------------------------------------------------------


@dataclass
class RouteStep:
    """One step of the plan's route as the plan page shows it (GOV.UK task list): who, what was done, when."""

    title: str
    state: str  # "done", "now", "later", "returned", "declined"
    status: str  # the words of the status column
    detail: str = ""  # who did what, when; or who holds it now and by when
    decision: Decision | None = None
    due: datetime.date | None = None
    holder: str = ""  # for the step that holds the plan now: who


@dataclass
class Route:
    steps: list[RouteStep]
    holder: str  # who holds the plan now, in words; "" when its path has ended
    since: datetime.datetime | None
    due: datetime.date | None
    note: str = ""  # why the route skips a stage (a minor variation's shorter path)


def _person(decision: Decision) -> str:
    return f"{decision.user_name} ({decision.role_display})"


def _on(decision: Decision) -> str:
    """`27 November 2026`, or `at the board meeting of 12 March 2020, minute 12/20` when taken at one."""
    if decision.meeting_display:
        return f"at the {decision.meeting_display[0].lower()}{decision.meeting_display[1:]}"
    return decision.decision_date.strftime("%-d %B %Y")


def _due(deadline):
    return deadline.submit_by if deadline is not None else None


def route_of(plan: SpendingPlan) -> Route:
    """The plan's route from the officers' submission to sign-off, read from the path's table and this version's
    decision records: each step done (by whom, when), the one that holds the plan now (and by when), those to
    come. Steps the route skips (no executive group, a minor variation's shorter path) are left out."""
    from grants import workflow
    from grants.inbox import deadline_for
    from grants.services.workflow import route_for

    if plan.round and plan.status not in (Status.DRAFT,):
        needs = {"needs_executive_group": plan.needs_executive_group, "needs_board": plan.needs_board}
        note = ""
    else:
        preview = route_for(plan)
        needs = {"needs_executive_group": preview.needs_executive_group, "needs_board": preview.needs_board}
        note = preview.note
    kept = kept_decisions(plan)
    if not plan.round:
        decisions = []
    elif kept is not None:
        decisions = [decision for decision in kept if decision.round == plan.round]
    else:
        decisions = list(plan.decisions.filter(round=plan.round).select_related("user"))
    deadline = plan.submission_deadline
    deadlines = {(plan.award.partnership.force_area_id, plan.financial_year): deadline} if deadline else {}
    awaiting = set(plan.awaiting)
    last = decisions[-1] if decisions else None
    steps: list[RouteStep] = []

    # The officers' step: writing and submitting (again, after a withdrawal or a return).
    submitted = next((d for d in reversed(decisions) if d.action == "submit"), None)
    if plan.status in (Status.DRAFT, Status.RETURNED):
        due = _due(deadline_for(plan, deadlines))
        holder = f"the officers of {plan.partnership}"
        if last is not None and last.action != "submit":
            detail = f"{last.action_display}: {_person(last)}, {_on(last)}. To be submitted again by {holder}."
        else:
            detail = f"Being written by {holder}."
        steps.append(RouteStep("Submission by the partnership", "now", "To do", detail, due=due, holder=holder))
    else:
        steps.append(
            RouteStep(
                "Submission by the partnership",
                "done",
                "Submitted",
                f"{_person(submitted)}, {_on(submitted)}." if submitted else "",
                submitted,
            )
        )

    stopped = plan.status in (Status.RETURNED, Status.DECLINED)
    funder = workflow.funder_of(plan)
    for step in workflow.PATH:
        if step.taken_when is not None and not needs[step.taken_when]:
            continue
        # Signing in turn, the finance officer comes first; in parallel, the decision-maker is named first.
        in_turn = step.in_turn_when is not None and getattr(plan, step.in_turn_when)
        for stage in step.stages if in_turn else sorted(step.stages, key=list(workflow.Stage).index):
            title = workflow.stage_title(stage, funder)
            decided = [d for d in decisions if d.stage == stage and d.action not in ("submit", "withdraw")]
            decision = decided[-1] if decided else None
            if decision is not None and decision.to_status == Status.RETURNED:
                steps.append(
                    RouteStep(
                        title,
                        "returned",
                        "Returned",
                        f"Returned for changes: {_person(decision)}, {_on(decision)}.",
                        decision,
                    )
                )
            elif decision is not None and decision.to_status == Status.DECLINED:
                steps.append(
                    RouteStep(
                        title, "declined", "Declined", f"Declined: {_person(decision)}, {_on(decision)}.", decision
                    )
                )
            elif decision is not None and decision.action != "scrutinise":
                steps.append(
                    RouteStep(
                        title,
                        "done",
                        "Completed",
                        f"{decision.action_display}: {_person(decision)}, {_on(decision)}.",
                        decision,
                    )
                )
            elif stage in awaiting:
                due = _due(deadline_for(plan, deadlines)) if stage in workflow.PARTNERSHIP_STAGES else None
                began = f" Scrutiny began {_on(decision)} ({decision.user_name})." if decision else ""
                holder = workflow.who_acts(stage, plan)
                steps.append(RouteStep(title, "now", "Waiting", f"With {holder}.{began}", decision, due, holder))
            else:
                steps.append(RouteStep(title, "later", "Not reached" if stopped else "Cannot start yet"))
    if plan.status == Status.APPROVED and hasattr(plan, "decision_notice"):
        notice = plan.decision_notice
        steps.append(
            RouteStep(
                "Decision notice",
                "done",
                "Issued",
                f"{notice.reference}, issued {timezone.localtime(notice.issued_at):%-d %B %Y}.",
            )
        )

    current = [step for step in steps if step.state == "now"]
    holder = " and ".join(step.holder for step in current)
    since = last.decided_at if last is not None and current else None
    due = next((step.due for step in current if step.due), None)
    return Route(steps=steps, holder=holder, since=since, due=due, note=note)


# --- what reviewers read beside the plan ---------------------------------------------------------------------


def scrutiny_comments(plan: SpendingPlan, projects=None) -> list[ScrutinyComment]:
    """The OPCC's scrutiny comments on this version with their answers, in project order; with `projects`, each
    project also gets its own as `.comments` (for the plan table)."""
    comments = list(plan.scrutiny_comments.prefetch_related("answers"))
    if projects is not None:
        by_line = defaultdict(list)
        for comment in comments:
            by_line[comment.line_id].append(comment)
        for project in projects:
            project.comments = by_line[project.line_id]
    return comments


def supporting_documents(plan: SpendingPlan, projects=None) -> list[SupportingDocument]:
    """The version's supporting documents, the plan's own first; with `projects`, each project also gets its own
    as `.supporting`."""
    documents = list(
        plan.documents.select_related("project").order_by(
            F("project__number").asc(nulls_first=True), "uploaded_at", "pk"
        )
    )
    if projects is not None:
        by_project = defaultdict(list)
        for document in documents:
            by_project[document.project_id].append(document)
        for project in projects:
            project.supporting = by_project[project.pk]
    return documents


def unanswered_questions(comments: list[ScrutinyComment]) -> list[ScrutinyComment]:
    """Questions the partnership has not answered yet (shown to the OPCC officer before they recommend)."""
    return [c for c in comments if c.kind == ScrutinyComment.Kind.QUESTION and not c.answered]
