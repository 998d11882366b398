"""E-mails about decisions, through Django's mail framework (the console by default; `EMAIL_URL` for SMTP).

After each decision: the people who can act next are told the plan waits for them, and the officer who
submitted it is told when it is returned for changes, declined or approved. Queued by the workflow service with
`transaction.on_commit`, so a decision that is rolled back sends nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q

from grants import workflow
from grants.models import Decision, SpendingPlan
from partnerships.models import User

log = logging.getLogger(__name__)
Status = SpendingPlan.Status


def people_who_can_act(plan: SpendingPlan, stage: str):
    """Active people holding the stage's role for the plan's partnership or force area, less anyone who has
    already acted on this version at another stage (they may not act here)."""
    partnership = plan.award.partnership
    scope = (
        Q(roles__partnership=partnership)
        if stage in workflow.PARTNERSHIP_STAGES
        else Q(roles__force_area_id=partnership.force_area_id)
    )
    acted_elsewhere = plan.decisions.exclude(stage=stage).values("user")
    return (
        User.objects.filter(scope, roles__kind=workflow.ACTS_AT[stage], is_active=True)
        .exclude(pk__in=acted_elsewhere)
        .distinct()
    )


def _plan_name(plan: SpendingPlan) -> str:
    version = f" (version {plan.version})" if plan.version > 1 else ""
    return f"{plan.award.partnership} {plan.financial_year} spending plan{version}"


def _link(plan: SpendingPlan) -> str:
    return f"{settings.SITE_URL}{plan.get_absolute_url()}"


def _message(decision: Decision) -> str:
    lines = [f"Decision: {decision.action_display}, {decision.decided_at:%d %B %Y}, by {decision.person_display}."]
    if decision.comments:
        lines += ["", "Comments:", decision.comments]
    if decision.conditions:
        lines += ["", "Conditions:", decision.conditions]
    return "\n".join(lines)


def messages_for(decision: Decision) -> list[EmailMessage]:
    plan = decision.plan
    name = _plan_name(plan)
    messages = []
    if decision.from_status != decision.to_status and plan.status not in (*workflow.TERMINAL, Status.RETURNED):
        deadline = plan.submission_deadline
        due = ""
        if deadline and deadline.applies_to(plan):
            due = f"\nThe OPCC's deadline for {plan.financial_year} plans is {deadline.submit_by:%d %B %Y}"
            if deadline.is_late(plan):
                days = deadline.days_late()
                due += f": the plan is late, by {days} day{'s' if days != 1 else ''}"
            due += ".\n"
        for stage in plan.awaiting:
            for person in people_who_can_act(plan, stage):
                if person.pk == decision.user_id or not person.email:
                    continue
                messages.append(
                    EmailMessage(
                        subject=f"{name}: waiting for your decision",
                        body=(
                            f"{name} is waiting for a decision by the {workflow.Stage(stage).label.lower()}.\n\n"
                            f"{_message(decision)}\n{due}\nOpen the plan: {_link(plan)}\n"
                        ),
                        to=[person.email],
                    )
                )
    if decision.to_status in (Status.RETURNED, Status.DECLINED, Status.APPROVED):
        submit = plan.decisions.filter(action="submit").order_by("-decided_at").select_related("user").first()
        if submit and submit.user.email and submit.user_id != decision.user_id:
            outcome = {
                Status.RETURNED: "has been returned for changes",
                Status.DECLINED: "has been declined",
                Status.APPROVED: "has been approved by the Police and Crime Commissioner and the Treasurer",
            }[decision.to_status]
            messages.append(
                EmailMessage(
                    subject=f"{name} {outcome}",
                    body=f"{name}, which you submitted, {outcome}.\n\n{_message(decision)}\n\n"
                    f"Open the plan: {_link(plan)}\n",
                    to=[submit.user.email],
                )
            )
    return messages


def notify_decision(decision_id: int) -> int:
    """Sends the e-mails for one decision; returns how many. A mail server that fails is logged, not raised:
    the decision stands and the page shows it."""
    decision = Decision.objects.select_related("plan__award__partnership__force_area").get(pk=decision_id)
    messages = messages_for(decision)
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # noqa: BLE001 - any mail failure: the decision is already recorded
        log.exception("Could not send the e-mails for decision %s", decision_id)
        return 0
