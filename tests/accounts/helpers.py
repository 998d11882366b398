"""Signing in through the real forms with the test client, second factor included."""

from django.core.cache import cache
from django.urls import reverse

from partnerships.accounts.demo import totp_code_now, totp_secret

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def sign_in_with_password(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def enter_code(client, code):
    return client.post(reverse("mfa_authenticate"), {"code": code})


def current_code(user) -> str:
    cache.clear()  # each code works once: a test may need the same code twice within 30 seconds
    return totp_code_now(totp_secret(user))


def give_authenticator_app(user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)
    return secret
