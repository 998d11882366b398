"""The one reader of the spreadsheets people upload (CSV or Excel .xlsx): funded projects, indicators and
allocations across councils all come in through `read_rows`, and find their column headings with `find_header`.

What it promises every import:

- Rows come one at a time, as the sheet numbers them (row 1 is the first row), each a list of cells as stripped
  text, blank rows left out. Cells read as a person typed them: `1234.5`, never `1234.4999999999998`; `7.5%`
  for a cell formatted as a percentage; dates as `2020-11-30`.
- It stops while reading: a file with more than `max_rows` non-blank rows is refused at the row after the
  limit, not after the whole file has been read into memory; so is a file larger than `max_bytes`, before it is
  read, and an .xlsx whose contents unpack to more than `UNPACKED_PER_BYTE` times that.
- A worksheet is only opened when it declares its size before its rows (as Excel and LibreOffice write it):
  without that, openpyxl parses every row just to open the workbook.
- A cell holding a control character (NUL above all: PostgreSQL cannot store it) or more than `LONGEST_TEXT`
  characters refuses the file, naming its row and column, before any of the file is used.
- XML entities are never expanded: openpyxl parses with defusedxml when it is installed (a dependency for that
  reason), and this module refuses to load if it is not.
- Every refusal is an `UploadError`, a `ValidationError` with a message to show beside the file field.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from openpyxl.utils import get_column_letter

# openpyxl reads a workbook's XML with defusedxml only when it can import it; an .xlsx is a file from outside.
if not openpyxl.DEFUSEDXML:  # pragma: no cover - guards the installation, not the code
    raise ImportError("defusedxml must be installed (and OPENPYXL_DEFUSEDXML not 'False') to read uploaded .xlsx")

MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 100  # columns after this are not read (a stray formatted cell far right would pad every row)
UNPACKED_PER_BYTE = 20  # an .xlsx is a zip: refuse one whose parts unpack to more than this times max_bytes
BLANK_ROWS_PER_ROW = 5  # blank rows read before giving up, per row allowed (an .xlsx can hold a million)
HEADER_WITHIN = 10  # title rows allowed above the headings

NOT_A_WORKBOOK = "The file could not be read as an Excel workbook (.xlsx): save it again as .xlsx or as CSV."
WRONG_TYPE = "The file must be an Excel workbook (.xlsx) or a CSV file (.csv)."
OLD_TYPE = "Save the spreadsheet as an Excel workbook (.xlsx) or as CSV (.csv), then upload it."


class UploadError(ValidationError):
    """An upload refused as a whole, with the message to show beside the file field."""

    def __init__(self, message: str):
        super().__init__(message, code="upload")

    def __str__(self) -> str:
        return self.message


@dataclass
class CellProblem:
    """A problem with one cell (or row) of an upload, named as the person sees the sheet: "Row 7, Amount
    allocated: '£12,5OO' is not an amount". `row` None: the file as a whole; `column` "": the row as a whole."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return f"Row {self.row}, {self.column}: {self.message}" if self.column else f"Row {self.row}: {self.message}"


@dataclass
class ParsedImport:
    """What an import read, with every problem found; nothing is saved while there is one."""

    errors: list[CellProblem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _megabytes(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        stream = getattr(upload, "file", upload)
        position = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(position)
    return size


def read_rows(
    upload, *, max_rows: int, max_bytes: int = MAX_BYTES, sheet: str | None = None
) -> Iterator[tuple[int, list[str]]]:
    """The non-blank rows of an uploaded .csv or .xlsx (the worksheet called `sheet` when there is one, else the
    first), as (row number, cells as text). The file's type and size are checked now; the row limit while the
    rows are read. Raises UploadError."""
    name = (getattr(upload, "name", "") or "").lower()
    if name.endswith((".xls", ".xlsm", ".xlsb", ".ods", ".numbers")):
        raise UploadError(OLD_TYPE)
    if not name.endswith((".csv", ".xlsx")):
        raise UploadError(WRONG_TYPE)
    size = _size(upload)
    if size > max_bytes:
        raise UploadError(f"The file is {_megabytes(size)}: it must be smaller than {_megabytes(max_bytes)}.")
    stream = getattr(upload, "file", upload)
    stream.seek(0)
    rows = _csv_rows(stream) if name.endswith(".csv") else _xlsx_rows(stream, sheet=sheet, max_bytes=max_bytes)
    return _within_limit(rows, max_rows)


# C0 control characters but tab, line feed and carriage return; DEL; the C1 controls. PostgreSQL cannot store NUL in
# text at all (the database refuses the whole statement), and the others are never typed: they come from a file
# saved by another program or made to probe us.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The most text one field or cell may hold: what an Excel cell holds, so whatever is typed into a page can be exported
# to a spreadsheet and imported again. A million-character text is refused with a message, never stored.
LONGEST_TEXT = 32_767


def column_letter(position: int) -> str:
    """0 → `A`, 27 → `AB`: the column as a spreadsheet shows it."""
    return get_column_letter(position + 1)


def cell_problem(cells: list[str]) -> tuple[int, str] | None:
    """The first cell no import may take, whatever its column: (position, what is wrong with it)."""
    for position, cell in enumerate(cells):
        if CONTROL_CHARACTERS.search(cell):
            return position, (
                "the cell holds a control character (such as NUL) that cannot be saved: retype the cell, then "
                "upload the file again."
            )
        if len(cell) > LONGEST_TEXT:
            return position, (f"the cell holds {len(cell):,} characters: a cell can hold at most {LONGEST_TEXT:,}.")
    return None


def _within_limit(rows: Iterable[tuple[int, list[str]]], max_rows: int) -> Iterator[tuple[int, list[str]]]:
    """Stops at the row after `max_rows` non-blank rows, and at the first cell no import may take (so the file is
    refused as a whole, and nothing of it is saved)."""
    counted = blank = 0
    for number, cells in rows:
        while cells and not cells[-1]:
            cells.pop()
        if problem := cell_problem(cells):
            position, message = problem
            raise UploadError(f"Row {number}, column {column_letter(position)}: {message}")
        if not cells:
            blank += 1
            if blank > max_rows * BLANK_ROWS_PER_ROW:
                raise UploadError(
                    f"The file has more than {max_rows * BLANK_ROWS_PER_ROW:,} blank rows: delete them and upload it "
                    "again."
                )
            continue
        counted += 1
        if counted > max_rows:
            raise UploadError(
                f"The file has more than {max_rows:,} rows: split it, or remove the rows that are not needed."
            )
        yield number, cells


# --- CSV ------------------------------------------------------------------------------------------------------


def _encoding(stream) -> str:
    """UTF-8 (with or without a byte-order mark) when every byte decodes as UTF-8, else Windows-1252 (what Excel
    writes for "CSV" on a British Windows machine: `£` is one byte there). Decodes in chunks, keeping nothing."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(64 * 1024):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        stream.seek(0)
    return "utf-8-sig"


def _csv_rows(stream) -> Iterator[tuple[int, list[str]]]:
    encoding = _encoding(stream)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    try:
        try:
            sample = text.read(4096)
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        except UnicodeDecodeError as error:
            raise UploadError("The CSV file's text could not be read: save it as “CSV UTF-8” and upload it.") from error
        text.seek(0)
        number = 0
        try:
            for number, cells in enumerate(csv.reader(text, dialect), start=1):  # noqa: B007 - number is reported
                yield number, [cell.strip() for cell in cells]
        except csv.Error as error:
            raise UploadError(f"Row {number + 1} of the CSV file could not be read ({error}).") from error
        except UnicodeDecodeError as error:
            raise UploadError("The CSV file's text could not be read: save it as “CSV UTF-8” and upload it.") from error
    finally:
        with contextlib.suppress(ValueError):  # ValueError: its owner closed it first
            text.detach()  # the upload stays open for its owner


# --- XLSX -----------------------------------------------------------------------------------------------------


def _xlsx_rows(stream, *, sheet: str | None, max_bytes: int) -> Iterator[tuple[int, list[str]]]:
    """Opens the workbook now (so a file that is not one is refused at once) and reads its rows lazily."""
    if not zipfile.is_zipfile(stream):
        raise UploadError(NOT_A_WORKBOOK)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UploadError(NOT_A_WORKBOOK) from error
    if unpacked > max_bytes * UNPACKED_PER_BYTE:
        raise UploadError("The workbook is too large once unpacked: save it as CSV, or remove what is not needed.")
    stream.seek(0)
    with zipfile.ZipFile(stream) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        for name in sheets:
            if problem := _sheet_header_problem(archive, name):
                raise UploadError(problem)
    stream.seek(0)
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise UploadError(NOT_A_WORKBOOK) from error
    if not workbook.worksheets:
        workbook.close()
        raise UploadError("The workbook has no worksheet.")
    return _sheet_rows(workbook, sheet)


UNDECLARED_SIZE = (
    "The workbook does not say how large its sheets are, as Excel and LibreOffice write it: open it in one of them "
    "and save it again as .xlsx, or save it as CSV."
)
SHEET_HEADER_BYTES = 64 * 1024
_SHEET_DATA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData[\s>/]")
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s")


def _sheet_header_problem(archive: zipfile.ZipFile, name: str) -> str | None:
    """Why a worksheet may not be opened, or None when it gives its `<dimension>` before its rows, as Excel and
    LibreOffice always write it.

    openpyxl, even in read-only mode, looks for that element when it opens a workbook, and when it is missing
    parses every row of the sheet to find the end of the data: the probe's 477 KB file of 2,000,000 rows took
    61 s, before the row limit could stop anything. So a sheet is only opened when the element comes before the
    rows, within the first 64 KB; comments, a DOCTYPE or entity declarations there (never written by a spreadsheet
    program, and a way to hide or forge the element) refuse it too. Reads at most those 64 KB."""
    with archive.open(name) as part:
        head = part.read(SHEET_HEADER_BYTES)
    data = _SHEET_DATA.search(head)
    if data is None:
        return UNDECLARED_SIZE
    head = head[: data.start()]
    if b"<!" in head:
        return NOT_A_WORKBOOK
    return None if _DIMENSION.search(head) else UNDECLARED_SIZE


def _sheet_rows(workbook, sheet: str | None) -> Iterator[tuple[int, list[str]]]:
    try:
        worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.worksheets[0]
        worksheet.reset_dimensions()  # the size a file declares can be wrong; read to the last row instead
        for number, cells in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            yield number, [cell_text(cell.value, getattr(cell, "number_format", "")) for cell in cells]
    except UploadError:
        raise
    except Exception as error:  # noqa: BLE001 - malformed XML, entities refused by defusedxml, a broken zip
        raise UploadError(NOT_A_WORKBOOK) from error
    finally:
        workbook.close()


def _plain(number: Decimal) -> str:
    """`1E+3` → `1000`, `7.500` → `7.5`: a number as someone would type it."""
    return format(number.normalize(), "f")


def cell_text(value, number_format: str = "") -> str:
    """A worksheet cell as the text a person typed: numbers to 15 significant figures (what Excel shows and keeps,
    so no float noise), percentages as `7.5%`, dates as `2020-11-30`, times as `14:30`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float):
            if value != value or value in (float("inf"), float("-inf")):
                return str(value)
            number = Decimal(f"{value:.15g}")
        else:
            number = Decimal(value)
        if "%" in (number_format or ""):
            return _plain(number * 100) + "%"
        return _plain(number)
    return str(value).strip()


# --- headings -------------------------------------------------------------------------------------------------


def normalise_heading(text) -> str:
    """`Amount allocated (£)` → `amount allocated`: headings compared without case, punctuation or spacing."""
    text = str(text or "").lower().replace("&", " and ")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9#]+", " ", text)).strip()


class HeaderMap(dict):
    """Column key → position in the row. `headings` holds each key's heading as the file writes it; `unused`
    the (position, heading) of every other non-blank heading, in order."""

    def __init__(self):
        super().__init__()
        self.headings: dict[str, str] = {}
        self.unused: list[tuple[int, str]] = []


def find_header(
    rows: Iterable[tuple[int, list[str]]], required: set[str], aliases: dict[str, str], *, within: int = HEADER_WITHIN
) -> tuple[int, HeaderMap]:
    """The row of column headings: the first of the first `within` rows that names every key in `required`.
    `aliases` maps a heading as people write it (compared by `normalise_heading`) to its key; a key also
    matches itself. Title rows above the headings are passed over. Given an iterator (`read_rows`), it consumes
    the rows up to and including the headings, so the caller's next row is the first row of data.

    Raises UploadError when no such row is found, or a column is named twice."""
    lookup = {normalise_heading(key.replace("_", " ")): key for key in {*aliases.values(), *required}}
    lookup.update({normalise_heading(heading): key for heading, key in aliases.items()})
    seen = 0
    for number, cells in rows:
        seen += 1
        keys = [lookup.get(normalise_heading(cell)) if cell else None for cell in cells]
        if required <= set(keys):
            columns = HeaderMap()
            for position, (cell, key) in enumerate(zip(cells, keys, strict=True)):
                if key is None:
                    if cell:
                        columns.unused.append((position, cell))
                elif key in columns:
                    raise UploadError(
                        f"Row {number}: “{columns.headings[key]}” and “{cell}” are the same column: keep one of them."
                    )
                else:
                    columns[key] = position
                    columns.headings[key] = cell
            return number, columns
        if seen >= within:
            break
    if not seen:
        raise UploadError("The file is empty.")
    first_heading: dict[str, str] = {}
    for heading, key in aliases.items():
        first_heading.setdefault(key, heading)
    order = list(first_heading)
    names = [
        f"“{first_heading.get(key, key.replace('_', ' ').capitalize())}”"
        for key in sorted(required, key=lambda k: order.index(k) if k in order else len(order))
    ]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    raise UploadError(f"The file needs a row of column headings in its first {within} rows, with at least {listed}.")


# --- the request: no upload is kept beyond the largest any form takes ----------------------------------------


class RefusedUpload(UploadedFile):
    """What a form receives in place of a file larger than `settings.UPLOAD_MAX_BYTES`: no content, and the size
    that was sent, so the file field refuses it with a message saying how large it was."""

    def __init__(self, *, name: str, content_type: str, size: int):
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=size)


class BoundedUploadHandler(FileUploadHandler):
    """First of `FILE_UPLOAD_HANDLERS`: passes a file's data on to Django's memory and temporary-file handlers
    until `settings.UPLOAD_MAX_BYTES`, then throws the rest away as it arrives, so an upload of any size costs at
    most that much memory or disk; the form then gets a `RefusedUpload` to refuse with a message."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        return raw_data if self.received <= settings.UPLOAD_MAX_BYTES else None

    def file_complete(self, file_size):
        if self.received <= settings.UPLOAD_MAX_BYTES:
            return None  # the next handler gives the file
        return RefusedUpload(name=self.file_name, content_type=self.content_type, size=self.received)


def too_large_message(size: int, limit: int) -> str:
    return f"The selected file is {_megabytes(size)}: it must be smaller than {_megabytes(limit)}"
