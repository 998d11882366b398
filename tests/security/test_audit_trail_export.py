"""The OPCC exports the audit trail of a plan: every recorded save, change by change with before and after, and
every decision, with who and when, as CSV; outsiders get 404."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from grants.services.history import AUDIT_TRAIL_HEADINGS
from tests.grants.editor_helpers import project_data

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_opcc_downloads_a_plans_audit_trail_with_who_when_before_and_after(client, demo_user, plymouth_plan):
    officer = demo_user("officer.plymouth")
    client.force_login(officer)
    project = plymouth_plan.projects.order_by("number").first()
    data = project_data(plymouth_plan, title="Renamed domestic abuse service", amount_allocated="£210,000")
    assert client.post(reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk]), data).status_code == 302

    client.force_login(demo_user("opcc.devon"))
    history = client.get(reverse("grants:plan-history", args=[plymouth_plan.pk])).content.decode()
    url = reverse("grants:plan-audit-trail", args=[plymouth_plan.pk])
    assert url in history
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="safer-plymouth-2020-21-v1-audit-trail')
    rows = rows_of(response)
    assert rows[0] == AUDIT_TRAIL_HEADINGS
    renamed = [row for row in rows if row[5] == "Title" and row[7] == "Renamed domestic abuse service"]
    assert renamed and renamed[0][2] == "officer.plymouth" and renamed[0][6] == project.title


@pytest.mark.parametrize("username", ["opcc.avon", "officer.southglos"])
def test_another_areas_people_get_404(client, demo_user, plymouth_plan, username):
    client.force_login(demo_user(username))
    assert client.get(reverse("grants:plan-audit-trail", args=[plymouth_plan.pk])).status_code == 404
