"""Whether a kept document is still current, without reading its data into objects or printing it (issue 13;
docs/decisions.md "A kept document is current while the queries it was made from answer the same").

When the task makes a document it records every SELECT the document's data and printing made (the SQL with its
parameters in it, `recording`), in one snapshot of the database with the printing. Its fingerprint is a digest of
what those queries answered then, with what else the output depends on: the code, today's date and, for a
document that depends on who asked, that person. A request asks the same queries again, in one round trip
(`digest`: PostgreSQL hashes each query's rows and the hashes together, so no row leaves the database), and
hands out the kept file only when the digest is the same.

Why this is complete. Making a document is a function of the code, today's date, the person (for the Panel
report) and what its queries answer; each query's text is itself a function of those and of what the queries
before it answered (the first is a function of the subject alone). If every recorded query answers the same rows
as before, the first query of a new making would be the same and answer the same, so the second would be the same
query, and so on: a new making would read exactly the same data and print the same document. A change to
anything printed, in any table, by any writer (the ORM, `update()`, the admin, SQL by hand), changes what some
recorded query answers, or the code, or the day. So nothing needs listing per kind of document, and a query
added to a document later is recorded without anyone remembering to.

Each query's rows are hashed as a set (sorted by their text): the order rows come back in is the query's
ORDER BY, which sorts by values that are themselves hashed. Only on PostgreSQL (`replayable`): the parameters are
put into the SQL by psycopg (`compose_sql`), which SQLite's driver cannot do; there the fingerprint is taken of
the printed text, as before (grants/documents/rendering.py).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache as once
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

# Bump when the way fingerprints are taken changes, so that no kept file matches by accident.
FORMAT = 1

# What the code is made of: a deployment that changes any of it (a template, a figure's rule, a setting) never
# hands out a file made by the code before.
_SOURCES = ("grants", "partnerships", "priorities", "claims", "config", "templates", "static/app")
_SUFFIXES = {".py", ".html", ".txt", ".css", ".svg"}


# Statements that read no data: a transaction's savepoints and settings.
_NOT_READS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET ")


# Set while a query is made that is no read of the page or document being recorded (`unrecorded`).
_aside = threading.local()


class NotReplayable(Exception):
    """A query the document made cannot be asked again as it was (a write or a lock): its file is never kept."""


def replayable() -> bool:
    return connection.vendor == "postgresql"


@contextmanager
def one_snapshot() -> Iterator[None]:
    """A transaction whose queries all read one snapshot of the database (REPEATABLE READ on PostgreSQL): what a
    kept page, a kept document or a kept fragment is made in, so that it shows one state of the database, never a
    plan read before a decision and the decisions read after it. Inside a caller's transaction the isolation is
    the caller's, set before its first query; SQLite's transactions are serializable already."""
    outer = not connection.in_atomic_block
    with transaction.atomic():
        if outer and replayable():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


@contextmanager
def recording() -> Iterator[list[str]]:
    """Every query made in the block, as SQL with its parameters in it, in order, each once. Raises NotReplayable
    at the end if any was not a plain SELECT."""
    queries: list[str] = []
    seen: set[str] = set()
    refused: list[str] = []

    def record(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if getattr(_aside, "on", False) or sql.lstrip().upper().startswith(_NOT_READS):
            return result
        text = connection.ops.compose_sql(sql, params) if params is not None else sql
        if isinstance(text, bytes):
            text = text.decode()
        # A union's parts come in brackets: "(SELECT ...) UNION (SELECT ...)" is a plain read too.
        if many or not text.lstrip("( \n").upper().startswith("SELECT") or " FOR UPDATE" in text.upper():
            refused.append(text[:200])
        elif text not in seen:
            seen.add(text)
            queries.append(text)
        return result

    with connection.execute_wrapper(record):
        yield queries
    if refused:
        raise NotReplayable(f"Not a plain SELECT: {refused[0]}")


@contextmanager
def unrecorded() -> Iterator[None]:
    """Queries made in the block are not recorded: they are the machinery's own (looking up a kept page, asking
    its queries again), not reads of what is being made."""
    before = getattr(_aside, "on", False)
    _aside.on = True
    try:
        yield
    finally:
        _aside.on = before


def digest(queries: list[str]) -> str:
    """What `queries` answer now, as one hash, in one query: each query's rows hashed as a set, then the hashes in
    the order of the queries."""
    return digests([queries])[0]


def digests(documents: list[list[str]]) -> list[str]:
    """`digest` of each document's queries, all in one query (a page that shows several kept documents' state,
    the reports page's 360Giving files, asks once whatever their number)."""
    columns = [
        "array_to_string(ARRAY["
        + ", ".join(
            f"(SELECT md5(coalesce(string_agg(r::text, ',' ORDER BY r::text), '')) FROM ({query}) AS r)"
            for query in queries
        )
        + "], ',')"
        for queries in documents
        if queries
    ]
    answered = iter(_ask(columns) if columns else [])
    return [hashlib.sha256((next(answered) if queries else "").encode()).hexdigest() for queries in documents]


def _ask(columns: list[str]) -> tuple:
    # The stored queries are asked in a read-only (sub)transaction, rolled back after: they came from our own code
    # as plain SELECTs (`recording`), and PostgreSQL itself now refuses any write one might make.
    with unrecorded(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL transaction_read_only = on")
        cursor.execute(f"SELECT {', '.join(columns)}")  # noqa: S608 - the documents' own queries
        answered = cursor.fetchone()
        transaction.set_rollback(True)
    return answered


@once
def code_version() -> str:
    """A hash of the project's source and templates, read once per process."""
    base = Path(settings.BASE_DIR)
    hashed = hashlib.sha256(str(FORMAT).encode())
    for top in _SOURCES:
        for path in sorted((base / top).rglob("*")):
            if path.suffix in _SUFFIXES and "migrations" not in path.parts and path.is_file():
                hashed.update(str(path.relative_to(base)).encode())
                hashed.update(path.read_bytes())
    return hashed.hexdigest()[:32]
