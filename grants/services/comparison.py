"""What changed in a plan, line by line: between two versions (a variation), between the plan an officer
opened and the plan as saved since (two officers at once), or between two points in its history.

A snapshot is plain JSON-ready data, so it can be stored with a decision or a history record and compared
later; lines are matched by `line_id`, so renumbering a line is one change, not a removal and an addition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache

from grants.models import SpendingPlan
from grants.money import format_money

LINE_FIELDS = [
    ("number", "Number"),
    ("title", "Title"),
    ("amount_allocated", "Amount allocated"),
    ("outline", "Outline"),
    ("provider", "Provider"),
    ("contract_value", "Annual contract value"),
    ("contract_end_date", "Contract end date"),
    ("contract_notes", "Contract notes"),
    ("thematic_group", "Thematic group"),
    ("outcomes_summary", "How the outcomes will be measured"),
    ("pcc_priorities", "Police and Crime Plan priorities"),
    ("local_priorities", "Local priorities"),
    ("outcome_measures", "Outcome measures"),
    ("sub_items", "Sub-items"),
    ("match_funding", "Match funding"),
]
MONEY_FIELDS = {"amount_allocated", "contract_value"}
# Bump when `plan_snapshot`'s output changes for the same content: snapshots kept under the old format are never read.
SNAPSHOT_FORMAT = 1


def _money(value) -> str | None:
    return None if value is None else str(value)


def plan_snapshot_under_lock(plan: SpendingPlan, *, names: str | None = None) -> dict:
    """`plan_snapshot` of a plan just read under its lock (`grants.services.history.plan_lock`), kept in the shared
    cache under everything it is made of: the plan's content stamp (its lines and all they hold, their priority
    links, its risks: any write of them gives a new stamp, grants/signals.py), a fingerprint of the names its lines
    print of records they do not own (providers, thematic groups, priorities: `names_fingerprint`) and the award's
    amount. Every save in the editor compares the content with the last history record to find changes made
    elsewhere; made afresh, that is nine queries of a details save's twenty, though the content has rarely changed
    since the last save (issue 13); kept, two (the fingerprint and the cache).

    Only for a plan whose stamp was read in this transaction before any write of its content: an instance read
    before a content write holds the stamp from before it, and would be given the content from before it."""
    from grants.fragments import KEEP_FOR, names_fingerprint

    key = snapshot_key(plan, names if names is not None else names_fingerprint(plan))
    kept = cache.get(key)
    if kept is None:
        kept = plan_snapshot(plan)
        cache.set(key, kept, KEEP_FOR)
    return kept


def snapshot_key(plan: SpendingPlan, names: str) -> str:
    """The key `plan_snapshot_under_lock` keeps a plan's snapshot under, given its names' fingerprint."""
    from grants.fragments import KEY_PREFIXES

    return f"{KEY_PREFIXES[2]}{SNAPSHOT_FORMAT}:{plan.pk}:{plan.content_stamp}:{names}:{plan.award.amount}"


def plan_snapshot(plan: SpendingPlan) -> dict:
    """The plan's content as JSON-ready data (amounts as strings with pennies)."""
    lines = {}
    for line in plan.projects.for_plan_page():
        lines[str(line.line_id)] = {
            "number": line.number,
            "title": line.title,
            "amount_allocated": _money(line.amount_allocated),
            "outline": line.outline,
            "provider": line.provider.name if line.provider else "",
            "contract_value": _money(line.contract_value),
            "contract_end_date": line.contract_end_date.isoformat() if line.contract_end_date else None,
            "contract_notes": line.contract_notes,
            "thematic_group": line.thematic_group.name if line.thematic_group else "",
            "outcomes_summary": line.outcomes_summary,
            "pcc_priorities": [str(p) for p in line.pcc_priorities.all()],
            "local_priorities": [p.title for p in line.local_priorities.all()],
            "outcome_measures": [
                (f"{m.sub_item.label}: " if m.sub_item_id else "")
                + m.description
                + (f" (target: {m.target_display})" if m.is_numeric else "")
                for m in line.outcome_measures.all()
            ],
            "sub_items": [f"{i.label}. {i.title}: {format_money(i.amount)}" for i in line.sub_items.all()],
            "match_funding": [f"{m.source}: {format_money(m.amount)}" for m in line.match_funding.all()],
        }
    allocated = sum((Decimal(line["amount_allocated"]) for line in lines.values()), Decimal("0.00"))
    return {
        "award": _money(plan.award.amount),
        "allocated": _money(allocated),
        "lines": lines,
        "risks": [
            {
                "theme": r.theme,
                "budget": _money(r.budget),
                "initiative": r.initiative,
                "recommendation": r.recommendation,
            }
            for r in plan.risks.all()
        ],
    }


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class LineChange:
    kind: str  # "added", "removed", "changed"
    number: int
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    amount_change: Decimal = Decimal("0.00")


@dataclass
class PlanDiff:
    lines: list[LineChange] = field(default_factory=list)
    risks_changed: bool = False
    allocated_before: Decimal = Decimal("0.00")
    allocated_after: Decimal = Decimal("0.00")

    @property
    def has_changes(self) -> bool:
        return bool(self.lines) or self.risks_changed or self.allocated_before != self.allocated_after


def _shown(name: str, value) -> str:
    if value is None or value == "" or value == []:
        return "(none)"
    if name in MONEY_FIELDS:
        return format_money(Decimal(value))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _amount(line: dict | None) -> Decimal:
    return Decimal(line["amount_allocated"]) if line and line.get("amount_allocated") else Decimal("0.00")


def plan_diff(old: dict, new: dict) -> PlanDiff:
    """Line-by-line changes from snapshot `old` to snapshot `new`, in the new plan's line order."""
    diff = PlanDiff(
        allocated_before=Decimal(old.get("allocated") or "0.00"),
        allocated_after=Decimal(new.get("allocated") or "0.00"),
        risks_changed=old.get("risks") != new.get("risks"),
    )
    old_lines, new_lines = old.get("lines", {}), new.get("lines", {})
    for key, line in sorted(new_lines.items(), key=lambda item: item[1]["number"]):
        before = old_lines.get(key)
        if before is None:
            diff.lines.append(LineChange("added", line["number"], line["title"], amount_change=_amount(line)))
            continue
        changes = [
            FieldChange(label, _shown(name, before.get(name)), _shown(name, line.get(name)))
            for name, label in LINE_FIELDS
            if before.get(name) != line.get(name)
        ]
        if changes:
            diff.lines.append(
                LineChange("changed", line["number"], line["title"], changes, _amount(line) - _amount(before))
            )
    for key, line in sorted(old_lines.items(), key=lambda item: item[1]["number"]):
        if key not in new_lines:
            diff.lines.append(LineChange("removed", line["number"], line["title"], amount_change=-_amount(line)))
    return diff
