"""The plan page takes the version in force from the versions it has read already (`plan_in_force_beside`,
grants/figures/plans.py, issue 13): it must say what THE selector `plan_in_force` says, for every version of a
plan, as it is drafted, approved, varied and declined, and ask no query when the page's plan is the only one
it names."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.figures.plans import plan_in_force, plan_in_force_beside
from grants.models import SpendingPlan
from grants.services.variations import plan_vary
from grants.trail import versions_of
from tests.workflow import PLYMOUTH_PATH, drive

pytestmark = pytest.mark.django_db


def same_as_the_selector(plan: SpendingPlan) -> None:
    plan = SpendingPlan.objects.with_figures().get(pk=plan.pk)
    expected = plan_in_force(plan.award)
    versions = versions_of(plan)
    with CaptureQueriesContext(connection) as captured:
        got = plan_in_force_beside(plan, versions)
    for name in ("in_force", "latest", "pending"):
        assert getattr(getattr(got, name), "pk", None) == getattr(getattr(expected, name), "pk", None), name
    assert got.committed == expected.committed
    assert got.proposed == expected.proposed
    named = {p.pk for p in (expected.in_force, expected.latest) if p is not None}
    if named <= {plan.pk}:
        assert len(captured) == 0


def in_force_text(client, plan) -> str:
    html = client.get(reverse("grants:plan-detail", args=[plan.pk])).content.decode()
    text = re.sub(r"<[^>]+>", "", re.search(r'id="plan-in-force">(.*?)</dd>', html, re.S)[1])
    return re.sub(r"\s+", " ", text)


def test_every_version_agrees_with_the_selector_through_approval_and_variations(plymouth_plan, demo_user, client):
    client.force_login(demo_user("opcc.devon"))
    same_as_the_selector(plymouth_plan)  # a draft, nothing in force
    assert "nothing is committed" in in_force_text(client, plymouth_plan)
    drive(plymouth_plan, demo_user)  # approved
    same_as_the_selector(plymouth_plan)
    assert "this is the approved version in force" in in_force_text(client, plymouth_plan)
    variation, _ = plan_vary(plan=plymouth_plan, by=demo_user("officer.plymouth"))
    for plan in (plymouth_plan, variation):
        same_as_the_selector(plan)
    assert "version 1 is in force" in in_force_text(client, variation)
    assert "this is the approved version in force" in in_force_text(client, plymouth_plan)
    line = variation.projects.order_by("number").first()
    line.title = "Street triage, varied"
    line.save()
    drive(variation, demo_user, until="sign_off_pcc")  # submitted and under review
    for plan in (plymouth_plan, variation):
        same_as_the_selector(plan)
    drive(variation, demo_user, PLYMOUTH_PATH[-2:])  # version 2 approved: version 1 no longer in force
    for plan in (plymouth_plan, variation):
        same_as_the_selector(plan)
    assert "version 2 is in force" in in_force_text(client, plymouth_plan)
