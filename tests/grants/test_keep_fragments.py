"""The scheduler's job that keeps plans' fragments ahead of their first view (grants/fragments.py `keep_fragments`,
issue 13): what it keeps is what the pages would have made, under the same keys, so a page finds it and shows
exactly what it shows made afresh; it keeps each kind of fragment only where a page uses it; it makes nothing
twice, and again only what a change of content outdated."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.fragments import _lines_key, _rows_key, keep_fragments, names_fingerprint
from grants.models import GrantAward, SpendingPlan
from grants.services.comparison import plan_snapshot, snapshot_key
from tests.workflow import drive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache", "pages_made_afresh")]
Status = SpendingPlan.Status


def plan_table(client, plan) -> tuple[str, int]:
    """The funded projects table as the plan page shows it, and the queries the page asked."""
    with CaptureQueriesContext(connection) as captured:
        html = client.get(reverse("grants:plan-detail", args=[plan.pk])).content.decode()
    table = re.search(r'<table class="govuk-table app-plan-table app-responsive-table".*?</table>', html, re.S)[0]
    return table, len(captured)


def kept(plan) -> dict[str, bool]:
    plan = SpendingPlan.objects.select_related("award").get(pk=plan.pk)  # its stamp as stored now
    names = names_fingerprint(plan)
    return {
        "rows": cache.has_key(_rows_key(plan, names)),
        "lines": cache.has_key(_lines_key(plan)),
        "snapshot": cache.has_key(snapshot_key(plan, names)),
    }


def test_the_plan_page_finds_the_rows_the_job_kept_and_shows_the_same(plymouth_plan, demo_user, client):
    client.force_login(demo_user("officer.plymouth"))
    made_afresh, made_queries = plan_table(client, plymouth_plan)
    cache.clear()
    assert keep_fragments() > 0
    from_the_job, kept_queries = plan_table(client, plymouth_plan)
    assert from_the_job == made_afresh
    assert kept_queries < made_queries  # the lines and their related sets were not read: the job's rows were used


def test_an_editable_plan_keeps_its_rows_lines_and_snapshot(plymouth_plan, demo_user, client):
    assert plymouth_plan.is_editable
    keep_fragments()
    assert kept(plymouth_plan) == {"rows": True, "lines": True, "snapshot": True}
    plan = SpendingPlan.objects.select_related("award").get(pk=plymouth_plan.pk)
    assert cache.get(snapshot_key(plan, names_fingerprint(plan))) == plan_snapshot(plan)
    # the editor's hub reads its lines from the cache: no line is read into an object
    client.force_login(demo_user("officer.plymouth"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).status_code == 200
    assert not [q for q in captured if 'FROM "grants_subitem"' in q["sql"]]


def test_a_decided_plan_keeps_only_its_rows(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user)  # through every stage to approved
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == Status.APPROVED
    cache.clear()  # the decisions kept the snapshot they compared
    keep_fragments()
    assert kept(plymouth_plan) == {"rows": True, "lines": False, "snapshot": False}


def test_a_plan_under_review_keeps_its_rows_and_snapshot_not_the_editors_lines(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user, until="sign_off_pcc")
    cache.clear()  # the decisions kept the snapshot they compared
    keep_fragments()
    assert kept(plymouth_plan) == {"rows": True, "lines": False, "snapshot": True}


def test_the_job_makes_nothing_twice_and_again_only_what_a_change_outdated(plymouth_plan, southglos_plan):
    first = keep_fragments()
    assert first > 0
    assert keep_fragments() == 0
    line = plymouth_plan.projects.order_by("number").first()
    line.amount_allocated += Decimal("1.00")
    line.save()  # a new content stamp for Plymouth's plan only
    assert kept(plymouth_plan) == {"rows": False, "lines": False, "snapshot": False}
    assert kept(southglos_plan)["rows"]
    assert keep_fragments(plan_ids=[southglos_plan.pk]) == 0  # narrowed to a plan whose fragments are kept
    assert keep_fragments() == 3  # Plymouth's draft: rows, lines and snapshot
    assert kept(plymouth_plan) == {"rows": True, "lines": True, "snapshot": True}


def test_the_award_amount_outdates_only_the_snapshot(plymouth_plan):
    keep_fragments()
    GrantAward.objects.filter(pk=plymouth_plan.award_id).update(amount=plymouth_plan.award.amount + 100)
    assert kept(plymouth_plan) == {"rows": True, "lines": True, "snapshot": False}
    assert keep_fragments(plan_ids=[plymouth_plan.pk]) == 1


def test_only_the_plans_people_open_are_kept(plymouth_plan, demo_user):
    """Each award's newest version and the version in force; a version a variation superseded is left."""
    from grants.services.variations import plan_vary

    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    line = variation.projects.order_by("number").first()
    line.title = "Street triage, extended"
    line.save()
    drive(variation, demo_user)  # the variation approved: version 1 is in force no more
    keep_fragments()
    assert kept(variation)["rows"]
    assert not kept(plymouth_plan)["rows"]


def test_the_scheduler_queues_the_job(settings):
    from grants import scheduler
    from grants.tasks import keep_plan_fragments

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    scheduler.queue_due_jobs()
    assert "keep_plan_fragments" in [result.task.name for result in keep_plan_fragments.get_backend().results]
