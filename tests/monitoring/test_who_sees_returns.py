"""Who may see a performance return: one rule (`GrantAwardQuerySet.reported_to`, grants/querysets.py), asked by a
return's pages (grants/views/returns.py `return_for_viewing`: 404 outside it) and by the home page's lists
(grants/services/returns.py `returns_work`). For each kind of person, a late return's page opens exactly when the
home page lists it, a partnership's return and a return of an award made directly to an organisation; the one
difference, explicit: a site administrator opens any partnership's return but has none listed as work without a
role. The rule's partnerships' half is `visible_to`'s, its direct awards' half `overseen_areas`'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import FundingStream, GrantAward, PerformanceReturn
from grants.services import returns as service
from grants.views.returns import return_for_viewing
from partnerships.models import ForceArea, Role, User
from partnerships.rules import overseen_areas, roles_held
from tests import factories as f

pytestmark = pytest.mark.django_db

ON = dt.date(2020, 7, 29)  # the day after the Q1 returns were due: each of them late, no other
DEVON = "devon-and-cornwall"


@pytest.fixture
def late(approved_plan, demo_user):
    """Safer Plymouth's six late Q1 returns and the late Q1 return of an award made by Devon and Cornwall directly
    to an organisation, by kind; with a staff user holding no role, one holding Devon's OPCC role, someone signed
    in with no role, and Devon's OPCC officer who has left (inactive)."""
    service.returns_set_up(award=approved_plan.award)
    stream = FundingStream.objects.filter(force_area__slug=DEVON).first()
    award = f.GrantAwardFactory(
        partnership=None, organisation=f.OrganisationFactory(name="Trevi House"), funding_stream=stream
    )
    service.award_reporting_set(award=award, by=demo_user("opcc.devon"), months=3)
    devon = ForceArea.objects.get(slug=DEVON)
    f.UserFactory(username="nobody")
    f.UserFactory(username="staff", is_staff=True)
    staff_opcc = f.UserFactory(username="staff.opcc.devon", is_staff=True)
    Role.objects.create(user=staff_opcc, kind=Role.Kind.OPCC, force_area=devon)
    gone = f.UserFactory(username="gone.opcc.devon", is_active=False)
    Role.objects.create(user=gone, kind=Role.Kind.OPCC, force_area=devon)
    returns = list(PerformanceReturn.objects.late(ON).select_related("period__award"))
    kinds = {
        "plymouth": {r.pk for r in returns if r.period.award.partnership_id == approved_plan.award.partnership_id},
        "direct": {r.pk for r in returns if r.period.award_id == award.pk},
    }
    assert len(kinds["plymouth"]) == 6 and len(kinds["direct"]) == 1
    assert {r.pk for r in returns} == kinds["plymouth"] | kinds["direct"]  # nothing else late that day
    assert len(returns) < service.HOME_LIMIT  # so the home page lists every one it may
    return kinds


# Which late returns each person may open (and, staff apart, finds on their home page).
OPENS = {
    "officer.plymouth": {"plymouth"},  # CSP roles: their own partnership's returns
    "exec.plymouth": {"plymouth"},
    "board.plymouth": {"plymouth"},
    "finance.plymouth": {"plymouth"},
    "officer.southglos": set(),  # another partnership, in another area
    "board.southglos": set(),
    "opcc.devon": {"plymouth", "direct"},  # force-area roles: the area's partnerships' and direct awards'
    "pcc.devon": {"plymouth", "direct"},
    "treasurer.devon": {"plymouth", "direct"},
    "admin.devon": {"plymouth", "direct"},
    "opcc.avon": set(),  # another area
    "pcc.avon": set(),
    "treasurer.avon": set(),
    "nobody": set(),
    "staff": {"plymouth"},  # every partnership's, as `visible_to`; a direct award's is oversight's, by role
    "staff.opcc.devon": {"plymouth", "direct"},
}
LISTS = {**OPENS, "staff": set()}  # the home page lists work, by role: a staff user with no role has none


def _opens(client, pk) -> bool:
    status = client.get(reverse("grants:return", kwargs={"pk": pk})).status_code
    assert status in (200, 404)
    return status == 200


def test_a_late_return_opens_exactly_when_the_home_page_lists_it(late, client):
    every = late["plymouth"] | late["direct"]
    opened, listed, expected_open, expected_listed = {}, {}, {}, {}
    for username in OPENS:
        person = User.objects.get(username=username)
        client.force_login(person)
        opened[username] = {pk for pk in every if _opens(client, pk)}
        work = service.returns_work(person, on=ON)
        assert work.late_total == len(work.late)
        listed[username] = {r.pk for r in work.late}
        expected_open[username] = set().union(*(late[kind] for kind in OPENS[username]))
        expected_listed[username] = set().union(*(late[kind] for kind in LISTS[username]))
    assert opened == expected_open
    assert listed == expected_listed
    assert {u for u in OPENS if opened[u] != listed[u]} == {"staff"}  # the one difference


def test_a_return_waiting_for_someone_opens_for_them(late, client, demo_user):
    before_due = dt.date(2020, 7, 15)  # the Q1 returns open, none late
    direct = PerformanceReturn.objects.get(pk=min(late["direct"]))
    later = direct.period.award.reporting_periods.filter(number__gt=direct.period.number)
    opcc = demo_user("opcc.devon")
    service.return_save(
        performance_return=direct,
        by=opcc,
        spend_in_period=D("10000.00"),
        forecasts={p.pk: D("10000.00") for p in later},
        results={},
        went_well="48 families supported.",
        risks="Staff vacancy in Q2.",
    )
    service.return_act(performance_return=direct, by=opcc, action="submit")  # for another OPCC officer to accept
    waiting = {}
    for username in OPENS:
        person = User.objects.get(username=username)
        client.force_login(person)
        work = service.returns_work(person, on=before_due)
        assert not work.late
        waiting[username] = {r.pk for r, _ in work.waiting}
        assert all(_opens(client, pk) for pk in waiting[username]), username
    assert waiting["officer.plymouth"] == late["plymouth"]  # to enter
    assert waiting["staff.opcc.devon"] == late["direct"]  # to accept, as another OPCC officer of the area
    assert not waiting["opcc.devon"]  # who recorded it
    assert not waiting["staff"] and not waiting["opcc.avon"] and not waiting["officer.southglos"]


@pytest.mark.parametrize("username", ["officer.southglos", "opcc.avon", "nobody", "officer.plymouth", "staff"])
def test_the_pages_of_a_return_out_of_scope_are_not_found(late, client, username):
    client.force_login(User.objects.get(username=username))
    shut = set() if "plymouth" in OPENS[username] else late["plymouth"]
    shut |= set() if "direct" in OPENS[username] else late["direct"]
    assert shut
    for pk in shut:
        for url in (
            reverse("grants:return", kwargs={"pk": pk}),
            reverse("grants:return-edit", kwargs={"pk": pk}),
            reverse("grants:return-act", kwargs={"pk": pk, "action": "submit"}),
            reverse("grants:return-moves", kwargs={"pk": pk}),
        ):
            assert client.get(url).status_code == 404, url


def test_an_inactive_person_and_anonymous_see_no_return(late, client):
    from django.contrib.auth.models import AnonymousUser

    for person in (User.objects.get(username="gone.opcc.devon"), AnonymousUser()):
        assert not GrantAward.objects.reported_to(person).exists()
        assert not service.returns_work(person, on=ON)
        for pk in late["plymouth"] | late["direct"]:
            with pytest.raises(Http404):
                return_for_viewing(person, pk)
    response = client.get(reverse("grants:return", kwargs={"pk": min(late["plymouth"])}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_rule_is_visible_to_for_partnerships_and_the_overseen_areas_for_direct_awards(late):
    awards = list(GrantAward.objects.select_related("partnership", "funding_stream"))
    assert any(a.partnership_id is None for a in awards) and any(a.partnership_id for a in awards)
    for person in User.objects.all():
        reported = set(GrantAward.objects.reported_to(person))
        by_role = set(GrantAward.objects.reported_to(person, by_role=True))
        # as the home page's lists had it, from the roles (an inactive person signs in no more)
        roles = list(Role.objects.filter(user=person)) if person.is_active else []
        own = {r.partnership_id for r in roles if r.partnership_id}
        areas = {r.force_area_id for r in roles if r.force_area_id}
        assert by_role == {
            a
            for a in awards
            if a.partnership_id in own
            or (a.partnership and a.partnership.force_area_id in areas)
            or (a.partnership_id is None and a.funding_stream.force_area_id in areas)
        }, person.username
        # and as the return's page had it: `visible_to` (staff: every partnership), and the overseen areas
        overseen = {area.pk for area in overseen_areas(person)}
        assert reported == set(GrantAward.objects.visible_to(person)) | {
            a for a in awards if a.partnership_id is None and a.funding_stream.force_area_id in overseen
        }, person.username
        assert reported == by_role or (person.is_staff and person.is_active)
    assert not GrantAward.objects.reported_to(User.objects.get(username="staff"), by_role=True).exists()


def test_reading_a_return_costs_one_check_of_its_award_whatever_its_kind(late):
    """The return by its key, then its award checked (never one query with the scope beside the key's joins,
    issue 13); a direct award's funding stream, which its pages ask for, comes with the check."""
    for username in ("officer.plymouth", "opcc.devon", "staff", "staff.opcc.devon"):
        person = User.objects.get(username=username)
        roles_held(person)  # read once per request, before a page asks
        for pk in late["plymouth"] | (late["direct"] if "opcc" in username else set()):
            with CaptureQueriesContext(connection) as queries:
                performance_return = return_for_viewing(person, pk)
            assert len(queries) == 2, username
            assert "DISTINCT" not in queries[1]["sql"]
            with CaptureQueriesContext(connection) as queries:
                performance_return.period.award.funding_stream.force_area_id  # noqa: B018
            assert len(queries) == (0 if performance_return.is_direct else 1)


def test_an_opccs_home_page_reads_the_areas_awards_first(late, demo_user):
    """The late returns are asked for by their awards' keys, never by an OR across the joined partnership's and
    funding stream's areas (13 to 40 ms to plan at national scale, issue 13); a CSP's by its partnerships."""
    for username in ("opcc.devon", "officer.plymouth"):
        with CaptureQueriesContext(connection) as queries:
            service.returns_work(demo_user(username), on=ON)
        on_returns = [q["sql"] for q in queries if 'FROM "grants_performancereturn"' in q["sql"]]
        assert on_returns and not any("grants_fundingstream" in sql for sql in on_returns)
