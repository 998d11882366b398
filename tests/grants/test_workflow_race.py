"""Two people acting on the same plan at the same moment, on PostgreSQL: the transition locks the plan's row
(`select_for_update`) and checks its status again once it holds the lock, so the second is served after the
first has committed and is told the plan has moved on.

To make the race real rather than lucky, the first thread to take the lock waits, still holding it, until
PostgreSQL reports the other thread's transaction waiting for that lock; only then does it carry on.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from grants.models import Decision, DecisionNotice, SpendingPlan
from grants.services import workflow as workflow_service
from partnerships.models import Role
from tests.workflow import drive

pytestmark = pytest.mark.django_db(transaction=True)


def _someone_waits_for_a_lock(timeout: float = 10.0) -> bool:
    """True once another session on this database is blocked waiting for a lock."""
    deadline = time.monotonic() + timeout
    with _fresh_cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def _fresh_cursor():
    """A cursor on a connection of its own, outside the transactions being raced."""
    alias_connection = connections.create_connection("default")
    alias_connection.connect()

    class Closing:
        def __enter__(self):
            self.cursor = alias_connection.cursor()
            return self.cursor

        def __exit__(self, *exc):
            self.cursor.close()
            alias_connection.close()

    return Closing()


def _race(monkeypatch, calls):
    """Runs each call in its own thread, started together; the first to lock the plan holds the lock until
    another is seen waiting for it. Returns each call's result or exception, in order."""
    original = workflow_service.plan_snapshot_under_lock
    first = threading.Lock()
    waited = []

    def snapshot_while_holding_the_lock(plan):
        # Called inside plan_decide after the row is locked: the first caller waits for the others to queue.
        if first.acquire(blocking=False):
            waited.append(_someone_waits_for_a_lock())
        return original(plan)

    monkeypatch.setattr(workflow_service, "plan_snapshot_under_lock", snapshot_while_holding_the_lock)
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert waited == [True], "the second transaction never waited for the lock: the race did not happen"
    return results


def test_two_board_members_approving_at_once_cannot_both_win(plymouth_plan, demo_user, monkeypatch):
    second_member = Role.objects.create(
        user=demo_user("officer.southglos"), kind="board", partnership=plymouth_plan.partnership
    ).user
    drive(plymouth_plan, demo_user, until="approve")
    board = demo_user("board.plymouth")

    results = _race(
        monkeypatch,
        [
            lambda person=person: workflow_service.plan_decide(
                plan=SpendingPlan.objects.get(pk=plymouth_plan.pk), by=person, action="approve",
                expected_status=SpendingPlan.Status.EXECUTIVE_AGREED,
            )
            for person in (board, second_member)
        ],
    )  # fmt: skip

    wins = [r for r in results if isinstance(r, Decision)]
    losses = [r for r in results if isinstance(r, ValidationError)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "Someone else has acted on this plan since you opened it" in losses[0].messages[0]
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == SpendingPlan.Status.BOARD_APPROVED
    assert plymouth_plan.decisions.filter(action="approve").count() == 1


def test_the_same_approval_sent_twice_at_once_is_recorded_once(plymouth_plan, demo_user, monkeypatch):
    """A double click, or two tabs: without the lock both requests would see 'agreed by the executive group'."""
    drive(plymouth_plan, demo_user, until="approve")
    board = demo_user("board.plymouth")
    results = _race(
        monkeypatch,
        [
            lambda: workflow_service.plan_decide(
                plan=SpendingPlan.objects.get(pk=plymouth_plan.pk), by=board, action="approve"
            )
        ]
        * 2,
    )
    assert sorted(type(r).__name__ for r in results) == ["Decision", "ValidationError"], results
    assert plymouth_plan.decisions.filter(action="approve").count() == 1


def test_the_pcc_and_the_treasurer_signing_at_once_approve_the_plan_exactly_once(plymouth_plan, demo_user, monkeypatch):
    """Both sign-offs must count: without the lock each could see the other's missing and leave the plan
    waiting for ever, or both could issue a decision notice."""
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    results = _race(
        monkeypatch,
        [
            lambda: workflow_service.plan_decide(
                plan=SpendingPlan.objects.get(pk=plymouth_plan.pk), by=demo_user("pcc.devon"), action="sign_off_pcc"
            ),
            lambda: workflow_service.plan_decide(
                plan=SpendingPlan.objects.get(pk=plymouth_plan.pk),
                by=demo_user("treasurer.devon"),
                action="sign_off_treasurer",
            ),
        ],
    )
    assert all(isinstance(r, Decision) for r in results), results
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == SpendingPlan.Status.APPROVED
    assert DecisionNotice.objects.filter(plan=plymouth_plan).count() == 1
    assert sorted(d.to_status for d in results) == ["approved", "opcc_recommended"]
