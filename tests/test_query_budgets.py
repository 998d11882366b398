"""Query budgets (issue 13): each key page costs the same number of queries whatever the size of what it shows,
a plan of 5 lines or of 60, a force area of 3 CSPs or of 30, an export of a few grants or of many. A page whose
count grows with its rows has an N+1: at national size (bench/generate.py) that is thousands of queries.

The data comes from the benchmark's own generator (a force area of 30 CSPs and one of 3, two years, plans of 5
lines and one of 60), written once for this module inside a transaction that is rolled back at its end.
Timings are measured by bench/run.py, never asserted here."""

from __future__ import annotations

import datetime
import os
import re
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.generate import LONGEST_PLAN, generate
from grants.models import SpendingPlan
from partnerships.models import ForceArea, User

# What making each page costs: never handed out kept (grants/kept_pages.py; tests/grants/test_kept_pages.py holds
# the kept pages' own count flat).
pytestmark = pytest.mark.usefixtures("pages_made_afresh")

TODAY = datetime.date(2026, 11, 27)
YEAR, LAST_YEAR = "2026/27", "2025/26"


@pytest.fixture(scope="module")
def national(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            generate(scale=0.01, year_count=2, csps_per_area=[30, 3], lines=(5, 5), today=TODAY, log=lambda _: None)
            big, small = ForceArea.objects.order_by("pk")
            plans = SpendingPlan.objects.filter(award__partnership__force_area=big)
            first = big.partnerships.order_by("pk")[0]
            # Another CSP of the area whose plan this year is a draft (of 5 lines, like all but the longest).
            second = plans.filter(status="draft", award__financial_year=YEAR).exclude(award__partnership=first)
            second = second.order_by("pk")[0].award.partnership
            yield {
                "big": big,
                "small": small,
                "long_draft": plans.get(award__partnership=first, award__financial_year=YEAR),
                "short_approved": plans.get(award__partnership=first, award__financial_year=LAST_YEAR),
                "short_draft": plans.get(award__partnership=second, award__financial_year=YEAR),
                "first": first,
                "second": second,
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def user(username: str) -> User:
    return User.objects.get(username=username)


def count(client, url: str, *, status: int = 200) -> int:
    """Queries one request makes, its response read in full (streamed ones too)."""
    client.get(url)  # a first request warms per-process caches (content types, the site's settings)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
    assert response.status_code == status, url
    if os.environ.get("SHOW_QUERIES"):  # while hunting an N+1: the queries by shape, most repeated first
        shapes = Counter(re.sub(r"\b\d+\b", "N", q["sql"])[:300] for q in queries.captured_queries)
        print(f"\n== {url}: {len(queries)}")
        for sql, times in shapes.most_common(int(os.environ["SHOW_QUERIES"])):
            print(f"{times:4}  {sql}")
    return len(queries)


def signed_in(client, username: str):
    client.force_login(user(username))
    return client


@pytest.fixture
def data(national, db):
    assert national["long_draft"].projects.count() == LONGEST_PLAN
    assert national["short_draft"].projects.count() == 5
    return national


def test_plan_page_costs_the_same_for_5_and_60_lines(client, data):
    signed_in(client, f"opcc.{data['big'].slug}")
    long = count(client, reverse("grants:plan-detail", args=[data["long_draft"].pk]))
    short = count(client, reverse("grants:plan-detail", args=[data["short_draft"].pk]))
    assert long == short


def test_editor_hub_costs_the_same_for_5_and_60_lines(client, data):
    signed_in(client, f"officer.{data['first'].slug}")
    long = count(client, reverse("grants:plan-edit", args=[data["long_draft"].pk]))
    signed_in(client, f"officer.{data['second'].slug}")
    short = count(client, reverse("grants:plan-edit", args=[data["short_draft"].pk]))
    assert long == short


def test_board_paper_costs_the_same_for_5_and_60_lines(client, data):
    """The Word file: the PDF is built from the same data (and a 60-line PDF takes seconds to lay out)."""
    signed_in(client, f"officer.{data['first'].slug}")
    long = count(client, reverse("grants:plan-download", args=[data["long_draft"].pk, "board-paper", "docx"]))
    signed_in(client, f"officer.{data['second'].slug}")
    short = count(client, reverse("grants:plan-download", args=[data["short_draft"].pk, "board-paper", "docx"]))
    assert long == short


def test_admin_plan_page_costs_the_same_for_5_and_60_lines(client, data):
    signed_in(client, "admin")
    long = count(client, f"/admin/grants/spendingplan/{data['long_draft'].pk}/change/")
    short = count(client, f"/admin/grants/spendingplan/{data['short_draft'].pk}/change/")
    assert long == short


@pytest.mark.parametrize("kind", ["opcc", "pcc", "treasurer"])
def test_force_area_home_costs_the_same_for_3_and_30_csps(client, data, kind):
    signed_in(client, f"{kind}.{data['big'].slug}")
    big = count(client, "/")
    signed_in(client, f"{kind}.{data['small'].slug}")
    small = count(client, "/")
    assert big == small


def test_partnership_homes_cost_the_same(client, data):
    """The officer of the CSP with the 60-line plan and the officer of one with 5 lines; a board member."""
    counts = [
        count(signed_in(client, f"{kind}.{partnership.slug}"), "/")
        for kind in ("officer", "board")
        for partnership in (data["first"], data["second"])
    ]
    assert counts[0] == counts[1] and counts[2] == counts[3]


@pytest.mark.parametrize(
    "url_of",
    [
        lambda area: reverse("grants:oversight-dashboard", args=[area.slug]) + f"?year={YEAR}",
        lambda area: reverse("grants:panel-report", args=[area.slug, YEAR]),
        lambda area: reverse("grants:panel-report", args=[area.slug, YEAR]) + "?format=pdf",
        lambda area: reverse("grants:reports", args=[area.slug]),
        lambda area: reverse("grants:threesixty", args=[area.slug, "json"]),
        lambda area: reverse("grants:threesixty", args=[area.slug, "csv"]),
    ],
    ids=["dashboard-and-alignment", "panel-report", "panel-report-pdf", "reports", "360giving-json", "360giving-csv"],
)
def test_force_area_pages_cost_the_same_for_3_and_30_csps(client, data, url_of):
    signed_in(client, f"opcc.{data['big'].slug}")
    big = count(client, url_of(data["big"]))
    signed_in(client, f"opcc.{data['small'].slug}")
    small = count(client, url_of(data["small"]))
    assert big == small


def test_national_360giving_streams_with_a_query_count_flat_in_the_number_of_grants(client, data):
    """Twelve more published grants, each with a plan in force of two lines, cost no query more."""
    import json

    from grants.models import FundedProject
    from tests.factories.grants import FundedProjectFactory, GrantAwardFactory, SpendingPlanFactory

    url = reverse("grants:published-360-all")

    def grants() -> int:
        return len(json.loads(b"".join(client.get(url).streaming_content))["grants"])

    before, published = count(client, url), grants()
    for _ in range(12):
        award = GrantAwardFactory(financial_year=LAST_YEAR, awarded_on=datetime.date(2025, 3, 1))
        plan = SpendingPlanFactory(award=award)
        FundedProjectFactory.create_batch(2, plan=plan)
        SpendingPlan.objects.filter(pk=plan.pk).update(status="approved")
    assert count(client, url) == before
    assert grants() == published + 12
    assert FundedProject.objects.filter(plan__award__financial_year=LAST_YEAR).exists()


def test_reports_page_costs_the_same_whatever_its_releases_and_grants(client, data):
    """The 360Giving files' quality checks are read from the kept files (`checked_releases`): twelve more grants,
    and a second funder body (a mayor) that made some of them (two files), cost no query more once the files are
    kept (the first request of `count` has them made by the immediate task backend)."""
    from grants.models import FundingStream, RenderedDocument
    from grants.services.threesixty import release_heads
    from partnerships.services import funder_body_change
    from tests.factories.grants import GrantAwardFactory
    from tests.factories.partnerships import PartnershipFactory

    area = data["big"]
    url = reverse("grants:reports", args=[area.slug])
    signed_in(client, f"opcc.{area.slug}")
    before = count(client, url)
    assert len(release_heads(force_area=area)) == 1
    grants = sum(r.grant_count for r in release_heads(force_area=area))
    funder_body_change(force_area=area, starts_on=datetime.date(2025, 11, 1), kind="mayor", name="Mayor of the area")
    stream = FundingStream.objects.filter(force_area=area).order_by("pk")[0]
    for _ in range(12):
        partnership = PartnershipFactory(force_area=area)
        GrantAwardFactory(partnership=partnership, funding_stream=stream, financial_year=LAST_YEAR,
                          awarded_on=datetime.date(2025, 12, 1), amount=1000)  # fmt: skip
    assert count(client, url) == before
    heads = release_heads(force_area=area)
    assert len(heads) == 2 and sum(r.grant_count for r in heads) == grants + 12
    kept = RenderedDocument.objects.filter(kind="360giving", format="json", status="ready")
    assert sorted(kept.values_list("subject", flat=True)) == sorted(f"area:{area.pk}:{r.key}" for r in heads)


def test_the_apps_connections_run_without_jit(db):
    """JIT compilation cost more than the queries it was meant to speed up (config/settings/base.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_opcc_home_lists_the_plans_a_page_at_a_time(client, data):
    """30 CSPs over two years: 60 plans, 40 on the first page and 20 on the second, newest year first."""
    signed_in(client, f"opcc.{data['big'].slug}")
    first = client.get("/").content.decode()
    assert "Spending plans you can see (1 to 40 of 60)" in first
    assert first.count('id="plans-') == 40 and 'href="?page=2#plans" rel="next"' in first
    second = client.get("/?page=2").content.decode()
    assert "Spending plans you can see (41 to 60 of 60)" in second
    assert second.count('id="plans-') == 20 and 'href="?page=1#plans" rel="prev"' in second
    assert client.get("/?page=99").content.decode().count('id="plans-') == 20  # past the end: the last page
