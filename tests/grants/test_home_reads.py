"""The home page's cheaper reads (issue 13) say what the slower ones said: a list and its count from one query, the
plan addresses reversed once, the plan rows written by one tag, the returns waiting for someone without the late
ones, the recent decisions chosen before their plans are joined. Each page shows a change made just before it
(nothing on it is kept between requests), and the number of queries each person's home page makes is pinned."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import inbox
from grants.addresses import address
from grants.figures.plans import plans_in_force
from grants.models import Decision, GrantAward, PerformanceReturn, SpendingPlan
from grants.paging import counted_page, first_rows_and_total
from grants.services import returns as service
from partnerships.rules import roles_held
from tests.factories import SpendingPlanFactory
from tests.workflow import drive

# What making the page costs: never handed out kept (grants/kept_pages.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_made_afresh")]


@pytest.mark.parametrize("number", [None, "1", "2", "3", "99", "0", "-1", "x", ""])
@pytest.mark.parametrize("per_page", [1, 2, 40])
def test_a_counted_page_is_the_paginators_page(demo, number, per_page):
    awards = GrantAward.objects.order_by("-financial_year", "partnership__name", "pk")
    expected = Paginator(awards, per_page).get_page(number)
    page = counted_page(awards, per_page, number)
    assert list(page.object_list) == list(expected.object_list)
    assert (page.number, page.paginator.count, page.paginator.num_pages) == (
        expected.number,
        expected.paginator.count,
        expected.paginator.num_pages,
    )
    assert (page.start_index(), page.end_index(), page.has_next()) == (
        expected.start_index(),
        expected.end_index(),
        expected.has_next(),
    )


def test_a_counted_page_of_nothing_is_the_paginators_empty_page(demo):
    page = counted_page(GrantAward.objects.none(), 40, None)
    assert list(page.object_list) == [] and page.paginator.count == 0 and page.number == 1


def test_first_rows_and_total_count_every_row_in_one_query(demo):
    awards = GrantAward.objects.order_by("pk")
    with CaptureQueriesContext(connection) as queries:
        rows, total = first_rows_and_total(awards, 1)
    assert len(queries) == 1
    assert rows == list(awards[:1]) and total == awards.count() > 1
    assert first_rows_and_total(awards.none(), 1) == ([], 0)


def test_an_address_reversed_once_is_the_address_reverse_gives(plymouth_plan):
    for pk in (plymouth_plan.pk, 1, 10, 987654321):
        assert address("grants:plan-detail", pk) == reverse("grants:plan-detail", args=[pk])
        assert address("grants:return", pk) == reverse("grants:return", kwargs={"pk": pk})
        assert address("grants:returns", pk) == reverse("grants:returns", kwargs={"award_pk": pk})


INCLUDE_REPLACED = (Path(__file__).parent / "plan_versions_0570b32.html").read_text()


def _include_and_tag(row):
    # The include the tag replaced, as it was at 0570b32 (no page uses it now).
    include = Template(INCLUDE_REPLACED).render(Context({"row": row}))
    tag = Template("{% load grants_format %}{% plan_versions row %}").render(Context({"row": row}))
    return " ".join(include.split()), " ".join(tag.split())


def test_the_versions_tag_prints_what_the_include_prints(plymouth_plan, demo_user):
    award = plymouth_plan.award
    include, tag = _include_and_tag(plans_in_force([award])[award.pk])  # a draft, none in force
    assert include == tag and "Version 1" in tag
    drive(plymouth_plan, demo_user)  # along the whole path: approved
    include, tag = _include_and_tag(plans_in_force([award])[award.pk])  # in force, and the newest
    assert include == tag and "in force" in tag
    SpendingPlanFactory(award=award, version=2)
    include, tag = _include_and_tag(plans_in_force([award])[award.pk])  # in force, and a variation beside it
    assert include == tag and "Version 2" in tag and "<br>" in tag


def test_the_home_page_shows_each_change_made_before_it(client, plymouth_plan, demo_user):
    """Nothing on the home page is kept between requests: a new figure, a new status and a renamed partnership
    show at once."""
    client.force_login(demo_user("opcc.devon"))
    row = f'id="plans-{plymouth_plan.award_id}"'
    assert row in client.get("/").content.decode()
    project = plymouth_plan.projects.order_by("number").first()
    project.amount_allocated += 1234
    project.save()
    figures = plans_in_force([plymouth_plan.award])[plymouth_plan.award_id]
    from grants.money import format_money

    page = client.get("/").content.decode()
    assert format_money(figures.proposed.allocated) in page.split(row)[1].split("</tr>")[0]
    partnership = plymouth_plan.partnership
    partnership.name = "Safer Plymouth Renamed"
    partnership.save()
    assert "Safer Plymouth Renamed" in client.get("/").content.decode()
    drive(plymouth_plan, demo_user)  # along the whole path: approved
    page = client.get("/").content.decode()
    assert "in force" in page.split(row)[1].split("</tr>")[0]


def test_the_recent_decisions_are_the_latest_the_user_may_see(plymouth_plan, southglos_plan, demo_user):
    drive(plymouth_plan, demo_user)  # along the whole path: approved
    for username in ("opcc.devon", "officer.plymouth", "opcc.avon"):
        user = demo_user(username)
        visible = Decision.objects.filter(plan__in=SpendingPlan.objects.visible_to(user))
        expected = list(visible.order_by("-decided_at", "-pk")[:8])
        assert inbox.recent_decisions(user) == expected


def test_returns_waiting_leave_out_the_late_ones(plymouth_plan, demo_user):
    drive(plymouth_plan, demo_user)
    service.returns_set_up(award=plymouth_plan.award)
    returns = PerformanceReturn.objects.filter(period__award=plymouth_plan.award)
    for on in (dt.date(2020, 7, 28), dt.date(2020, 7, 29), dt.date(2020, 11, 1), dt.date(2021, 6, 1)):
        late = set(returns.late(on))
        assert set(returns.not_late(on)) == set(returns) - late
        work = service.returns_work(demo_user("officer.plymouth"), on=on)
        assert not {r for r, _ in work.waiting} & late


def test_roles_are_read_in_the_order_of_their_kind(demo_user):
    user = demo_user("opcc.devon")
    assert roles_held(user) == sorted(roles_held(user), key=lambda role: (role.kind, role.pk))


@pytest.mark.parametrize(
    "username, queries",
    [
        ("officer.plymouth", 19),
        ("board.plymouth", 12),
        ("opcc.devon", 19),
        ("pcc.devon", 16),
        ("treasurer.devon", 16),
    ],
)
def test_each_home_page_makes_a_fixed_number_of_queries(client, plymouth_plan, demo_user, username, queries):
    """Down from 23, 17, 25, 22 and 22 (issue 13, at national scale); the same whatever the number of rows
    (tests/test_query_budgets.py)."""
    client.force_login(demo_user(username))
    client.get("/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    assert len(captured) <= queries
