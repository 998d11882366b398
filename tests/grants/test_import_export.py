"""Spreadsheets in and out, and the board paper: an export imported again gives the same plan; a spreadsheet
with mistakes is refused row by row and column by column with nothing saved; the documents show the table and
the totals."""

import csv
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from grants.documents.spreadsheet import COLUMNS, lines_csv, lines_xlsx, parse_match_funding, parse_measure
from grants.models import SpendingPlan
from grants.services.comparison import plan_snapshot
from grants.services.importing import (
    ImportRefused,
    parse_sheet,
    plan_import_lines,
    plan_import_preview,
    plan_import_read,
)
from grants.uploads import UploadError
from tests.documents import docx_text, pdf_text, pdf_to_pngs, png_is_not_blank

pytestmark = pytest.mark.django_db

HEADINGS = [column.heading for column in COLUMNS]


def xlsx(rows, headings=HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_spreadsheet(name, content):
    return plan_import_read(SimpleUploadedFile(name, content))


def lines_of(plan) -> list[dict]:
    """The plan's content line by line, without the line ids (a re-entered plan has new ones)."""
    snapshot = plan_snapshot(SpendingPlan.objects.get(pk=plan.pk))
    return sorted(snapshot["lines"].values(), key=lambda line: line["number"])


def empty(plan):
    plan.projects.all().delete()
    return SpendingPlan.objects.get(pk=plan.pk)


def import_file(plan, user, name, content, mode="add"):
    return plan_import_lines(
        plan=plan,
        sheet=read_spreadsheet(name, content),
        mode=mode,
        filename=name,
        by=user,
        expected_revision=SpendingPlan.objects.get(pk=plan.pk).revision,
    )


@pytest.mark.parametrize(("name", "export"), [("plan.xlsx", lines_xlsx), ("plan.csv", lines_csv)])
def test_the_plymouth_plan_exported_and_imported_again_is_the_same_plan(plymouth_plan, demo_user, name, export):
    before = lines_of(plymouth_plan)
    content = export(SpendingPlan.objects.with_figures().get(pk=plymouth_plan.pk))
    plan = empty(plymouth_plan)
    import_file(plan, demo_user("officer.plymouth"), name, content)
    assert lines_of(plan) == before
    plan = SpendingPlan.objects.with_figures().get(pk=plan.pk)
    assert (plan.allocated, plan.unallocated, plan.match_funding_total) == (
        Decimal("377568.00"),
        Decimal("23000.00"),
        Decimal("44450.00"),
    )
    line4 = plan.projects.get(number=4)
    assert [(s.label, s.amount) for s in line4.sub_items.all()] == [
        ("A", Decimal("8000.00")),
        ("B", Decimal("5000.00")),
        ("C", Decimal("4000.00")),
        ("D", Decimal("8000.00")),
    ]
    assert plan.projects.get(number=1).outcome_measures.get(position=3).target_display == "below 20%"


def test_the_formats_people_really_paste_are_read(plymouth_plan, demo_user):
    plan = empty(plymouth_plan)
    content = xlsx(
        [
            [
                1,
                "Domestic abuse service",
                "£210,000",
                "",
                "",
                "75% or above engage (target: at least 75%, quarterly)",
                "3, 4",
            ],
            [None, "Workforce development", "25000.00", "", "", "", "2. Preventing and deterring crime\n3"],
            [None, "Exploitation", "(£8,000)", "Schools work", "", "Pupils know more"],
            ["b", "Trauma informed training", "17,000", "", "", ""],
            [None, "Peer mentoring", 10000, "", "", "", "1. Connecting communities and policing?"],
        ]
    )
    import_file(plan, demo_user("officer.plymouth"), "pasted.xlsx", content)
    lines = list(plan.projects.order_by("number"))
    assert [(p.number, p.title, p.amount_allocated) for p in lines] == [
        (1, "Domestic abuse service", Decimal("210000.00")),
        (2, "Workforce development", Decimal("25000.00")),
        (3, "Peer mentoring", Decimal("10000.00")),
    ]
    assert [p.number for p in lines[0].pcc_priorities.all()] == [3, 4]
    assert [p.number for p in lines[1].pcc_priorities.all()] == [2, 3]
    assert [p.number for p in lines[2].pcc_priorities.all()] == [1]
    assert [(s.label, s.title, s.amount) for s in lines[1].sub_items.all()] == [
        ("A", "Exploitation", Decimal("8000.00")),
        ("B", "Trauma informed training", Decimal("17000.00")),
    ]
    measure = lines[0].outcome_measures.get()
    assert (measure.description, measure.target_display, measure.frequency) == (
        "75% or above engage",
        "at least 75%",
        "quarterly",
    )
    assert lines[1].sub_items.get(label="A").outcome_measures.get().description == "Pupils know more"


def test_a_spreadsheet_with_mistakes_is_refused_row_by_row_and_nothing_is_saved(plymouth_plan, demo_user):
    before = lines_of(plymouth_plan)
    content = xlsx(
        [
            [7, "Crisis café", "£23,000", "", "", "", "3"],  # row 2: fine on its own
            [8, "", "£1,000"],  # row 3: no title
            [9, "Night marshals", "£5,000", "", "", "", "9"],  # row 4: no priority 9
            [10, "Street pastors", "£2,000", "", "", "", "", "", "", "", "31/02/2021"],  # row 5: no such date
            [11, "Youth work", "£4,000"],  # row 6: sub-items below add up to less
            ["A", "Detached work", "(£1,000)"],  # row 7
            [12, "Hate crime awareness", "£12,5OO"],  # row 8: letter O for zero
        ]
    )
    with pytest.raises(ImportRefused) as refused:
        import_file(plymouth_plan, demo_user("officer.plymouth"), "mistakes.xlsx", content)
    messages = [str(problem) for problem in refused.value.parsed.problems]
    assert "Row 3, Title: enter the funded project's title" in messages
    assert "Row 4, Police and Crime Plan priorities: the Police and Crime Plan 2017-2021 has no priority 9" in messages
    assert "Row 5, Contract end date: '31/02/2021' is not a date: write it as 30/11/2020" in messages
    assert (
        "Row 6, Amount allocated: The sub-items add up to £1,000.00, £3,000.00 less than the amount allocated of "
        "£4,000.00: make them add up to it exactly." in messages
    )
    assert "Row 8, Amount allocated: '£12,5OO' is not an amount" in messages
    assert lines_of(plymouth_plan) == before
    assert SpendingPlan.objects.get(pk=plymouth_plan.pk).revision == 1


def test_an_import_that_would_exceed_the_award_is_refused_with_the_amount(plymouth_plan, demo_user):
    content = xlsx([[None, "Mental health crisis café", "£30,000", "", "", "", "3"]])
    with pytest.raises(ImportRefused) as refused:
        import_file(plymouth_plan, demo_user("officer.plymouth"), "over.xlsx", content)
    assert "The plan would allocate £407,568.00, which is £7,000.00 more than the award of £400,568.00." in str(
        refused.value.parsed.problems[0]
    )
    assert plymouth_plan.projects.count() == 6


def test_adding_changes_lines_by_number_and_replacing_removes_the_others(plymouth_plan, demo_user):
    officer = demo_user("officer.plymouth")
    three = ["Number", "Title", "Amount allocated"]  # columns left out leave those fields as they are
    content = xlsx([[5, "Peer mentoring feasibility", "£12,000"], [None, "Crisis café", "£8,000"]], headings=three)
    preview = plan_import_preview(plan=plymouth_plan, sheet=read_spreadsheet("a.xlsx", content), mode="add")
    assert preview.can_import and preview.counts() == {"added": 1, "changed": 1, "removed": 0}
    assert preview.allocated == Decimal("387568.00")
    assert plymouth_plan.projects.count() == 6  # a preview saves nothing
    import_file(plymouth_plan, officer, "a.xlsx", content)
    line5 = plymouth_plan.projects.get(number=5)
    assert line5.amount_allocated == Decimal("12000.00") and line5.outline.startswith("During 2019")  # kept
    assert line5.outcome_measures.count() == 2  # no measures column: the measures are kept
    assert plymouth_plan.projects.get(number=7).title == "Crisis café"

    content = xlsx([[3, "Drug and alcohol treatment", "£93,575"]], headings=three)
    import_file(plymouth_plan, officer, "b.xlsx", content, "replace")
    assert list(plymouth_plan.projects.values_list("number", "title")) == [(1, "Drug and alcohol treatment")]


def test_headings_are_recognised_as_people_write_them(plymouth_plan):
    content = xlsx(
        [["1", "DA service", "£1,000", "3. Protecting people at risk of abuse"]],
        headings=["No.", "Project/Service/Pilot title", "Amount allocated £", "Police & Crime Plan priority?"],
    )
    parsed = parse_sheet(read_spreadsheet("seed.xlsx", content), plymouth_plan)
    assert not parsed.problems and [p.number for p in parsed.lines[0].pcc_priorities] == [3]


def test_files_that_are_not_spreadsheets_are_refused_with_what_to_do(plymouth_plan):
    with pytest.raises(UploadError, match="Save the spreadsheet as an Excel workbook"):
        read_spreadsheet("plan.xls", b"old excel")
    with pytest.raises(UploadError, match="could not be read as an Excel workbook"):
        read_spreadsheet("plan.xlsx", b"not a zip")
    with pytest.raises(UploadError, match="needs a row of column headings .* “Title” and “Amount allocated”"):
        read_spreadsheet("plan.csv", b"Name,Cost\nA,1\n")


def test_csv_in_windows_encoding_with_semicolons_is_read(plymouth_plan):
    content = "Number;Title;Amount allocated\n1;Café work;£1.000,00\n2;Marshals;£1,000\n".encode("cp1252")
    parsed = parse_sheet(read_spreadsheet("plan.csv", content), plymouth_plan)
    assert parsed.lines[0].title == "Café work"
    assert str(parsed.problems[0]) == "Row 2, Amount allocated: '£1.000,00' is not an amount"
    assert parsed.lines[1].amount == Decimal("1000.00")


def test_measure_and_match_funding_cells_read_back_what_the_export_writes():
    measure = parse_measure("• Re-referral rate is below 20% (target: below 20%, quarterly)")
    assert (measure.description, measure.target_comparison, measure.target_value, measure.target_unit) == (
        "Re-referral rate is below 20%",
        "below",
        Decimal("20"),
        "percent",
    )
    assert parse_measure("ARID data (approx. £3k)").description == "ARID data (approx. £3k)"
    assert parse_match_funding("NHS England: £44,450.00 – For children") == (
        "NHS England",
        Decimal("44450.00"),
        "For children",
    )
    assert parse_match_funding("£44,450 (NHSE)") == ("NHSE", Decimal("44450.00"), "")
    with pytest.raises(ValueError, match="is not a target"):
        parse_measure("Staff satisfied (target: most)")


# --- through the pages ----------------------------------------------------------------------------------------


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_officer_uploads_checks_and_confirms_an_import(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    upload = reverse("grants:plan-import", args=[plymouth_plan.pk])
    assert "Template (Excel)" in text_of(client.get(upload))
    content = xlsx(
        [[None, "Mental health crisis café", "£23,000", "", "", "Fewer repeat detentions", "3", "", "Crisis Café CIC"]]
    )
    response = client.post(upload, {"file": SimpleUploadedFile("crisis.xlsx", content), "mode": "add"})
    preview_url = reverse("grants:plan-import-preview", args=[plymouth_plan.pk])
    assert response.url == preview_url
    page = text_of(client.get(preview_url))
    assert "Check what the import will change" in page and "Mental health crisis café" in page
    assert "1 funded project added, 0 changed" in page and "£400,568.00" in page
    assert "New organisations will be added as providers: Crisis Café CIC." in page
    assert plymouth_plan.projects.count() == 6
    response = client.post(preview_url, {"revision": "1"})
    assert response.status_code == 302
    assert plymouth_plan.projects.count() == 7
    history = SpendingPlan.objects.get(pk=plymouth_plan.pk).history.latest()
    assert history.history_change_reason == "Imported 1 funded project from crisis.xlsx"


def test_a_bad_upload_shows_each_problem_with_its_row_and_column(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    content = xlsx([[None, "Good line", "£1,000"]] * 5 + [[None, "Hate crime awareness", "£12,5OO"]])
    client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": SimpleUploadedFile("bad.xlsx", content), "mode": "add"},
    )
    preview_url = reverse("grants:plan-import-preview", args=[plymouth_plan.pk])
    page = text_of(client.get(preview_url))
    assert "The spreadsheet cannot be imported yet" in page
    assert "<a href=\"#row-7\">Row 7, Amount allocated: '£12,5OO' is not an amount</a>" in page
    assert "Import 6 funded projects" not in page
    client.post(preview_url, {"revision": "1"})  # a forced confirmation is refused too
    assert plymouth_plan.projects.count() == 6


def test_a_confirmation_after_someone_elses_save_is_refused(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    content = xlsx([[None, "Crisis café", "£1,000"]])
    client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": SimpleUploadedFile("c.xlsx", content), "mode": "add"},
    )
    preview_url = reverse("grants:plan-import-preview", args=[plymouth_plan.pk])
    client.get(preview_url)
    import_file(plymouth_plan, demo_user("officer.plymouth"), "other.xlsx", xlsx([[1, "Renamed", "£210,000"]]))
    response = client.post(preview_url, {"revision": "1"})
    assert "saved this plan in another tab or window after you opened this page" in text_of(response)
    assert plymouth_plan.projects.count() == 6


@pytest.mark.parametrize("username", ["board.plymouth", "opcc.devon"])
def test_readers_cannot_import(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    response = client.post(
        reverse("grants:plan-import", args=[plymouth_plan.pk]),
        {"file": SimpleUploadedFile("x.xlsx", xlsx([[None, "X", "£1"]]))},
    )
    assert response.status_code == 403


# --- exports and the board paper ------------------------------------------------------------------------------


def download(client, plan, what, extension):
    return client.get(reverse("grants:plan-download", args=[plan.pk, what, extension]))


@pytest.mark.parametrize("username", ["officer.plymouth", "board.plymouth", "opcc.devon", "treasurer.devon"])
def test_readers_of_the_plan_download_its_spreadsheets(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    response = download(client, plymouth_plan, "lines", "xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="safer-plymouth-2020-21-funded-projects.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Funded projects"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Number", "Title", "Amount allocated")
    assert [row[0] for row in rows[1:]] == [1, 2, 3, 4, "A", "B", "C", "D", 5, 6]
    summary = dict(workbook["Summary"].iter_rows(values_only=True))
    assert summary["Allocated"] == Decimal("377568") and summary["Unallocated"] == Decimal("23000")

    response = download(client, plymouth_plan, "lines", "csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["1", "Plymouth Domestic Abuse Service", "210000.00"]
    assert rows[5][:3] == ["A", "Exploitation and substance misuse/alcohol harm", "8000.00"]


@pytest.mark.parametrize("username", ["officer.southglos", "opcc.avon"])
def test_people_elsewhere_cannot_download(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    for what, extension in [("lines", "xlsx"), ("board-paper", "pdf"), ("board-paper", "docx")]:
        assert download(client, plymouth_plan, what, extension).status_code == 404


def test_the_board_paper_in_word_has_the_table_totals_risks_and_approvals(client, demo_user, plymouth_plan):
    client.force_login(demo_user("board.plymouth"))
    response = download(client, plymouth_plan, "board-paper", "docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    text = docx_text(response.content)
    for expected in [
        "Safer Plymouth",
        "Grant total: £400,568.00",
        "Project, service or pilot",
        "Amount allocated £",
        "How the outcomes will be measured",
        "Police and Crime Plan priority",
        "Approved",
        "1. Plymouth Domestic Abuse Service",
        "£210,000.00",
        "A. Exploitation and substance misuse/alcohol harm",
        "(£8,000.00)",
        "Total allocated",
        "£377,568.00",
        "Unallocated",
        "£23,000.00",
        "Taxi Marshalls, 6 monthly report:",
        "Approvals",
        "Police and Crime Commissioner",
        "Not yet approved",
    ]:
        assert expected in text, expected


def test_the_board_paper_pdf_looks_right(client, demo_user, plymouth_plan, tmp_path):
    client.force_login(demo_user("officer.plymouth"))
    response = download(client, plymouth_plan, "board-paper", "pdf")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = re.sub(r"\s+", " ", pdf_text(response.content))
    for expected in [
        "Grant total: £400,568.00",
        "1. Plymouth Domestic Abuse Service",
        "(£8,000.00)",
        "Total allocated £377,568.00",
        "Unallocated £23,000.00",
        "Risks",
        "Approvals",
        "Treasurer",
    ]:
        assert expected in text, expected
    pages = pdf_to_pngs(response.content, tmp_path)
    assert len(pages) >= 3 and all(png_is_not_blank(page) for page in pages)
    from PIL import Image

    with Image.open(pages[0]) as first:
        assert first.height > first.width  # portrait A4, like the partnership's own paper


def test_an_over_allocated_plan_says_so_in_red_in_the_documents(client, demo_user, plymouth_plan):
    from tests.factories import FundedProjectFactory

    FundedProjectFactory(plan=plymouth_plan, number=7, amount_allocated=Decimal("30000.00"))  # bypassing clean()
    client.force_login(demo_user("officer.plymouth"))
    text = re.sub(r"\s+", " ", pdf_text(download(client, plymouth_plan, "board-paper", "pdf").content))
    assert "Over-allocated £7,000.00" in text
    assert "Over-allocated" in docx_text(download(client, plymouth_plan, "board-paper", "docx").content)


def test_the_import_template_explains_each_column_and_lists_this_years_priorities(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    workbook = load_workbook(io.BytesIO(download(client, plymouth_plan, "import-template", "xlsx").content))
    assert [c.value for c in workbook["Funded projects"][1]] == HEADINGS
    guide = [row for row in workbook["How to fill this in"].iter_rows(values_only=True)]
    assert ("3", "Protecting people at risk of abuse and those who are vulnerable") in guide
    assert (None, "Domestic Abuse, including Domestic Homicide") in guide
    csv_template = download(client, plymouth_plan, "import-template", "csv").content.decode("utf-8-sig")
    assert csv_template.strip() == ",".join(HEADINGS)


def test_the_board_papers_approvals_section_is_filled_from_the_decision_records(
    client, demo_user, plymouth_plan, tmp_path
):
    from grants.services.workflow import plan_decide
    from tests.workflow import drive

    drive(plymouth_plan, demo_user, until="approve")
    plan_decide(
        plan=plymouth_plan,
        by=demo_user("board.plymouth"),
        action="approve",
        conditions="Quarterly returns to the board",
    )
    client.force_login(demo_user("board.plymouth"))
    text = docx_text(download(client, plymouth_plan, "board-paper", "docx").content)
    assert "Agreed by the executive group" in text and "Jordan Evans" in text
    assert "Approved by the board: Quarterly returns to the board" in text and "Sam Taylor" in text
    assert text.count("Not yet approved") >= 3  # OPCC, PCC and Treasurer still to come (and the lines)
    pdf = download(client, plymouth_plan, "board-paper", "pdf").content
    approvals = pdf_text(pdf).split("Approvals")[-1]
    assert "Conditions: Quarterly" in approvals and "Sam Taylor" in approvals
