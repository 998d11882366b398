"""A return from the spreadsheet the product gives (`template_xlsx`): the officer downloads it, fills in the Figure
column offline, uploads it, sees what will be saved or what is wrong row by row, and saves it all or nothing.

The layout, one table on one sheet (so a CSV copy reads the same), with the return's title rows above it:

    Measure or spend                          Type         Target            Figure
    Engagement in the service                 percentage   at least 75%      (the officer's figure)
    Case study of the service's difference    narrative                      (the officer's words)
    Spend in Q1 (April to June 2020)          money                          (pounds and pence)
    Forecast spend in Q2 (July to ...)        money                          (one row for each later period)

Rows are known by the words in the first column; a blank Figure leaves what the return says as it is. The file is
read by the one reader of uploads (grants/uploads.py: type, size, rows, control characters and cell sizes refused
with their row and column) and waits in the session as a `RawSheet` of grants/services/importing.py. The figures
are checked by the return's own form (grants/forms/returns.py `ReturnForm`), the same rule as the web page, and
saved by the one writer of a return (grants/services/returns.py `return_save`); every problem of either is
reported against its row and column, and nothing is saved while one remains.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from grants.documents.spreadsheet import HEADER_FILL
from grants.models import OutcomeMeasure, PerformanceReturn
from grants.services.importing import MAX_ROWS, ImportRefused, RawSheet
from grants.services.returns import return_save
from grants.uploads import CellProblem, UploadError, find_header, normalise_heading, read_rows
from partnerships.spreadsheets import safe_cell

SHEET_NAME = "Return"
ITEM, TYPE, TARGET, FIGURE = "Measure or spend", "Type", "Target", "Figure"
HEADING_ALIASES = {ITEM: "item", "Measure": "item", TYPE: "type", TARGET: "target", FIGURE: "figure"}
REQUIRED_COLUMNS = {"item", "figure"}
HEADING_OF = {"item": ITEM, "type": TYPE, "target": TARGET, "figure": FIGURE}
MONEY = "money"
WIDTHS = {ITEM: 60, TYPE: 14, TARGET: 22, FIGURE: 40}


def measure_type(measure: OutcomeMeasure) -> str:
    """What a measure's figure is, as the Type column names it."""
    if not measure.is_numeric:
        return "narrative"
    return {OutcomeMeasure.Unit.PERCENT: "percentage", OutcomeMeasure.Unit.POUNDS: MONEY}.get(
        measure.target_unit, "count"
    )


@dataclass
class TemplateRow:
    """One row of the template: the words that name it, its type and target, and the return form's field."""

    item: str
    type: str
    target: str
    field: str
    measure: OutcomeMeasure | None = None


def template_rows(performance_return: PerformanceReturn) -> list[TemplateRow]:
    """The template's rows for the return: each outcome measure, the spend in the period, the forecast for each
    later period. The form's field names (`measure_<id>`, `spend_in_period`, `forecast_<period id>`)."""
    rows = [
        TemplateRow(m.description, measure_type(m), m.target_display if m.is_numeric else "", f"measure_{m.pk}", m)
        for m in performance_return.project.outcome_measures.all()
    ]
    period = performance_return.period
    rows.append(TemplateRow(f"Spend in {period.name}", MONEY, "", "spend_in_period"))
    for later in period.award.reporting_periods.filter(number__gt=period.number):
        rows.append(TemplateRow(f"Forecast spend in {later.name}", MONEY, "", f"forecast_{later.pk}"))
    return rows


def template_xlsx(performance_return: PerformanceReturn) -> bytes:
    """The return's template: title rows, then the headings and one row per measure, spend and forecast, with an
    empty Figure column. Every cell through the one rule, `safe_cell`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    project = performance_return.project
    titles = [
        f"Return for {project.number}. {project.title}: {performance_return.partnership}, "
        f"{performance_return.period.name}",
        "Fill in the Figure column only: a number for a count, a percentage such as 78 or 78%, pounds and pence for "
        "money, words for a narrative measure. A blank Figure leaves the return as it is. Aggregate figures only: "
        "nothing that could identify a service user.",
    ]
    for number, text in enumerate(titles, start=1):
        safe_cell(text, cell=sheet.cell(row=number, column=1)).font = Font(bold=number == 1)
    for column, heading in enumerate((ITEM, TYPE, TARGET, FIGURE), start=1):
        cell = safe_cell(heading, cell=sheet.cell(row=4, column=column))
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
        sheet.column_dimensions[cell.column_letter].width = WIDTHS[heading]
    for number, row in enumerate(template_rows(performance_return), start=5):
        for column, value in enumerate((row.item, row.type, row.target, ""), start=1):
            cell = safe_cell(value, cell=sheet.cell(row=number, column=column))
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A5"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def return_import_read(upload) -> RawSheet:
    """Reads the uploaded .xlsx (its "Return" sheet) or .csv through the one reader of uploads and checks it has
    the column headings, so a file that cannot be a return is refused beside the file field. Raises UploadError."""
    rows = [[number, cells] for number, cells in read_rows(upload, max_rows=MAX_ROWS, sheet=SHEET_NAME)]
    find_header(iter(rows), REQUIRED_COLUMNS, HEADING_ALIASES)
    return RawSheet(rows=rows)


@dataclass
class ImportedRow:
    """A row of the file as the preview shows it: what the return says now, what will be saved, what is wrong."""

    row: int
    item: str
    type: str = ""
    now: str = ""
    saved: str = ""
    problems: list[CellProblem] = field(default_factory=list)


@dataclass
class ReturnImport:
    rows: list[ImportedRow] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    values: dict | None = None  # what return_save is given, when there is no problem

    @property
    def can_import(self) -> bool:
        return not self.problems


def _shown(form, name: str) -> str:
    value = form[name].value()
    return "" if value is None else str(value)


def _cleaned(form, name: str) -> str:
    value = form.fields[name].prepare_value(form.cleaned_data.get(name))
    return "" if value is None else str(value)


def _percent(imported: ImportedRow, text: str) -> str:
    """`78` → `78%` for a percentage, as the return page shows it."""
    return f"{text}%" if text and imported.type == "percentage" else text


class _Reader:
    def __init__(self, performance_return: PerformanceReturn):
        from grants.forms.returns import ReturnForm  # the web form's rule for every figure

        self.performance_return = performance_return
        self.form_class = ReturnForm
        self.expected = {normalise_heading(row.item): row for row in template_rows(performance_return)}
        self.result = ReturnImport()
        self.source: dict[str, ImportedRow] = {}  # the form's field -> the row that gave it

    def problem(self, imported: ImportedRow | None, key: str, message: str) -> None:
        problem = CellProblem(imported.row if imported else None, HEADING_OF.get(key, ""), message)
        self.result.problems.append(problem)
        if imported is not None:
            imported.problems.append(problem)

    def read(self, sheet: RawSheet) -> ReturnImport:
        try:
            number, columns = find_header(iter(sheet.rows), REQUIRED_COLUMNS, HEADING_ALIASES)
        except UploadError as error:
            self.problem(None, "", error.message)
            return self.result
        current = self.form_class(performance_return=self.performance_return)
        data = {name: _shown(current, name) for name in current.fields}
        given = {}
        for row, cells in sheet.rows:
            if row <= number:
                continue
            values = {key: cells[i] if i < len(cells) else "" for key, i in columns.items()}
            if not any(values.values()):
                continue
            self.row(row, values, current, given)
        data.update(given)
        form = self.form_class(data=data, performance_return=self.performance_return)
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    self.problem(self.source.get(name), "figure", message)
        if self.result.problems:
            return self.finish()
        for name, imported in self.source.items():
            imported.saved = _percent(imported, _cleaned(form, name))
        self.result.values = {
            "spend_in_period": form.cleaned_data["spend_in_period"],
            "forecasts": form.forecasts(),
            "results": form.results(),
            **{name: form.cleaned_data[name] for name in ("risks", "went_well", "issues", "case_study")},
        }
        return self.finish()

    def finish(self) -> ReturnImport:
        self.result.problems.sort(key=lambda problem: problem.row or 0)  # in the spreadsheet's order
        return self.result

    def row(self, row: int, values: dict, current, given: dict) -> None:
        item = values.get("item", "").strip()
        imported = ImportedRow(row=row, item=item)
        self.result.rows.append(imported)
        expected = self.expected.get(normalise_heading(item))
        if expected is None:
            project = self.performance_return.project
            self.problem(
                imported,
                "item",
                f"“{item}” is not an outcome measure of {project.title}, nor the spend or a forecast of this return: "
                "keep the words the template gives"
                if item
                else "name the measure, spend or forecast of the row",
            )
            return
        imported.type = expected.type
        imported.now = _percent(imported, _shown(current, expected.field))
        if earlier := self.source.get(expected.field):
            self.problem(imported, "item", f"“{item}” is also on row {earlier.row}: keep one of them")
            return
        self.source[expected.field] = imported
        typed = values.get("type", "").strip()
        if typed and normalise_heading(typed) != normalise_heading(expected.type):
            self.problem(imported, "type", f"“{item}” is a {expected.type}, not a {typed}: keep the template's type")
        figure = values.get("figure", "").strip()
        if not figure:
            imported.saved = imported.now  # left as it is
            return
        if expected.type in ("count", MONEY) and figure.endswith("%"):
            self.problem(imported, "figure", f"“{figure}” is a percentage: “{item}” is a {expected.type}")
            return
        given[expected.field] = figure


def return_import_preview(*, performance_return: PerformanceReturn, sheet: RawSheet, by) -> ReturnImport:
    """What importing `sheet` would save, worked out by saving it in a transaction that is then rolled back, so
    the preview and the import can never disagree."""
    with transaction.atomic():
        parsed = _import(performance_return, sheet, by)
        transaction.set_rollback(True)
    return parsed


@transaction.atomic
def return_import_save(*, performance_return: PerformanceReturn, sheet: RawSheet, by) -> ReturnImport:
    """Saves the figures of the sheet through the one writer of a return, all or none. Raises ImportRefused."""
    parsed = _import(performance_return, sheet, by)
    if parsed.problems:
        transaction.set_rollback(True)
        raise ImportRefused(parsed)
    return parsed


def _import(performance_return: PerformanceReturn, sheet: RawSheet, by) -> ReturnImport:
    reader = _Reader(performance_return)
    parsed = reader.read(sheet)
    if parsed.problems:
        return parsed
    try:
        with transaction.atomic():
            return_save(performance_return=performance_return, by=by, **parsed.values)
    except ValidationError as error:
        for name, messages in (error.message_dict if hasattr(error, "error_dict") else {"": error.messages}).items():
            for message in messages:
                reader.problem(reader.source.get(name), "figure" if name in reader.source else "", message)
        reader.finish()
    return parsed
