"""The background tasks of grants (django-tasks; docs/decisions.md "Background tasks"): every e-mail, and the
scheduled reminder job. A web request never sends mail: a service queues a task after its transaction commits
(`transaction.on_commit(lambda: task.enqueue(...))`), so a decision that is rolled back queues nothing, and a
slow or failing mail server never holds up the person who pressed the button.

Tasks take ids, not objects (they are stored as JSON in the queue and may run on another machine), and read the
rows again when they run.
"""

from __future__ import annotations

from django_tasks import task


@task()
def send_decision_emails(decision_id: int) -> int:
    """The e-mails for one decision on a spending plan (grants/notifications.py)."""
    from grants.notifications import notify_decision

    return notify_decision(decision_id)


@task()
def send_comment_email(comment_id: int) -> int:
    """An OPCC scrutiny comment, to the officer who submitted the plan."""
    from grants.notifications import notify_comment

    return notify_comment(comment_id)


@task()
def send_answer_email(answer_id: int) -> int:
    """The partnership's answer, to the OPCC officer who commented."""
    from grants.notifications import notify_answer

    return notify_answer(answer_id)


@task()
def send_return_step_emails(event_id: int) -> int:
    """The e-mails for one step of a quarterly return (submitted, certified, queried, accepted, reopened)."""
    from grants.services.reminders import notify_return_step

    return notify_return_step(event_id)


@task()
def send_reminders() -> int:
    """THE scheduled job (grants/scheduler.py queues it): reminders before and on the due date, overdue notices,
    and the OPCC's weekly digest. Idempotent: run twice, it sends each e-mail once (`SentReminder`)."""
    from grants.services.reminders import reminders_send

    return reminders_send()


@task()
def apply_retention() -> int:
    """THE retention job (config/operations/retention.py, docs/retention.md), queued by the scheduler beside the
    reminders: deletes sign-in records, refused requests, sign-in pause counters and sessions kept long enough.
    Idempotent: run twice, the second run deletes nothing. Returns how many rows it deleted."""
    from config.operations.retention import retention_apply

    return sum(removed.count for removed in retention_apply())


@task()
def keep_plan_fragments() -> int:
    """THE job that keeps each plan's rows, editor lines and content snapshot ahead of their first view
    (grants/fragments.py `keep_fragments`), queued by the scheduler. Idempotent: a plan whose fragments are kept
    makes nothing. Returns how many fragments it made."""
    from grants.fragments import keep_fragments

    return keep_fragments()


@task()
def render_document(document_id: int) -> str:
    """A big document (board paper, Panel report, performance pack) as PDF or Word, kept until its data changes
    (grants/documents/rendering.py). The web request only queues it and shows a page that waits for it."""
    from grants.documents.rendering import render

    return render(document_id)


@task()
def sweep_kept_files() -> int:
    """THE sweep of kept documents (grants/documents/rendering.py `kept_files_sweep`), queued by the scheduler:
    removes files nobody has asked for in `KEPT_DOCUMENTS_DAYS` days, superseded ones and files no row names.
    Idempotent. Returns how many rows and files it removed."""
    from grants.documents.rendering import kept_files_sweep

    return kept_files_sweep()
