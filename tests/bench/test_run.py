"""bench/run.py at the generator's CI size: every row it times answers 200, the floor served as a page shows exactly
the bare floor's rows through the whole request stack, the empty page is the stack alone, the returns pages and
packs are there, and the benchmark's URLconf (bench/urls.py) never reaches a server's settings."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from bench.generate import generate
from bench.load import returns_set_up
from bench.run import EMPTY_PAGE, Floor, collect, returns_reported, signed_in, table
from bench.urls import EMPTY, floor_url

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# Fast pages only (no PDF, no export of everything twice): one of each kind the benchmark adds or changes.
ONLY = "empty page,plan page,reporting page,returns page,performance pack,360giving json, everything"


@pytest.fixture
def national():
    """The CI size with three CSPs in the first area, so one of its plans this year is approved and has returns."""
    generate(
        scale=0.01, year_count=2, csps_per_area=[3, 2], lines=(3, 3), today=timezone.localdate(), log=lambda _: None
    )


def test_each_page_its_floor_and_its_floor_page_answer(national, capsys):
    rows = {row.page.split(",")[0].split(" (")[0]: row for row in collect(repeat=1, only=ONLY, least=1)}
    assert set(rows) == {
        EMPTY_PAGE.split(" (")[0],
        "Plan page",
        "Reporting page",
        "Returns page",
        "Performance pack",
        "Area performance pack",
        "360Giving JSON",
    }, rows.keys()
    for name, row in rows.items():
        assert row.page_timing.status == 200, (name, row.notes)
        if name == "Signed-in empty page":
            assert row.floor is None and row.floor_page is None
            continue
        assert row.floor.status == row.floor_page.status == 200, name
        # The floor page pays the stack (the session and the user, signed in) on top of the floor's own queries.
        stack = 0 if row.who == "anonymous" else rows["Signed-in empty page"].page_timing.queries
        assert row.floor_page.queries == row.floor.queries + stack, name
        assert row.floor_ratio is not None and row.floor_page_ratio is not None
    assert rows["Signed-in empty page"].page_timing.queries == 2  # the session, then the user
    assert "no admin for returns" in rows["Area performance pack"].notes
    printed = table(list(rows.values()))
    assert "| ÷ floor | floor page ms | ÷ floor page |" in printed


def test_the_floor_page_is_the_bare_floor_served_through_the_stack(national):
    from partnerships.models import Partnership, User

    partnership = Partnership.objects.order_by("pk").first()
    floor = Floor(
        "Plans", "SELECT name, slug FROM partnerships_partnership WHERE id = %s ORDER BY name", [partnership.pk]
    )
    client = signed_in(User.objects.get(username=f"officer.{partnership.slug}"))
    with override_settings(ROOT_URLCONF="bench.urls"):
        served = client.get(floor_url("test-floor", floor))
        empty = client.get("/bench/empty/")
        anonymous = client.__class__().get(floor_url("test-floor", floor))
        public = client.__class__().get(floor_url("test-floor", floor, public=True))
    assert served.status_code == 200 and served.content == floor().content
    assert partnership.name.encode() in served.content
    assert "Content-Security-Policy" in served.headers  # the stack's headers, which the bare floor has not
    assert empty.status_code == 200 and empty.content.decode() == EMPTY
    assert anonymous.status_code == 302  # sign-in required, as on every page of the product
    assert public.status_code == 200 and public.content == floor().content


def test_the_bench_urlconf_is_never_a_servers():
    assert settings.ROOT_URLCONF == "config.urls"
    for module in (ROOT / "config").rglob("*.py"):
        assert "bench.urls" not in module.read_text(), module


def test_the_due_returns_are_reported_once_through_the_service(national):
    from grants.figures.packs import area_pack
    from grants.models import PerformanceReturn, ReturnStep
    from partnerships.models import ForceArea

    returns_set_up()
    returns = PerformanceReturn.objects.filter(project__isnull=False)
    assert returns.exists() and not returns.exclude(spend_in_period=None).exists()
    last_due = max(returns.values_list("period__due_on", flat=True))
    after_all = last_due + datetime.timedelta(days=1)
    assert returns_reported(today=after_all) == returns.count()
    assert returns_reported(today=after_all) == 0  # a saved return is left alone
    assert not returns.filter(spend_in_period=None).exists()
    assert ReturnStep.objects.filter(action="save").count() == returns.count()  # the service's own trail
    first = returns.select_related("period__award").first()
    pack = area_pack(
        force_area=ForceArea.objects.get(partnerships__awards=first.period.award),
        financial_year=first.period.award.financial_year,
        number=first.period.number,
    )
    assert pack.partnerships and sum(p.spend.in_period for p in pack.partnerships) > Decimal(0)


def test_the_admin_equivalent_opens_every_changelist_page_that_holds_the_rows(national, monkeypatch):
    """The national 360Giving file holds every grant; the admin lists 100 a page, so showing the same rows there
    is opening each page in turn, and the admin's time is theirs together."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.run import AdminPages, changelist_pages
    from grants.admin.plans import GrantAwardAdmin
    from grants.models import GrantAward
    from partnerships.models import User

    per_page = GrantAwardAdmin.list_per_page
    assert [changelist_pages(n) for n in (0, 1, per_page, per_page + 1, 30 * per_page)] == [1, 1, 1, 2, 30]
    monkeypatch.setattr(GrantAwardAdmin, "list_per_page", 2)  # several pages at the CI size
    admin = signed_in(User.objects.get(username="admin"))
    url = "/admin/grants/grantaward/?status__exact=made"
    pages = changelist_pages(GrantAward.objects.filter(status=GrantAward.Status.MADE).count())
    assert pages > 1
    with CaptureQueriesContext(connection) as one:
        assert AdminPages(admin, url, 1)().status_code == 200
    with CaptureQueriesContext(connection) as every:
        assert AdminPages(admin, url, pages)().status_code == 200
    opened = [q["sql"] for q in every.captured_queries if "django_session" in q["sql"]]
    assert len(opened) == pages and len(every) == pages * len(one)  # each page in turn
    assert AdminPages(admin, url, pages + 1)().status_code == 302  # past the last page: the admin's error answers
