"""The retention schedule's automatic part (docs/retention.md): what is deleted when its time is up.

Each step names what it removes; `manage.py apply_retention` runs them all, and so does the `apply_retention` task
that the scheduler (grants/scheduler.py) queues every hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.utils import timezone


@dataclass
class Removed:
    what: str
    count: int


def expired_sessions_clear() -> Removed:
    store = import_module(settings.SESSION_ENGINE).SessionStore
    from django.contrib.sessions.models import Session

    before = Session.objects.count() if settings.SESSION_ENGINE.endswith(".db") else 0
    store.clear_expired()
    after = Session.objects.count() if settings.SESSION_ENGINE.endswith(".db") else 0
    return Removed("expired sessions", before - after)


def expired_sign_in_pauses_clear() -> Removed:
    """django-axes's failed-attempt counters once their pause is over (they hold usernames and addresses)."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt, AccessFailureLog

    cutoff = timezone.now() - get_cool_off()
    attempts, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
    return Removed("expired failed-sign-in counters", attempts + failures)


def sign_in_records_prune() -> Removed:
    from partnerships.accounts.services import sign_in_events_prune

    return Removed(f"sign-in records older than {settings.SIGN_IN_EVENTS_RETENTION_DAYS} days", sign_in_events_prune())


def refused_requests_prune() -> Removed:
    from partnerships.accounts.services import refused_requests_prune as prune

    return Removed(f"refused requests older than {settings.REFUSED_REQUESTS_RETENTION_DAYS} days", prune())


def table_writes_prune() -> Removed:
    """The note of which tables each transaction wrote, once no kept page can be older (grants/table_writes.py)."""
    from grants.table_writes import prune

    return Removed("notes of tables written more than a day ago", prune())


STEPS = [
    sign_in_records_prune,
    refused_requests_prune,
    expired_sign_in_pauses_clear,
    expired_sessions_clear,
    table_writes_prune,
]


def retention_apply() -> list[Removed]:
    return [step() for step in STEPS]
