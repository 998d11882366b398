"""E-mails about a plan's progress, through Django's mail framework (the console by default; `EMAIL_URL` for SMTP).

After each decision:
- the people who can act next are told the plan waits for them (and by when);
- the officer who submitted the plan is told at every step, not only at the end: what was decided, by whom, and
  where the plan is now, in plain words ("now waiting for OPCC scrutiny");
- when the officers withdraw a submission, the people it was waiting for are told they need not act.
An OPCC scrutiny comment is sent to the officer who submitted the plan, and the officer's answer to the person
who commented. Every link is built from `SITE_URL`.

Sent by the task queue (grants/tasks.py), queued after the commit (`transaction.on_commit` in the services): a
decision that is rolled back sends nothing, and no e-mail is ever sent inside a web request.
"""

from __future__ import annotations

import copy
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from grants import workflow
from grants.models import CommentAnswer, Decision, ScrutinyComment, SpendingPlan
from partnerships.models import User

log = logging.getLogger(__name__)
Status = SpendingPlan.Status


def people_who_can_act(plan: SpendingPlan, stage: str):
    """Active people holding the stage's role for the plan's partnership or force area, less anyone who may not
    act here: who has already acted on this version at another stage, or declared a prejudicial interest in it."""
    partnership = plan.award.partnership
    scope = (
        Q(roles__partnership=partnership)
        if stage in workflow.PARTNERSHIP_STAGES
        else Q(roles__force_area_id=partnership.force_area_id)
    )
    acted_elsewhere = plan.decisions.exclude(stage=stage).values("user")
    stood_aside = plan.declarations.filter(prejudicial=True).values("user")
    return (
        User.objects.filter(scope, roles__kind=workflow.ACTS_AT[stage], is_active=True)
        .exclude(pk__in=acted_elsewhere)
        .exclude(pk__in=stood_aside)
        .distinct()
    )


def plan_name(plan: SpendingPlan) -> str:
    version = f" (version {plan.version})" if plan.version > 1 else ""
    return f"{plan.award.partnership} {plan.financial_year} spending plan{version}"


def link(plan: SpendingPlan, anchor: str = "") -> str:
    return f"{settings.SITE_URL}{plan.get_absolute_url()}{'#' + anchor if anchor else ''}"


def _lower_first(text: str) -> str:
    return workflow._lower_first(text)


def _date(value) -> str:
    return f"{value:%-d %B %Y}"


def where_now(plan: SpendingPlan) -> str:
    """Where the plan is, in plain words: `It is now waiting for the board, due by 31 January 2020: it is late,
    by 3 days.`, with the OPCC's submission deadline when it applies (the year's first version, still with the
    partnership) and whether the plan is late by THE rule (`SubmissionDeadline.is_late`)."""
    if plan.status == Status.APPROVED:
        title = workflow.stage_title(workflow.Stage.PCC, workflow.funder_of(plan))
        return f"It is approved: the {title}'s decision notice has been issued."
    if plan.status == Status.DECLINED:
        return "It has been declined. The partnership can start a new version."
    if plan.status in (Status.DRAFT, Status.RETURNED):
        text = "It is back with the partnership's officers, who can change it and submit it again"
    else:
        text = f"It is now waiting for {workflow.waiting_for(plan)}"
    deadline = plan.submission_deadline
    if deadline is None or not deadline.applies_to(plan):
        return f"{text}."
    text = f"{text}, due by {_date(deadline.submit_by)}"
    if deadline.is_late(plan):
        days = deadline.days_late()
        text += f": it is late, by {days} day{'s' if days != 1 else ''}"
    return f"{text}."


def _decision_lines(decision: Decision) -> str:
    lines = [f"Decision: {decision.action_display}, {_date(decision.decision_date)}, by {decision.person_display}."]
    if decision.meeting_display:
        lines.append(f"Taken at the {decision.meeting_display[0].lower()}{decision.meeting_display[1:]}.")
    if decision.comments:
        lines += ["", "Comments:", decision.comments]
    if decision.conditions:
        lines += ["", "Conditions:", decision.conditions]
    if decision.note:
        lines += ["", decision.note]
    return "\n".join(lines)


def _submitter(plan: SpendingPlan, decision: Decision) -> User | None:
    """The officer who made the submission this decision belongs to."""
    submit = (
        plan.decisions.filter(action="submit", round__lte=decision.round)
        .order_by("-round", "-decided_at")
        .select_related("user")
        .first()
    )
    return submit.user if submit else None


def _to_people_who_act_next(decision: Decision, name: str) -> list[EmailMessage]:
    plan = decision.plan
    if decision.from_status == decision.to_status or plan.status not in workflow.IN_REVIEW:
        return []
    messages = []
    for stage in plan.awaiting:
        for person in people_who_can_act(plan, stage):
            if person.pk == decision.user_id or not person.email:
                continue
            messages.append(
                EmailMessage(
                    subject=f"{name}: waiting for your decision",
                    body=(
                        f"{name} is waiting for {workflow.stage_name(stage, plan)}: you can decide as "
                        f"{workflow.who_acts(stage, plan)}.\n\n{where_now(plan)}\n\n{_decision_lines(decision)}\n\n"
                        f"Open the plan: {link(plan)}\n"
                    ),
                    to=[person.email],
                )
            )
    return messages


def _outcome(decision: Decision) -> str | None:
    """What happened to the submission, in the funder body's titles: `has been approved by the Police and Crime
    Commissioner and the Treasurer`; None while it is still on its way."""
    plan = decision.plan
    if decision.to_status == Status.APPROVED:
        signed = plan.decisions.filter(round=plan.round, action__in=workflow.SIGN_OFFS)
        approvers = " and the ".join(d.title for d in sorted(signed, key=lambda d: d.stage != "pcc"))
        return f"has been approved by the {approvers}"
    return {Status.RETURNED: "has been returned for changes", Status.DECLINED: "has been declined"}.get(
        decision.to_status
    )


def _to_the_submitter(decision: Decision, name: str) -> list[EmailMessage]:
    """Every step someone else takes on the officer's submission, with where the plan is now."""
    plan = decision.plan
    if decision.action in ("submit", "withdraw"):
        return []
    officer = _submitter(plan, decision)
    if officer is None or not officer.email or officer.pk == decision.user_id:
        return []
    outcome = _outcome(decision)
    if outcome is not None:
        subject = f"{name} {outcome}"
        opening = f"{name}, which you submitted, {outcome}."
    else:
        step = _lower_first(decision.action_display)
        subject = f"{name}: {step}, now waiting for {workflow.waiting_for(plan)}"
        opening = f"{name}, which you submitted, has moved on a step: {step}."
    return [
        EmailMessage(
            subject=subject,
            body=f"{opening}\n\n{where_now(plan)}\n\n{_decision_lines(decision)}\n\nOpen the plan: {link(plan)}\n",
            to=[officer.email],
        )
    ]


def _to_people_it_was_waiting_for(decision: Decision, name: str) -> list[EmailMessage]:
    """A withdrawal: the reviewers who had been told the plan waited for them need not act."""
    if decision.action != "withdraw":
        return []
    before = copy.copy(decision.plan)
    before.status = decision.from_status
    before.__dict__.pop("awaiting", None)
    messages = []
    for stage in workflow.awaiting_stages(before):
        for person in people_who_can_act(before, stage):
            if person.pk == decision.user_id or not person.email:
                continue
            messages.append(
                EmailMessage(
                    subject=f"{name} has been withdrawn: no decision needed",
                    body=(
                        f"{decision.user_name} has withdrawn {name} before any reviewer acted on it, so it no "
                        f"longer waits for {workflow.stage_name(stage, before)}. You will be told when it is "
                        "submitted again.\n\n"
                        f"{_decision_lines(decision)}\n\nOpen the plan: {link(decision.plan)}\n"
                    ),
                    to=[person.email],
                )
            )
    return messages


def messages_for(decision: Decision) -> list[EmailMessage]:
    name = plan_name(decision.plan)
    return (
        _to_people_who_act_next(decision, name)
        + _to_the_submitter(decision, name)
        + _to_people_it_was_waiting_for(decision, name)
    )


def _send(messages: list[EmailMessage], what: str) -> int:
    """A mail server that fails is logged, not raised: the record stands and the page shows it."""
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # noqa: BLE001 - any mail failure: the record is already kept
        log.exception("Could not send the e-mails for %s", what)
        return 0


def notify_decision(decision_id: int) -> int:
    """Sends the e-mails for one decision; returns how many."""
    decision = Decision.objects.select_related("plan__award__partnership__force_area").get(pk=decision_id)
    return _send(messages_for(decision), f"decision {decision_id}")


def notify_comment(comment_id: int) -> int:
    """Tells the officer who submitted the plan about an OPCC scrutiny comment on one of its funded projects."""
    comment = ScrutinyComment.objects.select_related("plan__award__partnership__force_area").get(pk=comment_id)
    plan = comment.plan
    submit = plan.decisions.filter(action="submit").order_by("-decided_at").select_related("user").first()
    if submit is None or not submit.user.email or submit.user_id == comment.user_id:
        return 0
    name = plan_name(plan)
    kind = comment.get_kind_display().lower()
    answer = " Answer it on the plan page." if comment.kind == ScrutinyComment.Kind.QUESTION else ""
    message = EmailMessage(
        subject=f"{name}: OPCC scrutiny {kind} on funded project {comment.project_number}",
        body=(
            f"{comment.user_name} ({comment.role_display}) has added a {kind} on funded project "
            f"{comment.project_number}, {comment.project_title}, on {_date(timezone.localdate(comment.made_at))}:"
            f"\n\n{comment.text}\n\n{where_now(plan)}{answer}\n\nOpen the plan: {link(plan, f'comment-{comment.pk}')}\n"
        ),
        to=[submit.user.email],
    )
    return _send([message], f"comment {comment_id}")


def notify_answer(answer_id: int) -> int:
    """Tells the OPCC officer who commented that the partnership has answered."""
    answer = CommentAnswer.objects.select_related("comment__plan__award__partnership", "comment__user").get(
        pk=answer_id
    )
    comment = answer.comment
    if not comment.user.email or comment.user_id == answer.user_id:
        return 0
    name = plan_name(comment.plan)
    message = EmailMessage(
        subject=f"{name}: answer to your {comment.get_kind_display().lower()} on funded project "
        f"{comment.project_number}",
        body=(
            f"{answer.user_name} ({answer.role_display}) has answered your {comment.get_kind_display().lower()} on "
            f"funded project {comment.project_number}, {comment.project_title}.\n\nYou wrote:\n{comment.text}\n\n"
            f"Answer:\n{answer.text}\n\nOpen the plan: {link(comment.plan, f'comment-{comment.pk}')}\n"
        ),
        to=[comment.user.email],
    )
    return _send([message], f"answer {answer_id}")
