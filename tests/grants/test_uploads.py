"""The one reader of uploaded spreadsheets (grants/uploads.py): cells read as people typed them, a row limit that
stops the reading at the row after it, refusals before anything is read, no XML entity expansion, headings
found under title rows. Then each import that uses it, through the test client."""

import datetime
import io
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from grants.models import AllocationTable, FundingStream, IndicatorValue
from grants.uploads import UploadError, cell_text, find_header, read_rows
from partnerships.models import ForceArea


def upload(name, content) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def rows_of(name, content, *, max_rows=100, **kwargs):
    return list(read_rows(upload(name, content), max_rows=max_rows, **kwargs))


def workbook_bytes(rows, *, formats=None, sheets=None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    for title, extra in (sheets or {}).items():
        other = workbook.create_sheet(title)
        for row in extra:
            other.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- CSV ------------------------------------------------------------------------------------------------------


def test_csv_in_utf8_with_a_byte_order_mark_loses_the_mark_and_keeps_row_numbers_past_blank_rows():
    content = "\ufeffTitle,Amount\n Crisis café ,£1,000\n\n,,\nMarshals,£500\n".encode()
    assert rows_of("a.csv", content) == [
        (1, ["Title", "Amount"]),
        (2, ["Crisis café", "£1", "000"]),  # unquoted, the comma splits: the importer reports the cell
        (5, ["Marshals", "£500"]),
    ]


def test_csv_from_windows_excel_is_read_in_its_own_encoding_with_semicolons():
    content = "Title;Amount\nCafé;£1.000,00\n".encode("cp1252")
    assert rows_of("a.csv", content) == [(1, ["Title", "Amount"]), (2, ["Café", "£1.000,00"])]


def test_a_quoted_cell_may_hold_several_lines():
    content = b'Title,Measures\n"A","one\ntwo"\n'
    assert rows_of("a.csv", content) == [(1, ["Title", "Measures"]), (2, ["A", "one\ntwo"])]


# --- XLSX -----------------------------------------------------------------------------------------------------


def test_xlsx_cells_read_as_people_typed_them_never_with_float_noise():
    content = workbook_bytes(
        [
            ["Title", "Amount", "When", "Share", "Computed", "Big", "Whole", "Ticked"],
            ["x", 1234.5, datetime.date(2020, 11, 30), 0.075, 0.1 + 0.2, 1e20, 400568.0, True],
            ["y", 12500, datetime.datetime(2020, 11, 30, 14, 5), None, 1234.1 * 3, Decimal("8000.10"), -3, False],
        ],
        formats={"D2": "0.0%"},
    )
    assert rows_of("a.xlsx", content)[1:] == [
        (2, ["x", "1234.5", "2020-11-30", "7.5%", "0.3", "100000000000000000000", "400568", "TRUE"]),
        (3, ["y", "12500", "2020-11-30 14:05", "", "3702.3", "8000.1", "-3", "FALSE"]),
    ]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (None, "", ""),
        (0.30000000000000004, "General", "0.3"),
        (1, "0%", "100%"),
        (datetime.time(9, 30), "", "09:30"),
        ("  padded  ", "", "padded"),
    ],
)
def test_cell_text(value, number_format, text):
    assert cell_text(value, number_format) == text


def test_the_named_sheet_is_read_when_there_is_one():
    content = workbook_bytes([["Notes"]], sheets={"Funded projects": [["Title", "Amount"]]})
    assert rows_of("a.xlsx", content, sheet="Funded projects") == [(1, ["Title", "Amount"])]
    assert rows_of("a.xlsx", content, sheet="Missing") == [(1, ["Notes"])]


def test_a_workbook_whose_xml_declares_entities_is_refused_not_expanded():
    """The "billion laughs": a few hundred bytes that expand to gigabytes if a parser resolves entities."""
    content = workbook_bytes([["Title", "Amount"], ["x", 1]])
    source = zipfile.ZipFile(io.BytesIO(content))
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 9))
        + "]>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>', b"")
                data = data.replace(b'<?xml version="1.0" encoding="utf-8"?>', b"")
                data = (bomb.encode() + data).replace(b"<v>1</v>", b"<v>&lol8;</v>", 1)
            target.writestr(item, data)
    with pytest.raises(UploadError, match="could not be read as an Excel workbook"):
        rows_of("bomb.xlsx", buffer.getvalue())


def test_a_workbook_that_unpacks_to_far_more_than_its_size_is_refused_before_it_is_read():
    content = workbook_bytes([["Title", "Amount"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/media/padding.bin", b"\0" * (3 * 1024 * 1024))  # compresses to a few KB
    assert len(buffer.getvalue()) < 100 * 1024
    with pytest.raises(UploadError, match="too large once unpacked"):
        read_rows(upload("big.xlsx", buffer.getvalue()), max_rows=10, max_bytes=100 * 1024)


# --- limits ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["big.csv", "big.xlsx"])
def test_the_row_limit_stops_the_reading_at_the_row_after_it(name):
    """The rows before the limit come out one by one, and the refusal comes at the next row: the reader never
    reads the whole file before counting it."""
    rows = [["Title", "Amount"], *[[f"Line {n}", n] for n in range(5000)]]
    if name.endswith(".csv"):
        content = "\n".join(",".join(str(c) for c in row) for row in rows).encode()
    else:
        content = workbook_bytes(rows)
    seen = []
    started = time.monotonic()
    with pytest.raises(UploadError, match="more than 10 rows"):
        for row in read_rows(upload(name, content), max_rows=10):
            seen.append(row)
    assert len(seen) == 10 and seen[-1] == (10, ["Line 8", "8"])
    assert time.monotonic() - started < 2  # a fraction of what reading 5,000 rows takes


def test_blank_rows_do_not_count_but_cannot_go_on_for_ever():
    assert len(rows_of("a.csv", b"a\n\n\n\nb\n", max_rows=2)) == 2
    with pytest.raises(UploadError, match="blank rows"):
        rows_of("a.csv", b"a\n" + b",\n" * 60, max_rows=10)


def test_the_type_and_the_size_are_refused_before_anything_is_read():
    with pytest.raises(UploadError, match=r"must be an Excel workbook \(\.xlsx\) or a CSV file"):
        read_rows(upload("plan.pdf", b"%PDF"), max_rows=10)
    with pytest.raises(UploadError, match="Save the spreadsheet as an Excel workbook"):
        read_rows(upload("plan.xls", b"old"), max_rows=10)
    with pytest.raises(UploadError, match="The file is 2 KB: it must be smaller than 1 KB"):
        read_rows(upload("plan.csv", b"x" * 2048), max_rows=10, max_bytes=1024)
    with pytest.raises(UploadError, match="could not be read as an Excel workbook"):
        read_rows(upload("plan.xlsx", b"not a zip"), max_rows=10)


# --- headings -------------------------------------------------------------------------------------------------

ALIASES = {"Title": "title", "Project": "title", "Amount allocated": "amount", "Amount (£)": "amount"}


def test_headings_are_found_under_title_rows_and_the_rows_after_them_are_the_data():
    rows = iter([(1, ["Safer Plymouth 2020/21"]), (3, ["No.", "PROJECT", "amount (£)"]), (4, ["1", "A", "£5"])])
    number, columns = find_header(rows, {"title", "amount"}, ALIASES)
    assert number == 3 and columns == {"title": 1, "amount": 2}
    assert columns.unused == [(0, "No.")] and columns.headings["title"] == "PROJECT"
    assert next(rows) == (4, ["1", "A", "£5"])


def test_missing_headings_are_named_as_the_file_should_write_them():
    with pytest.raises(UploadError, match="first 10 rows, with at least “Title” and “Amount allocated”"):
        find_header(iter([(1, ["Name", "Cost"])]), {"title", "amount"}, ALIASES)
    with pytest.raises(UploadError, match="The file is empty"):
        find_header(iter([]), {"title"}, ALIASES)


def test_a_column_named_twice_is_refused():
    with pytest.raises(UploadError, match="“Title” and “Project” are the same column"):
        find_header(iter([(1, ["Title", "Project", "Amount allocated"])]), {"title", "amount"}, ALIASES)


# --- the imports that use it, through the pages ---------------------------------------------------------------

AREA = "devon-and-cornwall"


@pytest.mark.django_db
def test_indicators_under_a_title_row_import_and_a_bad_file_is_refused_beside_the_field(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:indicators-import", kwargs={"area": AREA, "year": "2021/22"})
    content = workbook_bytes(
        [["Indicators for 2021/22"], [], ["Partnership", "Population", "Share"], ["Safer Plymouth", 264000, 0.075]],
        formats={"C4": "0.0%"},
    )
    response = client.post(url, {"file": upload("i.xlsx", content)})
    assert response.context["parsed"].values["safer-plymouth"] == {"Population": "264000", "Share": "7.5"}
    client.post(url, {"data": response.context["token"]})
    assert IndicatorValue.objects.get(indicator__name="Share").value == Decimal("7.5")

    too_long = "Partnership,Population\n" + "Safer Plymouth,1\n" * 2001
    page = client.post(url, {"file": upload("i.csv", too_long.encode())}).content.decode()
    assert "The file has more than 2,000 rows" in page and "govuk-error-summary" in page
    page = client.post(url, {"file": upload("i.csv", b"Area,Population\nPlymouth,1\n")}).content.decode()
    assert "with at least “Partnership”" in page
    page = client.post(url, {"file": upload("i.csv", b"Partnership,Population\nSafer Plymouth,1.23456\n")})
    assert "has more than 4 decimal places" in page.content.decode()


@pytest.mark.django_db
def test_allocations_import_under_a_title_row_and_refuse_negative_amounts(client, demo_user, demo):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(force_area=area, name="DA duty", kind=FundingStream.Kind.MHCLG)
    table = AllocationTable.objects.create(
        force_area=area, title="DA duty", funding_stream=stream, financial_year="2021/22", total=Decimal("1000.00")
    )
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:allocation-import", kwargs={"area": AREA, "pk": table.pk})
    content = b"DA duty allocations 2021/22\nCouncil,Allocation\nPlymouth City Council,1000\n"
    first = client.post(url, {"file": upload("da.csv", content)})
    assert first.status_code == 302, first.content.decode()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert table.awards.count() == 1
    content = b"Council,Allocation\nPlymouth City Council,1100\nSafer Plymouth,-100\n"
    page = client.post(url, {"file": upload("da.csv", content)}).content.decode()
    assert "Row 3, Amount: &#x27;-100&#x27; is negative" in page and table.awards.count() == 1
