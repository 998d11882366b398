"""Issue 9: the plan page starts with the route (steps done, by whom and when; who holds the plan now and by
when); the officer sees every step on the home page; a reviewer of a variation sees its line-by-line changes
against the approved version on the decision page; hint text from the seed's own words; forms that warn before
leaving with unsaved changes, without inline scripts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from grants import trail
from grants.models import SubmissionDeadline
from grants.services.variations import plan_vary
from grants.services.workflow import plan_decide
from tests.workflow import PLYMOUTH_PATH, SOUTHGLOS_PATH, drive

pytestmark = pytest.mark.django_db


def route_states(plan):
    return [(step.title, step.state) for step in trail.route_of(plan).steps]


def test_the_route_of_a_draft_shows_every_step_to_come_and_the_deadline(client, demo_user, plymouth_plan):
    SubmissionDeadline.objects.update_or_create(
        force_area=plymouth_plan.partnership.force_area,
        financial_year="2020/21",
        defaults={"submit_by": datetime.date(2020, 3, 31)},
    )
    assert route_states(plymouth_plan) == [
        ("Submission by the partnership", "now"),
        ("Executive group", "later"),
        ("Board", "later"),
        ("OPCC scrutiny", "later"),
        ("Police and Crime Commissioner", "later"),
        ("Treasurer", "later"),
    ]
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert content.index('id="route"') < content.index('id="plan-table"'), "the page starts with the route"
    assert "Now with the officers of Safer Plymouth</strong>. Due by 31 March 2020." in content


def test_the_route_says_who_did_each_step_when_and_who_holds_the_plan_now(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="scrutinise")
    route = trail.route_of(plymouth_plan)
    assert [(s.title, s.state) for s in route.steps][:4] == [
        ("Submission by the partnership", "done"),
        ("Executive group", "done"),
        ("Board", "done"),
        ("OPCC scrutiny", "now"),
    ]
    today = f"{timezone.localdate():%-d %B %Y}"
    assert route.steps[1].detail == (
        f"Agreed by the executive group: Jordan Evans (Executive group member, Safer Plymouth), {today}."
    )
    assert route.holder == "an OPCC officer of Devon & Cornwall" and route.due is None
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(plymouth_plan.get_absolute_url()).content.decode()
    assert "Now with an OPCC officer of Devon &amp; Cornwall</strong>, since" in content


def test_the_parallel_sign_off_and_the_decision_notice_on_the_route(demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="sign_off_treasurer")
    states = dict(route_states(plymouth_plan))
    assert states["Police and Crime Commissioner"] == "done" and states["Treasurer"] == "now"
    drive(plymouth_plan, demo_user, PLYMOUTH_PATH[-1:])
    route = trail.route_of(plymouth_plan)
    assert route.holder == "" and route.steps[-1].title == "Decision notice"
    assert route.steps[-1].detail.startswith("DC/2020-21/001, issued")


def test_a_route_without_an_executive_group_and_a_return_on_it(demo_user, southglos_plan):
    drive(southglos_plan, demo_user, SOUTHGLOS_PATH, until="approve")
    assert [title for title, _ in route_states(southglos_plan)][:3] == [
        "Submission by the partnership",
        "Board",
        "OPCC scrutiny",
    ]
    plan_decide(plan=southglos_plan, by=demo_user("board.southglos"), action="return", comments="Add measures.")
    southglos_plan.refresh_from_db()
    states = route_states(southglos_plan)
    assert states[0] == ("Submission by the partnership", "now") and states[1] == ("Board", "returned")
    assert trail.route_of(southglos_plan).steps[0].detail.startswith("Returned for changes: Jamie Clarke")


def test_the_officers_home_page_shows_the_latest_step(client, demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user, until="approve")
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("home")).content.decode()
    assert "Latest step" in content and "Agreed by the executive group" in content
    assert "Waiting for the board" in content


def test_a_reviewer_of_a_variation_sees_the_changed_lines_on_the_decision_page(client, demo_user, plymouth_plan):
    officer = demo_user("officer.plymouth")
    drive(plymouth_plan, demo_user)
    variation, _ = plan_vary(plan=plymouth_plan, by=officer)
    line = variation.projects.get(number=6)
    line.amount_allocated += 5000
    line.save()
    drive(variation, demo_user, until="agree")
    client.force_login(demo_user("exec.plymouth"))
    content = client.get(reverse("grants:plan-decide", args=[variation.pk, "agree"])).content.decode()
    assert 'id="changes-table"' in content
    assert "6. Strategic analysis and evidence for decision making" in content
    assert "+£5,000.00" in content and "£13,993.00" in content and "£18,993.00" in content
    assert "Compared with" in content and "version 1</a> (approved)" in content


def test_the_editor_gives_hints_in_the_seeds_own_words(client, demo_user, plymouth_plan):
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse("grants:project-add", args=[plymouth_plan.pk])).content.decode()
    for hint in (
        "“Re-referral rate is below 20%” (numeric target: below 20%)",
        "“Additional funding has been attracted for children and young people £44,450 (NHSE)”",
        "Crime Plan priority?” column lists them: a domestic abuse service, for example, serves",
        "“ongoing contract monitoring including quarterly performance returns and review meetings”",
    ):
        assert hint in content, hint


@pytest.mark.parametrize("name", ["plan-edit-details", "plan-edit-risks", "project-add", "plan-edit-documents"])
def test_the_editors_forms_warn_before_leaving_without_an_inline_script(client, demo_user, plymouth_plan, name):
    client.force_login(demo_user("officer.plymouth"))
    content = client.get(reverse(f"grants:{name}", args=[plymouth_plan.pk])).content.decode()
    assert "<div data-warn-unsaved>" in content
    assert "<script>" not in content and " onbeforeunload" not in content
    script = client.get("/static/app/app.js")
    assert b'import "./unsaved-changes.js"' in b"".join(script.streaming_content)
