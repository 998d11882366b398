"""Reminders, overdue notices and the OPCC's weekly digest, sent by the scheduled job (grants/tasks.py
`send_reminders`, queued by grants/scheduler.py), and the e-mails for each step of a return.

When, for a return not yet submitted:
- `before`: `reminder_working_days` working days before its due date (the force area's reporting rules);
- `due`: on the due date;
- `overdue`: on any day after it (once).
To the partnership's CSP officers and certifiers. On Mondays, each force area's OPCC officers get a digest of its
late returns and of the returns waiting for them.

Idempotent: each e-mail is first recorded as a `SentReminder` (unique per person and what was sent); a run that
finds the row already there sends nothing. A mail server that fails lets the row go, so the next run tries again.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from grants.models import PerformanceReturn, ReportingRules, ReturnStep, SentReminder
from grants.services.certification import deputies
from grants.services.returns import area_id, returns_set_up_everywhere
from grants.working_days import add_working_days
from partnerships.models import ForceArea, Role, User

log = logging.getLogger(__name__)
Status = PerformanceReturn.Status
DIGEST_WEEKDAY = 0  # Monday


def _date(day: datetime.date) -> str:
    return f"{day:%-d %B %Y}"


def return_name(performance_return: PerformanceReturn) -> str:
    period = performance_return.period
    if performance_return.is_direct:
        return f"{period.award.organisation} {period.award.financial_year} {period.short_name} return"
    return (
        f"{period.award.partnership} {period.award.financial_year} {period.short_name} return for funded project "
        f"{performance_return.project.number}, {performance_return.project.title}"
    )


def return_link(performance_return: PerformanceReturn) -> str:
    from django.urls import reverse

    return f"{settings.SITE_URL}{reverse('grants:return', args=[performance_return.pk])}"


def _people(performance_return: PerformanceReturn, *kinds: str):
    """The partnership's people in these roles; with the certifiers, the plan's deputies (certification.py). For the
    return of an award made directly to an organisation (whose provider has no users): the area's OPCC officers."""
    award = performance_return.period.award
    if award.partnership_id is None:
        return _opcc(area_id(award))
    people = Q(roles__kind__in=kinds, roles__partnership=award.partnership)
    if Role.Kind.CERTIFIER in kinds:
        people |= Q(pk__in=deputies(award).values("pk"))
    return User.objects.filter(people, is_active=True).exclude(email="").distinct()


def _opcc(force_area_id: int):
    return (
        User.objects.filter(roles__kind=Role.Kind.OPCC, roles__force_area_id=force_area_id, is_active=True)
        .exclude(email="")
        .distinct()
    )


def _record(user: User, key: str) -> SentReminder | None:
    """Records that `key` goes to `user`; None when it was recorded before (sent already)."""
    try:
        with transaction.atomic():
            return SentReminder.objects.create(user=user, key=key)
    except IntegrityError:
        return None


def _send_recorded(records: list[SentReminder], message: EmailMessage, user: User) -> bool:
    """Sends; a mail server that fails lets the records go, so the next run tries again."""
    try:
        sent = get_connection().send_messages([message])
    except Exception:  # noqa: BLE001 - any mail failure: forget the records so the next run tries again
        log.exception("Could not send %s to user %s", [r.key for r in records], user.pk)
        sent = 0
    if not sent:
        SentReminder.objects.filter(pk__in=[r.pk for r in records]).delete()
        return False
    return True


def _send_once(user: User, key: str, message: EmailMessage) -> bool:
    record = _record(user, key)
    return record is not None and _send_recorded([record], message, user)


def reminder_kind(performance_return: PerformanceReturn, today: datetime.date, rules: ReportingRules) -> str | None:
    """Which reminder, if any, the return is owed today."""
    if performance_return.status not in (Status.NOT_STARTED, Status.IN_PROGRESS):
        return None
    due = performance_return.period.due_on
    if today > due:
        return "overdue"
    if today == due:
        return "due"
    if today == add_working_days(due, -rules.reminder_working_days):
        return "before"
    return None


_OPENINGS = {
    "overdue": "Overdue: these returns are past their due date and not yet submitted",
    "due": "Due today",
    "before": "Due soon",
}


def _reminder_line(performance_return: PerformanceReturn, kind: str, today: datetime.date) -> str:
    due = _date(performance_return.period.due_on)
    late = ""
    if kind == "overdue":
        days = (today - performance_return.period.due_on).days
        late = f", {days} day{'s' if days != 1 else ''} late"
    return (
        f"- {return_name(performance_return)}: due by {due}{late} "
        f"({performance_return.get_status_display().lower()}). {return_link(performance_return)}"
    )


def reminders_send(today: datetime.date | None = None) -> int:
    """THE reminder job: one e-mail per person per run at most, listing each return they have not yet been
    reminded of in this way (before, due, overdue). Returns how many e-mails it sent."""
    today = today or timezone.localdate()
    returns_set_up_everywhere()
    rules_by_area: dict[int, ReportingRules] = {}
    owed: dict[int, list[tuple[PerformanceReturn, str]]] = {}
    people: dict[int, User] = {}
    returns = (
        PerformanceReturn.objects.filter(
            status__in=(Status.NOT_STARTED, Status.IN_PROGRESS), period__opens_on__lte=today
        )
        .select_related("period__award__partnership", "period__award__funding_stream", "project")
        .order_by("period__due_on", "project__number")
    )
    for performance_return in returns:
        area = area_id(performance_return.period.award)
        rules = rules_by_area.setdefault(area, ReportingRules.for_area(area))
        kind = reminder_kind(performance_return, today, rules)
        if kind is None:
            continue
        for person in _people(performance_return, Role.Kind.OFFICER, Role.Kind.CERTIFIER):
            people[person.pk] = person
            owed.setdefault(person.pk, []).append((performance_return, kind))
    sent = 0
    for person_id, items in owed.items():
        person = people[person_id]
        records, lines = [], {}
        for performance_return, kind in items:
            record = _record(person, f"return-{performance_return.pk}-{kind}")
            if record is not None:
                records.append(record)
                lines.setdefault(kind, []).append(_reminder_line(performance_return, kind, today))
        if not records:
            continue
        body = []
        for kind in ("overdue", "due", "before"):
            if kind in lines:
                body += [f"{_OPENINGS[kind]}:", *lines[kind], ""]
        body.append("The CSP officer enters and submits each return; a certifier of the partnership then certifies it.")
        count = len(records)
        first = next(iter(lines))
        subject = {
            "overdue": f"{count} performance return{'s' if count != 1 else ''} overdue",
            "due": f"{count} performance return{'s' if count != 1 else ''} due today",
            "before": f"{count} performance return{'s' if count != 1 else ''} due by "
            f"{_date(items[0][0].period.due_on)}",
        }[first]
        message = EmailMessage(subject=subject, body="\n".join(body) + "\n", to=[person.email])
        sent += _send_recorded(records, message, person)
    if today.weekday() == DIGEST_WEEKDAY:
        sent += digests_send(today)
    return sent


def in_area(force_area) -> Q:
    """Returns of the area: its partnerships' and those of awards made directly to organisations from its streams."""
    return Q(period__award__partnership__force_area=force_area) | Q(
        period__award__partnership__isnull=True, period__award__funding_stream__force_area=force_area
    )


def late_returns(*, today: datetime.date | None = None, force_area=None, **filters):
    """Returns past their due date and not yet submitted (THE late rule: `PerformanceReturn.is_late`)."""
    today = today or timezone.localdate()
    if force_area is not None:
        filters["pk__in"] = PerformanceReturn.objects.filter(in_area(force_area)).values("pk")
    return (
        PerformanceReturn.objects.filter(**filters)
        .late(today)
        .select_related("period__award__partnership", "period__award__organisation", "project")
    )


def digests_send(today: datetime.date) -> int:
    sent = 0
    year, week, _ = today.isocalendar()
    for area in ForceArea.objects.all():
        late = list(late_returns(today=today, force_area=area))
        waiting = list(
            PerformanceReturn.objects.filter(
                Q(status=Status.CERTIFIED, period__award__partnership__force_area=area)
                | Q(in_area(area), status=Status.SUBMITTED, period__award__partnership__isnull=True)
            ).select_related("period__award__partnership", "period__award__organisation", "project")
        )
        if not late and not waiting:
            continue
        lines = [f"Returns in {area} on {_date(today)}.", ""]
        lines.append(f"Late ({len(late)}):")
        lines += [
            f"- {return_name(r)}: due by {_date(r.period.due_on)}, {r.days_late(today)} days late. {return_link(r)}"
            for r in late
        ] or ["- none"]
        lines += [
            "",
            f"Waiting for the OPCC to accept or query: certified, or recorded from a provider ({len(waiting)}):",
        ]
        lines += [f"- {return_name(r)}. {return_link(r)}" for r in waiting] or ["- none"]
        body = "\n".join(lines) + "\n"
        people = User.objects.filter(roles__kind=Role.Kind.OPCC, roles__force_area=area, is_active=True).exclude(
            email=""
        )
        for person in people.distinct():
            message = EmailMessage(
                subject=f"Weekly returns digest for {area}: {len(late)} late", body=body, to=[person.email]
            )
            sent += _send_once(person, f"digest-{area.slug}-{year}-W{week:02d}", message)
    return sent


# --- the e-mails for a step ---------------------------------------------------------------------------------------


def notify_return_step(step_id: int) -> int:
    """Who is told of each step: submitted → the certifiers (less the submitter); certified → the OPCC officers;
    queried → the officer who submitted it; accepted or reopened → the officers and certifiers."""
    step = ReturnStep.objects.select_related("performance_return__period__award__partnership__force_area").get(
        pk=step_id
    )
    performance_return = step.performance_return
    action = step.action
    if performance_return.is_direct and action in (ReturnStep.Action.SUBMIT, ReturnStep.Action.CERTIFY):
        people = _people(performance_return)  # the area's OPCC officers, less the one who recorded it
        what = "has been recorded and waits for another OPCC officer to accept it"
    elif action == ReturnStep.Action.SUBMIT:
        people = _people(performance_return, Role.Kind.CERTIFIER)
        what = "has been submitted and waits for you to certify it"
    elif action == ReturnStep.Action.CERTIFY:
        people = _opcc(area_id(performance_return.period.award))
        what = "has been certified and waits for the OPCC to accept it"
    elif action == ReturnStep.Action.QUERY:
        submit = performance_return.steps.filter(action=ReturnStep.Action.SUBMIT).order_by("-taken_at").first()
        people = User.objects.filter(pk=submit.user_id).exclude(email="") if submit else User.objects.none()
        what = "has been queried by the OPCC: answer the query and submit it again"
    elif action in (ReturnStep.Action.ACCEPT, ReturnStep.Action.REOPEN):
        people = _people(performance_return, Role.Kind.OFFICER, Role.Kind.CERTIFIER)
        what = (
            "has been accepted by the OPCC" if action == ReturnStep.Action.ACCEPT else "has been reopened by the OPCC"
        )
    else:
        return 0
    name = return_name(performance_return)
    comments = f"\n\nComments from {step.user_name}:\n{step.comments}" if step.comments else ""
    messages = [
        EmailMessage(
            subject=f"{name} {what.split(':')[0]}",
            body=f"The {name} {what}.{comments}\n\nOpen the return: {return_link(performance_return)}\n",
            to=[person.email],
        )
        for person in people.distinct()
        if person.pk != step.user_id
    ]
    if not messages:
        return 0
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:  # noqa: BLE001 - the step stands; the page shows it
        log.exception("Could not send the e-mails for return step %s", step_id)
        return 0
