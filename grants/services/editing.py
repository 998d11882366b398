"""Changing a spending plan in the editor: its details, its funded projects (with their sub-items, outcome
measures, match funding and priorities), their order, and its risks and watch items.

Each function locks the plan and refuses a save from a page opened before someone else's (`plan_lock`),
re-checks every rule on the server whatever the page showed, saves all or nothing, and records who changed
what (`plan_record_change`). Errors come back as one `ValidationError` keyed by the form field at fault:
`amount_allocated`, `sub_items` (the set as a whole), `sub_items-2-amount` (one row), and so on.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from grants.models import FundedProject, SpendingPlan
from grants.money import format_money
from grants.services.history import plan_lock, plan_record_change
from grants.services.plan_content import ProjectInput, RiskInput, projects_write, risks_write, sections_write


@transaction.atomic
def project_save(
    *, plan: SpendingPlan, data: ProjectInput, by, expected_revision: int | None, project: FundedProject | None = None
) -> FundedProject:
    """Adds a funded project at the end of the plan, or changes one, with all its parts at once, through the one
    writer of plan content (grants/services/plan_content.py)."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    if project is not None:
        project = plan.projects.get(pk=project.pk)
        data.line_id, data.number = project.line_id, project.number
    else:
        data.line_id, data.number = None, None
    [project_saved] = projects_write(plan=plan, projects=[data])
    # The officer has now been through the project's page, where its roll-forward notes were shown.
    plan.roll_forward_notes = [n for n in plan.roll_forward_notes if n.get("line_id") != str(project_saved.line_id)]
    verb = "Added" if project is None else "Changed"
    plan_record_change(plan=plan, by=by, reason=f"{verb} funded project {project_saved.number}: {project_saved.title}")
    return project_saved


@transaction.atomic
def project_remove(*, plan: SpendingPlan, project: FundedProject, by, expected_revision: int | None) -> None:
    """Removes a line; the lines after it move up one number, as they would in the board paper."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    project = plan.projects.get(pk=project.pk)
    number, title, amount = project.number, project.title, project.amount_allocated
    project.delete()
    plan.projects.filter(number__gt=number).update(number=F("number") - 1)  # gives the plan a new content stamp
    plan_record_change(plan=plan, by=by, reason=f"Removed funded project {number}: {title} ({format_money(amount)})")


@transaction.atomic
def project_move(
    *, plan: SpendingPlan, project: FundedProject, to_number: int, by, expected_revision: int | None
) -> FundedProject:
    """Moves a line to another number, shifting the lines in between (numbers stay 1, 2, 3, …)."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    project = plan.projects.get(pk=project.pk)
    last = plan.projects.count()
    to_number = max(1, min(int(to_number), last))
    from_number = project.number
    if to_number == from_number:
        return project
    if to_number < from_number:
        plan.projects.filter(number__gte=to_number, number__lt=from_number).update(number=F("number") + 1)
    else:
        plan.projects.filter(number__gt=from_number, number__lte=to_number).update(number=F("number") - 1)
    project.number = to_number
    project.save(update_fields=["number"])  # after the `update()`s, so its new content stamp follows theirs
    plan_record_change(plan=plan, by=by, reason=f"Moved {project.title} from line {from_number} to line {to_number}")
    return project


@transaction.atomic
def plan_details_update(
    *, plan: SpendingPlan, title: str, purpose: str, unallocated_note: str, by, expected_revision: int | None
) -> SpendingPlan:
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    plan.title, plan.purpose, plan.unallocated_note = title, purpose or "", unallocated_note or ""
    plan.clean_fields()  # not the allocation check: a rolled-forward plan may be over until its lines are cut
    plan.roll_forward_notes = [n for n in plan.roll_forward_notes if n.get("kind") != "purpose"]
    plan_record_change(plan=plan, by=by, reason="Changed the plan's details", content_changed=False)
    return plan


@transaction.atomic
def risks_save(*, plan: SpendingPlan, risks: list[RiskInput], by, expected_revision: int | None) -> None:
    """Replaces the plan's risks and watch items with `risks`, in that order."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    risks_write(plan=plan, risks=risks)
    plan_record_change(plan=plan, by=by, reason="Changed the risks and watch items")


@transaction.atomic
def sections_save(*, plan: SpendingPlan, sections: dict[str, str], by, expected_revision: int | None) -> None:
    """Sets the text of the board paper's sections (an empty one is removed)."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    sections_write(plan=plan, sections=sections)
    # The sections are not in the history's snapshot (the board paper's prose, kept with the plan).
    plan_record_change(plan=plan, by=by, reason="Changed the sections of the board paper", content_changed=False)
