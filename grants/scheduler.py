"""The scheduler: queues the reminder job (grants/tasks.py `send_reminders`), the retention job
(`apply_retention`), the sweep of kept documents (`sweep_kept_files`) and the job that keeps plans' fragments
ahead of their first view (`keep_plan_fragments`) at a fixed interval.

django-tasks runs what is queued but has no clock of its own, so one small process queues the job; the workers
(`manage.py db_worker`, on any number of machines) run it. The job is idempotent (each reminder is recorded with a
unique constraint before it is sent), so queueing it every hour, from two schedulers by mistake, or again after a
restart never sends an e-mail twice: the interval only bounds how late in the day a reminder can arrive.

Run it with `manage.py run_scheduler` (docs/deploy.md); a cron line calling `manage.py run_scheduler --once` does
the same job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 60 * 60


def queue_due_jobs() -> None:
    """Queues every scheduled job once: the reminders (which include the weekly digest) and the retention job
    (docs/retention.md; as idempotent, so queueing it hourly rather than daily only keeps the records tighter)."""
    from grants.tasks import apply_retention, keep_plan_fragments, send_reminders, sweep_kept_files

    result = send_reminders.enqueue()
    log.info("Queued the reminder job (%s)", result.id)
    result = apply_retention.enqueue()
    log.info("Queued the retention job (%s)", result.id)
    result = sweep_kept_files.enqueue()
    log.info("Queued the sweep of kept documents (%s)", result.id)
    result = keep_plan_fragments.enqueue()
    log.info("Queued the keeping of plans' fragments (%s)", result.id)


def run(*, once: bool = False, interval: int = INTERVAL_SECONDS, sleep: Callable[[float], None] = time.sleep) -> None:
    """Queues the jobs now and then every `interval` seconds, until stopped."""
    while True:
        try:
            queue_due_jobs()
        except Exception:  # noqa: BLE001 - a database hiccup must not stop the clock; the next tick tries again
            log.exception("Could not queue the scheduled jobs")
        if once:
            return
        sleep(interval)
