"""The plan table's rows of a frozen version are kept in the cache (grants/fragments.py, issue 13). The page must
show exactly what it showed without the cache, and never old rows: not after a line's provider or priority is
renamed, not after the version is returned, changed and submitted again, not in a variation, and the parts that
change after submission (the Approved column, scrutiny comments) are always read afresh."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import FundedProject, SpendingPlan
from grants.services.variations import plan_vary
from grants.services.workflow import plan_decide
from partnerships.models import Organisation
from priorities.models import Priority
from tests.workflow import PLYMOUTH_PATH, drive

# The plan rows kept while the page itself is made afresh (grants/kept_pages.py keeps whole pages: test_kept_pages).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "pages_made_afresh")]
Status = SpendingPlan.Status


def table(client, plan) -> str:
    """The funded projects table as the page shows it."""
    html = client.get(reverse("grants:plan-detail", args=[plan.pk])).content.decode()
    return re.search(r'<table class="govuk-table app-plan-table app-responsive-table".*?</table>', html, re.S)[0]


def queries(client, plan) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("grants:plan-detail", args=[plan.pk]))
    return len(captured)


@pytest.fixture
def submitted(plymouth_plan, demo_user, client):
    """Plymouth's plan with the OPCC (frozen: recommended, waiting for the sign-offs), the OPCC officer signed in."""
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    assert plymouth_plan.status == Status.OPCC_RECOMMENDED
    client.force_login(demo_user("opcc.devon"))
    return plymouth_plan


def test_a_frozen_versions_rows_come_from_the_cache_and_read_the_same(submitted, client):
    made = queries(client, submitted)  # the rows made and kept
    kept = queries(client, submitted)
    assert kept < made  # the lines' related sets were not fetched again
    from_cache = table(client, submitted)
    cache.clear()
    assert table(client, submitted) == from_cache


def test_a_drafts_rows_are_never_kept(plymouth_plan, demo_user, client):
    client.force_login(demo_user("officer.plymouth"))
    assert plymouth_plan.is_editable
    table(client, plymouth_plan)
    line = plymouth_plan.projects.order_by("number").first()
    line.title = "Street triage, extended"
    line.save()
    assert "1. Street triage, extended" in table(client, plymouth_plan)


def test_a_renamed_provider_is_shown_at_once(submitted, client):
    line = submitted.projects.exclude(provider=None).order_by("number").first()
    assert line is not None, "the demo plan names providers"
    assert line.provider.name in table(client, submitted)
    Organisation.objects.filter(pk=line.provider_id).update(name="Renamed Provider CIC")
    assert "Renamed Provider CIC" in table(client, submitted)


def test_a_renamed_priority_is_shown_at_once(submitted, client):
    """The priorities' writer renames with `update()`, which no signal hears: the fingerprint still sees it."""
    priority = Priority.objects.filter(funded_projects__plan=submitted).order_by("number").first()
    table(client, submitted)
    Priority.objects.filter(pk=priority.pk).update(title="Keeping people safe online")
    assert f"{priority.number}. Keeping people safe online" in table(client, submitted)


def test_returned_changed_and_submitted_again_shows_the_new_rows(plymouth_plan, demo_user, client):
    drive(plymouth_plan, demo_user, until="approve")  # submitted and agreed by the executive group
    client.force_login(demo_user("officer.plymouth"))
    old = table(client, plymouth_plan)
    plan_decide(plan=plymouth_plan, by=demo_user("board.plymouth"), action="return", comments="Please change this.")
    line = plymouth_plan.projects.order_by("number").first()
    line.title = "Street triage, as the board asked"
    line.save()
    plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    plymouth_plan.refresh_from_db()
    assert not plymouth_plan.is_editable
    new = table(client, plymouth_plan)
    assert new != old and "1. Street triage, as the board asked" in new


def test_a_decision_after_the_rows_are_kept_shows_in_the_approved_column(submitted, demo_user, client):
    assert "Not yet approved" in table(client, submitted)
    for action, username in PLYMOUTH_PATH[-2:]:
        plan_decide(plan=submitted, by=demo_user(username), action=action)
    rows = table(client, submitted)
    assert "Not yet approved" not in rows
    assert rows.count('<strong class="govuk-tag govuk-tag--green">Approved</strong>') == submitted.projects.count()


def test_a_scrutiny_comment_after_the_rows_are_kept_is_counted_in_its_row(plymouth_plan, demo_user, client):
    from grants.services.scrutiny import comment_add

    drive(plymouth_plan, demo_user, until="recommend")  # under OPCC scrutiny: frozen, and open to comments
    client.force_login(demo_user("opcc.devon"))
    line = plymouth_plan.projects.order_by("number").first()
    assert "OPCC scrutiny comment" not in table(client, plymouth_plan)
    comment_add(plan=plymouth_plan, project=line, by=demo_user("opcc.devon"), kind="question", text="Who refers?")
    assert "1 OPCC scrutiny comment" in table(client, plymouth_plan)


def test_a_variation_shows_its_own_rows_and_the_approved_version_keeps_its_own(submitted, demo_user, client):
    for action, username in PLYMOUTH_PATH[-2:]:
        plan_decide(plan=submitted, by=demo_user(username), action=action)
    approved = table(client, submitted)
    variation, _ = plan_vary(plan=submitted, by=demo_user("officer.plymouth"))
    line = variation.projects.order_by("number").first()
    line.title = "Street triage, varied"
    line.save()
    drive(variation, demo_user, until="sign_off_pcc")
    assert "1. Street triage, varied" in table(client, variation)
    assert table(client, SpendingPlan.objects.get(pk=submitted.pk)) == approved
    assert FundedProject.objects.filter(plan=submitted, title="Street triage, varied").count() == 0


def test_a_corrected_award_shows_its_new_total_beside_the_kept_rows(submitted, demo_user, client):
    """The award's figures are read on every request (only the rows are kept): a correction shows at once."""
    from grants.money import format_money
    from grants.services.corrections import award_correct

    award = submitted.award
    table(client, submitted)
    new_amount = award.amount + Decimal("1000.00")
    award_correct(
        award=award, changes={"amount": new_amount}, years=None, reason="Typed wrong", by=demo_user("opcc.devon")
    )
    assert f"grant total {format_money(new_amount)}" in table(client, submitted)
