"""Backups proven by restoring them: dump the database with pg_dump, restore it into an empty database, compare.

Used by `manage.py backup_check` (docs/deploy.md, "Backups and restore") and by the test suite. The comparison is
generic, so a table added later (claims, payments, returns) is covered without a change here: every table's row
count and a checksum of all its rows. On top of that, the figures people sign off are compared by name, through the
same model code the pages use: every plan's award, allocated, unallocated and match funding, every decision, every
decision notice and every award.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connections


def postgres_binary(name: str) -> str:
    """A PostgreSQL client program: on the PATH, else the newest /usr/lib/postgresql/*/bin (Debian's layout)."""
    if found := shutil.which(name):
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise RuntimeError(f"{name} was not found: install PostgreSQL's client programs (apt-get install postgresql).")
    return candidates[-1]


def _client_environment(settings_dict: dict) -> tuple[list[str], dict]:
    """Connection options and environment for pg_dump/pg_restore/psql from a Django database's settings."""
    options = []
    host = settings_dict.get("HOST") or settings_dict.get("OPTIONS", {}).get("host")  # a Unix socket directory too
    if host:
        options += ["--host", host]
    if settings_dict.get("PORT"):
        options += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        options += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    if sslmode := settings_dict.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    return options, env


def database_dump(*, path: Path, alias: str = "default") -> Path:
    """A custom-format dump (`pg_dump -Fc`): compressed, restorable table by table, what docs/deploy.md schedules."""
    settings_dict = connections[alias].settings_dict
    options, env = _client_environment(settings_dict)
    subprocess.run(
        [
            postgres_binary("pg_dump"),
            *options,
            "--format=custom",
            "--no-owner",
            "--file",
            str(path),
            settings_dict["NAME"],
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    return path


def database_restore(*, path: Path, database: str, alias: str = "default") -> None:
    """Restores `path` into `database` on the same server as `alias`, after creating it empty (dropping any
    earlier copy of that name)."""
    settings_dict = connections[alias].settings_dict
    if database == settings_dict["NAME"]:
        raise ValueError("Refusing to restore over the database being checked.")
    _recreate(database, alias)
    options, env = _client_environment(settings_dict)
    subprocess.run(
        [
            postgres_binary("pg_restore"),
            *options,
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname",
            database,
            str(path),
        ],
        check=True,
        env=env,
        capture_output=True,
    )


def _recreate(database: str, alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
        cursor.execute(f'CREATE DATABASE "{database}"')


def database_drop(database: str, alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')


def table_fingerprints(alias: str) -> dict[str, tuple[int, str]]:
    """Every table in the public schema: (rows, md5 of all rows in a fixed order). Two databases with the same
    fingerprints hold the same rows, whatever the tables are."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [row[0] for row in cursor.fetchall()]
        found = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM \"{table}\" t"
            )
            found[table] = tuple(cursor.fetchone())
    return found


def named_figures(alias: str) -> dict[str, object]:
    """The figures people sign off, read through the models as the pages read them."""
    from grants.models import Decision, DecisionNotice, GrantAward, SpendingPlan

    plans = {
        f"plan {plan.pk} ({plan})": {
            "award": plan.award.amount,
            "allocated": plan.allocated,
            "unallocated": plan.unallocated,
            "match funding": plan.match_funding_total,
            "status": plan.status,
            "version": plan.version,
        }
        for plan in SpendingPlan.objects.using(alias).select_related("award").order_by("pk")
    }
    decisions = list(
        Decision.objects.using(alias)
        .order_by("pk")
        .values_list("pk", "plan_id", "version", "round", "action", "to_status", "user_name", "decided_at")
    )
    notices = list(DecisionNotice.objects.using(alias).order_by("pk").values_list("pk", "plan_id", "reference"))
    awards = list(
        GrantAward.objects.using(alias).order_by("pk").values_list("pk", "partnership_id", "financial_year", "amount")
    )
    return {"plans": plans, "decisions": decisions, "decision notices": notices, "awards": awards}


@dataclass
class BackupCheck:
    tables: int = 0
    rows: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences


@contextmanager
def reading(database: str, alias: str = "default"):
    """Within the block, `alias` reads `database` (same server and credentials): the restored copy is read by the
    same model code as the live database, with no extra database configured."""
    original = connections[alias]
    copy = original.__class__({**original.settings_dict, "NAME": database}, alias=alias)
    connections[alias] = copy
    try:
        yield
    finally:
        copy.close()
        connections[alias] = original


def compare(restored: str, alias: str = "default") -> BackupCheck:
    """Compares the live database (`alias`) with its restored copy (the database named `restored`)."""
    report = BackupCheck()
    before, figures_before = table_fingerprints(alias), named_figures(alias)
    with reading(restored, alias):
        after, figures_after = table_fingerprints(alias), named_figures(alias)
    report.tables = len(before)
    report.rows = sum(rows for rows, _ in before.values())
    for table in sorted(set(before) | set(after)):
        if table not in after:
            report.differences.append(f"table {table} is missing from the restored copy")
        elif table not in before:
            report.differences.append(f"table {table} exists only in the restored copy")
        elif before[table] != after[table]:
            report.differences.append(
                f"table {table}: {before[table][0]} rows before, {after[table][0]} after, or their contents differ"
            )
    for name, value in figures_before.items():
        if figures_after.get(name) != value:
            report.differences.append(f"{name} differ between the database and the restored copy")
    return report


def backup_check(*, alias: str = "default", database: str | None = None, keep: bool = False) -> BackupCheck:
    """Dumps the database, restores the dump into `database` (default: `<name>_restore_check`) and compares the two.

    Run it when the service is quiet: a change made between the dump and the comparison shows as a difference.
    """
    database = database or f"{connections[alias].settings_dict['NAME']}_restore_check"
    with tempfile.TemporaryDirectory(prefix="backup-check-") as folder:
        dump = database_dump(path=Path(folder) / "database.dump", alias=alias)
        database_restore(path=dump, database=database, alias=alias)
    try:
        return compare(database, alias)
    finally:
        if not keep:
            database_drop(database, alias)
