"""How django-allauth behaves here: no sign-up, links built from SITE_URL, two-factor secrets encrypted at rest,
and no removing the last second factor of someone who must have one."""

from __future__ import annotations

import base64
import hashlib
import time
from urllib.parse import quote

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from cryptography.fernet import Fernet
from django.conf import settings
from django.urls import reverse

from .addresses import client_address
from .policy import SECOND_FACTORS, two_factor_required


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": "Enter a correct username and password. Both are case-sensitive.",
        "too_many_login_attempts": "Too many attempts in a short time. Wait 5 minutes, then try again.",
        "incorrect_password": "Enter your current password correctly.",
        "enter_current_password": "Enter your current password correctly.",
        "account_inactive": "This account has been switched off. Ask your site administrator.",
        "invalid_password_reset": "This link to choose a new password is not valid. Ask for a new one.",
        "rate_limited": "Too many requests in a short time. Wait a minute, then try again.",
    }

    QUIET = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        """No "Successfully signed in" banner: the home page itself says who is signed in (GOV.UK services do not
        confirm signing in)."""
        if message_template in self.QUIET:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def is_open_for_signup(self, request) -> bool:
        """People get accounts from a site administrator or an invitation, for a role in a partnership or force area."""
        return False

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The link in the e-mail starts with SITE_URL, never with the Host header the request came with (a forged
        Host would otherwise send the reset link to an attacker's site)."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return settings.SITE_URL + path.replace("UID-KEY", quote(key))

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Changing how one signs in (two-factor methods, recovery codes) needs the password or a code again, unless
        the person signed in within the last few minutes: someone made to set up two-factor sign-in straight after
        their password is not asked for it twice."""
        request = allauth_context.request
        if request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            if records and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_client_ip(self, request) -> str:
        return client_address(request) or ""

    def format_email_subject(self, subject: str) -> str:
        return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject


def _fernet() -> Fernet:
    key = settings.TWO_FACTOR_KEY or settings.SECRET_KEY
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(("two-factor:" + key).encode()).digest()))


class TwoFactorAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "The code is not right. Enter the 6-digit code your authenticator app shows now, or a "
        "recovery code.",
        "cannot_delete_authenticator": "Your role needs two-factor sign-in, so you cannot remove your only way of "
        "giving a second factor. Add another first.",
        "cannot_generate_recovery_codes": "Set up an authenticator app or a passkey before making recovery codes.",
    }

    def encrypt(self, text: str) -> str:
        """Authenticator-app secrets are stored encrypted (Fernet, key from TWO_FACTOR_KEY or SECRET_KEY), so a copy
        of the database or a backup alone cannot produce codes."""
        return "fernet:" + _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        if encrypted_text.startswith("fernet:"):
            return _fernet().decrypt(encrypted_text.removeprefix("fernet:").encode()).decode()
        return encrypted_text

    def can_delete_authenticator(self, authenticator) -> bool:
        if authenticator.type not in SECOND_FACTORS or not two_factor_required(authenticator.user):
            return True
        others = type(authenticator).objects.filter(user=authenticator.user, type__in=SECOND_FACTORS)
        return others.exclude(pk=authenticator.pk).exists()

    def get_totp_label(self, user) -> str:
        return user.get_username()
