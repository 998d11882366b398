"""Performance returns: the reporting periods of an approved plan, the return each funded project makes for each
period, and the one writer of a return's status.

The path of a return, as a table a reader takes in at a glance (MHCLG's Funding Service: a separate certifier,
returns the funder can query or reopen):

    action    from                                  to          who                                comments
    submit    not started, in progress, queried     submitted   the partnership's CSP officer      optional
    certify   submitted                             certified   its certifier, not the submitter   optional
    query     submitted, certified                  queried     the OPCC                           required
    accept    certified                             accepted    the OPCC                           optional
    reopen    accepted                              in progress the OPCC                           required

An award made directly to an organisation that asks for reports (`award_reporting_set`) has one return per period
for the award itself. The provider has no users: the OPCC records it and another OPCC officer accepts it
(`DIRECT_TRANSITIONS`: record, query, accept, reopen; no certification).

Saving the form moves a return from not started to in progress. Every change is a `ReturnStep`, written in the
same transaction as the change, on the row locked with `select_for_update()`; the e-mails are queued after the
commit (grants/tasks.py).
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from grants.figures.monitoring import line_moves, minor_below
from grants.models import (
    FundedProject,
    GrantAward,
    MeasureResult,
    MoneyMove,
    PerformanceReturn,
    ReportingPeriod,
    ReportingRules,
    ReturnStep,
    SpendForecast,
    SpendingPlan,
)
from grants.money import format_money
from grants.paging import first_rows_and_total
from grants.querysets import ReportingScope
from grants.services.certification import is_deputy
from grants.workflow import Verdict  # one answer to "may they?", with the reason
from grants.working_days import add_working_days
from partnerships.financial_years import FinancialYear
from partnerships.models import Role
from partnerships.rules import holds_role, roles_held

Status = PerformanceReturn.Status
Action = ReturnStep.Action


@dataclass(frozen=True)
class ReturnTransition:
    action: str
    sources: tuple[str, ...]
    target: str
    role: str  # the Role.Kind that may take it
    button: str  # the words on the button
    comments_required: bool = False


TRANSITIONS = (
    ReturnTransition(
        Action.SUBMIT,
        (Status.NOT_STARTED, Status.IN_PROGRESS, Status.QUERIED),
        Status.SUBMITTED,
        Role.Kind.OFFICER,
        "Submit the return for certification",
    ),
    ReturnTransition(Action.CERTIFY, (Status.SUBMITTED,), Status.CERTIFIED, Role.Kind.CERTIFIER, "Certify the return"),
    ReturnTransition(
        Action.QUERY,
        (Status.SUBMITTED, Status.CERTIFIED),
        Status.QUERIED,
        Role.Kind.OPCC,
        "Query the return",
        comments_required=True,
    ),
    ReturnTransition(Action.ACCEPT, (Status.CERTIFIED,), Status.ACCEPTED, Role.Kind.OPCC, "Accept the return"),
    ReturnTransition(
        Action.REOPEN,
        (Status.ACCEPTED,),
        Status.IN_PROGRESS,
        Role.Kind.OPCC,
        "Reopen the return",
        comments_required=True,
    ),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}

# The return of an award made directly to an organisation: recorded by the OPCC, accepted by another OPCC officer.
DIRECT_TRANSITIONS = (
    ReturnTransition(
        Action.SUBMIT,
        (Status.NOT_STARTED, Status.IN_PROGRESS, Status.QUERIED),
        Status.SUBMITTED,
        Role.Kind.OPCC,
        "Record the provider's return",
    ),
    ReturnTransition(
        Action.QUERY, (Status.SUBMITTED,), Status.QUERIED, Role.Kind.OPCC, "Query the return", comments_required=True
    ),
    ReturnTransition(Action.ACCEPT, (Status.SUBMITTED,), Status.ACCEPTED, Role.Kind.OPCC, "Accept the return"),
    BY_ACTION[Action.REOPEN],
)


def transitions_for(performance_return: PerformanceReturn) -> tuple[ReturnTransition, ...]:
    return DIRECT_TRANSITIONS if performance_return.is_direct else TRANSITIONS


def transition_for(performance_return: PerformanceReturn, action: str) -> ReturnTransition | None:
    return next((t for t in transitions_for(performance_return) if t.action == action), None)


def area_id(award: GrantAward) -> int:
    """The force area whose rules and OPCC the award's returns answer to."""
    return award.partnership.force_area_id if award.partnership_id else award.funding_stream.force_area_id


# --- reporting periods ------------------------------------------------------------------------------------------

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]  # fmt: skip


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def periods_of_year(financial_year: str, months: int) -> list[tuple[int, str, datetime.date, datetime.date]]:
    """(number, name, first day, last day) of each period: `Q1 (April to June 2020)` when quarterly."""
    start = FinancialYear.parse(financial_year).starts_on
    periods = []
    for number in range(1, 12 // months + 1):
        first = _add_months(start, (number - 1) * months)
        last = _add_months(first, months) - datetime.timedelta(days=1)
        prefix = {3: "Q", 1: "M", 6: "H", 12: "Y"}[months]
        span = _MONTHS[first.month - 1] if months == 1 else f"{_MONTHS[first.month - 1]} to {_MONTHS[last.month - 1]}"
        periods.append((number, f"{prefix}{number} ({span} {last.year})", first, last))
    return periods


def due_date(ends_on: datetime.date, rules: ReportingRules) -> datetime.date:
    """THE due date of a period's return: `working_days_to_report` working days after the period ends."""
    return add_working_days(ends_on, rules.working_days_to_report)


def _periods_of(award: GrantAward):
    return ReportingPeriod.objects.filter(award_id=award.pk)


@transaction.atomic
def reporting_set_up(*, award: GrantAward) -> list[ReportingPeriod]:
    """The award's reporting periods, made the first time they are asked for by the force area's rules in force
    then (a later change of rules applies to awards set up afterwards, so due dates never move under people).
    An award with any period has them all: `_missing` asks only whether it has none."""
    periods = list(_periods_of(award).order_by("number"))
    if periods:
        return periods
    GrantAward.objects.select_for_update(of=("self",)).filter(pk=award.pk).order_by().values_list("pk").first()
    periods = list(_periods_of(award).order_by("number"))
    if periods:
        return periods
    rules = ReportingRules.for_area(area_id(award))
    months = award.reports_every_months or rules.months_per_period
    for number, name, first, last in periods_of_year(award.financial_year, months):
        periods.append(
            ReportingPeriod.objects.create(
                award=award,
                number=number,
                name=name,
                starts_on=first,
                ends_on=last,
                opens_on=last + datetime.timedelta(days=1),
                due_on=due_date(last, rules),
            )
        )
    return periods


# --- what an award should have: THE rule `returns_set_up` writes by and `returns_ready` reads by ------------------


def _plan_in_force_of(award: GrantAward):
    """The partnership award's plan in force (THE rule: `SpendingPlanQuerySet.in_force`), as a query to ask in SQL."""
    return SpendingPlan.objects.in_force().filter(award_id=award.pk)


def _asks_for_returns(award: GrantAward) -> bool:
    """An award made directly to an organisation reports when the OPCC has asked it to, until it is withdrawn."""
    return bool(award.reports_every_months) and award.withdrawn_at is None


def _lines_unreturned(award: GrantAward):
    """A partnership award's missing returns, as (period id, funded project id, line id): each funded project of
    the plan in force whose line has no return in a period of the award. A variation's new line is missing in every
    period; a line carried over keeps the returns it has, whichever version's project they name."""
    return (
        FundedProject.objects.filter(plan__in=_plan_in_force_of(award))
        .annotate(for_period=F("plan__award__reporting_periods"))  # each project beside each period of the award
        .filter(for_period__isnull=False)
        .exclude(
            Exists(PerformanceReturn.objects.filter(period_id=OuterRef("for_period"), line_id=OuterRef("line_id")))
        )
        .order_by("for_period", "number")
        .values_list("for_period", "pk", "line_id")
    )


def _periods_unreturned(award: GrantAward):
    """A direct award's missing returns, as the ids of its periods that have no return."""
    return (
        _periods_of(award)
        .exclude(Exists(PerformanceReturn.objects.filter(period_id=OuterRef("pk"))))
        .order_by("number")
        .values_list("pk", flat=True)
    )


def _missing(award: GrantAward) -> Q | None:
    """The condition, on the award's row, that something `returns_set_up` would create is missing: the award
    reports (a partnership's once its plan is approved) and has no periods yet, or a return is missing. None when
    the award reports nothing (known from the award itself: no query)."""
    if award.partnership_id is None:
        if not _asks_for_returns(award):
            return None
        return ~Exists(_periods_of(award)) | Exists(_periods_unreturned(award))
    return Exists(_plan_in_force_of(award)) & (~Exists(_periods_of(award)) | Exists(_lines_unreturned(award)))


def returns_ready(*, award: GrantAward) -> bool:
    """Makes sure the award has its periods and returns before a page shows them, reading only: one query when
    all is there, as it is once the plan is approved (grants/services/workflow.py) or the reminder job has run
    (`returns_set_up_everywhere`). Only when something is missing does it call `returns_set_up`, the one writer.
    True when nothing was missing."""
    missing = _missing(award)
    if missing is None or not GrantAward.objects.filter(missing, pk=award.pk).exists():
        return True
    returns_set_up(award=award)
    return False


@transaction.atomic
def returns_set_up(*, award: GrantAward) -> list[PerformanceReturn]:
    """A return for every funded project of the plan in force, for every period of the award: none before the
    plan is approved. A variation approved later adds returns for its new lines; existing returns keep theirs.
    An award made directly to an organisation that asks for reports: one return per period for the award.
    What is missing is asked by the same rule as `returns_ready` (`_lines_unreturned`, `_periods_unreturned`)."""
    if award.partnership_id is None:
        if not _asks_for_returns(award):
            return []
        reporting_set_up(award=award)
        missing = [PerformanceReturn(period_id=period_id) for period_id in _periods_unreturned(award)]
    else:
        if not _plan_in_force_of(award).exists():
            return []
        reporting_set_up(award=award)
        missing = [
            PerformanceReturn(period_id=period_id, project_id=project_id, line_id=line_id)
            for period_id, project_id, line_id in _lines_unreturned(award)
        ]
    if missing:
        PerformanceReturn.objects.bulk_create(missing, ignore_conflicts=True)
    return list(PerformanceReturn.objects.filter(period__award=award).select_related("period", "project"))


def returns_set_up_everywhere(*, force_area=None) -> None:
    """Returns for every award whose plan is approved, and every direct award that asks for reports (the reminder
    job asks first, so a return never due goes unnoticed because nobody opened its page). Each award is asked
    `returns_ready`'s one question; only one missing something is written to."""
    plans = SpendingPlan.objects.in_force().select_related("award__partnership")
    direct = GrantAward.objects.live().filter(partnership__isnull=True, reports_every_months__isnull=False)
    if force_area is not None:
        plans = plans.filter(award__partnership__force_area=force_area)
        direct = direct.filter(funding_stream__force_area=force_area)
    for plan in plans:
        returns_ready(award=plan.award)
    for award in direct:
        returns_ready(award=award)


@transaction.atomic
def award_reporting_set(*, award: GrantAward, by, months: int | None) -> list[PerformanceReturn]:
    """The OPCC asks an award made directly to an organisation for a return each period (`months` long), or for
    none. The periods are set at once; they can change only while nothing has been recorded on any return."""
    award = GrantAward.objects.select_for_update(of=("self",)).select_related("funding_stream").get(pk=award.pk)
    if not (verdict := may_ask_for_returns(by, award)):
        raise ValidationError(verdict.reason)
    if months is not None and months not in (1, 3, 6, 12):
        raise ValidationError({"reports_every_months": "Choose how often the organisation reports."})
    if months == award.reports_every_months:
        return returns_set_up(award=award)
    if ReturnStep.objects.filter(performance_return__period__award=award).exists():
        raise ValidationError(
            {
                "reports_every_months": "A return of this award has been recorded: its reporting periods can no "
                "longer change."
            }
        )
    PerformanceReturn.objects.filter(period__award=award).delete()
    award.reporting_periods.all().delete()
    award.reports_every_months = months
    award._change_reason = (
        f"Returns asked for: {award.get_reports_every_months_display().lower()}" if months else "No returns asked for"
    )
    award.save(update_fields=["reports_every_months"])
    return returns_set_up(award=award)


# --- who may do what ----------------------------------------------------------------------------------------------


def _holds(user, kind: str, performance_return: PerformanceReturn) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    award = performance_return.period.award
    if kind == Role.Kind.CERTIFIER and is_deputy(user, award):
        return True  # a certifier's deputy for this plan (grants/services/certification.py)
    if kind in Role.PARTNERSHIP_KINDS:
        return award.partnership_id is not None and holds_role(user, {kind}, partnership=award.partnership_id)
    return holds_role(user, {kind}, force_area=area_id(award))


def may_ask_for_returns(user, award: GrantAward) -> Verdict:
    if award.partnership_id is not None:
        return Verdict(False, "A partnership reports through its spending plan's returns.")
    if award.withdrawn_at is not None:
        return Verdict(False, "This award has been withdrawn.")
    if not (user.is_authenticated and user.is_active):
        return Verdict(False, "Only the OPCC's officers ask for returns on an award.")
    if not holds_role(user, {Role.Kind.OPCC}, force_area=area_id(award)):
        return Verdict(False, "Only the OPCC's officers ask for returns on an award.")
    return Verdict(True)


def submitter(performance_return: PerformanceReturn):
    """Who made the latest submission: the one person who may not certify it."""
    step = performance_return.steps.filter(action=Action.SUBMIT).order_by("-taken_at", "-pk").first()
    return step.user if step else None


def may_edit(user, performance_return: PerformanceReturn) -> Verdict:
    if performance_return.is_direct and not _holds(user, Role.Kind.OPCC, performance_return):
        return Verdict(False, "Only the OPCC's officers record the return of an award made to an organisation.")
    if not performance_return.is_direct and not _holds(user, Role.Kind.OFFICER, performance_return):
        return Verdict(False, f"Only {performance_return.partnership}'s CSP officers enter its returns.")
    if not performance_return.is_editable:
        return Verdict(
            False,
            f"This return is {performance_return.get_status_display().lower()}: it can be changed only when the OPCC "
            "queries or reopens it.",
        )
    return Verdict(True)


def check(performance_return: PerformanceReturn, user, action: str, *, problems: list[str] | None = None) -> Verdict:
    """May `user` take `action` on the return as it is now? With the reason when not, in the users' words.
    `problems`: `submission_problems` of the return as it is, when the caller has them already (a page shows them
    too), so they are not read twice."""
    transition = transition_for(performance_return, action)
    if transition is None:
        return Verdict(False, "There is no such step.")
    if not _holds(user, transition.role, performance_return):
        who = {
            Role.Kind.OFFICER: f"{performance_return.partnership}'s CSP officers",
            Role.Kind.CERTIFIER: f"{performance_return.partnership}'s certifiers (or a deputy for this plan)",
            Role.Kind.OPCC: "the OPCC",
        }[transition.role]
        return Verdict(False, f"Only {who} can {transition.button[0].lower()}{transition.button[1:]}.")
    if performance_return.status not in transition.sources:
        if action == Action.ACCEPT and performance_return.status == Status.SUBMITTED:
            return Verdict(False, "The return has not been certified yet: the OPCC accepts only a certified return.")
        return Verdict(
            False, f"The return is {performance_return.get_status_display().lower()}: it cannot be {action}ed now."
        )
    if action == Action.CERTIFY:
        person = submitter(performance_return)
        if person is not None and person.pk == user.pk:
            return Verdict(False, "You submitted this return: a second person of the partnership must certify it.")
    if action == Action.ACCEPT and performance_return.is_direct:
        person = submitter(performance_return)
        if person is not None and person.pk == user.pk:
            return Verdict(False, "You recorded this return: another OPCC officer must accept it.")
    if action == Action.SUBMIT:
        if problems is None:
            problems = submission_problems(performance_return)
        if problems:
            return Verdict(False, " ".join(problems))
    return Verdict(True)


def submission_problems(performance_return: PerformanceReturn) -> list[str]:
    """What stops a return being submitted: spend in the period, and a figure or words for every measure."""
    problems = []
    if performance_return.spend_in_period is None:
        problems.append("Enter the spend in the period.")
    if performance_return.is_direct:
        texts = (performance_return.went_well, performance_return.issues, performance_return.risks)
        if not any(text.strip() for text in texts):
            problems.append("Say what the provider reports: what went well, what did not, or the risks.")
        return problems
    given = {r.measure_id: r for r in performance_return.results.all()}
    for measure in performance_return.project.outcome_measures.all():
        result = given.get(measure.pk)
        if measure.is_numeric and (result is None or result.value is None):
            problems.append(f"Enter a figure for “{measure.description}”.")
        elif not measure.is_numeric and (result is None or not result.narrative.strip()):
            problems.append(f"Say what happened for “{measure.description}”.")
    threshold = minor_below(performance_return.partnership.force_area_id)
    for move in performance_return.moves.select_related("from_project", "to_project"):
        if move.needs_variation(threshold):
            problems.append(f"{move_needs_variation(move, threshold)} Remove the move, or start a variation.")
    return problems


# --- personal data ------------------------------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
PHONE = re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
DATE = (
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\s+\d{4}"
)
_NAME = re.compile(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+\b")


def personal_data_warnings(texts: dict[str, str]) -> list[str]:
    """Conditions of grant forbid identifying service users: aggregate figures only. Text that looks like a name
    with a date of birth, an e-mail address, a phone number or a postcode is flagged before submission, by the
    label of the box it is in. A warning, not a refusal: the officer checks and confirms."""
    warnings = []
    for label, text in texts.items():
        if not text:
            continue
        found = []
        if EMAIL.search(text):
            found.append("an e-mail address")
        if PHONE.search(text):
            found.append("a phone number")
        if POSTCODE.search(text):
            found.append("a postcode")
        if _name_with_birth_date(text):
            found.append("a name with a date of birth")
        if found:
            warnings.append(f"{label} seems to contain {_and(found)}: remove anything that could identify a person.")
    return warnings


def _name_with_birth_date(text: str) -> bool:
    for match in re.finditer(DATE, text, re.IGNORECASE):
        before = text[max(0, match.start() - 60) : match.start()]
        if _NAME.search(before) or re.search(r"\b(?:born|DOB|date of birth)\b", before, re.IGNORECASE):
            return True
    return False


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def return_texts(performance_return: PerformanceReturn) -> dict[str, str]:
    """Every free text of a return, by the label the form gives it."""
    fields = PerformanceReturn._meta
    texts = {
        str(fields.get_field(name).verbose_name).capitalize(): getattr(performance_return, name)
        for name in ("risks", "went_well", "issues", "case_study")
    }
    for result in performance_return.results.select_related("measure"):
        if result.narrative:
            texts[f"What you wrote for “{result.measure.description}”"] = result.narrative
    return texts


# --- the writers --------------------------------------------------------------------------------------------------


def _step(locked: PerformanceReturn, *, by, action: str, to_status: str, comments: str = "") -> ReturnStep:
    transition = transition_for(locked, action)
    role = transition.role if transition else (Role.Kind.OPCC if locked.is_direct else Role.Kind.OFFICER)
    return ReturnStep.objects.create(
        performance_return=locked,
        action=action,
        from_status=locked.status,
        to_status=to_status,
        user=by,
        user_name=by.display_name,
        role_kind=role,
        comments=comments,
    )


def _lock(performance_return: PerformanceReturn) -> PerformanceReturn:
    return (
        PerformanceReturn.objects.select_for_update(of=("self",))
        .select_related("period__award__partnership", "project")
        .get(pk=performance_return.pk)
    )


@transaction.atomic
def return_save(
    *,
    performance_return: PerformanceReturn,
    by,
    spend_in_period: Decimal | None,
    forecasts: dict[int, Decimal],
    results: dict[int, tuple[Decimal | None, str]],
    risks: str = "",
    went_well: str = "",
    issues: str = "",
    case_study: str = "",
) -> PerformanceReturn:
    """Saves the officer's form whole (or nothing): the figures, the forecast for each later period, the words.
    `forecasts` by period id; `results` by measure id: (figure, words)."""
    locked = _lock(performance_return)
    if not (verdict := may_edit(by, locked)):
        raise ValidationError(verdict.reason)
    later = {p.pk for p in locked.period.award.reporting_periods.filter(number__gt=locked.period.number)}
    if set(forecasts) - later:
        raise ValidationError({"forecasts": "A forecast is for a later period of the year."})
    measures = {m.pk: m for m in locked.project.outcome_measures.all()} if locked.project_id else {}
    if set(results) - set(measures):
        raise ValidationError("A figure was given for a measure of another project.")
    errors = {}
    for measure_id, (value, _words) in results.items():
        measure = measures[measure_id]
        if value is not None and measure.target_unit == measure.Unit.PERCENT and not (0 <= value <= 100):
            errors[f"measure_{measure_id}"] = "A percentage is between 0 and 100."
    if errors:
        raise ValidationError(errors)
    locked.spend_in_period = spend_in_period
    locked.risks, locked.went_well, locked.issues, locked.case_study = risks, went_well, issues, case_study
    if locked.status == Status.NOT_STARTED:
        _step(locked, by=by, action=Action.SAVE, to_status=Status.IN_PROGRESS)
        locked.status = Status.IN_PROGRESS
    locked.save()
    for measure_id, (value, words) in results.items():
        MeasureResult.objects.update_or_create(
            performance_return=locked, measure_id=measure_id, defaults={"value": value, "narrative": words}
        )
    for period_id, amount in forecasts.items():
        if amount is None:
            SpendForecast.objects.filter(performance_return=locked, period_id=period_id).delete()
        else:
            SpendForecast.objects.update_or_create(
                performance_return=locked, period_id=period_id, defaults={"amount": amount}
            )
    performance_return.refresh_from_db()
    return locked


@transaction.atomic
def return_act(
    *, performance_return: PerformanceReturn, by, action: str, comments: str = "", judgements: dict | None = None
) -> ReturnStep:
    """THE one writer of a return's status: lock, check again on the locked row, change, record, mail after
    the commit. The OPCC's judgements of qualitative measures (`judgements`, by measure id) go with its step."""
    locked = _lock(performance_return)
    transition = transition_for(locked, action)
    if not (verdict := check(locked, by, action)):
        raise ValidationError(verdict.reason)
    comments = comments.strip()
    if transition.comments_required and not comments:
        raise ValidationError({"comments": "Say what the officer needs to answer or change."})
    if judgements:
        if transition.role != Role.Kind.OPCC:
            raise ValidationError("Only the OPCC judges a qualitative measure.")
        for result in locked.results.select_related("measure", "performance_return").filter(measure_id__in=judgements):
            if judgements[result.measure_id]:
                set_judgement(result=result, by=by, judgement=judgements[result.measure_id])
    step = _step(locked, by=by, action=action, to_status=transition.target, comments=comments)
    locked.status = transition.target
    locked.save(update_fields=["status", "updated_at"])
    performance_return.status = locked.status

    from grants.tasks import send_return_step_emails

    transaction.on_commit(lambda: send_return_step_emails.enqueue(step.pk))
    return step


# --- money moved between projects ---------------------------------------------------------------------------------


def move_needs_variation(move: MoneyMove, threshold: Decimal | None) -> str:
    """Why a move needs a variation, in the officer's words."""
    moving = f"Moving {format_money(move.amount)} from {move.from_project.title} to {move.to_project.title}"
    if threshold is None:
        return f"{moving} needs a variation of the plan: the OPCC has set no threshold for minor moves."
    return (
        f"{moving} needs a variation of the plan: it is at or above the OPCC's minor variation threshold of "
        f"{format_money(threshold)}."
    )


@transaction.atomic
def move_record(
    *, performance_return: PerformanceReturn, by, from_project, to_project, amount: Decimal, reason: str
) -> MoneyMove:
    """Records money moved from one funded project of the return's plan to another, while the return can be
    edited. Refuses (by field) a move that is not a positive sum in pennies, between two different projects of the
    plan, and no more than the from-project has: its allocation with the moves below the threshold already
    recorded up to this period. A move at or above the threshold is recorded, and stops the submission."""
    locked = _lock(performance_return)
    if not (verdict := may_edit(by, locked)):
        raise ValidationError(verdict.reason)
    errors = {}
    plan_id = locked.project.plan_id
    if from_project is None or from_project.plan_id != plan_id:
        errors["from_project"] = "Choose a funded project of the plan to move the money from."
    if to_project is None or to_project.plan_id != plan_id:
        errors["to_project"] = "Choose a funded project of the plan to move the money to."
    elif from_project is not None and from_project.pk == to_project.pk:
        errors["to_project"] = "Choose a different project to move the money to from the one it comes from."
    if amount is None or amount <= 0:
        errors["amount"] = "Enter an amount of money moved greater than £0."
    elif amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = "Enter the amount in pounds and pence, such as £1,250.50."
    elif "from_project" not in errors:
        moved_in, moved_out = line_moves(locked.period, from_project.line_id)
        has = from_project.amount_allocated + moved_in - moved_out
        if amount > has:
            errors["amount"] = (
                f"{from_project.title} has {format_money(has)} to move (its allocation, with the moves already "
                "recorded): enter that or less."
            )
    if not (reason or "").strip():
        errors["reason"] = "Say why the money was moved."
    if errors:
        raise ValidationError(errors)
    return MoneyMove.objects.create(
        performance_return=locked,
        from_project=from_project,
        to_project=to_project,
        amount=amount,
        reason=reason.strip(),
        recorded_by=by,
    )


@transaction.atomic
def move_remove(*, move: MoneyMove, by) -> None:
    """Removes a move recorded by mistake, while its return can be edited (its history keeps it)."""
    locked = _lock(move.performance_return)
    if not (verdict := may_edit(by, locked)):
        raise ValidationError(verdict.reason)
    move._change_reason = f"Removed from the {locked.period.short_name} return before it was submitted"
    move.delete()


def set_judgement(*, result: MeasureResult, by, judgement: str) -> MeasureResult:
    """The OPCC reviewer's judgement of a qualitative measure (a numeric one is rated by grants/rag.py)."""
    if result.measure.is_numeric:
        raise ValidationError("A measure with a numeric target is rated from its figure, not by judgement.")
    if not _holds(by, Role.Kind.OPCC, result.performance_return):
        raise ValidationError("Only the OPCC judges a qualitative measure.")
    result.judgement = judgement
    result.save(update_fields=["judgement"])
    return result


def today() -> datetime.date:
    return timezone.localdate()


# --- what the home page shows -------------------------------------------------------------------------------------


HOME_LIMIT = 10  # rows of each list on a home page; the rest are counted and a link leads to them


@dataclass
class ReturnsWork:
    """The returns a person should see on their home page: late ones, and ones waiting for them. Each list holds
    at most HOME_LIMIT rows, most urgent first, whatever the size of the area (an OPCC of 30 CSPs over ten years
    can have tens of thousands of returns); the `*_total` figures count them all in SQL."""

    late: list[PerformanceReturn]
    waiting: list[tuple[PerformanceReturn, ReturnTransition]]
    awards: list[GrantAward] = field(default_factory=list)  # awards whose approved plan reports
    contracts_ending: list = field(default_factory=list)  # funded projects whose contract ends within six months
    late_total: int = 0
    awards_total: int = 0
    contracts_ending_total: int = 0
    waiting_more: bool = False  # more returns wait than are listed
    reporting_area: object = None  # the OPCC's force area, whose reporting page lists every late return

    def __bool__(self) -> bool:
        return bool(self.late or self.waiting or self.awards or self.contracts_ending)


def _waiting_statuses(kinds: set) -> Q:
    """The statuses in which a return may wait for a person holding `kinds` (`check` decides each one)."""
    condition = Q(pk__in=[])
    if Role.Kind.OFFICER in kinds:
        condition |= Q(status__in=PerformanceReturn.EDITABLE)
    if Role.Kind.CERTIFIER in kinds:
        condition |= Q(status=Status.SUBMITTED, project__isnull=False)
    if Role.Kind.OPCC in kinds:
        condition |= Q(status=Status.CERTIFIED) | Q(status=Status.SUBMITTED, project__isnull=True)
        condition |= Q(status__in=PerformanceReturn.EDITABLE, project__isnull=True)  # a direct award's, to record
    return condition


def returns_work(user, *, on: datetime.date | None = None) -> ReturnsWork:
    """Late returns of the partnerships and force areas the user works for (THE late rule:
    `PerformanceReturnQuerySet.late`), and the returns waiting for their step: the officer's to enter or answer,
    the certifier's to certify (not their own), the OPCC's to accept or query. A fixed number of queries whatever
    the number of returns: each list is cut at HOME_LIMIT in SQL and counted there.

    Whose returns: THE rule a return's page asks too (`GrantAwardQuerySet.reported_to`), so each return listed
    opens; by role only: a site administrator may open any partnership's return, but has none to chase here
    without a role."""
    on = on or today()
    scope = ReportingScope.of(user, by_role=True)
    if not scope:
        return ReturnsWork([], [])
    roles = roles_held(user)  # read once per request, with the rules and the header (and the scope just now)
    plans = (
        SpendingPlan.objects.in_force()
        .filter(scope.partnership_awards("award"))  # only an award to a partnership has a plan
        .select_related("award__partnership")
        .order_by("-award__financial_year", "award__partnership__name")
    )
    # its returns were made on approval (and by the reminder job): a page only reads
    in_force, awards_total = first_rows_and_total(plans, HOME_LIMIT)
    awards = [plan.award for plan in in_force]
    if scope.areas:  # an OPCC's direct awards to organisations too: no partnership, the funding stream's area
        # The area's awards are read first, as a list of keys. As a condition on the joined rows (an OR across the
        # partnership's and the funding stream's areas, which PostgreSQL cannot estimate), every late return in the
        # country was joined to its award, partnership and funding stream before the area's were kept: 13 to 40 ms
        # for an area at national scale, against 2 for reading its awards' keys first (issue 13).
        awards_in_scope = GrantAward.objects.reported_to(user, by_role=True).order_by()
        return_scope = Q(period__award_id__in=list(awards_in_scope.values_list("pk", flat=True)))
    else:  # a CSP's: its partnerships' awards, a condition on the award its returns are read with (no query more)
        return_scope = scope.awards("period__award")
    mine = PerformanceReturn.objects.filter(return_scope, period__opens_on__lte=on).select_related(
        "period__award__partnership", "period__award__organisation", "project"
    )
    late_returns = mine.late(on)
    late, late_total = first_rows_and_total(late_returns, HOME_LIMIT)
    kinds = {r.kind for r in roles}
    if Role.Kind.CERTIFIER not in kinds and user.deputyships.filter(revoked_at__isnull=True).exists():
        kinds.add(Role.Kind.CERTIFIER)  # a deputy for a plan: `check` says which returns
    candidates = mine.filter(_waiting_statuses(kinds)).not_late(on).order_by("period__due_on", "project__number", "pk")
    waiting = []
    for performance_return in candidates[: HOME_LIMIT * 3 + 1]:  # `check` may pass over some (one's own, say)
        if len(waiting) == HOME_LIMIT:
            break
        if Role.Kind.OFFICER in kinds and may_edit(user, performance_return):
            waiting.append((performance_return, BY_ACTION[Action.SUBMIT]))
            continue
        for transition in transitions_for(performance_return):
            if transition.role in kinds and check(performance_return, user, transition.action):
                if transition.action in (Action.QUERY, Action.REOPEN):
                    continue
                waiting.append((performance_return, transition))
                break
    # When the list holds every plan in force (a CSP's, as a rule), their keys stand for the query that chose them.
    listed_all = awards_total <= len(in_force)
    ending = contracts_ending([plan.pk for plan in in_force] if listed_all else plans, on=on)
    ending_rows, ending_total = first_rows_and_total(ending, HOME_LIMIT)
    return ReturnsWork(
        late,
        waiting,
        awards,
        ending_rows,
        late_total=late_total,
        awards_total=awards_total,
        contracts_ending_total=ending_total,
        waiting_more=len(waiting) == HOME_LIMIT,
        reporting_area=next((r.force_area for r in roles if r.force_area_id and r.kind == Role.Kind.OPCC), None),
    )


CONTRACT_WARNING_MONTHS = 6


def contracts_ending(plans, *, on: datetime.date):
    """Funded projects of the plans in force whose contract ends within six months of `on` (not yet ended): the
    officer and the OPCC need the time to extend or re-commission them."""
    month = on.month - 1 + CONTRACT_WARNING_MONTHS
    year, month = on.year + month // 12, month % 12 + 1
    until = datetime.date(year, month, min(on.day, calendar.monthrange(year, month)[1]))  # 31 Aug -> 28/29 Feb
    from grants.models import FundedProject

    return (
        FundedProject.objects.filter(plan__in=plans, contract_end_date__gte=on, contract_end_date__lte=until)
        .select_related("plan__award__partnership", "provider")
        .order_by("contract_end_date", "number")
    )
