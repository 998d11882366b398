"""Writes the sign-in record (`SignInEvent`): the one writer, fed by the signals of every sign-in path.

Django's signals cover sign-in, sign-out and wrong passwords wherever they happen (the sign-in page, an
invitation that signs the person in, the admin); allauth's cover wrong two-factor codes, new and removed
two-factor methods and password changes and resets; django-axes marks an attempt refused because sign-in is paused.

It also writes the record of refused requests (`RefusedRequest`), for `RefusedRequestMiddleware`.
"""

from __future__ import annotations

import logging

from allauth.account import signals as account_signals
from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import signals as auth_signals
from django.db import connection, transaction
from django.dispatch import receiver

from .addresses import client_address
from .models import RefusedRequest, SignInEvent
from .policy import SECOND_FACTORS, session_record_second_factor

log = logging.getLogger(__name__)

FACTOR_WORDS = {
    Authenticator.Type.TOTP: "authenticator app",
    Authenticator.Type.RECOVERY_CODES: "recovery code",
    Authenticator.Type.WEBAUTHN: "passkey or security key",
}


def sign_in_event_record(*, kind: str, request=None, user=None, username: str = "", method: str = "") -> SignInEvent:
    if user is not None and not getattr(user, "pk", None):
        user = None
    return SignInEvent.objects.create(
        kind=kind,
        user=user,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=client_address(request) if request is not None else None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
        method=method[:100],
    )


def sign_in_method(request, user) -> str:
    """How the person proved who they are in this session, in words: "password and authenticator app"."""
    words = []
    for record in get_authentication_records(request, user):
        if record.get("method") == "password":
            words.append("password")
        elif record.get("method") == "mfa" and not record.get("reauthenticated"):
            words.append(FACTOR_WORDS.get(record.get("type"), "second factor"))
    return " and ".join(dict.fromkeys(words))


@receiver(auth_signals.user_logged_in, dispatch_uid="sign_in_record_signed_in")
def _signed_in(sender, request, user, **kwargs):
    method = sign_in_method(request, user) if request is not None and hasattr(request, "session") else ""
    sign_in_event_record(kind=SignInEvent.Kind.SIGNED_IN, request=request, user=user, method=method)


@receiver(auth_signals.user_logged_out, dispatch_uid="sign_in_record_signed_out")
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        sign_in_event_record(kind=SignInEvent.Kind.SIGNED_OUT, request=request, user=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="sign_in_record_password_refused")
def _password_refused(sender, credentials, request=None, **kwargs):
    """A wrong username or password, or any attempt while django-axes has paused sign-in for that username and
    address (including the failure that made it pause)."""
    username = str(credentials.get("username") or credentials.get("email") or "")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first() if username else None
    paused = bool(getattr(request, "axes_locked_out", False))
    kind = SignInEvent.Kind.PAUSED if paused else SignInEvent.Kind.PASSWORD_REFUSED
    sign_in_event_record(kind=kind, request=request, user=user, username=username, method="password")


@receiver(mfa_signals.authentication_failed, dispatch_uid="sign_in_record_code_refused")
def _code_refused(sender, request, user, authenticator, reauthentication=False, **kwargs):
    sign_in_event_record(
        kind=SignInEvent.Kind.CODE_REFUSED,
        request=request,
        user=user,
        method=FACTOR_WORDS.get(authenticator.type, "") + (" (confirming it is them)" if reauthentication else ""),
    )


@receiver(mfa_signals.authenticator_added, dispatch_uid="sign_in_record_factor_added")
def _factor_added(sender, request, user, authenticator, **kwargs):
    """A new authenticator app or passkey is proved by the code or the browser ceremony that adds it, so the session
    counts as having passed the second factor from then on (no second sign-in straight after setting it up)."""
    sign_in_event_record(
        kind=SignInEvent.Kind.FACTOR_ADDED, request=request, user=user, method=FACTOR_WORDS.get(authenticator.type, "")
    )
    if authenticator.type in SECOND_FACTORS and request is not None:
        session_record_second_factor(request, user, type=authenticator.type, id=authenticator.pk)


@receiver(mfa_signals.authenticator_removed, dispatch_uid="sign_in_record_factor_removed")
def _factor_removed(sender, request, user, authenticator, **kwargs):
    sign_in_event_record(
        kind=SignInEvent.Kind.FACTOR_REMOVED,
        request=request,
        user=authenticator.user if authenticator.user_id else user,
        method=FACTOR_WORDS.get(authenticator.type, ""),
    )


@receiver(mfa_signals.authenticator_reset, dispatch_uid="sign_in_record_recovery_codes")
def _recovery_codes_new(sender, request, user, authenticator, **kwargs):
    sign_in_event_record(kind=SignInEvent.Kind.RECOVERY_CODES_NEW, request=request, user=user)


@receiver(account_signals.password_changed, dispatch_uid="sign_in_record_password_changed")
def _password_changed(sender, request, user, **kwargs):
    sign_in_event_record(kind=SignInEvent.Kind.PASSWORD_CHANGED, request=request, user=user)


@receiver(account_signals.password_reset, dispatch_uid="sign_in_record_password_reset")
def _password_reset(sender, request, user, **kwargs):
    sign_in_event_record(kind=SignInEvent.Kind.PASSWORD_RESET, request=request, user=user)


# --- refused requests ----------------------------------------------------------------------------------------

REFUSED = (403, 404)


def refused_request_record(request, status: int) -> None:
    """Records a refused request (403 to anyone, 404 to someone signed in) with one INSERT. Never raises: a
    failure to record is logged and the person still gets their 403 or 404, not a server error. Inside a
    transaction (tests, a view that answers from within one) the INSERT runs in a savepoint, so a failure cannot
    spoil the rest of the transaction."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if status not in REFUSED or (status == 404 and not signed_in):
        return
    try:
        record = RefusedRequest(
            user_id=user.pk if signed_in else None,
            method=request.method[:10],
            path=request.path[:500],
            status=status,
            ip_address=client_address(request),
        )
        if connection.in_atomic_block:
            with transaction.atomic():
                record.save(force_insert=True)
        else:
            record.save(force_insert=True)
    except Exception:  # noqa: BLE001 - recording must never turn a refusal into a server error
        log.exception("Could not record a refused request (%s %s %s)", status, request.method, request.path[:200])
