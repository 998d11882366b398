"""Fixtures of the plan page's kept rows' tests (test_plan_page_draft_cache.py, test_content_stamp_bulk.py)."""

import pytest
from django.urls import reverse


@pytest.fixture
def draft(plymouth_plan, demo_user, client):
    """Plymouth's draft, its officer signed in, its rows already kept by a first view of its page."""
    assert plymouth_plan.is_editable
    client.force_login(demo_user("officer.plymouth"))
    client.get(reverse("grants:plan-detail", args=[plymouth_plan.pk]))
    return plymouth_plan
