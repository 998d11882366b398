"""Who must sign in with two factors, and whether this session has.

Two-factor sign-in is required of everyone who signs off or moves public money for a force area (the PCC or other
decision-maker, the Treasurer, OPCC staff: any force-area role) and of site administrators (staff and
superusers), who can change anything. Others may turn it on. A session has passed the second factor when
allauth recorded an "mfa" step in it: an authenticator-app code, a recovery code or a passkey at sign-in, or the
code that proved a new authenticator app while setting it up.
"""

from __future__ import annotations

import time

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator

from partnerships.models import Role

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def two_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Role.objects.filter(user=user, kind__in=Role.FORCE_AREA_KINDS).exists()


def has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def session_passed_second_factor(request) -> bool:
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def session_record_second_factor(request, user, **details) -> None:
    """Notes in the session that the person proved a second factor (allauth's own record, so its
    reauthentication checks read it too)."""
    record_authentication(request, user, "mfa", **details)


def mark_session_data(session, user, *, second_factor: bool = True) -> None:
    """What a real sign-in leaves in the session, for sessions made without one (tests' `force_login`)."""
    now = time.time()
    records = [{"method": "password", "at": now, "username": user.get_username()}]
    if second_factor:
        records.append({"method": "mfa", "at": now, "type": "totp"})
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
