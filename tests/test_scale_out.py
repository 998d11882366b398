"""Scale-out (issue 13): app servers keep no state of their own, so any number can stand behind a load balancer.

Two app servers (`manage.py runserver --noreload`, production-like: DEBUG off) on two loopback ports over one
PostgreSQL database, with one browser's cookies (cookies are per host, not per port, as behind a load balancer):
a sign-in begun on one is finished on the other and the person then uses both; a save made through one, from a
page opened before a save through the other, is refused as stale (the plan's revision is in the database, not in
a server's memory).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from grants.models import SpendingPlan
from partnerships.accounts.demo import DEMO_TOTP_SECRET, totp_code_now

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or ""
    if host.startswith("/"):  # a Unix socket (the throwaway cluster)
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def servers(demo):
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    started = []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/healthz/", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                assert process.poll() is None, "an app server stopped"
                assert time.monotonic() < deadline, "an app server did not start"
                time.sleep(0.2)
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(timeout=10)


class Browser:
    """One person's browser: one cookie jar, whichever server answers."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[str, str]:
        with self.opener.open(url, timeout=30) as answer:
            return answer.geturl(), answer.read().decode()

    def post(self, url: str, fields: dict, *, referer: str) -> tuple[str, str]:
        """Posts a form with the CSRF token of the page at `url` (read first, as a browser would have it)."""
        _, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": referer})
        with self.opener.open(request, timeout=30) as answer:
            return answer.geturl(), answer.read().decode()


def test_a_sign_in_begun_on_one_server_is_finished_and_used_on_the_other(servers):
    first, second = servers
    browser = Browser()
    where, _ = browser.post(
        first + reverse("login"),
        {"username": "opcc.devon", "password": settings.DEMO_PASSWORD},
        referer=first + reverse("login"),
    )
    assert where.endswith(reverse("mfa_authenticate"))  # the password was right; the code is asked for next
    where, page = browser.post(
        second + reverse("mfa_authenticate"), {"code": totp_code_now(DEMO_TOTP_SECRET)}, referer=second
    )
    assert where == second + "/" and "Spending plans" in page  # signed in, on the other server
    for base in (first, second):
        where, page = browser.get(base + reverse("grants:oversight-home"))
        assert "/login" not in where and "Chris Walker" in page


def test_a_stale_save_through_one_server_is_refused_through_the_other(servers, plymouth_plan):
    first, second = servers
    details = reverse("grants:plan-edit-details", args=[plymouth_plan.pk])
    officer = Browser()
    officer.post(
        first + reverse("login"),
        {"username": "officer.plymouth", "password": settings.DEMO_PASSWORD},
        referer=first + reverse("login"),
    )
    _, opened = officer.get(second + details)  # a page opened through the second server
    revision = re.search(r'name="revision" value="(\d+)"', opened).group(1)
    fields = {"purpose": "", "unallocated_note": "", "revision": revision}

    where, _ = officer.post(first + details, {**fields, "title": "Saved through the first"}, referer=first)
    assert where.endswith(reverse("grants:plan-edit", args=[plymouth_plan.pk]))  # saved

    # The page opened earlier still carries the old revision: the second server refuses it, from the database.
    where, page = officer.post(second + details, {**fields, "title": "Stale, through the second"}, referer=second)
    assert where.endswith(details) and "Your changes have not been saved." in page
    assert SpendingPlan.objects.get(pk=plymouth_plan.pk).title == "Saved through the first"
