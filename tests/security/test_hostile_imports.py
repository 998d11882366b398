"""No server error on a bad spreadsheet, as a property (hypothesis): every import (a plan's funded projects, the
OPCC's indicators, an allocation table, a return) given CSV and Excel files whose cells are random and hostile — NUL
and other control characters, a million characters, huge, negative, exponent and non-numeric numbers — through the
real pages as the person who imports, then the preview and the confirmation: never a 500, a message each time
something is refused, and either the whole file saved or nothing of it.

Fixed budget, derandomised: HOSTILE_EXAMPLES (default 6) files per import.
"""

from __future__ import annotations

import io
import os

import openpyxl
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.security.test_hostile_forms import HOSTILE_NUMBER, HOSTILE_TEXT, checksum

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "6"))
AREA = "devon-and-cornwall"
YEAR = "2021/22"

PLAUSIBLE = st.sampled_from(["", "Safer Plymouth", "Plymouth City Council", "£1,000"])
CELL = st.one_of(HOSTILE_TEXT, HOSTILE_NUMBER, PLAUSIBLE)
BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Each import: its page, who imports, the headings a good file has.
IMPORTS = {
    "plan": ("officer.plymouth", ["Number", "Title", "Amount allocated", "Outcome measures", "Match funding"]),
    "indicators": ("opcc.devon", ["Partnership", "Population", "Crime rate"]),
    "allocation": ("opcc.devon", ["Council", "Allocation"]),
    "return": ("officer.plymouth", ["Measure or spend", "Type", "Target", "Figure"]),
}


def as_file(kind: str, rows: list[list[str]]) -> SimpleUploadedFile:
    if kind == "csv":
        buffer = io.StringIO()
        import csv

        csv.writer(buffer).writerows(rows)
        return SimpleUploadedFile("hostile.csv", buffer.getvalue().encode("utf-8", "surrogatepass"))
    workbook = openpyxl.Workbook()
    for row in rows:
        # openpyxl itself refuses control characters in a cell, as Excel does: such a workbook cannot be made here
        workbook.active.append([openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("hostile.xlsx", buffer.getvalue())


@pytest.fixture
def allocation_table(demo):
    from partnerships.models import ForceArea
    from tests import factories as f

    area = ForceArea.objects.get(slug=AREA)
    return f.AllocationTableFactory(force_area=area)


def upload_url(which: str, plan, table, demo_user=None) -> str:
    if which == "return":  # the domestic abuse service's Q1 return, once the plan is approved
        from grants.services.returns import returns_set_up
        from tests.workflow import drive

        drive(plan, demo_user)
        first = next(r for r in returns_set_up(award=plan.award) if r.period.number == 1)
        return reverse("grants:return-import", args=[first.pk])
    if which == "plan":
        return reverse("grants:plan-import", args=[plan.pk])
    if which == "indicators":
        return reverse("grants:indicators-import", kwargs={"area": AREA, "year": YEAR})
    return reverse("grants:allocation", kwargs={"area": AREA, "pk": table.pk})


def said_something(response) -> bool:
    content = response.content.decode(errors="replace")
    return any(marker in content for marker in ("govuk-error-summary", "govuk-error-message", "govuk-notification"))


@pytest.mark.parametrize("which", sorted(IMPORTS))
def test_every_import_answers_a_hostile_file_without_a_server_error_and_saves_all_or_nothing(
    which, plymouth_plan, allocation_table, demo_user
):
    person, headings = IMPORTS[which]
    client = Client()
    client.force_login(demo_user(person))
    url = upload_url(which, plymouth_plan, allocation_table, demo_user)

    @BUDGET
    @given(
        kind=st.sampled_from(["csv", "xlsx"]),
        rows=st.lists(st.lists(CELL, min_size=1, max_size=len(headings)), min_size=1, max_size=6),
    )
    def import_hostile(kind, rows):
        cache.clear()
        with transaction.atomic():
            before = checksum()
            data = {"file": as_file(kind, [headings, *rows])}
            if which == "plan":
                data["mode"] = "add"
            response = client.post(url, data)
            assert response.status_code < 500
            if response.status_code == 200:
                previewed = 'name="data"' in response.content.decode(errors="replace")  # the figures, to confirm
                assert said_something(response) or previewed, f"{which}: refused without a message"
                refused = "govuk-error-summary" in response.content.decode(errors="replace")
                if which == "indicators" and not refused and response.context.get("token"):
                    response = client.post(url, {"data": response.context["token"]})  # confirm the preview
                    assert response.status_code < 500
            elif which in ("plan", "return"):
                preview = client.get(response["Location"])  # the preview answered 500 until another upload
                assert preview.status_code == 200
                revision = str(type(plymouth_plan).objects.get(pk=plymouth_plan.pk).revision)
                confirmed = client.post(response["Location"], {"revision": revision})
                assert confirmed.status_code < 500
                if confirmed.status_code == 200:  # refused: nothing of the file saved
                    after = checksum()
                    changed = [t for t in before if before[t] != after[t] and t != "partnerships_user"]
                    assert not changed, f"{which} import refused, yet {changed} changed"
            transaction.set_rollback(True)

    import_hostile()
