"""Two-factor sign-in for the demo users who need it: an authenticator app with one published key.

The key is printed in the README so a person trying the app can add it to any authenticator app once, or run
`python manage.py demo_totp pcc.devon` for the current code. It is as public as the demo password, which is why
`load_demo` refuses to run on a real installation.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value, yield_hotp_counters_from_time
from allauth.mfa.utils import decrypt

from .policy import two_factor_required

DEMO_TOTP_SECRET = "SAFERDEMOSAFERDEMOSAFERDEMOSAFER"


def demo_second_factors(users) -> list[str]:
    """Gives every user in `users` who must use two-factor sign-in the demo authenticator app, unless they have a
    second factor already. Returns the usernames given one."""
    given = []
    for user in users:
        if two_factor_required(user) and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP):
            TOTP.activate(user, DEMO_TOTP_SECRET)
            given.append(user.username)
    return given


def totp_secret(user) -> str | None:
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None


def totp_code_now(secret: str) -> str:
    """The code an authenticator app shows now for `secret` (the middle of allauth's accepted window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))
