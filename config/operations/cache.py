"""The production cache: Django's cache in the database, with a cheaper write on PostgreSQL.

Django's `DatabaseCache.set` counts the whole table (`SELECT COUNT(*)`), reads the key, then inserts or updates it
in a transaction of its own, which waits for the write-ahead log to reach the disk: four statements and a flush
for every write. Kept pages write on most requests (grants/kept_pages.py: the mark of a first view, then the page),
and under a load of 200 people the count alone was the database's third most expensive statement (issue 13,
docs/performance.md). On PostgreSQL a `set` here is one `INSERT … ON CONFLICT DO UPDATE` that does not wait for
the flush when it is a transaction of its own (a cache entry lost in a crash is only made again; inside a
caller's transaction it waits, as the caller's writes must), and the table is counted, and culled past
MAX_ENTRIES as Django culls it, at most once a minute per process. `add`, `touch`, reads and deletes are Django's.

A write inside a caller's REPEATABLE READ transaction (a kept page is made in one: grants/kept_pages.py) fails
when another request has written the same entry since the caller's snapshot began: two people opening the same
plan page at once both keep its rows (grants/fragments.py). Django's own `DatabaseCache` lets a write fail
silently ("to be threadsafe, updates/inserts are allowed to fail"); so does this one, for such a conflict only,
inside a savepoint, so that the caller's transaction and page go on: the other request's entry stands.
"""

from __future__ import annotations

import base64
import logging
import pickle
import time
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import OperationalError, connections, router, transaction
from django.utils.timezone import now as tz_now

logger = logging.getLogger(__name__)

CULL_CHECK_SECONDS = 60
# PostgreSQL's SQLSTATEs for a write that lost to a concurrent one: serialization failure, deadlock.
CONCURRENT_WRITE_FAILURES = {"40001", "40P01"}


class PostgresFriendlyDatabaseCache(DatabaseCache):
    """`DatabaseCache` whose `set` is a single upsert on PostgreSQL (this module's docstring); elsewhere Django's."""

    def __init__(self, table, params):
        super().__init__(table, params)
        self._counted_at = float("-inf")  # per process (and per thread: Django makes a cache object per thread)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor != "postgresql":
            return super().set(key, value, timeout, version)
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = expires.replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        table = connection.ops.quote_name(self._table)
        own_transaction = not connection.in_atomic_block
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                self._cull_now_and_then(db, cursor)
                if own_transaction:  # never inside a caller's transaction: its own writes must wait for the disk
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                cursor.execute(
                    f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "  # noqa: S608 - our table
                    "ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires",
                    [key, encoded, connection.ops.adapt_datetimefield_value(expires)],
                )
        except OperationalError as error:
            if getattr(error.__cause__, "pgcode", None) not in CONCURRENT_WRITE_FAILURES:
                raise
            # Rolled back to the savepoint `atomic` made inside the caller's transaction, which goes on.
            logger.info("Cache entry not written, another request wrote it meanwhile: %s", error.__cause__.pgcode)

    def _cull_now_and_then(self, db, cursor) -> None:
        """Django's count-and-cull, at most once every CULL_CHECK_SECONDS in this process."""
        moment = time.monotonic()
        if moment - self._counted_at < CULL_CHECK_SECONDS:
            return
        self._counted_at = moment
        cursor.execute(f"SELECT COUNT(*) FROM {connections[db].ops.quote_name(self._table)}")  # noqa: S608
        count = cursor.fetchone()[0]
        if count > self._max_entries:
            self._cull(db, cursor, tz_now().replace(microsecond=0), count)
