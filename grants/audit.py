"""The audit trail of one person, for the OPCC's export (issue 12 item 6): everything they changed, decided or
tried, oldest first, as rows for a CSV file.

Four kinds of record feed it, read as they are kept (nothing is copied for the export):

- every history row (django-simple-history) of every model that keeps one, where they made the change: awards,
  claims, payments, thresholds, scenarios, roles, settings...; a change is one row per field, before and after;
- every record written once in their name (grants.models.decisions.AppendOnly): decisions on plans, declarations
  of interest, scrutiny comments and answers, return steps, year-end approvals;
- their sign-ins, sign-outs and refused sign-ins (`SignInEvent`), and the requests refused to them
  (`RefusedRequest`).

For an OPCC, history rows and decisions are limited to its own force area's records: the path from each model to
its force area is found from the models' foreign keys (`force_area_paths`), so a model added later is scoped the
day it is added, and a model with no path to a force area (an organisation, shared by every area) is read only by
the site administrator. The sign-in and refusal records are the person's own, not any area's, and are included
for whoever may export the person's trail; an area's export names a refused page by its kind, not its address,
since the page may be another area's (`refused_address`).

The rows are produced lazily, source by source in date order and merged (`heapq.merge`), so the view streams the
file with memory that does not grow with the trail.
"""

from __future__ import annotations

import datetime
import heapq
from collections.abc import Iterator
from functools import cache
from zoneinfo import ZoneInfo

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from simple_history.models import registered_models

from partnerships.models import ForceArea, User

HEADINGS = [
    "When (UTC)",
    "Who",
    "Username",
    "What",
    "Record",
    "Change",
    "Before",
    "After",
    "Reason or comments",
    "Address",
]
HISTORY_TYPES = {"+": "Added", "~": "Changed", "-": "Removed"}
NOT_IN_THE_TRAIL = {"snapshot"}  # a plan's whole content after each save: its own audit trail shows the changes
CHUNK = 500


def people_of_area(force_area: ForceArea):
    """The people holding a role in the force area or one of its partnerships: whose trail its OPCC may export."""
    return User.objects.filter(
        Q(roles__force_area=force_area) | Q(roles__partnership__force_area=force_area)
    ).distinct()


@cache
def force_area_paths(model) -> tuple[str, ...]:
    """The lookups from `model` to the id of its force area, shortest first, e.g. ("award__partnership__force_area",).
    When the shortest goes through a foreign key that may be empty (a role belongs to a force area or to a
    partnership), the shortest through each other foreign key is added, and a record is the area's when any of them
    leads there. Empty when the model has no way to a force area."""
    if model is ForceArea:
        return ("id",)
    found: dict[str, tuple[str, bool]] = {}  # first hop -> (path, first hop may be empty)
    queue = [(model, "", None, False)]
    for _depth in range(6):
        following = []
        for current, path, first, nullable in queue:
            for field in current._meta.concrete_fields:
                if not (field.many_to_one or field.one_to_one) or field.name.startswith("history_"):
                    continue
                target = field.related_model
                if target._meta.label == settings.AUTH_USER_MODEL:
                    continue
                step = f"{path}__{field.name}" if path else field.name
                hop, hop_nullable = (first, nullable) if first else (field.name, field.null)
                if target is ForceArea:
                    found.setdefault(hop, (step, hop_nullable))
                else:
                    following.append((target, step, hop, hop_nullable))
        queue = following
    if not found:
        return ()
    ordered = sorted(found.values(), key=lambda item: item[0].count("__"))
    shortest, may_be_empty = ordered[0]
    return tuple(path for path, _ in ordered) if may_be_empty else (shortest,)


def in_area(model, force_area: ForceArea | None) -> Q | None:
    """The filter keeping `model`'s records of the force area; None when it has none (leave the model out)."""
    if force_area is None:
        return Q()
    paths = force_area_paths(model)
    if not paths:
        return None
    condition = Q()
    for path in paths:
        condition |= Q(**{path if path == "id" else f"{path}_id": force_area.pk})
    return condition


def _when(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _when(value)
    return str(value)


def _describe(instance) -> str:
    try:
        return f"{instance._meta.verbose_name.capitalize()} {instance.pk}: {instance}"
    except Exception:  # noqa: BLE001 - a record whose related rows were removed still has a number
        return f"{instance._meta.verbose_name.capitalize()} {instance.pk}"


class _Person:
    def __init__(self, user):
        self.name = user.get_full_name() or user.get_username()
        self.username = user.get_username()


def _history_rows(model, person: _Person, condition: Q, scope: Q) -> Iterator[tuple]:
    historical = getattr(model, model._meta.simple_history_manager_attribute).model
    labels = {field.name: str(field.verbose_name) for field in model._meta.concrete_fields}
    excluded = [name for name in NOT_IN_THE_TRAIL if name in labels]
    records = historical.objects.filter(condition, scope).order_by("history_date", "history_id")
    for record in records.iterator(chunk_size=CHUNK):
        when = record.history_date
        base = [_when(when), person.name, person.username, "Change to a record", _describe(record.instance)]
        reason = record.history_change_reason or ""
        if record.history_type == "~" and (previous := record.prev_record) is not None:
            changes = record.diff_against(previous, excluded_fields=excluded).changes
            for change in changes:
                label = labels.get(change.field, change.field)
                yield when, [*base, f"Changed: {label}", _text(change.old), _text(change.new), reason, ""]
            if not changes:
                yield when, [*base, "Saved without a change", "", "", reason, ""]
        else:
            yield when, [*base, HISTORY_TYPES.get(record.history_type, record.history_type), "", "", reason, ""]


def _written_once_rows(model, user, person: _Person, since, until, scope: Q) -> Iterator[tuple]:
    user_keys = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model._meta.label == settings.AUTH_USER_MODEL
    ]
    moment = next(f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField))
    mine = Q()
    for key in user_keys:
        mine |= Q(**{key: user})
    records = model.objects.filter(mine, scope, **{f"{moment}__gte": since, f"{moment}__lt": until})
    for record in records.order_by(moment, "pk").iterator(chunk_size=CHUNK):
        when = getattr(record, moment)
        action = record.get_action_display() if hasattr(record, "get_action_display") else "Made"
        before = record.get_from_status_display() if hasattr(record, "get_from_status_display") else ""
        after = record.get_to_status_display() if hasattr(record, "get_to_status_display") else ""
        words = getattr(record, "comments", None) or getattr(record, "text", None) or ""
        yield (
            when,
            [
                _when(when),
                person.name,
                person.username,
                str(model._meta.verbose_name).capitalize(),
                _describe(record),
                action,
                before,
                after,
                words,
                "",
            ],
        )


def refused_address(path: str, *, whole: bool) -> str:
    """The address of a refused request as an export shows it. The site administrator's export (`whole`) shows the
    path; an area's export shows only the kind of page (its route, "plans/<int:pk>/edit/"), because the refused
    page may be another partnership's or another area's, whose records (the plan's number, the area's name) are
    not the exporting OPCC's to learn. An address that names no page of the product is not shown at all."""
    if whole:
        return path
    try:
        match = resolve(path)
    except Resolver404:
        return "(an address that is not a page)"
    return "/" + match.route.lstrip("^").rstrip("$") if match.route else "(a page)"


def _security_rows(user, person: _Person, since, until, *, whole: bool) -> Iterator[tuple]:
    from partnerships.accounts.models import RefusedRequest, SignInEvent

    def sign_ins():
        events = SignInEvent.objects.filter(user=user, at__gte=since, at__lt=until).order_by("at", "pk")
        for event in events.iterator(chunk_size=CHUNK):
            row = [_when(event.at), person.name, person.username, "Sign-in record", event.username]
            yield event.at, [*row, event.get_kind_display(), "", event.method, "", event.ip_address or ""]

    def refusals():
        refused = RefusedRequest.objects.filter(user=user, at__gte=since, at__lt=until).order_by("at", "pk")
        for event in refused.iterator(chunk_size=CHUNK):
            address = refused_address(event.path, whole=whole)
            row = [_when(event.at), person.name, person.username, "Refused request", f"{event.method} {address}"]
            yield event.at, [*row, f"Refused ({event.status})", "", "", "", event.ip_address or ""]

    return heapq.merge(sign_ins(), refusals(), key=lambda pair: pair[0])


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of `first` to the end of `last`, days as people in England count them."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def user_audit_rows(
    *, user, force_area: ForceArea | None, first: datetime.date, last: datetime.date
) -> Iterator[list[str]]:
    """The person's audit trail between two dates (both included), oldest first: rows under HEADINGS. With a force
    area, only that area's records (and the person's own sign-in and refusal records, the refused pages named by
    their kind, not their address: `refused_address`); without, everything (the site administrator's export)."""
    from grants.models.decisions import AppendOnly

    since, until = day_bounds(first, last)
    person = _Person(user)
    sources = []
    for model in sorted(set(registered_models.values()), key=lambda m: m._meta.label):
        scope = in_area(model, force_area)
        if scope is None:
            continue
        condition = Q(history_user=user, history_date__gte=since, history_date__lt=until)
        sources.append(_history_rows(model, person, condition, scope))
    for model in apps.get_models():
        if issubclass(model, AppendOnly) and (scope := in_area(model, force_area)) is not None:
            sources.append(_written_once_rows(model, user, person, since, until, scope))
    sources.append(_security_rows(user, person, since, until, whole=force_area is None))
    for _moment, row in heapq.merge(*sources, key=lambda pair: pair[0]):
        yield row


def audit_file_name(user, first: datetime.date, last: datetime.date, force_area: ForceArea | None = None) -> str:
    area = f"{force_area.slug}-" if force_area is not None else ""
    return f"{area}audit-trail-{user.pk}-{first:%Y-%m-%d}-to-{last:%Y-%m-%d}.csv"


def today() -> datetime.date:
    return timezone.localdate()
