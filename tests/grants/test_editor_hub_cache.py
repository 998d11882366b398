"""The editor's hub keeps its lines' checks under the plan's content stamp (grants/fragments.py `editor_lines`,
issue 13): it reads the same with and without the cache, and a change of the lines shows at once, whoever makes
it; what is not the lines' (the figures, the plan's own text, its risks and roll-forward notes) is read afresh."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import SpendingPlan

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


def hub(client, plan) -> str:
    response = client.get(reverse("grants:plan-edit", args=[plan.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") :]


@pytest.fixture
def draft(plymouth_plan, demo_user, client):
    client.force_login(demo_user("officer.plymouth"))
    hub(client, plymouth_plan)  # its lines' checks kept
    return plymouth_plan


def test_the_hub_reads_the_same_with_and_without_the_cache_and_asks_fewer_queries(draft, client):
    with CaptureQueriesContext(connection) as kept:
        from_cache = hub(client, draft)
    cache.clear()
    with CaptureQueriesContext(connection) as made:
        fresh = hub(client, draft)
    assert fresh == from_cache
    assert len(kept) < len(made)


def test_a_line_changed_outside_the_editor_shows_in_the_hubs_checks(draft, client):
    line = draft.projects.order_by("number").first()
    line.outcomes_summary, line.title = "", "Street triage, with no measures"
    line.save()
    line.outcome_measures.all().delete()
    assert "Line 1 (Street triage, with no measures): say how its outcomes will be measured." in hub(client, draft)
    line.pcc_priorities.clear()
    assert "Line 1 (Street triage, with no measures): choose the Police and Crime Plan priorities" in hub(client, draft)


def test_a_line_added_and_removed_changes_the_hubs_count(draft, client):
    from grants.models import FundedProject

    count = draft.projects.count()
    assert f"{count} funded projects" in hub(client, draft)
    added = FundedProject.objects.create(plan=draft, number=count + 1, title="Night-time economy", amount_allocated=0)
    page = hub(client, draft)
    assert f"{count + 1} funded projects" in page and f"Line {count + 1} (Night-time economy)" in page
    added.delete()
    assert f"{count} funded projects" in hub(client, draft)


def test_the_hubs_figures_and_roll_forward_notes_are_read_afresh(draft, client):
    line = draft.projects.order_by("number").first()
    SpendingPlan.objects.filter(pk=draft.pk).update(
        roll_forward_notes=[{"kind": "priority", "line_id": str(line.line_id), "text": "Choose its priorities again."}]
    )  # no new stamp: the plan's own fields are read on every request
    page = hub(client, draft)
    assert "Rolled forward: Choose its priorities again." in page
    assert reverse("grants:project-edit", args=[draft.pk, line.pk]) + "#div_id_pcc_priorities" in page
