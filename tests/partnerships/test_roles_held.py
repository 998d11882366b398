"""The user's roles are read once per request for the rules, the workflow, the inbox and the header (issue 13),
and never stale: a role given or taken away is seen by the next question, and a new request reads again."""

import pytest
import rules
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnerships.models import ForceArea, Role
from partnerships.rules import overseen_areas, roles_held
from tests.factories import ForceAreaFactory, PartnershipFactory, RoleFactory, officer_of, opcc_of

pytestmark = pytest.mark.django_db


def test_every_rule_about_roles_asks_one_query_between_them():
    partnership = PartnershipFactory()
    officer = officer_of(partnership)
    with CaptureQueriesContext(connection) as queries:
        assert rules.test_rule("grants.set_minor_variation_path", officer, partnership) is False
        assert rules.test_rule("grants.oversee_force_area", officer, partnership.force_area) is False
        assert overseen_areas(officer) == []
        assert [role.kind for role in roles_held(officer)] == [Role.Kind.OFFICER]
    assert len(queries) == 1


def test_a_role_given_or_taken_away_is_seen_by_the_next_question():
    partnership = PartnershipFactory()
    officer = officer_of(partnership)
    assert not rules.test_rule("grants.set_minor_variation_path", officer, partnership)
    board = RoleFactory(user=officer, kind=Role.Kind.BOARD, partnership=partnership)
    assert rules.test_rule("grants.set_minor_variation_path", officer, partnership)
    Role.objects.filter(pk=board.pk).delete()
    assert not rules.test_rule("grants.set_minor_variation_path", officer, partnership)


def test_the_user_loaded_again_reads_the_roles_again():
    """The memo lives on the user object, which the authentication middleware loads afresh for each request."""
    area = ForceAreaFactory()
    opcc = opcc_of(area)
    assert overseen_areas(opcc) == [area]
    assert overseen_areas(type(opcc).objects.get(pk=opcc.pk)) == [area]
    assert list(ForceArea.objects.overseen_by(opcc)) == [area]


def test_inactive_people_hold_nothing_and_oversee_nothing():
    area = ForceAreaFactory()
    opcc = opcc_of(area)
    opcc.is_active = False
    assert overseen_areas(opcc) == []
    assert not rules.test_rule("grants.oversee_force_area", opcc, area)


def test_the_header_and_the_navigation_show_the_roles_read_once(client):
    area = ForceAreaFactory()
    opcc = opcc_of(area)
    RoleFactory(user=opcc, kind=Role.Kind.BOARD, partnership=PartnershipFactory(force_area=area))
    client.force_login(opcc)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/").content.decode()
    assert 'class="app-header__role">OPCC officer, ' in page and 'class="app-header__role">Board member, ' in page
    assert reverse("grants:oversight-dashboard", args=[area.slug]) in page  # the oversight navigation
    role_reads = [
        q for q in queries.captured_queries if q["sql"].split(" FROM ", 1)[-1].startswith('"partnerships_role"')
    ]
    assert len(role_reads) == 1
