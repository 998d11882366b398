"""Reading the tables people upload (CSV or XLSX) into rows of text, the same way for every import: indicators
per CSP and allocations across councils. Errors name the row and the column as the person sees them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

MAX_ROWS = 2000


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # spreadsheet row number (headers are row 1), cells as text


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass
class ParsedImport:
    errors: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(upload) -> Table:
    """The first sheet of an XLSX file, or a CSV file (UTF-8, with or without a byte-order mark)."""
    name = (getattr(upload, "name", "") or "").lower()
    content = upload.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the same problem to the user
            raise ValidationError("The file could not be read as an Excel workbook (.xlsx).") from error
        sheet = workbook.worksheets[0]
        raw = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError("Save the CSV file as UTF-8 and upload it again.") from error
        raw = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise ValidationError("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
    raw = [row for row in raw if any(row)]
    if not raw:
        raise ValidationError("The file is empty.")
    headers = raw[0]
    while headers and not headers[-1]:
        headers.pop()
    if len(raw) - 1 > MAX_ROWS:
        raise ValidationError(f"The file has more than {MAX_ROWS} rows.")
    rows = [(number, (row + [""] * len(headers))[: len(headers)]) for number, row in enumerate(raw[1:], start=2)]
    return Table(headers=headers, rows=rows)


def parse_number(text: str) -> Decimal:
    """A figure as spreadsheets write it: `12,345`, `12345.6`, `£1,234.50`, `7.5%` (the % is dropped)."""
    cleaned = text.replace(",", "").replace("£", "").replace("%", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(f"'{text}' is not a number") from error
    if not value.is_finite():
        raise ValueError(f"'{text}' is not a number")
    return value
