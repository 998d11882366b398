"""Secure from the first commit: sign-in everywhere but three pages, a strict CSP, deployable settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["login", "accessibility", "health"])
def test_three_pages_open_without_signing_in(client, name):
    assert client.get(reverse(name)).status_code == 200


def test_health_check_reports_the_database(client):
    assert client.get(reverse("health")).json() == {"status": "ok", "database": "ok"}


def test_admin_needs_signing_in(client):
    assert client.get(reverse("admin:index")).status_code == 302


def test_pages_carry_a_content_security_policy_without_unsafe_inline(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.get(plymouth_plan.get_absolute_url())
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("page", ["home", "plan", "login", "accessibility"])
def test_pages_have_no_inline_scripts_or_styles(client, demo_user, plymouth_plan, page):
    if page != "login":
        client.force_login(demo_user("officer.plymouth"))
    url = {
        "home": reverse("home"),
        "plan": plymouth_plan.get_absolute_url(),
        "login": reverse("login"),
        "accessibility": reverse("accessibility"),
    }[page]
    html = client.get(url).content.decode()
    # JSON data blocks (<script type="application/json">, read by allauth's passkey script) are data, not code:
    # the Content-Security-Policy does not apply to them and browsers never run them.
    assert not re.search(r"<script(?![^>]*\b(src=|type=\"application/json\"))[^>]*>", html), "inline <script>"
    assert "<style" not in html and not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_signing_out_needs_a_post(client, demo_user):
    client.force_login(demo_user("officer.plymouth"))
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def _environment(**overrides):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for browser tests only
    return {**env, **overrides}


def test_production_settings_pass_the_deployment_checklist():
    env = _environment(
        **{
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-production-secret-key-for-the-check-0123456789-abcdefghijkl",
            "ALLOWED_HOSTS": "grants.example.org",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _environment(DJANGO_SETTINGS_MODULE="config.settings.production", DEBUG="0", SECRET_KEY="")
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_repeated_wrong_passwords_pause_sign_in(client, demo):
    for _ in range(5):
        client.post(reverse("login"), {"username": "officer.plymouth", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "officer.plymouth", "password": "safer-demo-2026"})
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
