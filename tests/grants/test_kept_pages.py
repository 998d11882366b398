"""Kept pages (grants/kept_pages.py, issue 13): a page is handed out again while the queries it was made from
answer the same, and made afresh the moment anything it shows changes, whoever changed it and however. The
person's own checks run on every request: a kept page never reaches someone who may no longer see it."""

import re
import time
from datetime import UTC, timedelta

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from grants import kept_pages
from grants.kept_pages import KeptPage, _reads_the_clock
from grants.models import SpendingPlan
from partnerships.models import ForceArea, Role
from tests.grants.editor_helpers import measure, project_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def opened(client, url):
    """The response and the number of queries it took."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response, len(captured)


def text(response) -> str:
    """The page without its CSRF tokens: a kept page carries the mask it was made with, a made one a new mask of
    the same secret (both are accepted)."""
    return CSRF.sub("", response.content.decode())


def kept_by_three_views(client, url):
    """The first view sets the CSRF cookie (a page is kept only for a browser that has one), the second is
    remembered (a page opened once is not kept), the third makes the page and keeps it."""
    for _ in range(3):
        client.get(url)


def plan_url(plan) -> str:
    return reverse("grants:plan-detail", args=[plan.pk])


def pages(plan):
    """Every kept page, with who opens it."""
    area = plan.award.partnership.force_area
    year = plan.award.financial_year
    return [
        ("officer.plymouth", "/"),
        ("opcc.devon", "/"),
        ("officer.plymouth", plan_url(plan)),
        ("opcc.devon", plan_url(plan)),
        ("opcc.devon", reverse("grants:oversight-dashboard", args=[area.slug]) + f"?year={year}"),
        ("opcc.devon", reverse("grants:panel-report", args=[area.slug, year])),
        ("opcc.devon", reverse("grants:reporting-rules", args=[area.slug])),
        ("officer.plymouth", reverse("grants:plan-edit", args=[plan.pk])),
    ]


@pytest.fixture
def plan(plymouth_plan):
    return plymouth_plan


@pytest.fixture
def back_off_over(monkeypatch):
    """A back-off after a kept page is found out of date (kept_pages.BACK_OFF_SECONDS) of a fifth of a second;
    the function returned waits it out."""
    monkeypatch.setattr(kept_pages, "BACK_OFF_SECONDS", 0.2)
    return lambda: time.sleep(0.25)


@pytest.mark.parametrize("index", range(8))
def test_each_page_is_kept_after_its_first_view_and_reads_the_same(plan, demo_user, client, index):
    who, url = pages(plan)[index]
    client.force_login(demo_user(who))
    client.get(url)  # the CSRF cookie is set: from now on the page can be kept
    first, first_queries = opened(client, url)  # the first view with the cookie: made, only remembered
    made, made_queries = opened(client, url)  # asked before: made and kept
    kept, kept_queries = opened(client, url)
    assert not getattr(first, "kept", False)
    assert first_queries < made_queries  # nothing recorded or kept the first time (made_queries replays them)
    assert made.status_code == kept.status_code == 200
    assert not getattr(made, "kept", False) and kept.kept
    assert text(kept) == text(made)
    assert kept_queries < made_queries
    # The session, the person, their roles (read again for the record), the page's own checks and one replay,
    # with the savepoints of the test's transaction.
    assert kept_queries <= 12, kept_queries


def test_a_kept_page_answers_in_the_same_number_of_queries_whatever_the_plan(plan, demo_user, client):
    """Replaying a page's queries is one round trip however many it made."""
    client.force_login(demo_user("opcc.devon"))
    counts = set()
    for one in SpendingPlan.objects.filter(award__partnership__force_area__slug="devon-and-cornwall"):
        kept_by_three_views(client, plan_url(one))
        response, queries = opened(client, plan_url(one))
        assert response.kept
        counts.add(queries)
    assert len(counts) == 1


def test_a_change_by_any_writer_shows_at_once(plan, demo_user, client, back_off_over):
    client.force_login(demo_user("officer.plymouth"))
    url = plan_url(plan)
    kept_by_three_views(client, url)
    assert opened(client, url)[0].kept
    line = plan.projects.order_by("number").first()
    line.title = "Street lighting audit, renamed"
    line.save()
    response = client.get(url)
    assert not getattr(response, "kept", False)
    assert "Street lighting audit, renamed" in response.content.decode()
    back_off_over()
    client.get(url)  # made and kept again
    assert client.get(url).kept
    with connection.cursor() as cursor:  # by hand, as an administrator might
        cursor.execute("UPDATE grants_spendingplan SET purpose = %s WHERE id = %s", ["Changed by SQL", plan.pk])
    response = client.get(url)
    assert not getattr(response, "kept", False)
    assert "Changed by SQL" in response.content.decode()


def test_the_editor_hub_after_a_save_shows_the_save_and_its_message(plan, demo_user, client, back_off_over):
    """The officer comes back to the kept hub from a part of the plan: a save there changes what the hub shows at
    once, with the save's message, and the hub is kept again once the back-off is over, without the message."""
    client.force_login(demo_user("officer.plymouth"))
    hub = reverse("grants:plan-edit", args=[plan.pk])
    project = plan.projects.order_by("number").first()
    kept_by_three_views(client, hub)
    assert opened(client, hub)[0].kept
    saved = client.post(
        reverse("grants:project-edit", args=[plan.pk, project.pk]),
        project_data(plan, title="Street lighting audit, renamed", measures=[measure("Lights surveyed")]),
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    after = client.get(saved.url)
    assert not getattr(after, "kept", False)
    assert "Street lighting audit, renamed" in after.content.decode()
    assert "has been saved" in after.content.decode()
    again = client.get(hub)
    assert "Street lighting audit, renamed" in again.content.decode()
    assert "has been saved" not in again.content.decode()
    back_off_over()
    client.get(hub)  # made and kept again
    assert opened(client, hub)[0].kept


def test_a_page_found_out_of_date_is_made_as_always_for_a_while_then_kept_again(plan, demo_user, client, back_off_over):
    """Checking a kept page, making it and keeping it again each ask its queries: under a stream of writes to what
    it shows (an inbox, at saturation) that is three times a made page's. So once found out of date, a page is made
    as always, neither checked nor kept, for BACK_OFF_SECONDS; then kept again as after a first view."""
    client.force_login(demo_user("opcc.devon"))
    client.get("/")  # the CSRF cookie
    _, first_queries = opened(client, "/")  # a first view: made, only remembered
    kept_by_three_views(client, "/")
    assert client.get("/").kept
    SpendingPlan.objects.filter(pk=plan.pk).update(status="submitted")
    changed, changed_queries = opened(client, "/")
    assert not getattr(changed, "kept", False)
    during, during_queries = opened(client, "/")
    assert not getattr(during, "kept", False)
    assert text(during) == text(changed)
    assert during_queries == first_queries < changed_queries  # no replay, nothing recorded or kept
    back_off_over()
    made, made_queries = opened(client, "/")  # made and kept
    assert not getattr(made, "kept", False) and made_queries > first_queries
    assert client.get("/").kept


def test_a_new_decision_on_the_plan_shows_on_the_home_page(plan, demo_user, client):
    """The OPCC's inbox, kept, changes when a plan reaches them."""
    client.force_login(demo_user("opcc.devon"))
    kept_by_three_views(client, "/")
    before = client.get("/")
    assert before.kept
    SpendingPlan.objects.filter(pk=plan.pk).update(status="submitted")
    after = client.get("/")
    assert not getattr(after, "kept", False)
    assert text(after) != text(before)


def test_the_persons_new_name_shows_in_the_header(plan, demo_user, client):
    officer = demo_user("officer.plymouth")
    client.force_login(officer)
    kept_by_three_views(client, "/")
    assert client.get("/").kept
    type(officer).objects.filter(pk=officer.pk).update(first_name="Renamed", last_name="Officer")
    response = client.get("/")
    assert "Renamed Officer" in response.content.decode()


def test_a_role_taken_away_refuses_the_kept_page(plan, demo_user, client):
    officer = demo_user("officer.plymouth")
    client.force_login(officer)
    url = plan_url(plan)
    kept_by_three_views(client, url)
    assert client.get(url).kept
    Role.objects.filter(user=officer).delete()
    assert client.get(url).status_code == 404


def test_a_role_taken_away_refuses_the_kept_dashboard(plan, demo_user, client):
    opcc = demo_user("opcc.devon")
    client.force_login(opcc)
    area = ForceArea.objects.get(slug="devon-and-cornwall")
    url = reverse("grants:oversight-dashboard", args=[area.slug])
    kept_by_three_views(client, url)
    assert client.get(url).kept
    Role.objects.filter(user=opcc).delete()
    assert client.get(url).status_code == 403


def test_another_person_never_gets_someone_elses_kept_page(plan, demo_user, client):
    client.force_login(demo_user("officer.plymouth"))
    url = plan_url(plan)
    kept_by_three_views(client, url)
    assert client.get(url).kept
    client.force_login(demo_user("officer.southglos"))
    assert client.get(url).status_code == 404


def test_a_page_with_a_message_to_show_is_made_and_shows_it(plan, demo_user, client, settings):
    """A message is shown once: a kept page would never carry it."""
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
    officer = demo_user("officer.plymouth")
    client.force_login(officer)
    url = plan_url(plan)
    kept_by_three_views(client, url)
    assert client.get(url).kept
    session = client.session
    session["_messages"] = '[["__json_message",0,25,"Plan saved"]]'
    session.save()
    response = client.get(url)
    assert not getattr(response, "kept", False)
    assert "Plan saved" in response.content.decode()
    assert client.get(url).kept  # shown once, then kept again


def test_a_page_is_kept_in_the_databases_cache_as_in_production(plan, demo_user, client, settings):
    """The lookup of the kept page is itself a query on the cache's table: it must not be among the page's."""
    call_command("createcachetable", "kept_pages_test_cache")
    settings.CACHES = {
        "default": {
            "BACKEND": "config.operations.cache.PostgresFriendlyDatabaseCache",  # production's (production.py)
            "LOCATION": "kept_pages_test_cache",
        }
    }
    client.force_login(demo_user("opcc.devon"))
    for url in (plan_url(plan), "/"):
        kept_by_three_views(client, url)
        assert client.get(url).kept


class _Writing(KeptPage, TemplateView):
    """A page whose making writes: never kept."""

    template_name = "grants/home.html"

    def get_context_data(self, **kwargs):
        SpendingPlan.objects.filter(pk=self.kwargs["pk"]).update(purpose="written on a GET")
        return {}


def test_a_page_whose_making_writes_is_never_kept_and_its_write_stays(plan, demo_user):
    request = RequestFactory().get("/writing/")
    request.user = demo_user("officer.plymouth")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    request.META["CSRF_COOKIE"] = "x" * 32
    for _ in range(3):  # remembered the first time; then made, recorded, and refused keeping each time
        response = _Writing.as_view()(request, pk=plan.pk)
        response.render()
        assert not getattr(response, "kept", False)
    plan.refresh_from_db()
    assert plan.purpose == "written on a GET"


def test_a_query_holding_the_time_of_day_is_never_kept():
    now = timezone.localtime()
    stamp = (now - timedelta(days=7, seconds=30)).isoformat(sep=" ")
    assert _reads_the_clock([f"SELECT 1 FROM t WHERE at > '{stamp}'::timestamptz"], now)
    other = (now - timedelta(hours=5)).isoformat(sep=" ")
    assert not _reads_the_clock([f"SELECT 1 FROM t WHERE at > '{other}'::timestamptz"], now)
    assert not _reads_the_clock([f"SELECT 1 FROM t WHERE on_date = '{now.date().isoformat()}'::date"], now)
    utc = now.astimezone(UTC)
    assert _reads_the_clock([f"SELECT 1 WHERE x < '{utc.isoformat(sep=' ')}'"], now)


def test_pages_are_made_afresh_when_kept_pages_are_off(plan, demo_user, client, settings):
    settings.KEPT_PAGES = False
    client.force_login(demo_user("officer.plymouth"))
    for _ in range(3):
        assert not getattr(client.get(plan_url(plan)), "kept", False)
