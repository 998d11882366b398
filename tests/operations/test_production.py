"""Production as documented: the README's steps run, responses are not cached, error pages, the health check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent.parent


def _production_environment(**overrides):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-key-for-the-check-0123456789-abcdefghijkl",
        ALLOWED_HOSTS="grants.example.org",
    )
    env.update(overrides)
    return env


def test_the_readme_production_steps_run(tmp_path):
    """collectstatic with the production settings (WhiteNoise's manifest storage, which fails on any missing file a
    stylesheet refers to) and `check --deploy` with no warnings, as README.md and docs/deploy.md say."""
    env = _production_environment(STATIC_ROOT=str(tmp_path / "static"))
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert collect.returncode == 0, collect.stdout + collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "govuk").glob("govuk-frontend.min.*.css"))
    assert list((tmp_path / "static" / "mfa" / "js").glob("webauthn.*.js")), "allauth's passkey script is collected"

    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout


@pytest.mark.django_db
def test_signed_in_pages_and_downloads_are_not_stored(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    for url in (
        reverse("home"),
        plymouth_plan.get_absolute_url(),
        reverse("grants:plan-download", args=[plymouth_plan.pk, "lines", "xlsx"]),
        reverse("account"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url


@pytest.mark.django_db
def test_the_sign_in_pages_are_not_stored_but_public_pages_may_be(client):
    assert client.get(reverse("login"))["Cache-Control"] == "private, no-store"
    anonymous = Client()
    published = anonymous.get(reverse("grants:published-index"))
    assert published.status_code == 200
    assert "no-store" not in published.get("Cache-Control", "")


@pytest.mark.django_db
def test_an_unknown_address_shows_the_house_404_page(client):
    from tests.factories import PartnershipFactory, officer_of

    client.force_login(officer_of(PartnershipFactory()))
    response = client.get("/plans/999999/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "Page not found" in content and "govuk-header" in content and "Go to your spending plans" in content


def test_the_500_page_renders_without_the_database():
    """No `db` fixture: any query would fail the test. Django renders 500.html with no request context."""
    from django.views.defaults import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Sorry, there is a problem with the service" in content and "govuk-footer" in content


@pytest.mark.django_db
def test_a_failing_page_answers_with_the_500_page(settings):
    settings.ROOT_URLCONF = "tests.operations.urls_failing"
    client = Client(raise_request_exception=False)
    from tests.factories import PartnershipFactory, officer_of

    client.force_login(officer_of(PartnershipFactory()))
    response = client.get("/fails/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_the_health_check_says_it_checked_the_database(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_health_check_answers_503_when_the_database_does_not(client, monkeypatch):
    from django.db import connection

    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
