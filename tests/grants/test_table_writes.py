"""A kept page is handed out without asking its queries again while no table they read has been written since it
was made (grants/table_writes.py), and is made afresh as soon as any writer writes one of them.

The pages are made outside any transaction of the test's (`transaction=True`), as in production, where a kept page
keeps the REPEATABLE READ snapshot it was made in; inside a caller's transaction it keeps none and its queries are
always asked again (tests/grants/test_kept_pages.py)."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants import kept_pages, table_writes
from grants.models import SpendingPlan

REPLAY = "array_to_string(ARRAY["  # the one round trip that asks a kept page's queries again (reads.digest)


def opened(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, [query["sql"] for query in captured]


@pytest.fixture
def plan_page(demo, demo_user, client, empty_cache):
    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    client.force_login(demo_user("officer.plymouth"))
    url = reverse("grants:plan-detail", args=[plan.pk])
    for _ in range(3):  # the CSRF cookie, then remembered, then made and kept (test_kept_pages.kept_by_three_views)
        client.get(url)
    return plan, url


@pytest.mark.django_db(transaction=True)
def test_a_kept_page_is_handed_out_unasked_while_nothing_it_read_is_written(plan_page, client):
    plan, url = plan_page
    response, queries = opened(client, url)
    assert response.kept
    assert not any(REPLAY in sql for sql in queries)
    assert any(table_writes.LOG in sql for sql in queries)
    assert plan.title in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_write_by_any_writer_to_a_table_it_read_makes_it_afresh(plan_page, client, monkeypatch):
    plan, url = plan_page
    monkeypatch.setattr(kept_pages, "BACK_OFF_SECONDS", 0.2)
    with connection.cursor() as cursor:  # by hand, as an administrator might: no signal, no ORM
        cursor.execute("UPDATE grants_spendingplan SET purpose = %s WHERE id = %s", ["Changed by SQL", plan.pk])
    response, queries = opened(client, url)
    assert not getattr(response, "kept", False)
    assert "Changed by SQL" in response.content.decode()
    during, queries = opened(client, url)  # found out of date a moment ago: made as always, no replay
    assert not getattr(during, "kept", False) and not any(REPLAY in sql for sql in queries)
    time.sleep(0.25)  # the back-off is over
    client.get(url)  # made and kept again
    again, queries = opened(client, url)  # unasked once more
    assert again.kept and not any(REPLAY in sql for sql in queries)


@pytest.mark.django_db(transaction=True)
def test_a_write_that_changes_nothing_shown_is_checked_by_asking_the_queries_once(plan_page, client, monkeypatch):
    """A written table is only a reason to ask: when the queries answer the same, the kept page is still the answer."""
    plan, url = plan_page
    SpendingPlan.objects.filter(pk=plan.pk).update(purpose=plan.purpose)
    monkeypatch.setattr(kept_pages, "RENEW_AFTER_SECONDS", 0)  # renewed at most every 30 s: here at once
    response, queries = opened(client, url)
    assert response.kept
    assert any(REPLAY in sql for sql in queries)
    # They answered the same in that request's snapshot: the kept page now dates from it, and is unasked again.
    again, queries = opened(client, url)
    assert again.kept and not any(REPLAY in sql for sql in queries)


@pytest.mark.django_db(transaction=True)
def test_a_write_to_a_table_it_did_not_read_leaves_it_unasked(plan_page, client):
    plan, url = plan_page
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_elsewhere (id int)")
    table_writes.install()  # as after a migration that adds a table: it is watched too
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO test_elsewhere VALUES (1)")
        cursor.execute(f"SELECT count(*) FROM {table_writes.LOG} WHERE table_name = 'test_elsewhere'")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    response, queries = opened(client, url)
    assert response.kept and not any(REPLAY in sql for sql in queries)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_elsewhere")


@pytest.mark.django_db
def test_the_tables_a_page_read_are_vouched_for_only_when_all_are_watched():
    plans = str(SpendingPlan.objects.filter(pk=1).select_related("award").order_by("pk").query)
    assert table_writes.tables_read([plans]) == ("grants_grantaward", "grants_spendingplan")
    # a table named bare, in SQL written by hand, counts too
    assert "grants_fundedproject" in table_writes.tables_read([plans, "SELECT count(*) FROM grants_fundedproject"])
    # a function of the clock answers differently with no write
    assert table_writes.tables_read([plans + " AND now() > '2026-01-01'"]) is None
    # a table without the trigger (sessions are written on every request), or one this process does not know
    assert table_writes.tables_read(['SELECT * FROM "django_session"']) is None
    assert table_writes.tables_read(['SELECT * FROM "made_after_this_process_looked"']) is None
    assert table_writes.tables_read(["SELECT 1"]) is None
    assert table_writes.unwritten_since(None, None) is False


@pytest.mark.django_db
def test_the_note_of_writes_is_kept_a_day_and_pruned_by_the_retention_job():
    from config.operations.retention import retention_apply

    SpendingPlan.objects.filter(pk=0).update(title="nothing")  # a statement: noted, even when it changes no row
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table_writes.LOG} WHERE table_name = 'grants_spendingplan'")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    assert table_writes.prune() == 0
    assert table_writes.prune(now=timezone.now() + timedelta(days=2)) >= 1
    removed = {step.what: step.count for step in retention_apply()}
    assert "notes of tables written more than a day ago" in removed


@pytest.mark.django_db
def test_a_read_of_kept_fragments_from_the_database_cache_depends_on_no_write(settings):
    """Production's cache is a table (django_cache, unwatched: written on most requests). A page that reads a kept
    fragment of a plan's rows from it reads no state of the cache: the key names all the entry shows."""
    settings.CACHES = {
        "default": {"BACKEND": "config.operations.cache.PostgresFriendlyDatabaseCache", "LOCATION": "django_cache"}
    }
    plans = str(SpendingPlan.objects.filter(pk=1).order_by("pk").query)
    fragment = (
        'SELECT "cache_key", "value", "expires" FROM "django_cache" WHERE "cache_key" IN (\':1:plan-rows:3:ab:7\')'
    )
    assert table_writes.tables_read([plans, fragment]) == ("grants_spendingplan",)
    other = fragment.replace("plan-rows", "kept-page")
    assert table_writes.tables_read([plans, other]) is None
    both = fragment.replace("')", "', ':1:kept-page:x')")
    assert table_writes.tables_read([plans, both]) is None


def test_a_renewed_snapshot_applies_only_to_the_kept_page_it_was_taken_for(empty_cache):
    """A page made again (after a change) is a new kept page: a snapshot renewed for the one before is not its own."""
    import pickle
    import zlib

    from django.core.cache import cache

    from grants.kept_pages import _SEEN, _Kept, _load

    kept = _Kept(queries=["SELECT 1"], digest="d", content=b"", headers=[], tables=("t",), seen="1:1:", made_id="a")
    cache.set("k", zlib.compress(pickle.dumps(kept), 1))
    cache.set("k" + _SEEN, ("a", "5:5:", 1.0))
    assert _load("k").kept.seen == "5:5:"
    cache.set("k" + _SEEN, ("an earlier making", "9:9:", 2.0))
    assert _load("k").kept.seen == "1:1:"


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_is_renewed_at_most_every_half_minute(plan_page, client):
    """Under a stream of writes, renewing on every view would cost more than the replays it saves."""
    plan, url = plan_page
    SpendingPlan.objects.filter(pk=plan.pk).update(purpose=plan.purpose)
    for _ in range(2):  # kept a moment ago: asked again each time, not renewed
        response, queries = opened(client, url)
        assert response.kept and any(REPLAY in sql for sql in queries)
