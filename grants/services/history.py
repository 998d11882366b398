"""Who changed a spending plan, what and when; and refusing a save made from a page opened before someone else's.

Every save in the plan editor goes through `plan_lock` (lock the plan row, check the officer may still change
it, check nobody has saved it since the page was opened) and ends with `plan_record_change` (bump the
revision, write a history record holding the plan's whole content). The history page and the "someone else
saved this plan" message both compare those snapshots with `plan_diff`, so they describe changes the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from grants.models import SpendingPlan
from grants.money import format_money
from grants.rules import why_cannot_edit
from grants.services.comparison import FieldChange, PlanDiff, plan_diff, plan_snapshot, plan_snapshot_under_lock

OUTSIDE_THE_EDITOR = "Changed outside the plan editor (in the administration pages, or by loading data)"

DETAIL_FIELDS = [
    ("title", "Title"),
    ("purpose", "Purpose"),
    ("unallocated_note", "What the partnership proposes for unallocated money"),
    ("status", "Status"),
]
RISK_FIELDS = [
    ("theme", "Theme"),
    ("initiative", "Initiative or concern"),
    ("budget", "Budget"),
    ("recommendation", "Recommendation"),
]


class PlanChangedSinceOpened(ValidationError):
    """Refuses a save made from a page opened at an older revision: nothing is overwritten silently."""

    def __init__(self, *, plan: SpendingPlan, opened_revision: int):
        self.plan = plan
        self.opened_revision = opened_revision
        super().__init__(
            "Someone else saved this plan after you opened this page, so your changes have not been saved.",
            code="stale",
        )


@transaction.atomic
def plan_lock(*, plan: SpendingPlan | int, by, expected_revision: int | None) -> SpendingPlan:
    """The plan, locked for the rest of the transaction, once the officer may change it and nobody else has
    saved it since revision `expected_revision` (None skips that check: for a change that starts from nothing
    the officer saw). Must be called inside the transaction that makes the change."""
    pk = plan.pk if isinstance(plan, SpendingPlan) else plan
    locked = (
        SpendingPlan.objects.select_for_update(of=("self",))
        .select_related("award__partnership__force_area", "award__funding_stream")
        .get(pk=pk)
    )
    if reason := why_cannot_edit(by, locked):
        raise PermissionDenied(reason)
    if expected_revision is not None and locked.revision != expected_revision:
        raise PlanChangedSinceOpened(plan=locked, opened_revision=expected_revision)
    # The content as it stands under the lock, for `plan_record_change` after a change that leaves it alone.
    locked.__dict__["_snapshot_at_lock"] = _record_changes_made_elsewhere(locked)
    return locked


def plan_record_change(*, plan: SpendingPlan, by, reason: str, content_changed: bool = True) -> None:
    """Bumps the revision and saves the plan with a history record of who, why and the content after.

    `content_changed=False` says the change left the snapshot's content alone (the plan's details, the board
    paper's sections): the content `plan_lock` read, under the lock, is the content after, and is not read again
    (nine queries, a third of such a save; issue 13)."""
    plan.revision += 1
    plan._history_user = by
    plan._change_reason = reason
    read_at_lock = plan.__dict__.get("_snapshot_at_lock")
    plan._history_snapshot = read_at_lock if read_at_lock is not None and not content_changed else plan_snapshot(plan)
    plan.save()


def _record_changes_made_elsewhere(plan: SpendingPlan) -> dict:
    """When the plan's content differs from its last history record (demo data, the admin, a copy), that
    difference is recorded first, unattributed, so the next editor is not shown as its author. Returns the
    content as it stands (`plan_snapshot`, kept while the content is unchanged: the plan was just read under its
    lock, before any write of this transaction)."""
    latest = plan.history.order_by("-history_date", "-history_id").only("snapshot").first()
    current = plan_snapshot_under_lock(plan)
    if latest is not None and latest.snapshot == current:
        return current
    plan._history_user = None
    plan._change_reason = OUTSIDE_THE_EDITOR
    plan._history_snapshot = current
    plan.save()
    return current


# --- reading the history ------------------------------------------------------------------------------------


@dataclass
class RiskChange:
    kind: str  # "added", "removed", "changed"
    theme: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class HistoryEntry:
    """One save of the plan, described against the save before it."""

    when: datetime
    who: object | None
    reason: str
    revision: int
    created: bool
    details: list[FieldChange] = field(default_factory=list)
    lines: PlanDiff = field(default_factory=PlanDiff)
    risks: list[RiskChange] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.details or self.lines.lines or self.risks)


def _status_label(value: str) -> str:
    return dict(SpendingPlan.Status.choices).get(value, value)


def _detail_changes(old, new) -> list[FieldChange]:
    changes = []
    for name, label in DETAIL_FIELDS:
        before, after = getattr(old, name, "") if old else "", getattr(new, name, "")
        if before != after and not (old is None and not after):
            if name == "status":
                before, after = _status_label(before) if before else "", _status_label(after)
            changes.append(FieldChange(label, before or "(none)", after or "(none)"))
    return changes


def _risk_text(risk: dict, name: str) -> str:
    value = risk.get(name)
    if name == "budget":
        return format_money(Decimal(value)) if value else "(none)"
    return value or "(none)"


def risk_changes(old: list[dict], new: list[dict]) -> list[RiskChange]:
    """Risks and watch items compared by their place in the list."""
    changes = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is None:
            changes.append(RiskChange("added", after["theme"]))
        elif after is None:
            changes.append(RiskChange("removed", before["theme"]))
        elif before != after:
            fields = [
                FieldChange(label, _risk_text(before, name), _risk_text(after, name))
                for name, label in RISK_FIELDS
                if before.get(name) != after.get(name)
            ]
            changes.append(RiskChange("changed", after["theme"], fields))
    return changes


EMPTY_SNAPSHOT = {"allocated": "0.00", "lines": {}, "risks": []}


def _entry(record, previous) -> HistoryEntry:
    old = (previous.snapshot if previous is not None else None) or EMPTY_SNAPSHOT
    new = record.snapshot or EMPTY_SNAPSHOT
    return HistoryEntry(
        when=record.history_date,
        who=record.history_user,
        reason=record.history_change_reason or ("Started the plan" if previous is None else ""),
        revision=record.revision,
        created=previous is None,
        details=_detail_changes(previous, record) if previous is not None else [],
        lines=plan_diff(old, new),
        risks=risk_changes(old.get("risks", []), new.get("risks", [])),
    )


def plan_history_entries(records: list, *, shown: int) -> list[HistoryEntry]:
    """Entries for the first `shown` of `records` (newest first). Fetch one record more than is shown, so the
    oldest shown can be compared with the save before it; without one, it is the plan's first record."""
    return [
        _entry(record, records[i + 1] if i + 1 < len(records) else None) for i, record in enumerate(records[:shown])
    ]


def plan_unrecorded_changes(plan: SpendingPlan, latest) -> HistoryEntry | None:
    """What changed since the latest record without going through the editor (the admin, loaded data), shown
    at the top of the history, unattributed, until the next save in the editor records it."""
    current = plan_snapshot(plan)
    old = (latest.snapshot if latest is not None else None) or EMPTY_SNAPSHOT
    if old == current:
        return None
    return HistoryEntry(
        when=plan.updated_at,
        who=None,
        reason=OUTSIDE_THE_EDITOR,
        revision=plan.revision,
        created=False,
        lines=plan_diff(old, current),
        risks=risk_changes(old.get("risks", []), current.get("risks", [])),
    )


def plan_history_records(plan: SpendingPlan):
    return plan.history.select_related("history_user").order_by("-history_date", "-history_id")


@dataclass
class ChangesSince:
    """What others saved since a page was opened at `opened_revision`."""

    saves: list[HistoryEntry]
    details: list[FieldChange]
    lines: PlanDiff
    risks: list[RiskChange]

    @property
    def has_content_changes(self) -> bool:
        return bool(self.details or self.lines.has_changes or self.risks)


def plan_changes_since(*, plan: SpendingPlan, revision: int) -> ChangesSince:
    records = list(plan_history_records(plan))
    opened = next((r for r in records if r.revision <= revision), None)
    newer = [r for r in records if r.revision > revision]
    saves = [
        HistoryEntry(
            when=r.history_date,
            who=r.history_user,
            reason=r.history_change_reason or "",
            revision=r.revision,
            created=False,
        )
        for r in reversed(newer)
    ]
    old = (opened.snapshot if opened is not None else None) or EMPTY_SNAPSHOT
    current = plan_snapshot(plan)
    return ChangesSince(
        saves=saves,
        details=[c for c in _detail_changes(opened, plan) if c.label != "Status"] if opened else [],
        lines=plan_diff(old, current),
        risks=risk_changes(old.get("risks", []), current.get("risks", [])),
    )


AUDIT_TRAIL_HEADINGS = ["When (UTC)", "Who", "Username", "Revision", "What", "Change", "Before", "After", "Reason"]


def plan_audit_trail_rows(plan: SpendingPlan) -> list[list[str]]:
    """The audit trail of a plan as rows for a spreadsheet, oldest first: every save recorded by the editor (each
    detail, funded project and risk that changed, with before and after), and every decision on the plan (who, in
    which role, from which status to which). For the OPCC's records and for audit: the same history the plan's
    history page shows, whole, in one file."""
    from datetime import UTC

    records = list(plan_history_records(plan))
    rows: list[tuple] = []

    def person(user) -> tuple[str, str]:
        if user is None:
            return "(not recorded)", ""
        return (user.get_full_name() or user.get_username()), user.get_username()

    for entry in plan_history_entries(records, shown=len(records)):
        who, username = person(entry.who)
        base = [entry.when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), who, username, str(entry.revision)]
        changes = []
        for change in entry.details:
            changes.append(["Plan details", change.label, change.old, change.new])
        for line in entry.lines.lines:
            what = f"Funded project {line.number}: {line.title}"
            if line.kind != "changed" or not line.changes:
                changes.append([what, line.kind.capitalize(), "", ""])
            for change in line.changes:
                changes.append([what, change.label, change.old, change.new])
        for risk in entry.risks:
            if risk.kind != "changed" or not risk.changes:
                changes.append([f"Risk: {risk.theme}", risk.kind.capitalize(), "", ""])
            for change in risk.changes:
                changes.append([f"Risk: {risk.theme}", change.label, change.old, change.new])
        if entry.created:
            changes.insert(0, ["Plan", "Started", "", ""])
        for change in changes or [["Plan", "Saved", "", ""]]:
            rows.append((entry.when, [*base, *change, entry.reason]))
    for decision in plan.decisions.select_related("user").order_by("decided_at", "pk"):
        _who, username = person(decision.user)
        rows.append(
            (
                decision.decided_at,
                [
                    decision.decided_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                    decision.user_name,
                    username,
                    str(decision.version),
                    f"Decision as {decision.get_role_kind_display()} ({decision.role_scope})",
                    decision.get_action_display(),
                    _status_label(decision.from_status),
                    _status_label(decision.to_status),
                    decision.comments,
                ],
            )
        )
    rows.sort(key=lambda pair: pair[0])
    return [row for _when, row in rows]
