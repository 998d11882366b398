"""THE writer of a spending plan's content: its funded projects, each with its outcome measures, sub-items, match
funding and priorities, its risks and watch items, and the headed sections of its board paper. The editor
(services/editing.py), the spreadsheet import (services/importing.py), rolling forward and variations
(services/copying.py) and the demo loader (grants/demo.py) all save through `projects_write`, `risks_write` and
`sections_write`, so a rule checked here holds whichever way content arrives:

- every row passes its model's field checks (lengths, pennies, never negative) and its own rules
  (`FundedProject.rule_errors`, `OutcomeMeasure.clean`);
- a line's priorities come from the Police and Crime Plan covering the plan and from the partnership's strategic
  assessment for the year (`FundedProject.priority_errors`);
- sub-items have a letter each, once, and add up exactly to their line (`sub_items_problem`, one wording);
- an outcome measure of a sub-item names one of the line's sub-items;
- the plan's lines add up to no more than its award (`SpendingPlan.allocation_error`), unless the caller keeps
  last year's amounts on purpose (rolling forward: the officer is told, and the plan cannot be submitted so).

All or nothing, inside the caller's transaction, with the plan's row locked and checked editable once
(`SpendingPlan.writing_content`); rows are written in bulk, so the number of queries does not grow with the
number of lines. Stale pages and history are the callers' business (`plan_lock`, `plan_record_change`).

Errors are keyed as the editor's forms are (`amount_allocated`, `sub_items` for the set, `sub_items-2-amount`,
`measures-0-target_value`, `match_funding-1-source`), per line written (`PlanContentRefused.problems`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from grants.models import (
    FundedProject,
    MatchFunding,
    OutcomeMeasure,
    PaperSection,
    PlanSection,
    RiskItem,
    SpendingPlan,
    SubItem,
)
from grants.models.plans import sub_items_problem
from grants.money import ZERO
from partnerships.models import Organisation, ThematicGroup
from priorities.models import LocalPriority, Priority

_LABEL = re.compile(r"^[A-Za-z0-9]{1,10}$")
PLAN_AS_A_WHOLE = None  # the key of `PlanContentRefused.problems` for what is wrong with the plan's total

PROJECT_FIELDS = [
    "title",
    "outline",
    "amount_allocated",
    "contract_value",
    "contract_end_date",
    "contract_notes",
    "thematic_group",
    "outcomes_summary",
    "unfinished",
]
TEXT_FIELDS = ("outline", "contract_notes", "outcomes_summary")


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
    """Everything about one funded project, as the project page, an imported row, a copied line or the demo data
    gives it. `line_id` names the line it changes (a line copied into another plan keeps its source's); None adds a
    line. `number` None: the line keeps its number, or a new one goes at the end of the plan."""

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
    line_id: uuid.UUID | None = None
    number: int | None = None
    # Saved before it is finished: the amount may be missing (kept as £0.00) and the sub-items need not add up
    # yet; the plan cannot be submitted until the line is saved finished (`SpendingPlan.submission_problems`).
    unfinished: bool = False

    @classmethod
    def of(cls, project: FundedProject) -> ProjectInput:
        """The line as it is (fetched with `for_plan_page()`): to copy it, or to change some of its fields."""
        return cls(
            title=project.title,
            amount_allocated=project.amount_allocated,
            outline=project.outline,
            provider=project.provider,
            contract_value=project.contract_value,
            contract_end_date=project.contract_end_date,
            contract_notes=project.contract_notes,
            thematic_group=project.thematic_group,
            outcomes_summary=project.outcomes_summary,
            pcc_priorities=list(project.pcc_priorities.all()),
            local_priorities=list(project.local_priorities.all()),
            sub_items=[SubItemInput(s.label, s.title, s.amount, s.description) for s in project.sub_items.all()],
            measures=[
                MeasureInput(
                    description=m.description,
                    sub_item_label=m.sub_item.label if m.sub_item_id else "",
                    target_value=m.target_value,
                    target_comparison=m.target_comparison,
                    target_unit=m.target_unit,
                    frequency=m.frequency,
                )
                for m in project.outcome_measures.all()
            ],
            match_funding=[MatchFundingInput(m.source, m.amount, m.note) for m in project.match_funding.all()],
            line_id=project.line_id,
            number=project.number,
            unfinished=project.unfinished,
        )


@dataclass
class RiskInput:
    theme: str
    initiative: str
    budget: Decimal | None = None
    budget_note: str = ""
    recommendation: str = ""


class PlanContentRefused(ValidationError):
    """What stops the content being saved: `problems[i]` maps the i-th line's field keys to their messages, and
    `problems[PLAN_AS_A_WHOLE]` holds what is wrong with the plan's total. Writing one line, the error is keyed
    by field alone, as a form expects it."""

    def __init__(self, problems: dict[int | None, dict[str, list[str]]], *, inputs: list[ProjectInput]):
        self.problems = problems
        if len(inputs) == 1 and set(problems) <= {0}:
            super().__init__(problems[0])
            return
        messages = list(problems.get(PLAN_AS_A_WHOLE, {}).get("__all__", []))
        for index, fields in sorted((i, f) for i, f in problems.items() if i is not None):
            where = f"{inputs[index].title or 'A funded project'}"
            messages += [f"{where}: {message}" for key_messages in fields.values() for message in key_messages]
        super().__init__(messages)


def _add(errors: dict, key: str, messages) -> None:
    errors.setdefault(key, []).extend(messages if isinstance(messages, list) else [messages])


def collect_errors(errors: dict, error: ValidationError, prefix: str = "", fields: dict | None = None) -> None:
    """Merges a model's ValidationError into `errors`, keys prefixed (`sub_items-0-`) and renamed by `fields`."""
    if not hasattr(error, "error_dict"):
        _add(errors, prefix.rstrip("-") or "__all__", error.messages)
        return
    for name, messages in error.message_dict.items():
        key = (fields or {}).get(name, name)
        _add(errors, f"{prefix}{key}" if key != "__all__" else (prefix.rstrip("-") or "__all__"), messages)


@dataclass
class _Prepared:
    project: FundedProject
    data: ProjectInput
    provider: Organisation | None
    sub_items: list[SubItem]
    measures: list[tuple[OutcomeMeasure, str]]  # with the letter of the sub-item it measures, or ""
    matches: list[MatchFunding]


class _Writer:
    def __init__(self, plan: SpendingPlan, existing: list[FundedProject]):
        self.plan = plan
        self.by_line = {project.line_id: project for project in existing}
        self.organisations: dict[str, Organisation] = {}

    def load_organisations(self, inputs: list[ProjectInput]) -> None:
        names = {data.new_provider_name.strip().lower() for data in inputs if (data.new_provider_name or "").strip()}
        if names:
            for organisation in Organisation.objects.annotate(lower=Lower("name")).filter(lower__in=names):
                self.organisations.setdefault(organisation.lower, organisation)

    def provider(self, data: ProjectInput, errors: dict) -> Organisation | None:
        """The organisation picked, or the one named (found by name whatever its case, or added)."""
        name = (data.new_provider_name or "").strip()
        if not name:
            return data.provider
        if data.provider is not None:
            _add(errors, "new_provider_name", "Choose an organisation from the list or add a new one, not both.")
            return data.provider
        if name.lower() in self.organisations:
            return self.organisations[name.lower()]
        organisation = Organisation(name=name, kind=data.new_provider_kind or Organisation.Kind.OTHER)
        try:
            organisation.full_clean()
        except ValidationError as error:
            collect_errors(errors, error, fields={"name": "new_provider_name", "kind": "new_provider_kind"})
            return None
        self.organisations[name.lower()] = organisation
        return organisation

    def prepare(self, data: ProjectInput, errors: dict, next_number) -> _Prepared:
        project = self.by_line.get(data.line_id) if data.line_id else None
        if project is None:
            project = FundedProject(plan=self.plan, line_id=data.line_id or uuid.uuid4())
            project.number = data.number or next_number()
        elif data.number:
            project.number = data.number
        for name in PROJECT_FIELDS:
            value = getattr(data, name)
            setattr(project, name, "" if value is None and name in TEXT_FIELDS else value)
        if data.unfinished and data.amount_allocated is None:
            project.amount_allocated = ZERO  # not given yet: counts for nothing until it is
        provider = self.provider(data, errors)
        project.provider = provider if provider is None or provider.pk else None
        try:
            project.clean_fields(exclude=["plan", "line_id", "number"])
        except ValidationError as error:
            collect_errors(errors, error)
        for name, message in {
            **project.rule_errors(),
            **project.priority_errors(data.pcc_priorities, data.local_priorities),
        }.items():
            _add(errors, name, message)
        sub_items, labels = [], set()
        for index, item in enumerate(data.sub_items):
            prefix = f"sub_items-{index}-"
            label = (item.label or "").strip().upper()
            if not _LABEL.match(label):
                _add(errors, prefix + "label", "Enter a letter for the sub-item, for example A.")
            elif label in labels:
                _add(errors, prefix + "label", f"Sub-item {label} is given twice: give each sub-item its own letter.")
            labels.add(label)
            sub_item = SubItem(label=label, title=item.title, description=item.description or "", amount=item.amount)
            try:
                sub_item.clean_fields(exclude=["project"])
            except ValidationError as error:
                collect_errors(errors, error, prefix)
            sub_items.append(sub_item)
        if not data.unfinished and (
            message := sub_items_problem(data.amount_allocated, [item.amount for item in sub_items])
        ):
            _add(errors, "sub_items", message)
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
            try:
                measure.clean_fields(exclude=["project", "sub_item"])
                measure.clean()
            except ValidationError as error:
                collect_errors(errors, error, prefix)
            measures.append((measure, label))
        matches = []
        for index, item in enumerate(data.match_funding):
            match = MatchFunding(source=item.source, amount=item.amount, note=item.note or "")
            try:
                match.clean_fields(exclude=["project"])
            except ValidationError as error:
                collect_errors(errors, error, f"match_funding-{index}-")
            matches.append(match)
        return _Prepared(project, data, provider, sub_items, measures, matches)


@transaction.atomic
def projects_write(
    *,
    plan: SpendingPlan,
    projects: list[ProjectInput],
    replace: bool = False,
    renumber: bool = False,
    check_award: bool = True,
) -> list[FundedProject]:
    """Adds or changes `projects` (matched to the plan's lines by `line_id`), each with all its parts at once:
    a line's sub-items, measures, match funding and priorities are replaced by those given. With `replace`, the
    plan's other lines are removed; with `renumber`, the lines are numbered 1, 2, 3 … in their order afterwards.
    `check_award=False` keeps a total above the award (rolling forward). Raises PlanContentRefused, having saved
    nothing; returns the lines saved, in the order given."""
    with SpendingPlan.writing_content(plan.pk):
        existing = list(plan.projects.all())
        writer = _Writer(plan, existing)
        writer.load_organisations(projects)
        written_ids = {data.line_id for data in projects if data.line_id}
        kept = [p for p in existing if p.line_id not in written_ids and not replace]
        numbers = [p.number for p in kept] + [
            writer.by_line[d.line_id].number for d in projects if d.line_id in writer.by_line and not d.number
        ]
        counter = iter(range(max([*numbers, *(d.number or 0 for d in projects), 0]) + 1, 10**6))

        problems: dict[int | None, dict[str, list[str]]] = {}
        prepared = []
        for index, data in enumerate(projects):
            errors: dict[str, list[str]] = {}
            prepared.append(writer.prepare(data, errors, lambda: next(counter)))
            if errors:
                problems[index] = errors
        total = sum((p.amount_allocated for p in kept), ZERO) + sum(
            (data.amount_allocated or ZERO for data in projects), ZERO
        )
        if check_award and (message := plan.allocation_error(total)):
            if len(projects) == 1:
                _add(problems.setdefault(0, {}), "amount_allocated", message)
            else:
                _add(problems.setdefault(PLAN_AS_A_WHOLE, {}), "__all__", message)
        if problems:
            raise PlanContentRefused(problems, inputs=projects)

        _save(plan, prepared, replace=replace)
        if renumber:
            _renumber([*kept, *(item.project for item in prepared)])
        return [item.project for item in prepared]


def _save(plan: SpendingPlan, prepared: list[_Prepared], *, replace: bool) -> None:
    if replace:
        plan.projects.exclude(line_id__in=[item.project.line_id for item in prepared]).delete()
    changed = [item.project for item in prepared if item.project.pk]
    if changed:
        ids = [project.pk for project in changed]
        OutcomeMeasure.objects.filter(project_id__in=ids).delete()
        MatchFunding.objects.filter(project_id__in=ids).delete()
        SubItem.objects.filter(project_id__in=ids).delete()
        FundedProject.pcc_priorities.through.objects.filter(fundedproject_id__in=ids).delete()
        FundedProject.local_priorities.through.objects.filter(fundedproject_id__in=ids).delete()
    for item in prepared:
        if item.provider is not None and item.provider.pk is None:
            item.provider.save()
        item.project.provider = item.provider
    if changed:
        FundedProject.objects.bulk_update(changed, [*PROJECT_FIELDS, "number", "provider"])
    new = [item.project for item in prepared if item.project.pk is None]
    FundedProject.objects.bulk_create(new)

    for item in prepared:
        for sub_item in item.sub_items:
            sub_item.project = item.project
    SubItem.objects.bulk_create([s for item in prepared for s in item.sub_items])
    measures = []
    for item in prepared:
        by_label = {sub_item.label: sub_item for sub_item in item.sub_items}
        for measure, label in item.measures:
            measure.project = item.project
            measure.sub_item = by_label.get(label) if label else None
            measures.append(measure)
    OutcomeMeasure.objects.bulk_create(measures)
    for item in prepared:
        for match in item.matches:
            match.project = item.project
    MatchFunding.objects.bulk_create([m for item in prepared for m in item.matches])
    pcc = FundedProject.pcc_priorities.through
    pcc.objects.bulk_create(
        pcc(fundedproject_id=item.project.pk, priority_id=priority.pk)
        for item in prepared
        for priority in dict.fromkeys(item.data.pcc_priorities)
    )
    local = FundedProject.local_priorities.through
    local.objects.bulk_create(
        local(fundedproject_id=item.project.pk, localpriority_id=priority.pk)
        for item in prepared
        for priority in dict.fromkeys(item.data.local_priorities)
    )


def _renumber(projects: list[FundedProject]) -> None:
    """Closes the numbers up to 1, 2, 3 … in their order (the unique number is checked at commit)."""
    moved = []
    for position, project in enumerate(sorted(projects, key=lambda p: (p.number, p.pk)), start=1):
        if project.number != position:
            project.number = position
            moved.append(project)
    FundedProject.objects.bulk_update(moved, ["number"])


@transaction.atomic
def risks_write(*, plan: SpendingPlan, risks: list[RiskInput]) -> list[RiskItem]:
    """Replaces the plan's risks and watch items with `risks`, in that order. Errors keyed `risks-2-budget`."""
    with SpendingPlan.writing_content(plan.pk):
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
                collect_errors(errors, error, f"risks-{index}-")
            rows.append(risk)
        if errors:
            raise ValidationError(errors)
        plan.risks.all().delete()
        return RiskItem.objects.bulk_create(rows)


@transaction.atomic
def sections_write(*, plan: SpendingPlan, sections: dict[str, str]) -> list[PlanSection]:
    """Sets the text of the board paper's sections given (`{"background": "…"}`); a section given empty is
    removed, one not given is left as it is. Errors keyed by the section (`background`)."""
    with SpendingPlan.writing_content(plan.pk):
        errors: dict[str, list[str]] = {}
        existing = {section.kind: section for section in plan.sections.all()}
        keep, remove = [], []
        for kind, text in sections.items():
            if kind not in PaperSection.values:
                _add(errors, "__all__", f"A board paper has no section called “{kind}”.")
                continue
            text = (text or "").strip()
            section = existing.get(kind) or PlanSection(plan=plan, kind=kind)
            if not text:
                if section.pk:
                    remove.append(section.pk)
                continue
            section.text = text
            try:
                section.clean_fields(exclude=["plan"])
            except ValidationError as error:
                collect_errors(errors, error, fields={"text": kind})
            keep.append(section)
        if errors:
            raise ValidationError(errors)
        PlanSection.objects.filter(pk__in=remove).delete()
        PlanSection.objects.bulk_update([s for s in keep if s.pk], ["text"])
        PlanSection.objects.bulk_create([s for s in keep if not s.pk])
        return list(plan.sections.all())
