"""Uploads are bounded: a size limit on every upload (the request, then each form's field, with a message), readers
that stream and stop at the row limit, XML entities refused by defusedxml, and a small workbook holding two million
rows refused after reading no more than the limit (the probe's 477 KB file took 61 s to be refused)."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from grants import uploads
from grants.services.importing import MAX_ROWS
from grants.uploads import BoundedUploadHandler, RefusedUpload, UploadError, read_rows


def text_of(response) -> str:
    import html
    import re

    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


# --- the request and the form ---------------------------------------------------------------------------------


def test_the_upload_handler_keeps_nothing_past_the_site_limit(settings):
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    handler = BoundedUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "huge.xlsx", "application/octet-stream", None)
    passed_on = 0
    for start in range(0, 50 * 1024 * 1024, 64 * 1024):  # 50 MB sent in 64 KB chunks
        chunk = handler.receive_data_chunk(b"x" * 64 * 1024, start)
        passed_on += len(chunk or b"")
    assert passed_on <= 100 * 1024  # what Django's memory or temporary-file handler was given to keep
    refused = handler.file_complete(50 * 1024 * 1024)
    assert isinstance(refused, RefusedUpload) and refused.size == 50 * 1024 * 1024 and refused.read() == b""


def test_a_file_within_the_site_limit_goes_on_to_djangos_own_handlers(settings):
    settings.UPLOAD_MAX_BYTES = 100 * 1024
    handler = BoundedUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "small.csv", "text/csv", None)
    assert handler.receive_data_chunk(b"a,b\n", 0) == b"a,b\n"
    assert handler.file_complete(4) is None


@pytest.mark.django_db
def test_a_file_over_the_site_limit_is_refused_beside_the_field_with_its_size(
    client, demo_user, plymouth_plan, settings
):
    settings.UPLOAD_MAX_BYTES = 256 * 1024
    client.force_login(demo_user("officer.plymouth"))
    content = b"Title,Amount allocated\n" + b"x" * (6 * 1024 * 1024)
    response = client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": SimpleUploadedFile("huge.csv", content), "mode": "add"},
    )
    assert response.status_code == 200
    assert "The selected file is 6 MB: it must be smaller than 5 MB" in text_of(response)
    assert "govuk-error-summary" in response.content.decode()
    assert plymouth_plan.projects.count() == 6


@pytest.mark.django_db
def test_a_spreadsheet_over_the_readers_limit_is_refused_by_its_form(client, demo_user, demo):
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:indicators-import", kwargs={"area": "devon-and-cornwall", "year": "2021/22"})
    content = b"Partnership,Population\n" + b"Safer Plymouth,1\n" * 400_000  # 6.5 MB
    response = client.post(url, {"file": SimpleUploadedFile("i.csv", content)})
    assert response.status_code == 200
    assert "The selected file is 6.5 MB: it must be smaller than 5 MB" in text_of(response)


# --- the readers ----------------------------------------------------------------------------------------------


def test_entities_in_a_workbooks_own_xml_are_refused_by_defusedxml():
    """The "billion laughs" in xl/workbook.xml, which openpyxl parses as it opens the workbook, before any sheet:
    defusedxml refuses the entity declarations, so nothing is expanded."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Title", "Amount allocated"])
    template = io.BytesIO()
    workbook.save(template)
    source = zipfile.ZipFile(template)
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode() for i in range(1, 9)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb"^<\?xml[^>]*\?>", b"", data)
                data = laughs + b"]>" + data.replace(b'name="Sheet"', b'name="&lol8;"', 1)
            target.writestr(item, data)
    with pytest.raises(UploadError, match="could not be read as an Excel workbook"):
        list(read_rows(SimpleUploadedFile("laughs.xlsx", buffer.getvalue()), max_rows=10))


def test_openpyxl_parses_uploaded_workbooks_with_defusedxml():
    """openpyxl uses defusedxml only when it can import it: the reader refuses to load without it, and the worksheet
    parser it streams rows with is defusedxml's (tests/grants/test_uploads.py shows a "billion laughs" refused)."""
    from openpyxl.worksheet import _reader

    assert openpyxl.DEFUSEDXML is True
    assert _reader.iterparse.__module__.startswith("defusedxml")


def two_million_row_workbook(*, declared: bool = False) -> bytes:
    """A real .xlsx whose only sheet holds 2,000,000 one-cell rows, written as a stream: a small file (the rows,
    alike and without their optional numbers, compress to almost nothing) that unpacks to 50 megabytes. Without
    `declared`, it omits the `<dimension>` element, as the probe's file did (openpyxl then parses every row when it
    opens the workbook); with it, it declares a size far smaller than it holds."""
    template = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["Title", "Amount allocated"])
    workbook.save(template)
    source = zipfile.ZipFile(template)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    + (b'<dimension ref="A1:B2"/>' if declared else b"")
                    + b"<sheetData>"
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Title</t></is></c>'
                    b'<c r="B1" t="inlineStr"><is><t>Amount allocated</t></is></c></row>'
                )
                for _block in range(20):  # 20 blocks of 100,000 rows
                    sheet.write(b"<row><c><v>1</v></c></row>" * 100_000)
                sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return two_million_row_workbook()


def test_a_small_workbook_of_two_million_rows_is_refused_at_the_row_limit(bomb, monkeypatch):
    assert len(bomb) < 1024 * 1024  # "small": under a megabyte
    read = []
    original = uploads._sheet_rows

    def counting(workbook, sheet):
        for row in original(workbook, sheet):
            read.append(row[0])
            yield row

    monkeypatch.setattr(uploads, "_sheet_rows", counting)
    with pytest.raises(UploadError) as refused:
        for _row in read_rows(SimpleUploadedFile("bomb.xlsx", bomb), max_rows=MAX_ROWS):
            pass
    assert str(refused.value) == uploads.UNDECLARED_SIZE
    assert read == []  # refused from the sheet's first 64 KB, before openpyxl could parse any row


def test_two_million_rows_under_a_declared_size_stop_at_the_row_after_the_limit(monkeypatch):
    """A sheet that declares its size is opened, and read as a stream: the refusal comes at row 2,001."""
    bomb = two_million_row_workbook(declared=True)
    read = []
    original = uploads._sheet_rows

    def counting(workbook, sheet):
        for row in original(workbook, sheet):
            read.append(row[0])
            yield row

    monkeypatch.setattr(uploads, "_sheet_rows", counting)
    with pytest.raises(UploadError, match=f"The file has more than {MAX_ROWS:,} rows"):
        for _row in read_rows(SimpleUploadedFile("bomb.xlsx", bomb), max_rows=MAX_ROWS):
            pass
    assert len(read) == MAX_ROWS + 1  # 2,001 of 2,000,001 rows parsed


@pytest.mark.django_db
def test_the_two_million_row_workbook_is_refused_beside_the_file_field(client, demo_user, plymouth_plan, bomb):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": SimpleUploadedFile("bomb.xlsx", bomb), "mode": "add"},
    )
    assert response.status_code == 200
    assert "The workbook does not say how large its sheets are" in text_of(response)
    assert plymouth_plan.projects.count() == 6
