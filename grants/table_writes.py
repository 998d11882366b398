"""Which tables were written since a snapshot: lets a kept page skip asking its queries again when nothing it read
can have changed (issue 13; docs/decisions.md "A kept page whose tables nobody wrote is handed out unasked").

A kept page is handed out while its queries answer the same (grants/kept_pages.py): the request asks them all again
in one round trip, which at national size costs PostgreSQL 10 to 20 ms for a home page, most of the kept page's
time. But the queries can only answer differently if a table they read has been written since the page was made.
So every write is noted, in PostgreSQL itself, whoever makes it (the ORM, `update()`, the admin, SQL by hand):

- a statement-level trigger on every table (`install`, run after every `migrate`) adds a row to
  `grants_table_write` for each table a transaction writes: the table's name and the transaction's id;
- a kept page keeps the snapshot it was made in (`snapshot`: which transactions' writes it saw) and the tables
  its queries name (`tables_read`);
- before asking the queries again, a request asks one cheap question (`unwritten_since`): has any transaction the
  page's snapshot did not see written one of those tables, and committed? A log row is seen only once its
  transaction has committed, and its id tells whether the page's snapshot saw it. If not one, the queries would
  answer exactly what they answered, and the page is handed out; otherwise they are asked again, as before.

It is an accelerator, never the judge of a change: when in doubt (a query naming a table without the trigger, a
function of the clock, a table this process does not know yet) `tables_read` answers None and the queries are
asked again. Tables written on nearly every request and never read by a page (sessions, the cache) have no
trigger. The log is pruned by the hourly retention job: kept pages live a day at most (`prune`).
PostgreSQL only, as kept pages are.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

from django.db import connection, connections

from grants.documents import reads

LOG = "grants_table_write"
TRIGGER = "grants_table_write_note"
FUNCTION = "grants_table_write_note"
# Written on (nearly) every request and never read by a page's recorded queries: no trigger, no log row.
UNWATCHED = {LOG, "django_session", "django_cache", "django_migrations"}
# Kept pages live a day at most (grants/kept_pages.py KEPT_FOR): a log row older than that can concern none.
KEEP_LOG_FOR = timedelta(hours=25)

# Functions whose answer changes with no write: a query using one must be asked again (`tables_read`).
_CLOCK_OR_CHANCE = re.compile(
    r"\b(now|statement_timestamp|transaction_timestamp|clock_timestamp|timeofday|current_date|current_time"
    r"|current_timestamp|localtime|localtimestamp|age|random|nextval|currval|txid_current|pg_current_xact_id)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r'"([^"]+)"|([A-Za-z_][A-Za-z0-9_]*)')
# A quoted name used as a table: `FROM "x"`, `JOIN "x"`, `"x"."column"`.
_QUOTED_TABLE = re.compile(r'(?:\bFROM|\bJOIN)\s+"([^"]+)"|"([^"]+)"\.', re.IGNORECASE)

_LITERAL = re.compile(r"'([^']*)'")

_known: dict[str, object] = {"at": 0.0}
KNOWN_FOR_SECONDS = 60  # a table added by a migration while this process runs is known within a minute


def install(using: str = "default") -> None:
    """The trigger on every table but UNWATCHED that lacks it (run after every `migrate`, so a table a migration
    adds is watched too; the log and its function come with migration grants 0027). Idempotent."""
    db = connections[using]
    if db.vendor != "postgresql":
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT to_regprocedure(%s) IS NOT NULL", [f"{FUNCTION}()"])
        if not cursor.fetchone()[0]:
            return  # migrated to before grants 0027, or back past it: nothing to note writes with
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'p') "
            "AND c.relnamespace = ANY (current_schemas(false)::regnamespace[]) "
            "AND NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
            [TRIGGER],
        )
        for (table,) in cursor.fetchall():
            if table in UNWATCHED:
                continue
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {db.ops.quote_name(table)} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
            )
    _known["at"] = 0.0


def _relations() -> tuple[frozenset[str], frozenset[str]]:
    """(every table and view of the database, the tables with the trigger), read at most once a minute."""
    if time.monotonic() - _known["at"] > KNOWN_FOR_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s "
                "AND t.tgenabled <> 'D') "
                "FROM pg_class c WHERE c.relnamespace = ANY (current_schemas(false)::regnamespace[]) "
                "AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
                [TRIGGER],
            )
            rows = cursor.fetchall()
        _known.update(
            relations=frozenset(name for name, _ in rows),
            watched=frozenset(name for name, has in rows if has),
            at=time.monotonic(),
        )
    return _known["relations"], _known["watched"]


def tables_read(queries: list[str]) -> tuple[str, ...] | None:
    """The tables `queries` read, when every one of them is watched; None when that cannot be vouched for (a view,
    an unwatched table, a name this process does not know, a function of the clock or of chance)."""
    relations, watched = _relations()
    named: set[str] = set()
    for query in queries:
        if _CLOCK_OR_CHANCE.search(query):
            return None
        if _content_addressed(query):
            continue
        for after_from_or_join, before_dot in _QUOTED_TABLE.findall(query):
            if (after_from_or_join or before_dot) not in relations:
                return None  # a table created after this process looked: ask the queries
        for quoted, bare in _WORD.findall(query):
            name = quoted or bare
            if name in relations or name.lower() in relations:
                named.add(name if name in relations else name.lower())
    if not named or not named <= watched:
        return None
    return tuple(sorted(named))


def _content_addressed(query: str) -> bool:
    """A read of the cache's table for kept fragments only (grants/fragments.py): each key names everything its
    entry shows, so the page is the same whether the entry is there or not, and the read depends on no write."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    from grants.fragments import KEY_PREFIXES

    cache = caches["default"]
    if not isinstance(cache, DatabaseCache) or f'FROM "{cache._table}"' not in query:
        return False
    keys = _LITERAL.findall(query)
    return bool(keys) and all(_fragment_key(key, KEY_PREFIXES) for key in keys)


def _fragment_key(key: str, prefixes: tuple[str, ...]) -> bool:
    parts = key.split(":", 2)  # Django's full key: "<KEY_PREFIX>:<VERSION>:<key>"
    return len(parts) == 3 and parts[1].isdigit() and parts[2].startswith(prefixes)


def snapshot() -> str:
    """The current transaction's snapshot (in REPEATABLE READ, the one its queries all read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def unwritten_since(tables: tuple[str, ...] | None, seen: str | None) -> bool:
    """Whether no transaction that `seen` (a snapshot) did not see has written any of `tables` and committed, as far
    as this transaction can see. False whenever it cannot be vouched for."""
    if not tables or not seen:
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT NOT EXISTS (SELECT 1 FROM {LOG} WHERE table_name = ANY(%s::name[]) "  # noqa: S608 - our own name
            "AND xid >= pg_snapshot_xmin(%s::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot))",
            [list(tables), seen, seen],
        )
        return cursor.fetchone()[0]


def prune(now=None) -> int:
    """Removes log rows older than any kept page can be; returns how many."""
    if not reads.replayable():  # PostgreSQL only, as kept pages and this log are
        return 0
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOG} WHERE written_at < %s", [(now or timezone.now()) - KEEP_LOG_FOR])  # noqa: S608
        return cursor.rowcount
