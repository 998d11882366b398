"""The audit trail of a person (issue 12 item 6): the OPCC exports everything someone holding a role in its area
changed, decided or tried, between two dates, as a streamed CSV with safe cells, limited to its own area's records
even for someone who works in two areas; the site administrator exports anyone's; everyone else is refused."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from grants.audit import HEADINGS, force_area_paths
from grants.models import GrantAward, ReportingRules, SpendingPlan
from grants.services.workflow import plan_decide
from partnerships.models import ForceArea, Role
from tests.oversight.dates import date_boxes

pytestmark = pytest.mark.django_db

DEVON, AVON = "devon-and-cornwall", "avon-and-somerset"


def export(client, person, *, area=DEVON, first=None, last=None):
    today = timezone.localdate()
    query = {"person": person.pk, **date_boxes("first", first or today), **date_boxes("last", last or today)}
    url = reverse("grants:audit-export", args=[area]) if area else reverse("grants:audit-export-all")
    return client.get(url, query)


def rows_of(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


@pytest.fixture
def two_area_worker(demo_user, client):
    """The Plymouth board's chair, who is also an OPCC officer in Avon and Somerset, changes a setting in each area,
    signs in, and is refused another partnership's plan."""
    person = demo_user("board.plymouth")
    Role.objects.create(user=person, kind=Role.Kind.OPCC, force_area=ForceArea.objects.get(slug=AVON))
    client.force_login(person)
    client.post(reverse("grants:minor-variation-path", args=["safer-plymouth"]), {"path": "opcc"})
    client.post(reverse("grants:variation-threshold", args=[AVON]), {"minor_below": "£5,000", "note": "=1+2"})
    southglos = SpendingPlan.objects.get(award__partnership__slug="safer-and-stronger-south-gloucestershire")
    client.get(reverse("grants:plan-edit", args=[southglos.pk]))  # refused: 403, recorded
    client.get("/plans/999999/")  # not found: 404, recorded
    client.logout()
    return person


def test_the_opcc_exports_a_persons_trail_of_its_own_area(client, demo_user, two_area_worker):
    client.force_login(demo_user("opcc.devon"))
    page = client.get(reverse("grants:audit-export", args=[DEVON]))
    assert page.status_code == 200 and f'value="{two_area_worker.pk}"' in page.content.decode()
    response = export(client, two_area_worker)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{DEVON}-audit-trail-')
    rows = rows_of(response)
    assert rows[0] == HEADINGS
    changes = {(row[5], row[6], row[7]) for row in rows[1:] if row[3] == "Change to a record"}
    assert ("Changed: minor variation path", "full", "opcc") in changes
    assert all(row[2] == "board.plymouth" for row in rows[1:])
    # Avon and Somerset's threshold, set by the same person, is not Devon and Cornwall's to see
    assert not any("Minor variation threshold" in row[4] or "5000" in row[7] for row in rows[1:])
    kinds = {(row[3], row[5]) for row in rows[1:]}
    assert ("Sign-in record", "Signed out") in kinds
    assert ("Refused request", "Refused (403)") in kinds and ("Refused request", "Refused (404)") in kinds
    # the refused pages are named by their kind: South Gloucestershire's plan number is not Devon's to learn
    refused = sorted(row[4] for row in rows[1:] if row[3] == "Refused request")
    assert refused == ["GET /plans/<int:pk>/", "GET /plans/<int:pk>/edit/"]


def test_the_site_administrators_export_names_the_refused_addresses(client, demo_user, two_area_worker):
    client.force_login(demo_user("admin"))
    rows = rows_of(export(client, two_area_worker, area=None))
    southglos = SpendingPlan.objects.get(award__partnership__slug="safer-and-stronger-south-gloucestershire")
    refused = sorted(row[4] for row in rows[1:] if row[3] == "Refused request")
    assert refused == sorted(["GET /plans/999999/", f"GET /plans/{southglos.pk}/edit/"])


def test_an_address_that_is_no_page_is_not_shown_in_an_areas_export():
    from grants.audit import refused_address

    assert refused_address("/../secret-of-another-area", whole=False) == "(an address that is not a page)"
    assert refused_address("/../secret-of-another-area", whole=True) == "/../secret-of-another-area"


def test_the_other_areas_opcc_sees_its_own_records_of_the_same_person(client, demo_user, two_area_worker):
    client.force_login(demo_user("opcc.avon"))
    rows = rows_of(export(client, two_area_worker, area=AVON))
    threshold = [row for row in rows if row[4].startswith("Variation threshold")]
    assert threshold and threshold[0][5] == "Added"
    assert not any("minor variation path" in row[5] for row in rows)


def test_the_site_administrator_exports_anyones_trail_everywhere(client, demo_user, two_area_worker):
    client.force_login(demo_user("admin"))
    assert reverse("grants:audit-export-all") in client.get(reverse("home"), follow=True).content.decode()
    assert client.get(reverse("grants:audit-export-all")).status_code == 200
    rows = rows_of(export(client, two_area_worker, area=None))
    text = "\n".join(",".join(row) for row in rows)
    assert "Changed: minor variation path" in text and "Variation threshold" in text


def test_cells_a_spreadsheet_would_run_are_written_as_text(client, demo_user, two_area_worker):
    client.force_login(demo_user("admin"))
    rows = rows_of(export(client, two_area_worker, area=None))
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_decisions_are_in_the_trail(client, demo_user, plymouth_plan):
    officer = demo_user("officer.plymouth")
    plan_decide(plan=plymouth_plan, by=officer, action="submit")
    client.force_login(demo_user("admin.devon"))
    rows = rows_of(export(client, officer))
    decisions = [row for row in rows if row[3] == "Decision"]
    assert decisions and decisions[0][5].startswith("Submit") and decisions[0][4].startswith("Decision")


def test_someone_without_a_role_in_the_area_cannot_be_chosen(client, demo_user):
    client.force_login(demo_user("opcc.devon"))
    response = export(client, demo_user("officer.southglos"))
    assert response.status_code == 200 and "Choose one of the people listed" in response.content.decode()


def test_the_dates_must_be_in_order(client, demo_user):
    client.force_login(demo_user("opcc.devon"))
    today = timezone.localdate()
    response = export(client, demo_user("officer.plymouth"), first=today, last=today.replace(year=today.year - 1))
    content = response.content.decode()
    assert response.status_code == 200 and "The last day must be the same as or after the first day" in content
    assert "govuk-error-summary" in content


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("opcc.avon", 404),  # another area's OPCC: the area is not theirs to know
        ("pcc.devon", 403),  # the area's decision-maker reads the reports but does not export trails
        ("treasurer.devon", 403),
        ("officer.plymouth", 403),  # CSP officers: the OPCC's pages are not theirs
        ("admin", 403),  # a site administrator is not OPCC staff: their export is their own page
    ],
)
def test_others_are_refused_the_areas_export(client, demo_user, username, status):
    client.force_login(demo_user(username))
    assert client.get(reverse("grants:audit-export", args=[DEVON])).status_code == status
    assert export(client, demo_user("officer.plymouth")).status_code == status


@pytest.mark.parametrize("username", ["opcc.devon", "admin.devon", "officer.plymouth"])
def test_only_site_administrators_export_anyones(client, demo_user, username):
    client.force_login(demo_user(username))
    assert export(client, demo_user("officer.plymouth"), area=None).status_code == 403


def test_every_model_with_a_history_finds_its_force_area_or_is_shared():
    from simple_history.models import registered_models

    shared = {"partnerships.Organisation"}  # an organisation is every area's: only the site administrator's export
    for model in registered_models.values():
        assert force_area_paths(model) or model._meta.label in shared, f"{model._meta.label} has no force area"
    assert force_area_paths(Role) == ("force_area", "partnership__force_area")
    assert force_area_paths(GrantAward)[0].endswith("__force_area")
    assert force_area_paths(ReportingRules) == ("force_area",)
