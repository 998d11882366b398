"""The task queue: e-mails queued in the database after the commit and sent by the worker, never in the request;
the scheduler queues the reminder and retention jobs; `make run` starts the server with the scheduler."""

import pytest
from django.core import mail
from django.core.management import call_command

from grants.management.commands.run_all import Command as RunAll

pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_a_decision_queues_its_emails_for_the_worker(settings, plymouth_plan, demo_user):
    from django_tasks_db.models import DBTaskResult

    from grants.services.workflow import plan_decide

    settings.TASKS = DATABASE_TASKS
    plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    assert mail.outbox == []  # nothing sent in the request
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "grants.tasks.send_decision_emails"
    call_command("db_worker", batch=True, no_startup_delay=True)
    assert any("exec.plymouth@example.org" in m.to for m in mail.outbox)


def test_the_scheduler_queues_its_jobs(settings, demo):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    call_command("run_scheduler", once=True)
    queued = sorted(DBTaskResult.objects.values_list("task_path", flat=True))
    assert queued == [
        "grants.tasks.apply_retention",
        "grants.tasks.keep_plan_fragments",
        "grants.tasks.send_reminders",
        "grants.tasks.sweep_kept_files",
    ]


def test_make_run_starts_the_server_and_the_scheduler(settings):
    settings.TASKS_IMMEDIATE = True
    commands = [command[2] for command in RunAll().commands("127.0.0.1:8000")]
    assert commands == ["runserver", "run_scheduler"]
    settings.TASKS_IMMEDIATE = False
    assert [command[2] for command in RunAll().commands("127.0.0.1:8000")][-1] == "db_worker"
