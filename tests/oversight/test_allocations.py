"""Allocations of any size (issue 10): rows added as needed (without JavaScript too), councils and CSPs chosen
from those with official codes, imports that pass over title rows and check a Total row, a preview before
saving, and allocations counted in the dashboard, the Panel report and the publications."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from grants.figures.money import allocation_figures, area_money
from grants.models import AllocationTable, FundingStream, GrantAward
from grants.services.reports import panel_report
from grants.services.threesixty import publications
from partnerships.models import ForceArea
from tests.oversight.councils import DEVON_AND_CORNWALL, devon_councils, key
from tests.oversight.dates import allocation_rows, date_boxes

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"
# Ten councils, £1,555,525.45 between them to the penny.
TEN = [
    (name, ons, D(f"{100000 + index * 12345}.{index:02d}"))
    for index, (name, ons, _) in enumerate(DEVON_AND_CORNWALL[:10])
]
TOTAL = sum((amount for _, _, amount in TEN), D("0.00"))


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, **kwargs})


@pytest.fixture
def councils(demo):
    return {council.name: council for council in devon_councils()}


@pytest.fixture
def table(councils):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(force_area=area, name="Domestic abuse duty", kind=FundingStream.Kind.MHCLG)
    return AllocationTable.objects.create(
        force_area=area, funding_stream=stream, financial_year="2021/22", title="DA duty 2021/22", total=TOTAL
    )


def sheet(*lines: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("allocations.csv", "\n".join(lines).encode())


def test_the_total_of_the_ten_councils(councils):
    assert D("1555525.45") == TOTAL


def test_ten_councils_typed_one_row_added_at_a_time_without_javascript(client, demo_user, councils, table):
    client.force_login(demo_user("opcc.devon"))
    page = client.get(url("allocation", pk=table.pk)).content.decode()
    # a new allocation starts with 3 rows (and the hidden row the "Add another row" script copies)
    assert page.count('<tr class="govuk-table__row app-formset__row"') == 3 + 1
    assert "E06000026" in page  # councils are offered with their codes
    rows = [(key(councils[name]), f"{amount:,.2f}") for name, _, amount in TEN]
    data = allocation_rows(*rows[:3])
    for count in range(4, 11):
        data["add"] = "rows"
        response = client.post(url("allocation", pk=table.pk), data)
        assert response.status_code == 200
        assert response.content.decode().count('<tr class="govuk-table__row app-formset__row"') == count + 1
        data = {**allocation_rows(*rows[:count])}
    response = client.post(url("allocation", pk=table.pk), data)
    assert response.status_code == 302
    figures = allocation_figures(table)
    assert figures.rows == 10 and figures.allocated == TOTAL and figures.difference == 0
    # proposed until the allocation has a date: committed, not yet granted
    money = area_money(force_area=table.force_area, financial_year="2021/22")
    row = next(r for r in money.streams if r.stream == table.funding_stream)
    assert row.committed == TOTAL and row.granted == D("0.00")


def test_an_import_with_a_title_row_and_a_total_row_is_previewed_then_saved(client, demo_user, councils, table):
    client.force_login(demo_user("opcc.devon"))
    lines = [
        "Domestic Abuse Duty allocations 2021/22 (MHCLG),,",
        ",,",
        "Local authority,ONS code,Amount",
        *[f'{name.replace(" Council", "")},{ons},"£{amount:,.2f}"' for name, ons, amount in TEN],
        f'Total,,"£{TOTAL:,.2f}"',
        "Source: MHCLG determination letter,,",
    ]
    response = client.post(url("allocation-import", pk=table.pk), {"file": sheet(*lines)})
    assert response.status_code == 302
    preview = client.get(url("allocation-import", pk=table.pk)).content.decode()
    assert "Check the rows before saving them" in preview
    assert "Domestic Abuse Duty allocations 2021/22 (MHCLG)" in preview  # the title row, passed over
    assert "it agrees with the rows, and is not imported as a council" in preview
    assert preview.count('id="row-') == 10
    assert not table.awards.exists()  # nothing saved before the confirmation
    response = client.post(url("allocation-import", pk=table.pk), {"confirm": "1"})
    assert response.status_code == 302
    assert sorted(a.recipient.name for a in table.awards.all()) == sorted(name for name, _, _ in TEN)
    assert allocation_figures(table).allocated == TOTAL
    history = client.get(url("record-history", kind="grant", pk=table.awards.first().pk)).content.decode()
    assert "Imported from allocations.csv" in history


def test_a_total_row_that_does_not_match_is_refused_and_nothing_is_saved(client, demo_user, councils, table):
    client.force_login(demo_user("opcc.devon"))
    lines = ["Council,Amount", *[f"{ons},{amount}" for _, ons, amount in TEN], f"Total,{TOTAL + D('0.01')}"]
    response = client.post(url("allocation-import", pk=table.pk), {"file": sheet(*lines)})
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "Row 12, Amount: the sheet&#x27;s total is £1,555,525.46 but its rows add up to £1,555,525.45: the total "
        "is £0.01 more than the rows."
    ) in content
    assert "Save these" not in content
    assert not table.awards.exists()


def test_an_unknown_council_is_refused_by_row_not_invented(client, demo_user, councils, table):
    from partnerships.models import Organisation

    client.force_login(demo_user("opcc.devon"))
    before = Organisation.objects.count()
    lines = ["Local authority,Amount", "GB-LAE-PLY,100", "Gotham City Council,200", "Torbay,abc"]
    content = client.post(url("allocation-import", pk=table.pk), {"file": sheet(*lines)}).content.decode()
    assert "Row 3, Local authority: &#x27;Gotham City Council&#x27; is not a council or CSP recorded" in content
    assert "Row 4, Amount: &#x27;abc&#x27; is not an amount" in content
    assert Organisation.objects.count() == before and not table.awards.exists()


def test_rows_that_do_not_reach_the_total_cannot_be_confirmed(client, demo_user, councils, table):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("allocation-import", pk=table.pk), {"file": sheet("CSP,Amount", "Safer Plymouth,1")})
    assert response.status_code == 302
    preview = client.get(url("allocation-import", pk=table.pk)).content.decode()
    assert "they cannot be saved" in preview and "Save these" not in preview
    response = client.post(url("allocation-import", pk=table.pk), {"confirm": "1"})
    assert "They must reconcile exactly" in response.content.decode() or not table.awards.exists()
    assert not table.awards.exists()


def test_an_xlsx_with_title_rows_is_read_like_a_csv(client, demo_user, councils, table):
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.append(["Allocations"])
    sheet_.append(["Council", "Amount"])
    for name, _, amount in TEN:
        sheet_.append([name, float(amount)])
    sheet_.append(["TOTAL", float(TOTAL)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(demo_user("opcc.devon"))
    upload = SimpleUploadedFile("allocations.xlsx", buffer.getvalue())
    assert client.post(url("allocation-import", pk=table.pk), {"file": upload}).status_code == 302
    assert client.post(url("allocation-import", pk=table.pk), {"confirm": "1"}).status_code == 302
    assert allocation_figures(table).allocated == TOTAL


def test_a_decided_allocation_is_grants_made_in_the_reports_and_the_publications(client, demo_user, councils, table):
    rows = [(key(councils[name]), str(amount)) for name, _, amount in TEN]
    client.force_login(demo_user("opcc.devon"))
    assert client.post(url("allocation", pk=table.pk), allocation_rows(*rows)).status_code == 302
    response = client.post(
        url("allocation-change", pk=table.pk),
        {
            "title": table.title,
            "funding_stream": table.funding_stream_id,
            "financial_year": "2021/22",
            "total": str(TOTAL),
            **date_boxes("awarded_on", "2021-05-20"),
            "reason": "Decided by the PCC, decision 2021/014",
        },
    )
    assert response.status_code == 302
    assert all(a.status == "made" for a in table.awards.all())
    area = table.force_area
    money = area_money(force_area=area, financial_year="2021/22")
    assert money.grants_by_route["Allocations across councils and CSPs"] == TOTAL
    report = panel_report(force_area=area, financial_year="2021/22", user=demo_user("opcc.devon"))
    assert report.made_total == TOTAL and report.made_count == 10
    assert len([p for p in publications(force_area=area) if p.award.allocation_id == table.pk]) == 10
    dashboard = client.get(reverse("grants:oversight-dashboard", kwargs={"area": AREA}) + "?year=2021/22")
    assert "£1,555,525.45" in dashboard.content.decode()
    content = client.get(url("panel-report", year="2021-22")).content.decode()
    assert "10, £1,555,525.45 in total" in content
    # withdrawn with its rows
    client.post(url("record-withdraw", kind="allocation", pk=table.pk), {"reason": "Superseded"})
    assert not GrantAward.objects.live().filter(allocation=table).exists()
    assert area_money(force_area=area, financial_year="2021/22").grants_made == D("0.00")


@pytest.mark.parametrize(("username", "read", "write"), [("pcc.devon", 200, 403), ("opcc.avon", 404, 404)])
def test_allocations_are_read_by_the_area_and_changed_by_its_officers(
    client, demo_user, councils, table, username, read, write
):
    client.force_login(demo_user(username))
    assert client.get(url("allocation", pk=table.pk)).status_code == read
    assert client.get(url("allocation-new")).status_code == write
    assert client.get(url("allocation-change", pk=table.pk)).status_code == write
    assert client.get(url("allocation-import", pk=table.pk)).status_code == write
    rows = allocation_rows((key(councils["Torbay Council"]), str(TOTAL)))
    assert client.post(url("allocation", pk=table.pk), rows).status_code == write
    assert not table.awards.exists()
    if read == 200:
        assert 'name="rows-0-recipient"' not in client.get(url("allocation", pk=table.pk)).content.decode()
