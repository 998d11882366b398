"""A return from the product's spreadsheet template: the template's rows, good and bad sheets reported to the row
and column, the same rule as the web form, all-or-nothing saving through the one writer, the upload bounds, and the
pages with their denials."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from grants.services.importing import ImportRefused, RawSheet
from grants.services.return_import import (
    return_import_preview,
    return_import_read,
    return_import_save,
    template_rows,
    template_xlsx,
)
from grants.uploads import UploadError

pytestmark = pytest.mark.django_db
FIRST = 5  # the template's first row below the headings


def _workbook(q1_return, figures: dict[int, object] | None = None, edit=None) -> SimpleUploadedFile:
    """The return's own template with `figures` by row number in the Figure column (D), `edit` to spoil it."""
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx(q1_return)))
    sheet = workbook["Return"]
    for row, value in (figures or {}).items():
        sheet.cell(row=row, column=4, value=value)
    if edit:
        edit(sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("return.xlsx", buffer.getvalue())


def _good(q1_return) -> dict[int, object]:
    figures = {}
    for offset, row in enumerate(template_rows(q1_return)):
        figures[FIRST + offset] = {"percentage": 80, "count": 12, "narrative": "Going well.", "money": 1000}[row.type]
    figures[FIRST + len(figures) - 4] = "£52,500.00"  # the spend in the period, above the three forecasts
    return figures


def test_the_template_has_a_row_per_measure_then_spend_and_forecasts(q1_return):
    sheet = openpyxl.load_workbook(io.BytesIO(template_xlsx(q1_return)))["Return"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    assert rows[0] == ["Measure or spend", "Type", "Target", "Figure"]
    measures = list(q1_return.project.outcome_measures.all())
    assert [r[0] for r in rows[1 : len(measures) + 1]] == [m.description for m in measures]
    assert all(r[3] is None for r in rows[1:])  # the Figure column is empty
    assert [r[0] for r in rows[-4:]] == [
        "Spend in Q1 (April to June 2020)",
        "Forecast spend in Q2 (July to September 2020)",
        "Forecast spend in Q3 (October to December 2020)",
        "Forecast spend in Q4 (January to March 2021)",
    ]


def test_a_good_sheet_is_previewed_then_saved_through_the_one_writer(q1_return, demo_user):
    officer = demo_user("officer.plymouth")
    sheet = return_import_read(_workbook(q1_return, _good(q1_return)))
    preview = return_import_preview(performance_return=q1_return, sheet=sheet, by=officer)
    assert preview.can_import, preview.problems
    q1_return.refresh_from_db()
    assert q1_return.spend_in_period is None and q1_return.status == "not_started"  # the preview saved nothing
    return_import_save(performance_return=q1_return, sheet=sheet, by=officer)
    q1_return.refresh_from_db()
    assert q1_return.spend_in_period == D("52500.00") and q1_return.status == "in_progress"
    assert q1_return.forecasts.count() == 3
    assert q1_return.results.count() == q1_return.project.outcome_measures.count()
    assert q1_return.steps.get().action == "save"


def test_a_blank_figure_leaves_the_return_as_it_is(q1_return, demo_user):
    officer = demo_user("officer.plymouth")
    return_import_save(
        performance_return=q1_return, sheet=return_import_read(_workbook(q1_return, _good(q1_return))), by=officer
    )
    q1_return.refresh_from_db()
    q1_return.risks = "Staff turnover."
    q1_return.save()
    spend_row = FIRST + len(template_rows(q1_return)) - 4
    return_import_save(
        performance_return=q1_return, sheet=return_import_read(_workbook(q1_return, {spend_row: 40000})), by=officer
    )
    q1_return.refresh_from_db()
    assert q1_return.spend_in_period == D("40000") and q1_return.forecasts.count() == 3
    assert q1_return.risks == "Staff turnover."


def _problems(q1_return, officer, figures, edit=None):
    sheet = return_import_read(_workbook(q1_return, figures, edit))
    preview = return_import_preview(performance_return=q1_return, sheet=sheet, by=officer)
    with pytest.raises(ImportRefused):
        return_import_save(performance_return=q1_return, sheet=sheet, by=officer)
    q1_return.refresh_from_db()
    assert q1_return.spend_in_period is None and not q1_return.results.exists()  # all or nothing
    return [(p.row, p.column, p.message) for p in preview.problems]


def _row_of(q1_return, kind):
    return next(FIRST + i for i, r in enumerate(template_rows(q1_return)) if r.type == kind)


def test_a_bad_sheet_is_reported_to_the_row_and_column_and_nothing_is_saved(q1_return, demo_user):
    officer = demo_user("officer.plymouth")
    figures = _good(q1_return)
    percentage = _row_of(q1_return, "percentage")
    spend = FIRST + len(figures) - 4
    figures[percentage] = "lots"
    figures[spend] = "52500.505"
    figures[spend + 1] = -10
    problems = _problems(q1_return, officer, figures)
    rows = {(row, column) for row, column, _ in problems}
    assert rows == {(percentage, "Figure"), (spend, "Figure"), (spend + 1, "Figure")}
    messages = " ".join(m for _, _, m in problems)
    assert "as a number" in messages and "pounds and pence" in messages and "£0.00 or more" in messages


def test_a_percentage_over_100_is_refused_as_the_web_form_refuses_it(q1_return, demo_user):
    figures = _good(q1_return)
    row = _row_of(q1_return, "percentage")
    figures[row] = 101
    problems = _problems(q1_return, demo_user("officer.plymouth"), figures)
    assert [(r, c) for r, c, _ in problems] == [(row, "Figure")]
    assert "between 0 and 100" in problems[0][2]


def test_unknown_measure_wrong_type_and_twice_given(q1_return, demo_user):
    percentage = _row_of(q1_return, "percentage")

    def spoil(sheet):
        sheet.cell(row=percentage, column=2, value="narrative")
        sheet.cell(row=30, column=1, value="Number of cats rehomed")
        sheet.cell(row=30, column=4, value=3)
        sheet.cell(row=31, column=1, value=sheet.cell(row=FIRST, column=1).value)
        sheet.cell(row=31, column=4, value=3)

    problems = _problems(q1_return, demo_user("officer.plymouth"), _good(q1_return), spoil)
    assert (percentage, "Type") in {(r, c) for r, c, _ in problems}
    assert any(r == 30 and c == "Measure or spend" and "is not an outcome measure" in m for r, c, m in problems)
    assert any(r == 31 and f"also on row {FIRST}" in m for r, c, m in problems)


def test_a_percentage_for_a_money_row_is_the_wrong_type(q1_return, demo_user):
    figures = _good(q1_return)
    spend = FIRST + len(figures) - 4
    figures[spend] = "50%"
    problems = _problems(q1_return, demo_user("officer.plymouth"), figures)
    assert [(r, c) for r, c, _ in problems] == [(spend, "Figure")]


@pytest.mark.parametrize(
    "content, message",
    [
        ("Engagement\x00", "control character"),
        ("x" * 40_000, "at most 32,767"),
    ],
)
def test_control_characters_and_huge_cells_refuse_the_file(q1_return, content, message):
    upload = SimpleUploadedFile("return.csv", f"Measure or spend,Figure\n{content},1\n".encode())
    with pytest.raises(UploadError, match=message) as refused:
        return_import_read(upload)
    assert "Row 2, column A" in str(refused.value)


def test_a_file_without_the_headings_is_refused(q1_return):
    with pytest.raises(UploadError, match="column headings"):
        return_import_read(SimpleUploadedFile("return.csv", b"a,b\n1,2\n"))


def test_the_same_upload_bounds_as_the_plan_import(q1_return, settings):
    with pytest.raises(UploadError, match="Excel workbook"):
        return_import_read(SimpleUploadedFile("return.xls", b"x"))
    rows = "Measure or spend,Figure\n" + "".join(f"Row {n},1\n" for n in range(2100))
    with pytest.raises(UploadError, match="more than 2,000 rows"):
        return_import_read(SimpleUploadedFile("return.csv", rows.encode()))


def test_a_file_over_the_limit_is_refused_beside_the_field_with_its_size(q1_return, demo_user, settings):
    settings.UPLOAD_MAX_BYTES = 256 * 1024
    content = b"Measure or spend,Figure\n" + b"x" * (6 * 1024 * 1024)
    answer = _client(demo_user, "officer.plymouth").post(
        reverse("grants:return-import", args=[q1_return.pk]), {"file": SimpleUploadedFile("huge.csv", content)}
    )
    assert answer.status_code == 200 and "There is a problem" in answer.text
    assert "The selected file is 6 MB: it must be smaller than 5 MB" in answer.text


def _client(demo_user, username):
    client = Client()
    client.force_login(demo_user(username))
    return client


def test_download_upload_preview_and_save_through_the_pages(q1_return, demo_user):
    client = _client(demo_user, "officer.plymouth")
    page = client.get(reverse("grants:return", args=[q1_return.pk]))
    assert "Download the return template" in page.text
    template = client.get(reverse("grants:return-template", args=[q1_return.pk]))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxmlformats")
    assert template["Cache-Control"] == "private, no-store"
    upload_url = reverse("grants:return-import", args=[q1_return.pk])
    assert "How the template is laid out" in client.get(upload_url).text
    answer = client.post(upload_url, {})
    assert answer.status_code == 200 and "Choose the filled-in return spreadsheet" in answer.text
    figures = _good(q1_return)
    figures[_row_of(q1_return, "percentage")] = "lots"
    answer = client.post(upload_url, {"file": _workbook(q1_return, figures)})
    preview_url = reverse("grants:return-import-preview", args=[q1_return.pk])
    assert answer.status_code == 302 and answer["Location"] == preview_url
    page = client.get(preview_url)
    assert "The spreadsheet cannot be imported yet" in page.text and "There is a problem" in page.text
    assert client.post(preview_url).status_code == 200  # refused: nothing saved
    q1_return.refresh_from_db()
    assert q1_return.spend_in_period is None
    client.post(upload_url, {"file": _workbook(q1_return, _good(q1_return))})
    page = client.get(preview_url)
    assert "Check what will be saved" in page.text and "£52,500.00" in page.text and "80%" in page.text
    answer = client.post(preview_url)
    assert answer.status_code == 302 and answer["Location"] == reverse("grants:return", args=[q1_return.pk])
    q1_return.refresh_from_db()
    assert q1_return.spend_in_period == D("52500.00")
    assert client.get(preview_url).status_code == 302  # the file left the session


def test_the_import_pages_are_refused_to_others(q1_return, demo_user):
    urls = [
        reverse("grants:return-template", args=[q1_return.pk]),
        reverse("grants:return-import", args=[q1_return.pk]),
        reverse("grants:return-import-preview", args=[q1_return.pk]),
    ]
    for url in urls:
        assert _client(demo_user, "officer.southglos").get(url).status_code == 404  # another partnership
        assert _client(demo_user, "opcc.avon").get(url).status_code == 404  # another area
        assert _client(demo_user, "finance.plymouth").get(url).status_code == 403  # may see, not edit
        assert _client(demo_user, "opcc.devon").post(url).status_code == 403


def test_nothing_is_imported_into_a_submitted_return(q1_return, demo_user):
    officer = demo_user("officer.plymouth")
    sheet = RawSheet.from_json(return_import_read(_workbook(q1_return, _good(q1_return))).to_json())
    return_import_save(performance_return=q1_return, sheet=sheet, by=officer)
    from grants.services.returns import return_act

    return_act(performance_return=q1_return, by=officer, action="submit")
    with pytest.raises(ImportRefused, match="submitted"):
        return_import_save(performance_return=q1_return, sheet=sheet, by=officer)
    assert client_status(demo_user, reverse("grants:return-import", args=[q1_return.pk])) == 403


def client_status(demo_user, url):
    return _client(demo_user, "officer.plymouth").get(url).status_code
