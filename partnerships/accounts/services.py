"""Writes about people's accounts that span rows: the security records' retention, anonymising someone who left."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import RefusedRequest, SignInEvent


def sign_in_events_prune(*, now=None) -> int:
    """Deletes sign-in records older than SIGN_IN_EVENTS_RETENTION_DAYS (docs/retention.md). Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SIGN_IN_EVENTS_RETENTION_DAYS)
    deleted, _ = SignInEvent.objects.older_than(cutoff).delete()
    return deleted


def refused_requests_prune(*, now=None) -> int:
    """Deletes records of refused requests older than REFUSED_REQUESTS_RETENTION_DAYS (docs/retention.md): the
    record is bounded whatever a prober sends. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.REFUSED_REQUESTS_RETENTION_DAYS)
    deleted, _ = RefusedRequest.objects.older_than(cutoff).delete()
    return deleted


def former_user_name(user) -> str:
    return f"Former user {user.pk}"


@transaction.atomic
def user_anonymise(*, user, by=None) -> None:
    """Removes a departed person's personal data and switches their account off, keeping the records they made.

    The account stays (decisions, declarations and history point at it) with their name replaced by "Former user
    <id>", the username by "former-user-<id>", no e-mail address, job title or usable password, no staff rights and
    no two-factor methods; their sessions end. Every copy of their name in other records (models declaring
    PERSONAL_DATA: decisions, declarations of interest) is replaced the same way, while each record's role, scope,
    date, comments and amounts are kept, so the decision trail stays whole. Sign-in records keep the address until
    their own retention period deletes them, under the new username; so do the records of refused requests. The
    change is itself recorded in the sign-in record, with who made it.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    from partnerships.personal_data import NAME, declared_copies

    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if by is not None and by.pk == user.pk:
        raise ValidationError("You cannot anonymise your own account.")
    name = former_user_name(user)
    for model, fk_name, fields in declared_copies():
        model._default_manager.filter(**{fk_name: user}).update(
            **{field: (name if kind == NAME else "") for field, kind in fields.items()}
        )
    user.username = f"former-user-{user.pk}"
    user.first_name, user.last_name = "Former user", str(user.pk)
    user.email = ""
    if hasattr(user, "job_title"):
        user.job_title = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    Authenticator.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    for session in Session.objects.all().iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    SignInEvent.objects.filter(user=user).update(username=user.username)
    SignInEvent.objects.create(
        kind=SignInEvent.Kind.ANONYMISED,
        user=user,
        username=user.username,
        method=f"by {by.get_username()}" if by is not None else "by a management command",
    )
