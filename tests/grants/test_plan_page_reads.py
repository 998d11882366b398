"""Issue 13: the plan page reads the user's roles once and the plan's versions and decisions once, however many
parts of the page (the rules, the calls to action, the approval trail, the route, the versions, the *Approved*
column) ask about them, and says the same as when each part read them itself."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants import trail, workflow
from grants.models import SpendingPlan
from tests.workflow import drive

pytestmark = pytest.mark.django_db


def reads(client, url, table):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # Queries of the table itself, not those naming it in a subquery (the plans the user may see).
    return response, sum(
        query["sql"].split(" FROM ", 1)[-1].startswith(f'"{table}"') for query in queries.captured_queries
    )


@pytest.mark.parametrize("until", ["agree", "scrutinise", None])
def test_the_plan_page_reads_roles_and_decisions_once(client, demo_user, plymouth_plan, until):
    drive(plymouth_plan, demo_user, until=until)
    client.force_login(demo_user("opcc.devon"))
    url = plymouth_plan.get_absolute_url()
    _, roles = reads(client, url, "partnerships_role")
    response, decisions = reads(client, url, "grants_decision")
    assert roles == 1 and decisions == 1
    # What the page was given is what each part says when it reads for itself.
    user = demo_user("opcc.devon")
    fresh = SpendingPlan.objects.get(pk=plymouth_plan.pk)
    context = response.context
    assert [d.pk for d in context["trail"]] == [d.pk for d in trail.approval_trail(fresh)]
    assert [s.state for s in context["route"].steps] == [s.state for s in trail.route_of(fresh).steps]
    assert context["actions"] == [t for t, verdict in workflow.available(fresh, user) if verdict]
    assert context["blocked"] == workflow.blocked_reason(fresh, user)


def test_a_refreshed_plan_forgets_what_the_page_read(plymouth_plan, demo_user):
    trail.read_once(plymouth_plan, demo_user("opcc.devon"), [])
    assert trail.kept_decisions(plymouth_plan) == []
    drive(plymouth_plan, demo_user, until="agree")  # submits, and refreshes the plan
    assert trail.kept_decisions(plymouth_plan) is None
    assert [d.action for d in trail.approval_trail(plymouth_plan)] == ["submit"]
