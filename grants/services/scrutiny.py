"""OPCC scrutiny comments on funded projects and the partnership's answers: the one writer of both records.

The OPCC scrutinises a plan against the Police and Crime Plan line by line (PAGES.md: "comments per line,
recommend / return"). An OPCC officer may comment while the OPCC can still recommend the plan; the partnership's
officers answer on the plan page until the plan is approved or declined. Records are append-only; the e-mails
go after the commit.
"""

from __future__ import annotations

import rules
from django.core.exceptions import ValidationError
from django.db import transaction

from grants import workflow
from grants.models import CommentAnswer, FundedProject, ScrutinyComment, SpendingPlan
from partnerships.models import Role


def _locked(plan_id) -> SpendingPlan:
    return (
        SpendingPlan.objects.select_for_update(of=("self",))
        .select_related("award__partnership__force_area")
        .get(pk=plan_id)
    )


def why_cannot_comment(user, plan: SpendingPlan) -> str:
    """Why `user` may not add a scrutiny comment now, in words to show them; "" when they may."""
    if rules.test_rule("grants.comment_on_plan", user, plan):
        return ""
    if workflow.Stage.OPCC not in workflow.stages_held(user, plan):
        return f"Only an OPCC officer of {plan.partnership.force_area} can add scrutiny comments."
    if interest := workflow.prejudicial_interest(user, plan):
        return (
            f"You have declared a prejudicial interest in funded project {interest.project_number}, so you may not "
            f"act on this plan."
        )
    return (
        f"Scrutiny comments can be added while the plan is with its reviewers and not yet recommended; it is "
        f"“{plan.get_status_display()}” now."
    )


@transaction.atomic
def comment_add(*, plan: SpendingPlan, by, project: FundedProject, kind: str, text: str) -> ScrutinyComment:
    """Records an OPCC scrutiny comment (a question, a condition or a note) on one funded project."""
    locked = _locked(plan.pk)
    if reason := why_cannot_comment(by, locked):
        raise ValidationError(reason, code="refused")
    errors = {}
    if project is None or project.plan_id != locked.pk:
        errors["project"] = "Choose one of this plan's funded projects."
    if kind not in ScrutinyComment.Kind.values:
        errors["kind"] = "Choose whether it is a question, a condition or a note."
    if not text.strip():
        errors["text"] = "Enter your comment"
    if errors:
        raise ValidationError(errors)
    comment = ScrutinyComment.objects.create(
        plan=locked,
        project=project,
        line_id=project.line_id,
        project_number=project.number,
        project_title=project.title,
        round=locked.round,
        kind=kind,
        text=text.strip(),
        user=by,
        user_name=by.display_name,
        role_kind=Role.Kind.OPCC,
        role_scope=str(locked.partnership.force_area),
    )
    from grants.tasks import send_comment_email

    transaction.on_commit(lambda: send_comment_email.enqueue(comment.pk))
    return comment


@transaction.atomic
def comment_answer(*, comment: ScrutinyComment, by, text: str) -> CommentAnswer:
    """Records a partnership officer's answer to a scrutiny comment on their plan."""
    locked = _locked(comment.plan_id)
    if not rules.test_rule("grants.answer_comment", by, locked):
        if locked.status in workflow.TERMINAL:
            raise ValidationError(
                f"This plan is {locked.get_status_display().lower()}: its scrutiny comments can no longer be answered.",
                code="refused",
            )
        raise ValidationError(f"Only {locked.partnership}'s CSP officers can answer scrutiny comments.", code="refused")
    if not text.strip():
        raise ValidationError({"text": "Enter your answer"})
    answer = CommentAnswer.objects.create(
        comment=comment,
        text=text.strip(),
        user=by,
        user_name=by.display_name,
        role_kind=Role.Kind.OFFICER,
        role_scope=str(locked.partnership),
    )
    from grants.tasks import send_answer_email

    transaction.on_commit(lambda: send_answer_email.enqueue(answer.pk))
    return answer
