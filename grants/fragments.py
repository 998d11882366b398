"""Rendered fragments of a plan's content, kept in the shared cache (issue 13: "cache what is frozen", and drafts).

The plan table's rows are most of the plan page's work: six related sets per line fetched and turned into objects,
then rendered (outlines, measures, sub-items, priorities). Every write of a plan's content gives the plan a new
`content_stamp` (a random UUID): the one writer of plan content once per write (`SpendingPlan.writing_content`),
and every other save or delete of a line, sub-item, measure, match funding, risk, section or document, and every
change of a line's priority links, through signals (grants/signals.py), whoever makes it (the admin and its
inlines, a shell). A save of the plan's own fields (its details, its status) leaves the stamp as stored: it
neither outdates the rows nor lets an instance read before a content write save the old stamp back. So the rows of
any version, draft or frozen, are kept under a key of the plan, its stamp, and a fingerprint of the other records
they name (providers, thematic groups, Police and Crime Plan and local priorities, which can be renamed at any time
without touching the plan): one SQL query, no objects. Anything else a row shows that can change without the
content, or depends on the person (supporting documents, scrutiny comments, the Approved column and its
declarations), is rendered on every request around the kept parts, in
`grants/includes/plan_table.html`.

The cache is Django's (`DatabaseCache` in production, shared by every app server); a kept entry is only ever
read under the exact key it was written with, so a variation (a new plan), any change of the content (a new
stamp) or a renamed provider or priority (a new fingerprint) is never shown the old rows. The stamp changes after
(or in the same transaction as) the write it follows, and the page reads the stamp before the rows: rows kept
under a stamp are never older than the stamp. The rows are made by one template whether kept or not, so the page
is the same whichever way its rows were made.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache as once

from django.core.cache import cache
from django.db import connection
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

from grants.models import FundedProject, SpendingPlan

ROW_PARTS_TEMPLATE = "grants/includes/plan_row_parts.html"
# The keys' beginnings. A key names everything its entry shows, so a page reading one reads no state of the cache:
# found or made, the rows are the same (grants/table_writes.py relies on it).
KEY_PREFIXES = ("plan-rows:", "editor-lines:", "plan-snapshot:")
KEEP_FOR = 60 * 60 * 24 * 30  # seconds; an entry is only ever outdated by a new key, so this just frees space
# Bump when code the fragments are made with changes their output (a filter, a model's property): old entries are
# then never read again. The row template's own source is part of the key already.
FORMAT = 3

# PostgreSQL text never holds a NUL character, so these cannot occur in what the template prints.
_CUT, _END = "\x00", "\x01"


@dataclass(frozen=True)
class RowParts:
    """One row's parts that show only the plan's content: the first cell's opening (title, outline, provider,
    priorities, match funding) and closing (sub-items), and the amount, measures and priorities cells."""

    head: SafeString
    sub_items: SafeString
    cells: SafeString


def plan_table_rows(plan: SpendingPlan, *, names: str | None = None) -> list[FundedProject]:
    """The plan's funded projects in number order, each with its `row_parts`; the rows come from the cache when
    neither the content (its stamp) nor anything it names has changed, and then cost one query (the fingerprint,
    none when given as `names`): the lines' own fields are content too, kept with their parts and made into objects
    again without a read."""
    key = _rows_key(plan, names if names is not None else names_fingerprint(plan))
    fields = _line_fields()
    kept = cache.get(key)
    if kept is not None and kept[0] == fields:
        projects = [FundedProject.from_db(connection.alias, fields, values) for values, _ in kept[1]]
        _attach(projects, [parts for _, parts in kept[1]])
        return projects
    projects = list(plan.projects.for_plan_page())
    parts = _render(projects)
    rows = [(tuple(getattr(p, name) for name in fields), part) for p, part in zip(projects, parts, strict=True)]
    cache.set(key, (fields, rows), KEEP_FOR)
    _attach(projects, parts)
    return projects


def _rows_key(plan: SpendingPlan, names: str) -> str:
    return f"{KEY_PREFIXES[0]}{FORMAT}:{_template_version()}:{plan.pk}:{plan.content_stamp}:{names}"


@once
def _line_fields() -> list[str]:
    """A line's own columns, in the order `Model.from_db` takes them (a deployment that adds one keeps apart)."""
    return [field.attname for field in FundedProject._meta.concrete_fields]


def _attach(projects: list[FundedProject], parts: list[tuple[str, str, str]]) -> None:
    for project, (head, sub_items, cells) in zip(projects, parts, strict=True):
        project.row_parts = RowParts(mark_safe(head), mark_safe(sub_items), mark_safe(cells))  # noqa: S308 - rendered with autoescape


def _render(projects: list[FundedProject]) -> list[tuple[str, str, str]]:
    """Every row's parts in one render of the template (one render of 60 rows costs less than 180 of one part)."""
    html = get_template(ROW_PARTS_TEMPLATE).render(
        {"projects": projects, "cut": mark_safe(_CUT), "end": mark_safe(_END)}
    )
    rows = html.split(_END)[: len(projects)]
    return [tuple(row.split(_CUT)) for row in rows]


@once
def _template_version() -> str:
    """The row template's source, hashed: a deployment that changes it never reads rows made with the old one."""
    template = get_template(ROW_PARTS_TEMPLATE).template
    return hashlib.sha256(template.source.encode()).hexdigest()[:12]


def names_fingerprint(plan: SpendingPlan) -> str:
    """A hash of what the rows print of the records the plan's lines name but do not own: providers' and thematic
    groups' names, and the Police and Crime Plan and local priorities' numbers, positions and titles. One query of
    plain rows (portable SQL: the app also runs on SQLite), hashed here."""
    from partnerships.models import Organisation, ThematicGroup
    from priorities.models import LocalPriority, Priority

    line = FundedProject._meta.db_table
    pcc_links = FundedProject.pcc_priorities.through._meta.db_table
    local_links = FundedProject.local_priorities.through._meta.db_table
    none = "CAST(NULL AS integer)"
    sql = f"""
        SELECT 'o', o.id, o.name, {none}, {none} FROM {line} l
          JOIN {Organisation._meta.db_table} o ON o.id = l.provider_id WHERE l.plan_id = %s
        UNION SELECT 'g', g.id, g.name, {none}, {none} FROM {line} l
          JOIN {ThematicGroup._meta.db_table} g ON g.id = l.thematic_group_id WHERE l.plan_id = %s
        UNION SELECT 'p', p.id, p.title, p.plan_id, p.number FROM {line} l
          JOIN {pcc_links} pl ON pl.fundedproject_id = l.id
          JOIN {Priority._meta.db_table} p ON p.id = pl.priority_id WHERE l.plan_id = %s
        UNION SELECT 'l', lp.id, lp.title, lp.assessment_id, lp.position FROM {line} l
          JOIN {local_links} ll ON ll.fundedproject_id = l.id
          JOIN {LocalPriority._meta.db_table} lp ON lp.id = ll.localpriority_id WHERE l.plan_id = %s
        ORDER BY 1, 2
    """  # noqa: S608 - table names from the models, the plan's key as a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, [plan.pk] * 4)
        named = cursor.fetchall()
    return hashlib.sha256(repr(named).encode()).hexdigest()[:24]


@dataclass(frozen=True)
class KeptLines:
    """What the editor's hub needs of the plan's lines, kept under the plan's content stamp: how many there are,
    their checks (`grants.checks.line_checks`), and each line by line id (for the roll-forward notes' links).
    The lines stand in as `FundedProject(pk=...)`: the hub only links to them."""

    count: int
    checks: list
    by_line_id: dict


def editor_lines(plan: SpendingPlan) -> KeptLines:
    """The hub's `KeptLines`, from the cache when the content has not changed since (its stamp, and the plan's
    year, which the contract checks compare with): one query fewer than the six the lines and their related sets
    cost, and no objects. The checks print nothing but the lines' own fields (no names of other records)."""
    from grants.checks import PlanCheck, line_checks

    key = _lines_key(plan)
    kept = cache.get(key)
    if kept is None:
        projects = list(plan.projects.for_plan_page())
        checks = [(check.project.pk, check.message, check.field) for check in line_checks(plan, projects)]
        kept = (len(projects), checks, {str(p.line_id): p.pk for p in projects})
        cache.set(key, kept, KEEP_FOR)
    count, checks, by_line_id = kept
    lines = {pk: FundedProject(pk=pk, plan_id=plan.pk) for pk in by_line_id.values()}
    return KeptLines(
        count=count,
        checks=[PlanCheck(message, lines[pk], field) for pk, message, field in checks],
        by_line_id={line_id: lines[pk] for line_id, pk in by_line_id.items()},
    )


def _lines_key(plan: SpendingPlan) -> str:
    return f"{KEY_PREFIXES[1]}{FORMAT}:{plan.pk}:{plan.content_stamp}:{plan.financial_year}"


def keep_fragments(plan_ids: list[int] | None = None) -> int:
    """THE job that keeps the plans' fragments ahead of their first view (the scheduler queues it each hour:
    grants/scheduler.py). A fragment is kept until its plan's content changes, so on a working day most first
    views find it kept; but the first view after a change, a deployment (a new FORMAT or row template) or a renamed
    provider or priority makes it in the request, at two to three times the page's cost (the plan page of a
    23-line plan: 49 ms made, 21 kept, at national scale). The job makes those in the task worker instead, for the
    plans people open: each award's newest version and the version in force (`in_force_or_latest`). For each: the
    plan table's rows; the editor hub's lines while the plan is editable; the content snapshot that each save in
    the editor and each decision compares (`plan_snapshot_under_lock`) while the plan is undecided. Each plan is
    read and made in one snapshot of the database, so what is kept is of the stamp it is kept under. Idempotent:
    a plan whose fragments are kept costs two to four small queries and makes nothing. `plan_ids` narrows it to
    those plans. Returns how many fragments it made."""
    from grants.documents import reads
    from grants.services.comparison import plan_snapshot_under_lock, snapshot_key
    from grants.workflow import TERMINAL

    plans = SpendingPlan.objects.in_force_or_latest().order_by("pk")
    if plan_ids is not None:
        plans = plans.filter(pk__in=plan_ids)
    made = 0
    for pk in list(plans.values_list("pk", flat=True)):
        with reads.one_snapshot():
            plan = SpendingPlan.objects.select_related("award").filter(pk=pk).first()
            if plan is None:
                continue  # deleted since the list was read
            names = names_fingerprint(plan)
            if not cache.has_key(_rows_key(plan, names)):
                plan_table_rows(plan, names=names)
                made += 1
            if plan.is_editable and not cache.has_key(_lines_key(plan)):
                editor_lines(plan)
                made += 1
            if plan.status not in TERMINAL and not cache.has_key(snapshot_key(plan, names)):
                plan_snapshot_under_lock(plan, names=names)
                made += 1
    return made
