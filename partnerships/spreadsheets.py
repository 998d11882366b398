"""Every cell the product writes to a CSV or XLSX file goes through `safe_cell`: text that a spreadsheet would
run as a formula (it begins with =, +, -, @, a tab or a carriage return: "CSV injection", OWASP) reaches the
file as text, never as a live formula.

It lives here, in the app every other app depends on, so the admin's exports (django-import-export, see
`SafeCSV` and `SafeXLSX`, named in settings.EXPORT_FORMATS), the plan exports and the 360Giving publications all
use the same rule.
"""

from __future__ import annotations

import csv
import io

from import_export.formats import base_formats

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value, *, cell=None):
    """THE rule for a cell of a CSV or XLSX file.

    For a CSV file (no `cell`): returns the text to write, with a leading apostrophe when a spreadsheet would
    otherwise read it as a formula (the product's own imports drop that apostrophe again).

    For an XLSX file (`cell` is an openpyxl cell): writes `value` into it unchanged; text is stored as text, and
    text that looks like a formula is also marked with Excel's quote prefix, so that it stays text even when
    someone edits the cell. Returns the cell.
    """
    risky = isinstance(value, str) and value.startswith(FORMULA_START)
    if cell is None:
        if value is None:
            return ""
        return "'" + value if risky else value
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        if risky:
            cell.quotePrefix = True
    return cell


def csv_text(rows) -> str:
    """A CSV file of `rows` (lists of values), every cell made safe, starting with the byte-order mark Excel
    needs to read £ correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def csv_bytes(rows) -> bytes:
    return csv_text(rows).encode("utf-8")


def xlsx_sheet_rows(sheet, rows, *, start_row: int = 1) -> None:
    """Writes `rows` into an openpyxl sheet, every cell made safe."""
    for row_number, row in enumerate(rows, start=start_row):
        for column, value in enumerate(row, start=1):
            safe_cell(value, cell=sheet.cell(row=row_number, column=column))


class SafeCSV(base_formats.CSV):
    """The admin's CSV export, every cell through `safe_cell`."""

    def export_data(self, dataset, **kwargs):
        rows = [dataset.headers or []] + [list(row) for row in dataset]
        return csv_text([["" if v is None else (v if isinstance(v, str) else str(v)) for v in r] for r in rows])


class SafeXLSX(base_formats.XLSX):
    """The admin's XLSX export, written by openpyxl with every cell through `safe_cell`."""

    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (dataset.title or "Export")[:31]
        xlsx_sheet_rows(sheet, [dataset.headers or []] + [list(row) for row in dataset])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
