"""Issue 9, no lost work: an officer can save a funded project before it is finished (its amount or how its
outcomes are measured still to come). It is saved as not finished, listed on the plan's check page, and blocks
only the plan's submission; saved finished, it is an ordinary line again."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import FundedProject
from grants.services.workflow import plan_decide
from tests.grants.editor_helpers import add_project_url, measure, project_data

pytestmark = pytest.mark.django_db


def save_unfinished(client, plan, **fields):
    data = project_data(plan, **fields)
    data.pop("save")
    data["save_unfinished"] = "1"
    return client.post(add_project_url(plan), data)


def test_a_project_without_its_amount_is_saved_as_not_finished(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = save_unfinished(client, plymouth_plan, title="Night-time economy marshals", amount_allocated="")
    assert response.status_code == 302
    project = FundedProject.objects.get(plan=plymouth_plan, title="Night-time economy marshals")
    assert project.unfinished and project.amount_allocated == Decimal("0.00")
    listing = client.get(reverse("grants:plan-edit-projects", args=[plymouth_plan.pk])).content.decode()
    assert "Not finished" in listing
    check = client.get(reverse("grants:plan-check", args=[plymouth_plan.pk])).content.decode()
    assert (
        "Line 7 (Night-time economy marshals): saved as not finished (still to give: its amount and how its "
        "outcomes will be measured)" in check
    )
    assert reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk]) + "#div_id_amount_allocated" in check
    page = client.get(reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk])).content.decode()
    assert 'id="unfinished"' in page
    [amount_box] = re.findall(r"<input[^>]*name=\"amount_allocated\"[^>]*>", page)
    assert 'value="' not in amount_box or 'value=""' in amount_box, amount_box  # empty, not £0.00


def test_saving_finished_still_asks_for_the_amount(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = client.post(add_project_url(plymouth_plan), project_data(plymouth_plan, amount_allocated=""))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not FundedProject.objects.filter(plan=plymouth_plan, title="Youth diversion pilot").exists()


def test_an_unfinished_project_still_may_not_take_the_plan_over_its_award(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    response = save_unfinished(client, plymouth_plan, amount_allocated="£50,000")
    assert response.status_code == 200
    assert not FundedProject.objects.filter(plan=plymouth_plan, title="Youth diversion pilot").exists()


def test_an_unfinished_project_blocks_only_submission(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    save_unfinished(client, plymouth_plan, amount_allocated="£5,000")
    project = FundedProject.objects.get(plan=plymouth_plan, title="Youth diversion pilot")
    # The officer can go on editing the plan: other parts save as usual.
    assert client.get(reverse("grants:plan-edit", args=[plymouth_plan.pk])).status_code == 200
    submit_page = client.get(reverse("grants:plan-decide", args=[plymouth_plan.pk, "submit"])).content.decode()
    assert "Youth diversion pilot, was saved as not finished" in submit_page
    with pytest.raises(ValidationError, match="saved as not finished"):
        plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    # Finished: saved with its measures through "Save funded project", it no longer blocks.
    data = project_data(plymouth_plan, amount_allocated="£5,000", measures=[measure("Fewer repeat call-outs")])
    response = client.post(reverse("grants:project-edit", args=[plymouth_plan.pk, project.pk]), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert not project.unfinished and project.amount_allocated == Decimal("5000.00")
    check = client.get(reverse("grants:plan-check", args=[plymouth_plan.pk])).content.decode()
    assert "saved as not finished" not in check
    plan_decide(plan=plymouth_plan, by=demo_user("officer.plymouth"), action="submit")
    plymouth_plan.refresh_from_db()
    assert plymouth_plan.status == "submitted"
