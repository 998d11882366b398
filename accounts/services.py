"""Writes about people's accounts that span rows: the sign-in record's retention, anonymising someone who left."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import SignInEvent


def sign_in_events_prune(*, now=None) -> int:
    """Deletes sign-in records older than SIGN_IN_EVENTS_RETENTION_DAYS (docs/retention.md). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGN_IN_EVENTS_RETENTION_DAYS)
    deleted, _ = SignInEvent.objects.older_than(cutoff).delete()
    return deleted
