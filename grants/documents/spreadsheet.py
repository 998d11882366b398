"""A plan's funded projects as a spreadsheet (XLSX or CSV), in the one layout that the import reads back.

One row per funded project, then one row per sub-item under it (its letter in "Number", its amount shown in
brackets as the board paper writes it). Lists that belong to a line are written one item per line inside a
cell: outcome measures (`Re-referral rate is below 20% (target: below 20%, quarterly)`), Police and Crime Plan
priorities (`3. Protecting people at risk of abuse …`), local priorities, and match funding
(`NHS England: £44,450.00 – For children and young people`). An export opened, changed and imported again
gives the same plan; `parse_measure` and `parse_match_funding` read those cells back.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from grants.models import FundedProject, OutcomeMeasure, SpendingPlan
from grants.money import WHOLE_DIGITS, format_money, parse_money, parse_number
from partnerships.models import ThematicGroup
from partnerships.spreadsheets import safe_cell
from priorities.models import LocalPriority

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    width: int
    hint: str
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column(
        "number",
        "Number",
        8,
        "The line's number (1, 2, 3 …); a sub-item's letter (A, B …) on the rows after its line.",
        ("no", "line", "line number", "#", "ref"),
    ),
    Column(
        "title",
        "Title",
        36,
        "The project, service or pilot; or the sub-item's title.",
        (
            "project",
            "project title",
            "service",
            "project service or pilot",
            "project service pilot title and brief outline",
            "project service or pilot title",
            "project service pilot title",
        ),
    ),
    Column(
        "amount",
        "Amount allocated",
        16,
        "In pounds: £25,000, 25000 or 12,500.50. A sub-item's amount may be in brackets, (£8,000).",
        ("amount", "amount allocated £", "allocation", "recommended amount", "amount £"),
    ),
    Column(
        "outline",
        "Outline",
        60,
        "Paragraphs separated by a blank line; lines starting “- ” are bullets, “1. ” numbered.",
        ("brief outline", "description"),
    ),
    Column(
        "outcomes_summary",
        "How the outcomes will be measured",
        50,
        "The monitoring arrangements.",
        ("outcomes", "how outcomes will be measured"),
    ),
    Column(
        "measures",
        "Outcome measures",
        50,
        "One per line. A target or how often it is reported goes in brackets at the end: "
        "“Re-referral rate is below 20% (target: below 20%, quarterly)”.",
        ("measures", "outcome measure"),
    ),
    Column(
        "pcc_priorities",
        "Police and Crime Plan priorities",
        36,
        "Numbers (“2, 3”) or as the plan writes them (“2. Preventing and deterring crime”), one per line.",
        (
            "police crime plan priorities",
            "police crime plan priority",
            "pcc priorities",
            "priorities",
            "police and crime plan priority",
        ),
    ),
    Column(
        "local_priorities",
        "Local priorities",
        30,
        "From the partnership's strategic assessment for the year, one per line.",
        ("local priority",),
    ),
    Column(
        "provider",
        "Provider",
        24,
        "The organisation that delivers it; a new name is added as a new organisation.",
        ("provider organisation", "organisation"),
    ),
    Column(
        "contract_value",
        "Annual contract value",
        16,
        "In pounds, when the grant pays part of a larger contract.",
        ("contract value", "total annual contract value"),
    ),
    Column(
        "contract_end_date",
        "Contract end date",
        14,
        "For example 30/11/2020.",
        ("contract ends", "contract end", "end date"),
    ),
    Column("contract_notes", "Contract notes", 30, "", ("notes on the contract",)),
    Column("thematic_group", "Thematic group", 24, "One of the partnership's thematic groups.", ("theme", "group")),
    Column(
        "match_funding",
        "Match funding",
        36,
        "One per line: “NHS England: £44,450 – for children and young people”, or “£44,450 (NHSE)”.",
        ("match other funding", "other funding", "match funding attracted"),
    ),
]
COLUMN_KEYS = [column.key for column in COLUMNS]
LINE_ONLY = [
    "outcomes_summary",
    "pcc_priorities",
    "local_priorities",
    "provider",
    "contract_value",
    "contract_end_date",
    "contract_notes",
    "thematic_group",
    "match_funding",
]


# Every heading the import accepts for each column, as people write them (compared by `normalise_heading`).
HEADING_ALIASES = {}
for _column in COLUMNS:
    for _name in (_column.heading, _column.key.replace("_", " "), *_column.aliases):
        HEADING_ALIASES.setdefault(_name, _column.key)


# --- cells that hold lists --------------------------------------------------------------------------------------

FREQUENCIES = {label.lower(): value for value, label in OutcomeMeasure.Frequency.choices}
COMPARISONS = {label.lower(): value for value, label in OutcomeMeasure.Comparison.choices}
_BULLET = re.compile(r"^\s*(?:[-*•▪◦]|\d+[.)])\s+")
_MEASURE_SUFFIX = re.compile(
    r"\s*\((?:target:\s*(?P<target>[^,;)]+?))?\s*(?:[,;]\s*)?(?P<frequency>"
    + "|".join(re.escape(f) for f in sorted(FREQUENCIES, key=len, reverse=True))
    + r")?\)\s*$",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"^(?P<comparison>" + "|".join(sorted(COMPARISONS, key=len, reverse=True)) + r")\s+(?P<pounds>£)?\s*"
    r"(?P<value>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<percent>%)?$",
    re.IGNORECASE,
)


def measure_text(measure: OutcomeMeasure) -> str:
    extras = []
    if measure.is_numeric:
        extras.append(f"target: {measure.target_display}")
    if measure.frequency:
        extras.append(measure.get_frequency_display().lower())
    return measure.description + (f" ({', '.join(extras)})" if extras else "")


@dataclass
class ParsedMeasure:
    description: str
    target_value: Decimal | None = None
    target_comparison: str = ""
    target_unit: str = ""
    frequency: str = ""


def parse_measure(text: str) -> ParsedMeasure:
    """`Re-referral rate is below 20% (target: below 20%, quarterly)` → its parts. Raises ValueError."""
    text = _BULLET.sub("", text.strip(), count=1).strip()
    measure = ParsedMeasure(description=text)
    match = _MEASURE_SUFFIX.search(text)
    if match and (match["target"] or match["frequency"]):
        measure.description = text[: match.start()].strip()
        if match["frequency"]:
            measure.frequency = FREQUENCIES[match["frequency"].lower()]
        if match["target"]:
            target = _TARGET.match(match["target"].strip())
            if target is None:
                raise ValueError(
                    f"'{match['target'].strip()}' is not a target: write it as “at least 75%”, “below 20%” or "
                    "“at least 200”"
                )
            measure.target_comparison = COMPARISONS[target["comparison"].lower()]
            measure.target_value = parse_number(target["value"], decimal_places=2, whole_digits=WHOLE_DIGITS)
            if target["percent"]:
                measure.target_unit = OutcomeMeasure.Unit.PERCENT
            elif target["pounds"]:
                measure.target_unit = OutcomeMeasure.Unit.POUNDS
            else:
                measure.target_unit = OutcomeMeasure.Unit.NUMBER
    if not measure.description:
        raise ValueError(f"'{text}' has no description of the measure")
    return measure


def match_text(match) -> str:
    return f"{match.source}: {format_money(match.amount)}" + (f" – {match.note}" if match.note else "")


_AMOUNT = r"\(?£?\s*[0-9][0-9,]*(?:\.[0-9]{1,2})?\)?"
_MATCH_NAMED = re.compile(rf"^(?P<source>[^:]+?)\s*:\s*(?P<amount>{_AMOUNT})\s*(?:[–—-]\s*(?P<note>.*))?$")
_MATCH_BRACKETED = re.compile(rf"^(?P<amount>{_AMOUNT})\s*\((?P<source>[^)]+)\)\s*(?:[–—-]\s*(?P<note>.*))?$")


def parse_match_funding(text: str) -> tuple[str, Decimal, str]:
    """`NHS England: £44,450 – note` or `£44,450 (NHSE)` → (source, amount, note). Raises ValueError."""
    text = _BULLET.sub("", text.strip(), count=1).strip()
    match = _MATCH_NAMED.match(text) or _MATCH_BRACKETED.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not match funding: write it as “NHS England: £44,450”")
    return match["source"].strip(), parse_money(match["amount"]), (match["note"] or "").strip()


def cell_lines(value) -> list[str]:
    return [line.strip() for line in str(value or "").replace("\r\n", "\n").split("\n") if line.strip()]


# --- writing ------------------------------------------------------------------------------------------------


def _line_values(project: FundedProject) -> dict:
    return {
        "number": project.number,
        "title": project.title,
        "amount": project.amount_allocated,
        "outline": project.outline,
        "outcomes_summary": project.outcomes_summary,
        "measures": "\n".join(measure_text(m) for m in project.own_outcome_measures),
        "pcc_priorities": "\n".join(str(p) for p in project.pcc_priorities.all()),
        "local_priorities": "\n".join(p.title for p in project.local_priorities.all()),
        "provider": project.provider.name if project.provider else "",
        "contract_value": project.contract_value,
        "contract_end_date": project.contract_end_date,
        "contract_notes": project.contract_notes,
        "thematic_group": project.thematic_group.name if project.thematic_group else "",
        "match_funding": "\n".join(match_text(m) for m in project.match_funding.all()),
    }


def plan_rows(plan: SpendingPlan) -> list[tuple[bool, dict]]:
    """(is a sub-item, values) for every row, lines in order with their sub-items after them."""
    rows = []
    for project in plan.projects.for_plan_page():
        rows.append((False, _line_values(project)))
        for item in project.sub_items.all():
            rows.append(
                (
                    True,
                    {
                        "number": item.label,
                        "title": item.title,
                        "amount": item.amount,
                        "outline": item.description,
                        "measures": "\n".join(measure_text(m) for m in item.outcome_measures.all()),
                    },
                )
            )
    return rows


def _csv_safe(value) -> str:
    """Text a spreadsheet would run as a formula is written with a leading apostrophe (the import drops it): the
    product's one rule, `partnerships.spreadsheets.safe_cell`."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return safe_cell(str(value))


def lines_csv(plan: SpendingPlan | None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.heading for column in COLUMNS])
    for _sub_item, values in plan_rows(plan) if plan is not None else []:
        writer.writerow([_csv_safe(values.get(key)) for key in COLUMN_KEYS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read £ correctly


HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
MONEY_FORMAT = '"£"#,##0.00'
SUB_ITEM_MONEY_FORMAT = '("£"#,##0.00)'


def _set(cell, value, *, money_format=MONEY_FORMAT):
    if isinstance(value, Decimal):
        cell.value = value
        cell.number_format = money_format
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        safe_cell(value, cell=cell)  # text, never a formula
    cell.alignment = Alignment(wrap_text=True, vertical="top")


def _lines_sheet(sheet, plan: SpendingPlan | None) -> None:
    sheet.title = "Funded projects"
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.heading)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "C2"
    for row_number, (sub_item, values) in enumerate(plan_rows(plan) if plan else [], start=2):
        for index, key in enumerate(COLUMN_KEYS, start=1):
            cell = sheet.cell(row=row_number, column=index)
            _set(cell, values.get(key), money_format=SUB_ITEM_MONEY_FORMAT if sub_item else MONEY_FORMAT)
            if sub_item and key in ("number", "title"):
                cell.font = Font(italic=True)


def lines_xlsx(plan: SpendingPlan) -> bytes:
    workbook = Workbook()
    _lines_sheet(workbook.active, plan)
    summary = workbook.create_sheet("Summary")
    rows = [
        ("Partnership", str(plan.partnership)),
        ("Financial year", plan.financial_year),
        ("Plan", f"{plan.title}, version {plan.version} ({plan.get_status_display().lower()})"),
        ("Grant total", plan.figures.award),
        ("Allocated", plan.figures.allocated),
        (plan.figures.balance_label, plan.figures.balance),
        ("Match funding attracted", plan.figures.match_funding),
    ]
    for row_number, (key, value) in enumerate(rows, start=1):
        summary.cell(row=row_number, column=1, value=key).font = Font(bold=True)
        _set(summary.cell(row=row_number, column=2), value)
    summary.column_dimensions["A"].width = 26
    summary.column_dimensions["B"].width = 60
    return _save(workbook)


def template_xlsx(plan: SpendingPlan) -> bytes:
    """An empty sheet with the columns, and a second sheet saying how to fill each one in for this plan."""
    workbook = Workbook()
    _lines_sheet(workbook.active, None)
    guide = workbook.create_sheet("How to fill this in")
    guide.column_dimensions["A"].width = 34
    guide.column_dimensions["B"].width = 100
    row = 1

    def write(key, value="", bold=False):
        nonlocal row
        guide.cell(row=row, column=1, value=key).font = Font(bold=bold or bool(value))
        _set(guide.cell(row=row, column=2), value)
        row += 1

    write(f"Funded projects for {plan.partnership} {plan.financial_year}", bold=True)
    write("One row per funded project; its sub-items on the rows straight after it, each with its letter in Number.")
    write("Keep the column headings in row 1. Columns you leave out are not changed; an empty cell clears.")
    row += 1
    for column in COLUMNS:
        write(column.heading, column.hint)
    row += 1
    pcp = plan.police_and_crime_plan
    write(f"Police and Crime Plan priorities ({pcp.title if pcp else 'none in force'})", bold=True)
    for priority in pcp.priorities.all() if pcp else []:
        write(str(priority.number), priority.title)
    row += 1
    write("Local priorities", bold=True)
    for priority in LocalPriority.objects.filter(
        assessment__partnership=plan.partnership, assessment__financial_year=plan.financial_year
    ):
        write("", priority.title)
    row += 1
    write("Thematic groups", bold=True)
    for group in ThematicGroup.objects.filter(partnership=plan.partnership):
        write("", group.name)
    return _save(workbook)


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_name(plan: SpendingPlan, what: str, extension: str) -> str:
    from django.utils.text import slugify

    version = f"-version-{plan.version}" if plan.version > 1 else ""
    return f"{slugify(str(plan.partnership))}-{plan.financial_year.replace('/', '-')}{version}-{what}.{extension}"
