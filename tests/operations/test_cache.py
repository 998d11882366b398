"""The production cache (config/operations/cache.py): Django's database cache with a one-statement write on
PostgreSQL. It must behave as Django's does: values read back, overwritten, expired, culled past MAX_ENTRIES,
`add` refusing a live key; and a write must be one statement, not Django's count, read and write."""

import datetime

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.operations import cache as cache_module
from config.operations.cache import PostgresFriendlyDatabaseCache

pytestmark = pytest.mark.django_db(transaction=True)

TABLE = "operations_test_cache"


@pytest.fixture
def cache():
    call_command("createcachetable", TABLE)
    backend = PostgresFriendlyDatabaseCache(TABLE, {"OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2}})
    yield backend
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


def test_values_are_written_read_overwritten_and_deleted(cache):
    cache.set("plan", {"allocated": "1234.50"})
    assert cache.get("plan") == {"allocated": "1234.50"}
    cache.set("plan", ["changed"])
    assert cache.get("plan") == ["changed"]
    assert cache.get_many(["plan", "absent"]) == {"plan": ["changed"]}
    cache.delete("plan")
    assert cache.get("plan") is None


def test_an_expired_value_is_not_read_and_add_respects_a_live_one(cache):
    cache.set("gone", 1, timeout=-1)
    assert cache.get("gone") is None
    assert cache.add("gone", 2)  # expired: add may take its place
    assert not cache.add("gone", 3)  # live: add refuses, as Django's
    assert cache.get("gone") == 2
    cache.set("forever", "kept", timeout=None)
    assert cache.get("forever") == "kept"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's")
def test_a_write_is_one_statement_and_the_table_is_counted_once_a_minute(cache):
    with CaptureQueriesContext(connection) as first:
        cache.set("a", 1)
    with CaptureQueriesContext(connection) as second:
        cache.set("b", 2)
    first_sql = " ".join(q["sql"] for q in first.captured_queries)
    framing = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    second_sql = [q["sql"] for q in second.captured_queries if q["sql"].split()[0] not in framing]
    assert "COUNT(*)" in first_sql
    assert [sql.split()[0] for sql in second_sql] == ["SET", "INSERT"], second_sql  # no count, no read


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's")
def test_past_max_entries_the_table_is_culled_when_next_counted(cache, monkeypatch):
    monkeypatch.setattr(cache_module, "CULL_CHECK_SECONDS", 0)  # count on every write, as Django does
    for number in range(12):
        cache.set(f"key-{number:02}", number)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        assert cursor.fetchone()[0] <= 6  # Django's cull: past 5, half of them deleted
    assert cache.get("key-11") == 11  # the latest write always lands


def test_what_it_writes_djangos_backend_reads(cache):
    """The same table and encoding as Django's: a server on either backend reads the other's entries."""
    cache.set("shared", {"when": datetime.date(2026, 11, 27)})
    assert DatabaseCache(TABLE, {}).get("shared", version=None) == {"when": datetime.date(2026, 11, 27)}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement write is PostgreSQL's")
def test_a_write_inside_a_callers_transaction_leaves_its_commit_durable(cache):
    """`synchronous_commit` is turned off only for a transaction of the cache's own: set inside a view's
    transaction, it would make that transaction's real writes commit without waiting for the disk."""
    from django.db import transaction

    with transaction.atomic():
        cache.set("inside", 1)
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
    assert cache.get("inside") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="REPEATABLE READ's conflict is PostgreSQL's")
def test_a_write_that_loses_to_another_requests_leaves_the_callers_transaction_going(cache):
    """Two people open the same page at once: each makes it in a REPEATABLE READ transaction (a kept page) and
    keeps the same entry. The one whose snapshot began before the other's write would fail on it ("could not
    serialize access due to concurrent update", a 500 seen under load); its write is given up instead, the other's
    entry stands, and its transaction reads and commits as before."""
    import threading

    from django.db import transaction

    cache.set("plan-rows", "before")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT 1")  # the snapshot begins

        def other_request():
            cache.set("plan-rows", "the other's")
            connection.close()

        other = threading.Thread(target=other_request)
        other.start()
        other.join()
        cache.set("plan-rows", "this one's")  # conflicts with the other's write: given up, no error
        with connection.cursor() as cursor:
            cursor.execute("SELECT 2")  # the transaction goes on
            assert cursor.fetchone() == (2,)
    assert cache.get("plan-rows") == "the other's"


def test_other_database_errors_are_not_swallowed(cache):
    from django.db import DatabaseError

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
    with pytest.raises(DatabaseError):
        cache.set("plan-rows", "nowhere to go")
    call_command("createcachetable", TABLE)  # for the fixture's clean-up


@pytest.mark.skipif(connection.vendor != "postgresql", reason="lock_timeout is PostgreSQL's")
def test_an_operational_error_other_than_a_lost_write_still_raises(cache):
    """Only a serialization failure or a deadlock is given up: a write that cannot get its lock in time (another
    kind of OperationalError) still raises, so that a real fault is seen."""
    import threading

    from django.db import OperationalError, transaction

    locked, release = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(10)
        connection.close()

    other = threading.Thread(target=holder)
    other.start()
    try:
        assert locked.wait(10)
        with pytest.raises(OperationalError) as raised, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '100ms'")
            cache.set("plan-rows", "waits for the lock")
        assert raised.value.__cause__.pgcode == "55P03"  # lock_not_available
    finally:
        release.set()
        other.join()
