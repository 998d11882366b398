"""Changing a spending plan in the editor: its details, its funded projects (with their sub-items, outcome
measures, match funding and priorities), their order, and its risks and watch items.

Each function locks the plan and refuses a save from a page opened before someone else's (`plan_lock`),
re-checks every rule on the server whatever the page showed, saves all or nothing, and records who changed
what (`plan_record_change`). Errors come back as one `ValidationError` keyed by the form field at fault:
`amount_allocated`, `sub_items` (the set as a whole), `sub_items-2-amount` (one row), and so on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from grants.models import FundedProject, MatchFunding, OutcomeMeasure, RiskItem, SpendingPlan, SubItem
from grants.money import ZERO, format_money
from grants.services.history import plan_lock, plan_record_change
from partnerships.models import Organisation, ThematicGroup
from priorities.models import LocalPriority, Priority

_LABEL = re.compile(r"^[A-Za-z0-9]{1,10}$")


@dataclass
class SubItemInput:
    label: str
    title: str
    amount: Decimal | None
    description: str = ""


@dataclass
class MeasureInput:
    description: str
    sub_item_label: str = ""
    target_value: Decimal | None = None
    target_comparison: str = ""
    target_unit: str = ""
    frequency: str = ""


@dataclass
class MatchFundingInput:
    source: str
    amount: Decimal | None
    note: str = ""


@dataclass
class ProjectInput:
    """Everything the project page (or an imported row) says about one funded project."""

    title: str
    amount_allocated: Decimal | None
    outline: str = ""
    provider: Organisation | None = None
    new_provider_name: str = ""
    new_provider_kind: str = ""
    contract_value: Decimal | None = None
    contract_end_date: date | None = None
    contract_notes: str = ""
    thematic_group: ThematicGroup | None = None
    outcomes_summary: str = ""
    pcc_priorities: list[Priority] = field(default_factory=list)
    local_priorities: list[LocalPriority] = field(default_factory=list)
    sub_items: list[SubItemInput] = field(default_factory=list)
    measures: list[MeasureInput] = field(default_factory=list)
    match_funding: list[MatchFundingInput] = field(default_factory=list)


PROJECT_FIELDS = [
    "title",
    "outline",
    "amount_allocated",
    "contract_value",
    "contract_end_date",
    "contract_notes",
    "thematic_group",
    "outcomes_summary",
]


def _add(errors: dict, key: str, messages) -> None:
    errors.setdefault(key, []).extend(messages if isinstance(messages, list) else [messages])


def _collect(errors: dict, error: ValidationError, prefix: str = "", fields: dict | None = None) -> None:
    """Merges a model's ValidationError into `errors`, keys prefixed (`sub_items-0-`) and renamed by `fields`."""
    if not hasattr(error, "error_dict"):
        _add(errors, prefix.rstrip("-") or "__all__", error.messages)
        return
    for name, messages in error.message_dict.items():
        key = (fields or {}).get(name, name)
        _add(errors, f"{prefix}{key}" if key != "__all__" else (prefix.rstrip("-") or "__all__"), messages)


def _provider(data: ProjectInput, errors: dict) -> Organisation | None:
    """The organisation picked, or the one named in "add an organisation" (reusing one with the same name)."""
    name = (data.new_provider_name or "").strip()
    if not name:
        return data.provider
    if data.provider is not None:
        _add(errors, "new_provider_name", "Choose an organisation from the list or add a new one, not both.")
        return data.provider
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    organisation = Organisation(name=name, kind=data.new_provider_kind or Organisation.Kind.OTHER)
    try:
        organisation.full_clean()
    except ValidationError as error:
        _collect(errors, error, fields={"name": "new_provider_name", "kind": "new_provider_kind"})
        return None
    return organisation


def validate_project_children(project: FundedProject, data: ProjectInput, errors: dict):
    """Sub-items must add up to their line exactly, as the board reads them; a measure of a sub-item names one
    of the project's sub-items; every row passes its model's own checks. Returns the unsaved rows."""
    sub_items, labels = [], {}
    for index, item in enumerate(data.sub_items):
        prefix = f"sub_items-{index}-"
        label = (item.label or "").strip().upper()
        if not _LABEL.match(label):
            _add(errors, prefix + "label", "Enter a letter for the sub-item, for example A.")
        elif label in labels:
            _add(errors, prefix + "label", f"Sub-item {label} is given twice: give each sub-item its own letter.")
        sub_item = SubItem(label=label, title=item.title, description=item.description or "", amount=item.amount)
        try:
            sub_item.clean_fields(exclude=["project"])
        except ValidationError as error:
            _collect(errors, error, prefix)
        labels.setdefault(label, sub_item)
        sub_items.append(sub_item)
    if sub_items and data.amount_allocated is not None and all(s.amount is not None for s in sub_items):
        total = sum((s.amount for s in sub_items), ZERO)
        if total != data.amount_allocated:
            difference = total - data.amount_allocated
            _add(
                errors,
                "sub_items",
                f"The sub-items add up to {format_money(total)}, {format_money(abs(difference))} "
                f"{'more' if difference > 0 else 'less'} than the amount allocated of "
                f"{format_money(data.amount_allocated)}. Make them add up to the amount allocated.",
            )

    measures = []
    for index, item in enumerate(data.measures):
        prefix = f"measures-{index}-"
        label = (item.sub_item_label or "").strip().upper()
        if label and label not in labels:
            _add(errors, prefix + "sub_item_label", f"This project has no sub-item {label}.")
        measure = OutcomeMeasure(
            position=index + 1,
            description=item.description,
            target_value=item.target_value,
            target_comparison=item.target_comparison or "",
            target_unit=item.target_unit or "",
            frequency=item.frequency or "",
        )
        measure._label = label
        try:
            measure.clean_fields(exclude=["project", "sub_item"])
            measure.clean()
        except ValidationError as error:
            _collect(errors, error, prefix)
        measures.append(measure)

    matches = []
    for index, item in enumerate(data.match_funding):
        match = MatchFunding(source=item.source, amount=item.amount, note=item.note or "")
        try:
            match.clean_fields(exclude=["project"])
        except ValidationError as error:
            _collect(errors, error, f"match_funding-{index}-")
        matches.append(match)
    return sub_items, measures, matches


def save_project_children(project: FundedProject, sub_items, measures, matches) -> None:
    """Replaces the project's sub-items, measures and match funding with the rows given."""
    for sub_item in sub_items:
        sub_item.project = project
    created = {s.label: s for s in SubItem.objects.bulk_create(sub_items)}
    for measure in measures:
        measure.project = project
        measure.sub_item = created.get(measure._label) if measure._label else None
    OutcomeMeasure.objects.bulk_create(measures)
    for match in matches:
        match.project = project
    MatchFunding.objects.bulk_create(matches)


def _clear_children(project: FundedProject) -> None:
    if project.pk:
        OutcomeMeasure.objects.filter(project=project).delete()
        MatchFunding.objects.filter(project=project).delete()
        SubItem.objects.filter(project=project).delete()


def _next_number(plan: SpendingPlan) -> int:
    return (plan.projects.aggregate(highest=Max("number"))["highest"] or 0) + 1


@transaction.atomic
def project_save(
    *, plan: SpendingPlan, data: ProjectInput, by, expected_revision: int | None, project: FundedProject | None = None
) -> FundedProject:
    """Adds a funded project at the end of the plan, or changes one, with all its parts at once."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    if project is not None:
        project = plan.projects.get(pk=project.pk)
        _clear_children(project)  # the page sends the whole set; the old rows must not count in the checks
    else:
        project = FundedProject(plan=plan, number=_next_number(plan))
    errors: dict[str, list[str]] = {}
    provider = _provider(data, errors)
    for name in PROJECT_FIELDS:
        value = getattr(data, name)
        setattr(
            project, name, "" if value is None and name in ("outline", "contract_notes", "outcomes_summary") else value
        )
    project.provider = provider if provider is None or provider.pk else None
    try:
        project.full_clean(exclude=["plan", "line_id", "number"])
    except ValidationError as error:
        _collect(errors, error)
    for name, message in project.priority_errors(data.pcc_priorities, data.local_priorities).items():
        _add(errors, name, message)
    children = validate_project_children(project, data, errors)
    if errors:
        raise ValidationError(errors)

    if provider is not None and provider.pk is None:
        provider.save()
        project.provider = provider
    adding = project.pk is None
    project.save()
    project.pcc_priorities.set(data.pcc_priorities)
    project.local_priorities.set(data.local_priorities)
    save_project_children(project, *children)
    # The officer has now been through the project's page, where its roll-forward notes were shown.
    plan.roll_forward_notes = [n for n in plan.roll_forward_notes if n.get("line_id") != str(project.line_id)]
    verb = "Added" if adding else "Changed"
    plan_record_change(plan=plan, by=by, reason=f"{verb} funded project {project.number}: {project.title}")
    return project


@transaction.atomic
def project_remove(*, plan: SpendingPlan, project: FundedProject, by, expected_revision: int | None) -> None:
    """Removes a line; the lines after it move up one number, as they would in the board paper."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    project = plan.projects.get(pk=project.pk)
    number, title, amount = project.number, project.title, project.amount_allocated
    project.delete()
    plan.projects.filter(number__gt=number).update(number=F("number") - 1)
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
    project.save(update_fields=["number"])
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
    plan_record_change(plan=plan, by=by, reason="Changed the plan's details")
    return plan


@dataclass
class RiskInput:
    theme: str
    initiative: str
    budget: Decimal | None = None
    budget_note: str = ""
    recommendation: str = ""


@transaction.atomic
def risks_save(*, plan: SpendingPlan, risks: list[RiskInput], by, expected_revision: int | None) -> None:
    """Replaces the plan's risks and watch items with `risks`, in that order."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    errors: dict[str, list[str]] = {}
    rows = []
    for index, item in enumerate(risks):
        risk = RiskItem(
            plan=plan,
            position=index + 1,
            theme=item.theme,
            initiative=item.initiative,
            budget=item.budget,
            budget_note=item.budget_note or "",
            recommendation=item.recommendation or "",
        )
        try:
            risk.clean_fields(exclude=["plan"])
        except ValidationError as error:
            _collect(errors, error, f"risks-{index}-")
        rows.append(risk)
    if errors:
        raise ValidationError(errors)
    plan.risks.all().delete()
    RiskItem.objects.bulk_create(rows)
    plan_record_change(plan=plan, by=by, reason="Changed the risks and watch items")
