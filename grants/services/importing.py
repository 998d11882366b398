"""Importing funded projects from a spreadsheet (XLSX or CSV) in the layout `grants/documents/spreadsheet.py`
writes: read the file (through the one reader of uploads, grants/uploads.py), check every row and column,
preview what would change, then save all or nothing through the one writer of plan content
(grants/services/plan_content.py), whose refusals are reported against their rows and columns too.

Officers paste what their documents say, so cells are read as people write them: amounts as `£1,234`,
`1234.50` or `(£8,000)` (brackets mark a sub-item, as in the Plymouth paper), priorities as `2, 3` or
`2. Preventing and deterring crime` (`parse_priority_numbers`), dates as `30/11/2020` or `30 November 2020`.
Every problem is reported against its spreadsheet row and column ("Row 7, Amount allocated: '£12,5OO' is not
an amount"), and nothing is saved while any remains.

Lines are matched to the plan's lines by number. "Add and change" keeps lines the file does not mention;
"replace" removes them. A line in the file is written as the file gives it, sub-items included; a column the
file does not have leaves that field as it was. Numbers are closed up to 1, 2, 3 … afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Lower

from grants.documents.spreadsheet import (
    COLUMNS,
    HEADING_ALIASES,
    LINE_ONLY,
    ParsedMeasure,
    cell_lines,
    parse_match_funding,
    parse_measure,
)
from grants.models import FundedProject, MatchFunding, SpendingPlan
from grants.models.plans import sub_items_problem
from grants.money import ZERO, FigureError, parse_money
from grants.resources import parse_priority_numbers
from grants.services.comparison import PlanDiff, plan_diff, plan_snapshot
from grants.services.history import plan_lock, plan_record_change
from grants.services.plan_content import (
    PLAN_AS_A_WHOLE,
    MatchFundingInput,
    MeasureInput,
    PlanContentRefused,
    ProjectInput,
    SubItemInput,
    projects_write,
)
from grants.uploads import CellProblem, UploadError, find_header, read_rows
from partnerships.models import Organisation, ThematicGroup
from priorities.models import LocalPriority

MAX_ROWS = 2000
HEADING_OF = {column.key: column.heading for column in COLUMNS}
REQUIRED_COLUMNS = {"title", "amount"}
ADD = "add"
REPLACE = "replace"


# --- reading the file ---------------------------------------------------------------------------------------


@dataclass
class RawSheet:
    """The cells as text, with the row numbers the spreadsheet shows. JSON-ready, so it can wait in the session
    between the preview and the confirmation."""

    rows: list[list] = field(default_factory=list)  # [row number, [cell, …]]

    def to_json(self) -> list:
        return self.rows

    @classmethod
    def from_json(cls, rows) -> RawSheet:
        return cls(rows=[[int(number), [str(c) for c in cells]] for number, cells in rows])


SHEET_NAME = "Funded projects"


def plan_import_read(upload) -> RawSheet:
    """Reads an uploaded .xlsx (its "Funded projects" sheet if there is one) or .csv through the one reader of
    uploads, and checks that it has the column headings, so a file that cannot be imported at all is refused
    beside the file field. Raises UploadError."""
    rows = [[number, cells] for number, cells in read_rows(upload, max_rows=MAX_ROWS, sheet=SHEET_NAME)]
    find_header(iter(rows), REQUIRED_COLUMNS, HEADING_ALIASES)
    return RawSheet(rows=rows)


# --- checking the rows --------------------------------------------------------------------------------------


@dataclass
class ImportedSubItem:
    row: int
    label: str
    title: str
    amount: Decimal | None
    description: str = ""
    measures: list[ParsedMeasure] = field(default_factory=list)


@dataclass
class ImportedLine:
    row: int
    number: int | None
    title: str
    amount: Decimal | None
    values: dict = field(default_factory=dict)  # the line's fields the file gives, by model field name
    pcc_priorities: list | None = None
    local_priorities: list | None = None
    provider_name: str | None = None
    measures: list[ParsedMeasure] | None = None
    match_funding: list[tuple[str, Decimal, str]] | None = None
    sub_items: list[ImportedSubItem] = field(default_factory=list)


@dataclass
class ParsedSheet:
    lines: list[ImportedLine] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    warnings: list[CellProblem] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    new_providers: list[str] = field(default_factory=list)

    @property
    def sub_item_count(self) -> int:
        return sum(len(line.sub_items) for line in self.lines)


_LINE_NUMBER = re.compile(r"^(\d{1,4})(?:\.0+)?\.?$")
_LETTER = re.compile(r"^([A-Za-z]{1,3})[.)]?$")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b", re.IGNORECASE)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%d %B %y")


def parse_date(text: str) -> date:
    cleaned = _ORDINAL.sub(r"\1", text.strip())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date: write it as 30/11/2020")


def _unformula(text: str) -> str:
    """Drops the apostrophe our CSV export puts before text a spreadsheet would take for a formula."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


class _Reader:
    def __init__(self, plan: SpendingPlan):
        self.plan = plan
        pcp = plan.police_and_crime_plan
        self.pcp = pcp
        self.priorities = {p.number: p for p in pcp.priorities.all()} if pcp else {}
        self.priority_titles = {p.title.lower(): p.number for p in self.priorities.values()}
        self.locals = {
            p.title.lower(): p
            for p in LocalPriority.objects.filter(
                assessment__partnership=plan.partnership, assessment__financial_year=plan.financial_year
            )
        }
        self.groups = {g.name.lower(): g for g in ThematicGroup.objects.filter(partnership=plan.partnership)}
        self.organisations = {}
        self.parsed = ParsedSheet()

    def problem(self, row, key, message):
        self.parsed.problems.append(CellProblem(row, HEADING_OF.get(key, key), message))

    def warn(self, row, key, message):
        self.parsed.warnings.append(CellProblem(row, HEADING_OF.get(key, key), message))

    def header(self, sheet: RawSheet):
        """The column keys by position, from the row of headings (title rows above it are passed over)."""
        try:
            number, columns = find_header(iter(sheet.rows), REQUIRED_COLUMNS, HEADING_ALIASES)
        except UploadError as error:
            self.parsed.problems.append(CellProblem(None, "", error.message))
            return None, []
        if columns.unused:
            self.warn(number, "", f"These columns are not used: {', '.join(f'“{h}”' for _p, h in columns.unused)}.")
        width = max(columns.values()) + 1
        keys = [None] * width
        for key, position in columns.items():
            keys[position] = key
        index = next(i for i, (row, _cells) in enumerate(sheet.rows) if row == number)
        return index, keys

    def read(self, sheet: RawSheet) -> ParsedSheet:
        header_index, keys = self.header(sheet)
        if header_index is None:
            return self.parsed
        self.parsed.columns = [key for key in keys if key]
        current: ImportedLine | None = None
        numbers: dict[int, int] = {}
        for row, cells in sheet.rows[header_index + 1 :]:
            values = {key: _unformula(cells[i]) if i < len(cells) else "" for i, key in enumerate(keys) if key}
            if not any(values.values()):
                continue
            number_text = values.get("number", "").strip()
            amount_text = values.get("amount", "").strip()
            bracketed = amount_text.startswith("(") and amount_text.endswith(")")
            letter = _LETTER.match(number_text)
            line_number = _LINE_NUMBER.match(number_text)
            if number_text and not letter and not line_number:
                self.problem(row, "number", f"'{number_text}' is not a line number or a sub-item letter")
                continue
            if letter or (bracketed and not number_text):
                if current is None:
                    self.problem(row, "number", "a sub-item must come after the line it belongs to")
                    continue
                self.sub_item(row, values, letter.group(1).upper() if letter else "", current)
                continue
            if bracketed:
                self.problem(
                    row, "amount", f"brackets mark a sub-item, but Number gives line {number_text}: remove one of them"
                )
            current = self.line(row, values, int(line_number.group(1)) if line_number else None)
            if current.number is not None:
                if current.number in numbers:
                    self.problem(row, "number", f"line {current.number} is also on row {numbers[current.number]}")
                numbers.setdefault(current.number, row)
            self.parsed.lines.append(current)
        if not self.parsed.lines and not self.parsed.problems:
            self.parsed.problems.append(CellProblem(None, "", "The spreadsheet has headings but no funded projects."))
        for line in self.parsed.lines:
            self.check_sub_items(line)
        self.parsed.new_providers = self.new_providers()
        self.parsed.problems.sort(key=lambda problem: problem.row or 0)  # in the spreadsheet's order
        return self.parsed

    def money(self, row, key, text, *, required=False):
        if not text.strip():
            if required:
                self.problem(row, key, "enter the amount")
            return None
        try:
            return parse_money(text)
        except FigureError as error:
            self.problem(row, key, str(error))
            return None

    def measures(self, row, text) -> list[ParsedMeasure]:
        measures = []
        for line in cell_lines(text):
            try:
                measure = parse_measure(line)
            except ValueError as error:
                self.problem(row, "measures", str(error))
                continue
            measures.append(measure)
        return measures

    def sub_item(self, row, values, label, line: ImportedLine):
        for key in LINE_ONLY:
            if values.get(key, "").strip():
                self.warn(row, key, f"a sub-item takes this from its line ({line.title}), so it is not used")
        title = values.get("title", "").strip()
        if not title:
            self.problem(row, "title", "enter the sub-item's title")
        line.sub_items.append(
            ImportedSubItem(
                row=row,
                label=label,
                title=title,
                amount=self.money(row, "amount", values.get("amount", ""), required=True),
                description=values.get("outline", "").strip(),
                measures=self.measures(row, values.get("measures", "")),
            )
        )

    def line(self, row, values, number) -> ImportedLine:
        title = values.get("title", "").strip()
        if not title:
            self.problem(row, "title", "enter the funded project's title")
        line = ImportedLine(
            row=row,
            number=number,
            title=title,
            amount=self.money(row, "amount", values.get("amount", ""), required=True),
        )
        for key in ("outline", "outcomes_summary"):
            if key in values:
                line.values[key] = values[key].strip()
        if "contract_notes" in values:
            line.values["contract_notes"] = values["contract_notes"].strip()
        if "contract_value" in values:
            line.values["contract_value"] = self.money(row, "contract_value", values["contract_value"])
        if "contract_end_date" in values:
            text = values["contract_end_date"].strip()
            line.values["contract_end_date"] = None
            if text:
                try:
                    line.values["contract_end_date"] = parse_date(text)
                except ValueError as error:
                    self.problem(row, "contract_end_date", str(error))
        if "thematic_group" in values:
            name = values["thematic_group"].strip()
            group = self.groups.get(name.lower()) if name else None
            if name and group is None:
                known = ", ".join(g.name for g in self.groups.values()) or "none recorded"
                self.problem(
                    row, "thematic_group", f"{self.plan.partnership} has no thematic group called '{name}' ({known})"
                )
            line.values["thematic_group"] = group
        if "provider" in values:
            line.provider_name = values["provider"].strip()
        if "pcc_priorities" in values:
            line.pcc_priorities = self.pcc_priorities(row, values["pcc_priorities"])
        if "local_priorities" in values:
            line.local_priorities = self.local_priorities(row, values["local_priorities"])
        if "measures" in values:
            line.measures = self.measures(row, values["measures"])
        if "match_funding" in values:
            line.match_funding = []
            for text in cell_lines(values["match_funding"]):
                try:
                    source, amount, note = parse_match_funding(text)
                except ValueError as error:
                    self.problem(row, "match_funding", str(error))
                    continue
                line.match_funding.append((source, amount, note))
        return line

    def pcc_priorities(self, row, text):
        try:
            numbers = parse_priority_numbers(text, self.priority_titles)
        except ValueError as error:
            self.problem(row, "pcc_priorities", str(error))
            return []
        if numbers and self.pcp is None:
            self.problem(
                row, "pcc_priorities", f"there is no Police and Crime Plan in force for {self.plan.financial_year}"
            )
            return []
        missing = [str(n) for n in numbers if n not in self.priorities]
        if missing:
            self.problem(row, "pcc_priorities", f"the {self.pcp.title} has no priority {', '.join(missing)}")
        return [self.priorities[n] for n in numbers if n in self.priorities]

    def local_priorities(self, row, text):
        found = []
        for title in [t.strip() for part in cell_lines(text) for t in part.split(";") if t.strip()]:
            priority = self.locals.get(title.lower().rstrip("."))
            if priority is None:
                self.problem(
                    row,
                    "local_priorities",
                    f"'{title}' is not a local priority in {self.plan.partnership}'s strategic assessment for "
                    f"{self.plan.financial_year}",
                )
            elif priority not in found:
                found.append(priority)
        return found

    def check_sub_items(self, line: ImportedLine):
        """Sub-items without a letter take the next free one (A, B, …); a letter given twice is refused by the
        writer, against the row. The sub-items rule is asked here too, so it is reported with the file's other
        problems rather than after they are fixed (the writer asks it again)."""
        used = {item.label for item in line.sub_items if item.label}
        letters = (chr(code) for code in range(ord("A"), ord("Z") + 1))
        for item in line.sub_items:
            if not item.label:
                item.label = next(letter for letter in letters if letter not in used)
                used.add(item.label)
        if message := sub_items_problem(line.amount, [item.amount for item in line.sub_items]):
            self.problem(line.row, "amount", message)

    def new_providers(self) -> list[str]:
        """Providers the file names that are not organisations yet: the preview says they will be added."""
        names = {}
        for line in self.parsed.lines:
            if line.provider_name:
                names.setdefault(line.provider_name.lower(), line.provider_name)
        known = set(
            Organisation.objects.annotate(lower=Lower("name")).filter(lower__in=names).values_list("lower", flat=True)
        )
        return [name for lower, name in names.items() if lower not in known]


def parse_sheet(sheet: RawSheet, plan: SpendingPlan) -> ParsedSheet:
    return _Reader(plan).read(sheet)


# --- applying ------------------------------------------------------------------------------------------------


# Where the writer's error keys are in the spreadsheet: a field's column (by key), for the line and its parts.
FIELD_COLUMN = {
    "amount_allocated": "amount",
    "new_provider_name": "provider",
    "new_provider_kind": "provider",
    "label": "number",
    "description": "outline",
    "sub_items": "amount",
}


def _project_input(line: ImportedLine, existing: FundedProject | None) -> tuple[ProjectInput, list[int]]:
    """The line as the file gives it, over the line as it is: a column the file does not have leaves its field
    as it was; sub-items are always the file's. Also the row of each outcome measure, to report problems."""
    data = ProjectInput.of(existing) if existing else ProjectInput(title="", amount_allocated=None, number=line.number)
    data.title, data.amount_allocated = line.title, line.amount
    for name, value in line.values.items():
        setattr(data, name, value)
    if line.provider_name is not None:
        data.provider, data.new_provider_name = None, line.provider_name
    if line.pcc_priorities is not None:
        data.pcc_priorities = line.pcc_priorities
    if line.local_priorities is not None:
        data.local_priorities = line.local_priorities
    if line.match_funding is not None:
        data.match_funding = [MatchFundingInput(source, amount, note) for source, amount, note in line.match_funding]
    own = (
        [MeasureInput(**measure.__dict__) for measure in line.measures]
        if line.measures is not None
        else [measure for measure in data.measures if not measure.sub_item_label]
    )
    rows = [line.row] * len(own)
    data.measures = list(own)
    data.sub_items = []
    for item in line.sub_items:
        data.sub_items.append(SubItemInput(item.label, item.title, item.amount, item.description))
        data.measures += [MeasureInput(**measure.__dict__, sub_item_label=item.label) for measure in item.measures]
        rows += [item.row] * len(item.measures)
    return data, rows


def _problems_of(refused: PlanContentRefused, lines: list[ImportedLine], measure_rows: list[list[int]]):
    """The writer's refusals, each against its spreadsheet row and column."""
    for index, fields in refused.problems.items():
        for key, messages in fields.items():
            for message in messages:
                if index is PLAN_AS_A_WHOLE:
                    yield CellProblem(None, "", f"{message} Reduce the amounts in the spreadsheet.")
                    continue
                line = lines[index]
                part, _, rest = key.partition("-")
                position, _, name = rest.partition("-")
                row, column = line.row, key
                if part == "sub_items" and position.isdigit():
                    row, column = line.sub_items[int(position)].row, name
                elif part == "measures" and position.isdigit():
                    row, column = measure_rows[index][int(position)], "measures"
                elif part == "match_funding" and position.isdigit():
                    column = "match_funding"
                column = FIELD_COLUMN.get(column, column)
                yield CellProblem(row, HEADING_OF.get(column, "") if column != "__all__" else "", message)


def _apply(plan: SpendingPlan, parsed: ParsedSheet, mode: str) -> None:
    """Writes the parsed lines into the plan through the one writer of plan content (inside the caller's
    transaction, which rolls back when there is any problem), lines matched by number and numbered 1, 2, 3 …
    afterwards. Adds to `parsed.problems` what the writer refuses, against its row and column. It runs even when
    the reader found problems, so the officer sees every problem of the file at once."""
    existing = {project.number: project for project in plan.projects.for_plan_page()}
    inputs, measure_rows = [], []
    for line in parsed.lines:
        data, rows = _project_input(line, existing.get(line.number) if line.number is not None else None)
        inputs.append(data)
        measure_rows.append(rows)
    try:
        projects_write(plan=plan, projects=inputs, replace=mode == REPLACE, renumber=True)
    except PlanContentRefused as refused:
        # A cell the reader already found wrong is not reported again in the writer's words.
        found = {(problem.row, problem.column) for problem in parsed.problems}
        parsed.problems += [
            p for p in _problems_of(refused, parsed.lines, measure_rows) if (p.row, p.column) not in found
        ]
        parsed.problems.sort(key=lambda problem: problem.row or 0)


@dataclass
class ImportPreview:
    parsed: ParsedSheet
    diff: PlanDiff | None = None
    allocated: Decimal | None = None
    award: Decimal | None = None
    match_funding: Decimal | None = None

    @property
    def problems(self) -> list[CellProblem]:
        return self.parsed.problems

    @property
    def can_import(self) -> bool:
        return not self.parsed.problems

    @property
    def unallocated(self) -> Decimal:
        return self.award - self.allocated

    @property
    def over_allocated(self) -> Decimal:
        return max(ZERO, self.allocated - self.award)

    def counts(self) -> dict:
        kinds = [change.kind for change in self.diff.lines] if self.diff else []
        return {kind: kinds.count(kind) for kind in ("added", "changed", "removed")}


def plan_import_preview(*, plan: SpendingPlan, sheet: RawSheet, mode: str) -> ImportPreview:
    """What importing `sheet` would do, worked out by importing it in a transaction that is then rolled back, so
    the preview and the import can never disagree."""
    parsed = parse_sheet(sheet, plan)
    preview = ImportPreview(parsed=parsed, award=plan.award.amount)
    if not parsed.lines:
        return preview
    before = plan_snapshot(plan)
    with transaction.atomic():
        _apply(plan, parsed, mode)
        after = plan_snapshot(plan)
        preview.match_funding = (
            MatchFunding.objects.filter(project__plan=plan).aggregate(total=Sum("amount"))["total"] or ZERO
        )
        transaction.set_rollback(True)
    if parsed.problems:
        return preview
    preview.diff = plan_diff(before, after)
    preview.allocated = Decimal(after["allocated"])
    return preview


class ImportRefused(ValidationError):
    def __init__(self, parsed: ParsedSheet):
        self.parsed = parsed
        super().__init__([str(problem) for problem in parsed.problems], code="import")


@transaction.atomic
def plan_import_lines(
    *, plan: SpendingPlan, sheet: RawSheet, mode: str, filename: str, by, expected_revision: int | None
) -> ParsedSheet:
    """Imports all the lines or none: any problem, found in the file or on writing it, undoes everything."""
    plan = plan_lock(plan=plan, by=by, expected_revision=expected_revision)
    parsed = parse_sheet(sheet, plan)
    if parsed.lines:
        with transaction.atomic():
            _apply(plan, parsed, mode)
            transaction.set_rollback(bool(parsed.problems))
    if parsed.problems:
        raise ImportRefused(parsed)
    lines = len(parsed.lines)
    verb = "Replaced the funded projects with" if mode == REPLACE else "Imported"
    plan_record_change(
        plan=plan, by=by, reason=f"{verb} {lines} funded project{'s' if lines != 1 else ''} from {filename}"
    )
    return parsed
