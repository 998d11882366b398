"""Scale-out (issue 13): app servers keep no state of their own, so any number can stand behind a load balancer.

Two app servers (`manage.py runserver --noreload`, production-like: DEBUG off) on two loopback ports over one
PostgreSQL database, with one browser's cookies (cookies are per host, not per port, as behind a load balancer):
a sign-in begun on one is finished on the other and the person then uses both; a save made through one, from a
page opened before a save through the other, is refused as stale (the plan's revision is in the database, not in
a server's memory); and a task queued through either (a decision's e-mails, a document asked for through both)
is done once by two workers (`manage.py db_worker`) taking from the same database.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from bench.load import free_port, wait_until_healthy
from grants.models import SpendingPlan
from partnerships.accounts.demo import DEMO_TOTP_SECRET, totp_code_now

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or ""
    if host.startswith("/"):  # a Unix socket (the throwaway cluster)
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={host}"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _environment(**extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextlib.contextmanager
def _app_servers(env: dict, count: int = 2):
    started = []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            wait_until_healthy(base, process)
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            process.terminate()
            process.wait(timeout=10)


@pytest.fixture
def servers(demo):
    with _app_servers(_environment()) as bases:
        yield bases


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


def test_a_task_queued_through_one_server_is_done_once_by_two_workers(demo, plymouth_plan, tmp_path):
    """Tasks are rows in the database (django-tasks-db); each worker claims the next with SELECT ... FOR UPDATE SKIP
    LOCKED, so two workers over one database never run a task twice. The e-mails are counted in the files the
    workers' mail backend writes; the document is asked for through both servers and made once."""
    from django_tasks_db.models import DBTaskResult

    from grants.models import RenderedDocument

    mail = tmp_path / "mail"
    env = _environment(TEST_TASKS_IN_DATABASE="1", TEST_EMAIL_FILE_PATH=str(mail))
    with _app_servers(env) as (first, second):
        officer = Browser()
        officer.post(
            first + reverse("login"),
            {"username": "officer.plymouth", "password": settings.DEMO_PASSWORD},
            referer=first + reverse("login"),
        )
        submit = first + reverse("grants:plan-decide", args=[plymouth_plan.pk, "submit"])
        _, form = officer.get(submit)
        expected = re.search(r'name="expected_status" value="([^"]+)"', form).group(1)
        where, _ = officer.post(submit, {"expected_status": expected, "comments": ""}, referer=first)
        assert "/decide/" not in where  # submitted, through the first server
        paper = reverse("grants:plan-download", args=[plymouth_plan.pk, "board-paper", "docx"])
        for base in (first, second):  # the same document asked for through both servers: one task, one file
            _, page = officer.get(base + paper)
            assert "Your document is being prepared" in page

    queued = DBTaskResult.objects.all()
    assert sorted(queued.values_list("task_path", flat=True)) == [
        "grants.tasks.render_document",
        "grants.tasks.send_decision_emails",
    ]
    assert set(queued.values_list("status", flat=True)) == {"READY"}  # nothing ran in a web request

    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--interval", "0.1"]
            + ["--worker-id", f"worker-{number}", "--skip-checks"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for number in (1, 2)
    ]
    try:
        for worker in workers:
            assert worker.wait(timeout=120) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()

    done = list(DBTaskResult.objects.all())
    assert len(done) == 2 and {task.status for task in done} == {"SUCCESSFUL"}
    assert all(len(task.worker_ids) == 1 for task in done)  # each claimed by one worker, once
    emails = next(task for task in done if task.task_path.endswith("send_decision_emails"))
    sent = [line for path in mail.iterdir() for line in path.read_text().splitlines() if line.startswith("Subject: ")]
    assert emails.return_value >= 1 and len(sent) == emails.return_value  # every e-mail sent once, none twice
    document = RenderedDocument.objects.get()
    assert document.status == RenderedDocument.Status.READY and document.file
