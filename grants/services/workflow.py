"""Moving a spending plan along its approval path (the tables are in grants/workflow.py).

Every transition goes through `plan_decide`: it locks the plan's row (`select_for_update`), checks again,
against the row as locked, that the plan is where the person saw it and that they may act, changes the status,
writes the decision record (with a snapshot of the plan), attaches the person's declarations of interest,
issues the PCC's decision notice on the last sign-off, and queues the e-mails for after the commit. Two
approvers acting at the same moment are therefore served one after the other, and the second is told the plan
has moved on.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants import workflow
from grants.models import Decision, DecisionNotice, FundedProject, InterestDeclaration, SpendingPlan
from grants.services.comparison import plan_snapshot_under_lock
from grants.services.variations import minor_variation
from partnerships.models import ForceArea, Partnership, kind_title

Status = SpendingPlan.Status


@dataclass(frozen=True)
class Route:
    needs_executive_group: bool
    needs_board: bool
    note: str = ""
    finance_officer_first: bool = False


def route_for(plan: SpendingPlan) -> Route:
    """The stages this submission goes through. No executive group: straight to the board. A minor variation
    (below the OPCC's threshold) takes the partnership's shorter path, if it has chosen one. The final sign-off is
    in the order the force area has set: together, or its finance officer first."""
    partnership = plan.award.partnership
    needs_executive = partnership.has_executive_group
    needs_board = True
    finance_first = partnership.force_area.sign_off_order == ForceArea.SignOffOrder.FINANCE_FIRST
    minor = minor_variation(plan)
    if minor is None or partnership.minor_variation_path == Partnership.MinorVariationPath.FULL:
        return Route(needs_executive, needs_board, finance_officer_first=finance_first)
    path = partnership.minor_variation_path
    if path == Partnership.MinorVariationPath.BOARD:
        needs_executive = False
    elif path == Partnership.MinorVariationPath.EXECUTIVE and needs_executive:
        needs_board = False
    elif path == Partnership.MinorVariationPath.OPCC:
        needs_executive = needs_board = False
    return Route(
        needs_executive,
        needs_board,
        f"Minor variation: {minor.describe()}. It goes by the partnership's shorter path: "
        f"{Partnership.MinorVariationPath(path).label.lower()}.",
        finance_officer_first=finance_first,
    )


def _role_scope(plan: SpendingPlan, stage: str) -> str:
    partnership = plan.award.partnership
    return str(partnership) if stage in workflow.PARTNERSHIP_STAGES else str(partnership.force_area)


def _role_title(plan: SpendingPlan, stage: str) -> str:
    """The title the person acts under, kept on the record: the funder body's titles in force today for the
    sign-offs ("Deputy Mayor for Policing and Crime"), the role's name otherwise."""
    return kind_title(workflow.ACTS_AT[stage], plan.award.partnership.force_area)


@transaction.atomic
def plan_decide(
    *,
    plan: SpendingPlan,
    by,
    action: str,
    comments: str = "",
    conditions: str = "",
    expected_status: str | None = None,
    meeting_date: datetime.date | None = None,
    minute_reference: str = "",
) -> Decision:
    """Fires transition `action` on `plan` for `by`, or raises ValidationError saying why not.

    `expected_status` is the status the person saw when they opened the page: if someone else has moved the
    plan on since, nothing is recorded and they are told so. A decision taken at a minuted meeting (the board's)
    may give the meeting's date and minute reference; the meeting's date is then the decision's."""
    transition = workflow.BY_NAME.get(action)
    if transition is None:
        raise ValidationError(f"There is no such decision as “{action}”.")
    locked = (
        SpendingPlan.objects.select_for_update(of=("self",))
        .select_related("award__partnership__force_area")
        .get(pk=plan.pk)
    )
    if expected_status is not None and locked.status != expected_status:
        raise ValidationError(
            f"Someone else has acted on this plan since you opened it: it is now “{locked.get_status_display()}”. "
            f"Nothing was recorded.",
            code="stale",
        )
    verdict = workflow.check(locked, by, action)
    if not verdict:
        raise ValidationError(verdict.reason, code="refused")
    comments, conditions = comments.strip(), conditions.strip()
    errors = {}
    if transition.comments_required and not comments:
        errors["comments"] = "Say what needs to change and why: the partnership will see your comments."
    if conditions and not transition.conditions:
        errors["conditions"] = "Conditions can only be attached when agreeing, approving or signing off."
    minute_reference = minute_reference.strip()
    errors.update(_meeting_errors(locked, verdict.stage, meeting_date, minute_reference))
    if errors:
        raise ValidationError(errors)

    note = ""
    from_status = locked.status
    new_status = transition.target
    if transition.name == "submit":
        problems = locked.submission_problems()
        if locked.version > 1 and not problems and not _changes_anything(locked):
            problems.append(f"This variation does not change anything from version {locked.version - 1} yet.")
        if problems:
            raise ValidationError(problems, code="incomplete")
        route = route_for(locked)
        locked.round += 1
        locked.needs_executive_group, locked.needs_board = route.needs_executive_group, route.needs_board
        locked.finance_officer_first = route.finance_officer_first
        note = route.note
    elif transition.recall:
        note = "Withdrawn by the partnership before any reviewer acted on it."
    elif transition.parallel:
        signed = workflow.signed_this_round(locked) | {verdict.stage}
        step = next(step for step in workflow.PATH if verdict.stage in step.stages)
        if not set(step.stages) <= signed:
            new_status = locked.status
            funder = workflow.funder_of(locked)
            waiting = [workflow.stage_title(s, funder) for s in step.stages if s not in signed]
            note = f"Waiting for the {' and the '.join(waiting)} to sign off too."

    if stood_aside := _stood_aside(locked, verdict.stage, by):
        note = f"{note} {stood_aside}".strip()

    # The content decided on, for the decision and the history record of the status's change: read once (kept
    # under its stamp, which `locked` was just read with), not once for each (issue 13).
    content = plan_snapshot_under_lock(locked)
    locked._history_snapshot = content
    locked.status = new_status
    locked.save(
        update_fields=[
            "status",
            "round",
            "needs_executive_group",
            "needs_board",
            "finance_officer_first",
            "updated_at",
        ]
    )
    decision = Decision.objects.create(
        plan=locked,
        version=locked.version,
        round=locked.round,
        stage=verdict.stage,
        action=transition.name,
        from_status=from_status,
        to_status=new_status,
        user=by,
        user_name=by.display_name,
        job_title=by.job_title,
        role_kind=workflow.ACTS_AT[verdict.stage],
        role_title=_role_title(locked, verdict.stage),
        role_scope=_role_scope(locked, verdict.stage),
        comments=comments,
        conditions=conditions,
        note=note[:500],
        snapshot=content,
        meeting_date=meeting_date,
        minute_reference=minute_reference,
    )
    InterestDeclaration.objects.filter(plan=locked, user=by, decision__isnull=True).update(decision=decision)
    if new_status == Status.APPROVED:
        _issue_decision_notice(locked)
        from grants.services.returns import returns_set_up

        returns_set_up(award=locked.award)  # the returns it will owe (the reminder job also checks every night)

    from grants.tasks import send_decision_emails

    transaction.on_commit(lambda: send_decision_emails.enqueue(decision.pk))
    plan.status, plan.round = locked.status, locked.round  # the caller's copy follows
    plan.needs_executive_group, plan.needs_board = locked.needs_executive_group, locked.needs_board
    plan.finance_officer_first = locked.finance_officer_first
    for name in SpendingPlan.WORKFLOW_CACHES:
        plan.__dict__.pop(name, None)
    return decision


def _meeting_errors(plan: SpendingPlan, stage: str, meeting_date, minute_reference: str) -> dict[str, str]:
    """A meeting's date is given only for a stage that meets (the board), is not in the future, and is not before
    the plan was submitted: the meeting cannot have decided on a plan it had not been sent."""
    if meeting_date is None and not minute_reference:
        return {}
    if stage not in workflow.MEETING_STAGES:
        return {"meeting_date": "Only a board decision records the meeting it was taken at."}
    meeting = f"the {workflow.Stage(stage).label.lower()} meeting"
    if meeting_date is None:
        return {"meeting_date": f"Enter the date of {meeting} the minute is from"}
    if meeting_date > timezone.localdate():
        return {"meeting_date": f"The date of {meeting} must be today or in the past"}
    submitted = plan.decisions.filter(round=plan.round, action="submit").order_by("-decided_at").first()
    if submitted is not None and meeting_date < timezone.localdate(submitted.decided_at):
        return {
            "meeting_date": f"The date of {meeting} must be on or after "
            f"{timezone.localdate(submitted.decided_at):%-d %B %Y}, when the plan was submitted"
        }
    return {}


def _stood_aside(plan: SpendingPlan, stage: str, by) -> str:
    """The record of who did not take part because of a prejudicial interest: others holding this stage's role
    who declared one on this version (`workflow.check` keeps them from acting)."""
    declarations = (
        plan.declarations.filter(prejudicial=True, role_kind=workflow.ACTS_AT[stage])
        .exclude(user=by)
        .order_by("declared_at")
    )
    names = list(dict.fromkeys(f"{d.user_name} (project {d.project_number})" for d in declarations))
    if not names:
        return ""
    return (
        f"Decided by {by.display_name} because {workflow._join(names)} declared a prejudicial interest and took "
        f"no part."
    )


def _changes_anything(plan: SpendingPlan) -> bool:
    from grants.services.comparison import plan_diff

    previous = plan.previous_version  # read now, in the transaction that locked `plan`: both stamps are current
    return previous is None or plan_diff(plan_snapshot_under_lock(previous), plan_snapshot_under_lock(plan)).has_changes


def _force_area_code(force_area: ForceArea) -> str:
    """`Devon & Cornwall` → `DC`, `Avon and Somerset` → `AS`: the prefix of the PCC's decision numbers. Areas can
    share one (Dorset and Durham are both `D`), so a reference is unique within its area (`DecisionNotice`)."""
    words = [w for w in force_area.name.replace("&", " ").split() if w.lower() not in {"and", "of", "the"}]
    return "".join(w[0] for w in words if w[0].isalpha()).upper() or "PCC"


def _issue_decision_notice(plan: SpendingPlan) -> DecisionNotice:
    """Numbers the PCC's decision `DC/2020-21/001`: in order per force area and financial year. The force area's
    row is locked while the number is taken, so two plans approved at once cannot get the same number."""
    force_area = ForceArea.objects.select_for_update().get(pk=plan.award.partnership.force_area_id)
    year = plan.financial_year
    sequence = DecisionNotice.objects.filter(force_area=force_area, financial_year=year).order_by("-sequence").first()
    number = (sequence.sequence if sequence else 0) + 1
    signed = {d.stage: d for d in plan.decisions.filter(round=plan.round, action__in=workflow._SIGN_OFFS)}
    return DecisionNotice.objects.create(
        plan=plan,
        force_area=force_area,
        financial_year=year,
        sequence=number,
        reference=f"{_force_area_code(force_area)}/{year.replace('/', '-')}/{number:03d}",
        issued_at=timezone.now(),
        funder_name=force_area.funder.name,
        pcc_decision=signed[workflow.Stage.PCC],
        treasurer_decision=signed[workflow.Stage.TREASURER],
    )


# Named entry points, for readers and tests: each is `plan_decide` with its action.


def plan_submit(*, plan, by, comments: str = "", expected_status=None) -> Decision:
    return plan_decide(plan=plan, by=by, action="submit", comments=comments, expected_status=expected_status)


def plan_return(*, plan, by, comments: str, expected_status=None) -> Decision:
    return plan_decide(plan=plan, by=by, action="return", comments=comments, expected_status=expected_status)


def plan_decline(*, plan, by, comments: str, expected_status=None) -> Decision:
    return plan_decide(plan=plan, by=by, action="decline", comments=comments, expected_status=expected_status)


def plan_withdraw(*, plan, by, comments: str = "", expected_status=None) -> Decision:
    return plan_decide(plan=plan, by=by, action="withdraw", comments=comments, expected_status=expected_status)


@transaction.atomic
def plan_declare_interest(
    *, plan: SpendingPlan, by, project: FundedProject, interest: str, prejudicial: bool = False
) -> InterestDeclaration:
    """Records a reviewer's interest in one funded project of the version they are about to decide on. A
    prejudicial interest keeps them from acting on this version at all (`workflow.check`)."""
    import rules

    locked = SpendingPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if not rules.test_rule("grants.declare_interest", by, locked):
        raise ValidationError("Only a reviewer of this plan can declare an interest in it while it is reviewed.")
    if project.plan_id != locked.pk:
        raise ValidationError({"project": "Choose one of this plan's funded projects."})
    if not interest.strip():
        raise ValidationError({"interest": "Describe your interest, for example “I am a trustee of the provider”."})
    held = sorted(workflow.stages_held(by, locked) - {workflow.Stage.SUBMISSION}, key=list(workflow.Stage).index)
    awaiting = [stage for stage in held if stage in locked.awaiting] or held
    stage = awaiting[0]
    return InterestDeclaration.objects.create(
        plan=locked,
        project=project,
        line_id=project.line_id,
        project_number=project.number,
        project_title=project.title,
        user=by,
        user_name=by.display_name,
        role_kind=workflow.ACTS_AT[stage],
        role_title=_role_title(locked, stage),
        role_scope=_role_scope(locked, stage),
        interest=interest.strip(),
        prejudicial=prejudicial,
    )
