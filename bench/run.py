"""Times the key pages on the national data set (`bench/generate.py`) and compares each with its floor and with
the Django admin showing the same rows (issue 13).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.run [--repeat 20]

Each page is requested through Django's test client, in this process, with production-like settings (DEBUG off,
the same middleware, templates, database options and cache as production; bench/settings.py), signed in as the
person who would open it. Server time is the time `Client.get` takes, the response's content read in full
(streamed responses included): no network, no browser. After three warm-up requests (`measure`), `--repeat`
requests give the median and the 95th percentile; one more, inside `CaptureQueriesContext`, gives the query count
(it is not timed: capturing queries costs time of its own). "CPU ms" is the median CPU time of this process over
the same requests: the app server's own work, without the time spent waiting for PostgreSQL or for a core on a
loaded machine, so it is the steadier figure to compare between runs.

Beside each page:
- **the floor** (issue 13's definition, "÷ floor"): one hand-written SQL query fetching the same rows and a
  minimal template printing them, called directly, with no request: the least any page showing them could cost.
  "÷ floor" is the issue's target (every key page within 3× of it), and it stays in the table;
- **the floor page** ("÷ floor page"): the same floor served as a page, through the test client and Django's
  whole request stack (session, signed-in user, refused-request recorder, two-factor check, CSRF, messages,
  CSP and other security headers, history), signed in as the page's own person, from a URLconf of the benchmark
  only (bench/urls.py, used through `override_settings` around those requests, never by a server). Every real
  page pays that stack, so "÷ floor page" says how far a page is from the least a *served* page showing the same
  rows could cost, and "÷ floor" how far it is from the rows alone; the gap between the two is the stack;
- **the admin**: the Django admin changelist (or change page) that shows the same rows, the page an
  administrator would otherwise use (the returns pages have none: the admin registers no returns). Where the rows
  fill more than one changelist page (the 360Giving files: the admin lists 100 grants a page and shows at most 200
  at once), the admin's time is that of opening every page that holds them, one after another (`AdminPages`).

The first row, "Signed-in empty page", is the request stack alone for a signed-in CSP officer: a view with no
query and no template of its own (bench/urls.py), its queries those of the stack (the session and the user).

Returns are set up first for this year's approved grants, as approval does (bench/load.py's set-up; it adds only
what is missing), and those already due are filled in through the returns service (`returns_reported`), so the
returns page, the CSP's performance pack, the OPCC's reporting page and its pack across the area's CSPs show
what they would in life. The first run on a data set writes them; later runs write nothing.

Prints a table (Markdown, for docs/performance.md) and writes bench/results.json. Timings are noisy on a shared
machine: compare ratios measured in one run, never figures from different runs.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent


@dataclass
class Timing:
    median_ms: float
    p95_ms: float
    queries: int
    bytes: int
    status: int
    cpu_ms: float = 0.0  # this process's CPU time, median: what the app server spends, whatever the machine's load


@dataclass
class Row:
    page: str
    url: str
    who: str
    page_timing: Timing | None = None
    floor: Timing | None = None
    admin: Timing | None = None
    floor_page: Timing | None = None  # the same floor served as a page through the request stack (bench/urls.py)
    admin_url: str = ""
    peak_mib: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def floor_ratio(self) -> float | None:
        if self.page_timing and self.floor and self.floor.median_ms:
            return self.page_timing.median_ms / self.floor.median_ms
        return None

    @property
    def floor_page_ratio(self) -> float | None:
        if self.page_timing and self.floor_page and self.floor_page.median_ms:
            return self.page_timing.median_ms / self.floor_page.median_ms
        return None

    @property
    def admin_ratio(self) -> float | None:
        if self.page_timing and self.admin and self.admin.median_ms:
            return self.page_timing.median_ms / self.admin.median_ms
        return None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with `fraction` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-int(len(ordered) * fraction * 1000) // 1000))
    return ordered[min(len(ordered), rank) - 1]


def _read(response) -> int:
    if getattr(response, "streaming", False):
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure(call, repeat: int) -> Timing:
    """`call()` returns a response; timed `repeat` times after the warm-up, then once more counting queries.

    The warm-up is three requests: the first sets the CSRF cookie, the second is remembered and the third makes
    and keeps the page (grants/kept_pages.py keeps a page from the second time a person opens it), so the timed
    requests are the page as someone who comes back to it gets it. What making it costs is measured by the same
    run with `KEPT_PAGES=0` (docs/performance.md shows both)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        response = call()
    size = _read(response)
    times, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = call()
        _read(response)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        _read(call())
    return Timing(
        round(statistics.median(times), 1),
        round(percentile(times, 0.95), 1),
        len(queries),
        size,
        response.status_code,
        round(statistics.median(cpu), 1),
    )


def peak_memory(call) -> float:
    """Peak Python memory (MiB) allocated while the response is made and read (tracemalloc: slow, so separate)."""
    gc.collect()
    tracemalloc.start()
    try:
        _read(call())
        return round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    finally:
        tracemalloc.stop()


def profile(name: str, call, requests: int) -> None:
    """Where a page's time goes: `requests` requests under cProfile after one warm-up, the functions that take
    the most time of their own and the most time with what they call, printed to standard error."""
    import cProfile
    import pstats

    _read(call())
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        _read(call())
    profiler.disable()
    print(f"\n=== {name}: {requests} requests ===", file=sys.stderr)
    stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "60")))


class Floor:
    """One SQL query and a minimal template: the least a page showing these rows can cost."""

    TEMPLATE = (
        "<!doctype html><title>{{ title }}</title><table><caption>{{ title }}</caption>"
        "<tr>{% for c in columns %}<th scope=col>{{ c }}</th>{% endfor %}</tr>"
        "{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}</table>"
    )

    def __init__(self, title: str, sql: str, params: list, *more: tuple[str, list]):
        """`more`: further (sql, params) for a page that shows two sets of rows (the dashboard and its alignment)."""
        from django.template import Engine

        self.title, self.queries = title, [(sql, params), *more]
        self.template = Engine(autoescape=True).from_string(self.TEMPLATE)

    def __call__(self):
        from django.db import connection
        from django.http import HttpResponse
        from django.template import Context

        html = []
        for sql, params in self.queries:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                columns = [c.name for c in cursor.description]
                rows = cursor.fetchall()
            html.append(self.template.render(Context({"title": self.title, "columns": columns, "rows": rows})))
        return HttpResponse("".join(html))


PLAN_LINES_SQL = """
SELECT p.number, p.title, p.amount_allocated, o.name AS provider, p.contract_value,
       (SELECT string_agg(m.description || coalesce(' ' || m.target_comparison || ' ' || m.target_value, ''),
                          '; ' ORDER BY m.position) FROM grants_outcomemeasure m WHERE m.project_id = p.id) AS measures,
       (SELECT string_agg(s.label || ' ' || s.amount, '; ' ORDER BY s.label)
          FROM grants_subitem s WHERE s.project_id = p.id) AS sub_items,
       (SELECT string_agg(pr.number::text, ', ' ORDER BY pr.number) FROM grants_fundedproject_pcc_priorities pp
          JOIN priorities_priority pr ON pr.id = pp.priority_id WHERE pp.fundedproject_id = p.id) AS priorities
  FROM grants_fundedproject p LEFT JOIN partnerships_organisation o ON o.id = p.provider_id
 WHERE p.plan_id = %s ORDER BY p.number
"""
AREA_PLANS_SQL = """
SELECT c.name, a.amount, sp.status, sp.version,
       coalesce((SELECT sum(p.amount_allocated) FROM grants_fundedproject p WHERE p.plan_id = sp.id), 0) AS allocated,
       a.amount - coalesce((SELECT sum(p.amount_allocated) FROM grants_fundedproject p WHERE p.plan_id = sp.id), 0)
  FROM grants_grantaward a JOIN partnerships_partnership c ON c.id = a.partnership_id
  LEFT JOIN grants_spendingplan sp ON sp.award_id = a.id
 WHERE c.force_area_id = %s AND a.financial_year = %s ORDER BY c.name, sp.version
"""
ALIGNMENT_SQL = """
SELECT pr.number, pr.title, count(DISTINCT p.id), sum(p.amount_allocated)
  FROM grants_fundedproject p JOIN grants_spendingplan sp ON sp.id = p.plan_id
  JOIN grants_grantaward a ON a.id = sp.award_id JOIN partnerships_partnership c ON c.id = a.partnership_id
  JOIN grants_fundedproject_pcc_priorities pp ON pp.fundedproject_id = p.id
  JOIN priorities_priority pr ON pr.id = pp.priority_id
 WHERE c.force_area_id = %s AND a.financial_year = %s AND sp.status = 'approved'
 GROUP BY pr.number, pr.title ORDER BY pr.number
"""
PARTNERSHIP_PLANS_SQL = """
SELECT a.financial_year, a.amount, sp.status, sp.version,
       coalesce((SELECT sum(p.amount_allocated) FROM grants_fundedproject p WHERE p.plan_id = sp.id), 0) AS allocated
  FROM grants_grantaward a JOIN grants_spendingplan sp ON sp.award_id = a.id
 WHERE a.partnership_id = %s ORDER BY a.financial_year DESC, sp.version
"""
INBOX_SQL = """
SELECT c.name, a.financial_year, sp.status, sp.updated_at
  FROM grants_spendingplan sp JOIN grants_grantaward a ON a.id = sp.award_id
  JOIN partnerships_partnership c ON c.id = a.partnership_id
 WHERE c.force_area_id = %s AND sp.status IN ('board_approved', 'opcc_scrutiny')
 ORDER BY sp.updated_at
"""
PUBLISHED_SQL = """
SELECT a.id, c.name, a.financial_year, a.amount, a.awarded_on, a.purpose,
       (SELECT string_agg(p.number || '. ' || p.title, '; ' ORDER BY p.number) FROM grants_spendingplan sp
          JOIN grants_fundedproject p ON p.plan_id = sp.id
         WHERE sp.award_id = a.id AND sp.status = 'approved') AS projects
  FROM grants_grantaward a JOIN grants_fundingstream s ON s.id = a.funding_stream_id
  LEFT JOIN partnerships_partnership c ON c.id = a.partnership_id
 WHERE (%s::bigint IS NULL OR s.force_area_id = %s) AND a.status = 'made' AND a.amount > 0
 ORDER BY a.financial_year DESC, c.name
"""


RETURNS_SQL = """
SELECT rp.name, rp.due_on, p.number, p.title, r.spend_in_period, r.status
  FROM grants_performancereturn r JOIN grants_reportingperiod rp ON rp.id = r.period_id
  LEFT JOIN grants_fundedproject p ON p.id = r.project_id
 WHERE rp.award_id = %s ORDER BY rp.number, p.number
"""
PACK_SQL = """
SELECT p.number, p.title, p.amount_allocated, r.status, r.spend_in_period,
       (SELECT sum(r2.spend_in_period) FROM grants_performancereturn r2
          JOIN grants_reportingperiod rp2 ON rp2.id = r2.period_id
         WHERE rp2.award_id = rp.award_id AND rp2.number <= rp.number AND r2.line_id = r.line_id) AS year_to_date,
       (SELECT string_agg(m.description, '; ' ORDER BY m.position) FROM grants_outcomemeasure m
         WHERE m.project_id = p.id) AS measures
  FROM grants_performancereturn r JOIN grants_reportingperiod rp ON rp.id = r.period_id
  JOIN grants_fundedproject p ON p.id = r.project_id
 WHERE rp.award_id = %s AND rp.number = %s ORDER BY p.number
"""
AREA_PACK_SQL = """
SELECT c.name, count(*) FILTER (WHERE rp.number = %s) AS returns,
       count(*) FILTER (WHERE rp.number = %s AND r.status IN ('submitted', 'certified', 'accepted')) AS done,
       sum(p.amount_allocated) FILTER (WHERE rp.number = %s) AS allocated,
       sum(r.spend_in_period) FILTER (WHERE rp.number = %s) AS in_period, sum(r.spend_in_period) AS year_to_date
  FROM grants_performancereturn r JOIN grants_reportingperiod rp ON rp.id = r.period_id
  JOIN grants_grantaward a ON a.id = rp.award_id JOIN partnerships_partnership c ON c.id = a.partnership_id
  JOIN grants_fundedproject p ON p.id = r.project_id
 WHERE c.force_area_id = %s AND a.financial_year = %s AND a.withdrawn_at IS NULL AND rp.number <= %s
 GROUP BY c.name ORDER BY c.name
"""
AREA_PACK_PRIORITIES_SQL = """
SELECT pr.number, pr.title, count(*), sum(r.spend_in_period)
  FROM grants_performancereturn r JOIN grants_reportingperiod rp ON rp.id = r.period_id
  JOIN grants_grantaward a ON a.id = rp.award_id JOIN partnerships_partnership c ON c.id = a.partnership_id
  JOIN grants_fundedproject_pcc_priorities pp ON pp.fundedproject_id = r.project_id
  JOIN priorities_priority pr ON pr.id = pp.priority_id
 WHERE c.force_area_id = %s AND a.financial_year = %s AND a.withdrawn_at IS NULL AND rp.number = %s
 GROUP BY pr.number, pr.title ORDER BY pr.number
"""
LATE_SQL = """
SELECT c.name, rp.name, rp.due_on, p.number, p.title, r.status
  FROM grants_performancereturn r JOIN grants_reportingperiod rp ON rp.id = r.period_id
  JOIN grants_grantaward a ON a.id = rp.award_id JOIN partnerships_partnership c ON c.id = a.partnership_id
  LEFT JOIN grants_fundedproject p ON p.id = r.project_id
 WHERE c.force_area_id = %s AND rp.due_on < %s AND r.status IN ('not_started', 'in_progress')
 ORDER BY rp.due_on, c.name, p.number LIMIT 25
"""
RETURN_COUNTS_SQL = """
SELECT r.status, count(*)
  FROM grants_performancereturn r JOIN grants_reportingperiod rp ON rp.id = r.period_id
  JOIN grants_grantaward a ON a.id = rp.award_id JOIN partnerships_partnership c ON c.id = a.partnership_id
 WHERE c.force_area_id = %s GROUP BY r.status ORDER BY r.status
"""


def bench_urls(on: bool = True):
    """bench/urls.py as the URLconf for the requests made inside (the floor pages, the empty page), or nothing
    changed. Entered around a whole `measure` (warm-up included): changing the URLconf empties the resolver's
    cache, which the warm-up request fills again. The pages themselves are measured on the site's own URLconf."""
    from django.test import override_settings

    return override_settings(ROOT_URLCONF="bench.urls") if on else contextlib.nullcontext()


def set_up_returns() -> None:
    """Returns for this year's approved grants, as approval sets them up, so the returns pages and packs have some
    (bench/load.py's set-up, the same one; it only adds what is missing, so a second run writes nothing), and the
    figures of those already due (`returns_reported`)."""
    from bench.generate import statistics_gathered
    from bench.load import returns_set_up

    returns_set_up()
    if returns_reported():
        # The returns are new rows since the data set was analysed: without their statistics the planner took
        # the area's 3,200 open returns for 14 and joined them row by row (20 ms on the OPCC's home page).
        statistics_gathered()


def returns_reported(today=None) -> int:
    """Figures for this year's returns already due that nobody has started, entered as their CSP's officer would
    through the returns service's one writer (`return_save`): spend in the period near its share of the project's
    allocation, a forecast for each later period, and a figure for each outcome measure around its target (some
    met, some not), so the returns page has its spend table and the packs their spend and ratings. Seeded by the
    return, so every data set gets the same; a return already saved is left alone, so a second run writes nothing.
    Returns how many were saved."""
    import random
    from decimal import Decimal

    from django.utils import timezone

    from grants.models import OutcomeMeasure, PerformanceReturn, SpendingPlan
    from grants.services.returns import return_save
    from partnerships.models import User

    today = today or timezone.localdate()
    latest = SpendingPlan.objects.order_by("-award__financial_year").values_list("award__financial_year", flat=True)
    due = (
        PerformanceReturn.objects.filter(
            status=PerformanceReturn.Status.NOT_STARTED,
            spend_in_period__isnull=True,
            project__isnull=False,
            period__due_on__lt=today,
            period__award__financial_year=latest[:1],
        )
        .select_related("period__award__partnership", "project")
        .prefetch_related("project__outcome_measures", "period__award__reporting_periods")
        .order_by("pk")
    )
    officers: dict[int, User | None] = {}
    saved = 0
    for performance_return in due:
        partnership = performance_return.period.award.partnership
        if partnership.pk not in officers:
            officers[partnership.pk] = User.objects.filter(username=f"officer.{partnership.slug}").first()
        if officers[partnership.pk] is None:  # not the generator's data set
            continue
        rng = random.Random(performance_return.pk)
        periods = list(performance_return.period.award.reporting_periods.all())
        share = performance_return.project.amount_allocated / len(periods)
        results = {}
        for measure in performance_return.project.outcome_measures.all():
            value = (measure.target_value or Decimal(10)) * Decimal(str(round(rng.uniform(0.6, 1.3), 2)))
            if measure.target_unit == OutcomeMeasure.Unit.PERCENT:
                value = min(value, Decimal(100))
            results[measure.pk] = (value.quantize(Decimal("0.01")), "")
        return_save(
            performance_return=performance_return,
            by=officers[partnership.pk],
            spend_in_period=(share * Decimal(str(round(rng.uniform(0.5, 1.2), 2)))).quantize(Decimal("0.01")),
            forecasts={
                p.pk: share.quantize(Decimal("0.01")) for p in periods if p.number > performance_return.period.number
            },
            results=results,
        )
        saved += 1
    return saved


def signed_in(user):
    """A test client signed in as `user`, past two-factor sign-in, as `tests/conftest.py` does."""
    from django.test import Client

    from partnerships.accounts.policy import mark_session_data

    client = Client()
    client.force_login(user)
    session = client.session
    mark_session_data(session, user, second_factor=True)
    session.save()
    return client


def scenario():
    """What to open: the first force area (the largest, 30 CSPs at national scale) and the second (the smallest),
    the first CSP's longest plan (this year's, a draft: 60 lines) and shortest (last year's, approved: 5), and for
    the returns pages the first area's approved plan of this year with the most lines (returns are set up for this
    year's approved grants before the run: `set_up_returns`) with the area's latest period already due."""
    from django.db.models import Count
    from django.utils import timezone

    from grants.figures.packs import area_pack_periods
    from grants.models import ReportingPeriod, SpendingPlan
    from partnerships.models import ForceArea, User

    areas = list(ForceArea.objects.order_by("pk")[:2])
    big_area, small_area = areas[0], areas[1]
    plans = (
        SpendingPlan.objects.filter(award__partnership__force_area=big_area)
        .annotate(lines=Count("projects"))
        .select_related("award__partnership")
        .order_by("award__partnership_id", "-award__financial_year")
    )
    first = plans.first().award.partnership
    longest = max((p for p in plans if p.award.partnership_id == first.pk), key=lambda p: p.lines)
    shortest = min((p for p in plans if p.award.partnership_id == first.pk), key=lambda p: p.lines)
    year = longest.award.financial_year
    reporting = (
        SpendingPlan.objects.in_force()
        .filter(
            award__partnership__force_area=big_area,
            award__financial_year=year,
            award__in=ReportingPeriod.objects.filter(returns__isnull=False).values("award"),
        )
        .annotate(lines=Count("projects"))
        .select_related("award__partnership")
        .order_by("-lines", "pk")
        .first()
    )
    # The period the OPCC looks at now: the latest already due (its returns reported: `returns_reported`), or
    # before any is due the newest with returns.
    due = (
        ReportingPeriod.objects.filter(
            award__partnership__force_area=big_area,
            award__financial_year=year,
            due_on__lt=timezone.localdate(),
            returns__isnull=False,
        )
        .order_by("-number")
        .values_list("number", "name")
    )
    periods = list(due[:1]) or [(number, name) for y, number, name in area_pack_periods(big_area) if y == year]

    def user(kind, scope):
        return User.objects.get(username=f"{kind}.{scope.slug}")

    return {
        "big_area": big_area,
        "small_area": small_area,
        "partnership": first,
        "longest": longest,
        "shortest": shortest,
        "year": year,
        "reporting": reporting,  # None when no CSP of the area has an approved plan this year
        "period": periods[0] if periods else None,  # (number, name) of the area's newest period with returns
        "reporting_csps": ReportingPeriod.objects.filter(
            award__partnership__force_area=big_area, award__financial_year=year, returns__isnull=False
        )
        .values("award__partnership")
        .distinct()
        .count(),
        "officer": user("officer", first),
        "board": user("board", first),
        "opcc": user("opcc", big_area),
        "opcc_small": user("opcc", small_area),
        "pcc": user("pcc", big_area),
        "reporting_officer": user("officer", reporting.award.partnership) if reporting else None,
        "admin": User.objects.get(username="admin"),
        "plan_count": SpendingPlan.objects.count(),
    }


class Page(NamedTuple):
    name: str
    url: str
    who: str  # whose signed-in client opens it (a key of `scenario`), or "anonymous"
    repeat: int
    floor: Floor | None = None
    admin_url: str | None = None
    admin_pages: int = 1  # how many changelist pages hold the same rows (`AdminPages`)
    memory: bool = False  # measure peak memory too (exports)
    bench_urls: bool = False  # an address of bench/urls.py only (the empty page)
    notes: tuple[str, ...] = ()


class AdminPages:
    """The admin showing the same rows as a page, when they fill `pages` changelist pages: each page opened in
    turn (`?p=1` to `?p=pages`), as an administrator reading them all would. Answers the first page that was not
    a 200, else the last."""

    def __init__(self, client, url: str, pages: int):
        self.client, self.url, self.pages = client, url, pages

    def __call__(self):
        joiner = "&" if "?" in self.url else "?"
        response = None
        for number in range(1, self.pages + 1):
            response = self.client.get(self.url if self.pages == 1 else f"{self.url}{joiner}p={number}")
            if response.status_code != 200:
                return response
        return response


def changelist_pages(rows: int) -> int:
    """How many pages of the award changelist hold `rows` grants (GrantAwardAdmin's `list_per_page`)."""
    from grants.admin.plans import GrantAwardAdmin

    return max(1, -(-rows // GrantAwardAdmin.list_per_page))


EMPTY_PAGE = "Signed-in empty page (the request stack, no data)"


def pages(s, repeat: int):
    """Each page to time, with its floor and its admin equivalent where there is one."""
    from django.urls import reverse

    from grants.models import GrantAward

    area, small, year = s["big_area"], s["small_area"], s["year"]
    longest, shortest = s["longest"], s["shortest"]
    admin_plans = "/admin/grants/spendingplan/?award__partnership__force_area__id__exact={}&award__financial_year={}"
    admin_lines = "/admin/grants/fundedproject/?plan__id__exact={}"
    count_lines = {p.pk: p.lines for p in (longest, shortest)}
    slow = max(2, repeat // 5)  # PDFs and whole-area exports: seconds each
    yield Page(EMPTY_PAGE, "/bench/empty/", "officer", repeat, bench_urls=True)
    yield Page(
        f"Home, CSP officer ({s['partnership']})",
        "/",
        "officer",
        repeat,
        Floor("Plans", PARTNERSHIP_PLANS_SQL, [s["partnership"].pk]),
    )
    yield Page("Home, board member", "/", "board", repeat)
    yield Page(
        f"Home / inbox, OPCC officer ({area}, {area.partnerships.count()} CSPs)",
        "/",
        "opcc",
        repeat,
        Floor("Waiting", INBOX_SQL, [area.pk]),
        f"/admin/grants/spendingplan/?award__partnership__force_area__id__exact={area.pk}&status__exact=board_approved",
    )
    yield Page("Home / inbox, PCC", "/", "pcc", repeat)
    for plan in (shortest, longest):
        yield Page(
            f"Plan page, {count_lines[plan.pk]} lines",
            reverse("grants:plan-detail", args=[plan.pk]),
            "opcc",
            repeat,
            Floor("Plan", PLAN_LINES_SQL, [plan.pk]),
            admin_lines.format(plan.pk),
        )
    yield Page(
        f"Editor hub, {count_lines[longest.pk]} lines",
        reverse("grants:plan-edit", args=[longest.pk]),
        "officer",
        repeat,
        Floor("Plan", PLAN_LINES_SQL, [longest.pk]),
        admin_lines.format(longest.pk),
    )
    for which, who in ((area, "opcc"), (small, "opcc_small")):
        yield Page(
            f"Dashboard and alignment, {which.partnerships.count()} CSPs",
            reverse("grants:oversight-dashboard", args=[which.slug]) + f"?year={year}",
            who,
            repeat,
            Floor("Dashboard", AREA_PLANS_SQL, [which.pk, year], (ALIGNMENT_SQL, [which.pk, year])),
            admin_plans.format(which.pk, year),
        )
    panel = reverse("grants:panel-report", args=[area.slug, year])
    yield Page(
        f"Panel report page, {area.partnerships.count()} CSPs",
        panel,
        "opcc",
        repeat,
        Floor("Panel", AREA_PLANS_SQL, [area.pk, year]),
        admin_plans.format(area.pk, year),
    )
    yield Page(f"Panel report PDF, {area.partnerships.count()} CSPs", panel + "?format=pdf", "opcc", slow)
    yield Page(
        f"Board paper PDF, {count_lines[longest.pk]} lines",
        reverse("grants:plan-download", args=[longest.pk, "board-paper", "pdf"]),
        "officer",
        slow,
    )
    yield from returns_pages(s, repeat)
    made = GrantAward.objects.filter(status=GrantAward.Status.MADE)
    area_grants = made.filter(funding_stream__force_area=area).count()
    yield Page(
        f"360Giving JSON, one area ({area})",
        reverse("grants:threesixty", args=[area.slug, "json"]),
        "opcc",
        slow,
        Floor("Published", PUBLISHED_SQL, [area.pk, area.pk]),
        f"/admin/grants/grantaward/?funding_stream__force_area__id__exact={area.pk}&status__exact=made",
        admin_pages=changelist_pages(area_grants),
        memory=True,
        notes=_admin_pages_note(area_grants),
    )
    if "grants:published-360-all" in _url_names():
        all_grants = made.count()
        yield Page(
            f"360Giving JSON, everything ({s['plan_count']:,} plans)",
            reverse("grants:published-360-all"),
            "anonymous",
            max(2, repeat // 10),
            Floor("Published", PUBLISHED_SQL, [None, None]),
            "/admin/grants/grantaward/?status__exact=made",
            admin_pages=changelist_pages(all_grants),
            memory=True,
            notes=_admin_pages_note(all_grants),
        )
    yield Page(
        f"Admin plan change page, {count_lines[longest.pk]} lines",
        f"/admin/grants/spendingplan/{longest.pk}/change/",
        "admin",
        max(3, repeat // 4),
        Floor("Plan", PLAN_LINES_SQL, [longest.pk]),
    )


def _admin_pages_note(grants: int) -> tuple[str, ...]:
    pages = changelist_pages(grants)
    return (f"admin: {pages} changelist pages for {grants:,} grants",) if pages > 1 else ()


NO_RETURNS_ADMIN = "no admin for returns"


def returns_pages(s, repeat: int):
    """The monitoring pages: a CSP's returns page and performance pack (its officer), the OPCC's reporting page and
    its pack across the area's CSPs. The admin registers no returns, periods or reporting rules, so these pages
    have no admin equivalent."""
    from django.urls import reverse
    from django.utils import timezone

    area, year, plan = s["big_area"], s["year"], s["reporting"]
    yield Page(
        f"Reporting page, OPCC ({area})",
        reverse("grants:reporting-rules", args=[area.slug]),
        "opcc",
        repeat,
        Floor("Late", LATE_SQL, [area.pk, timezone.localdate()], (RETURN_COUNTS_SQL, [area.pk])),
        notes=(NO_RETURNS_ADMIN,),
    )
    if plan is None or s["period"] is None:
        return
    number, period = s["period"]
    lines = plan.lines
    yield Page(
        f"Returns page, {lines} lines ({plan.award.partnership}, {year})",
        reverse("grants:returns", args=[plan.award_id]),
        "reporting_officer",
        repeat,
        Floor("Returns", RETURNS_SQL, [plan.award_id]),
        notes=(NO_RETURNS_ADMIN,),
    )
    yield Page(
        f"Performance pack, {lines} lines, {period}",
        reverse("grants:performance-pack", args=[plan.award_id, number]),
        "reporting_officer",
        repeat,
        Floor("Pack", PACK_SQL, [plan.award_id, number]),
        notes=(NO_RETURNS_ADMIN,),
    )
    yield Page(
        f"Area performance pack, {s['reporting_csps']} of {area.partnerships.count()} CSPs reporting, {period}",
        reverse("grants:area-pack", args=[area.slug, year, number]),
        "opcc",
        repeat,
        Floor(
            "Area pack",
            AREA_PACK_SQL,
            [number, number, number, number, area.pk, year, number],
            (AREA_PACK_PRIORITIES_SQL, [area.pk, year, number]),
        ),
        notes=(NO_RETURNS_ADMIN,),
    )


def _url_names() -> set[str]:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse("grants:published-360-all")
    except NoReverseMatch:
        return set()
    return {"grants:published-360-all"}


def machine() -> str:
    cpus = os.cpu_count()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or "unknown CPU"
    try:
        memory = next(
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return f"{cpus} × {model}, {memory:,} MiB, {platform.system()} {platform.release()}, load {load:.1f} at start"


def _fmt(value: float | None, suffix: str = "") -> str:
    return "" if value is None else f"{value:,.1f}{suffix}"


def table(rows: list[Row]) -> str:
    lines = [
        "| page | median ms | p95 ms | CPU ms | queries | floor ms | ÷ floor | floor page ms | ÷ floor page "
        "| admin ms | ÷ admin | admin queries | notes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        t, f, fp, a = row.page_timing, row.floor, row.floor_page, row.admin
        notes = list(row.notes)
        if row.peak_mib is not None:
            notes.append(f"peak {row.peak_mib} MiB")
        lines.append(
            "| "
            + " | ".join(
                [
                    row.page,
                    _fmt(t.median_ms if t else None),
                    _fmt(t.p95_ms if t else None),
                    _fmt(t.cpu_ms if t else None),
                    str(t.queries) if t else "",
                    _fmt(f.median_ms if f else None),
                    _fmt(row.floor_ratio, "×"),
                    _fmt(fp.median_ms if fp else None),
                    _fmt(row.floor_page_ratio, "×"),
                    _fmt(a.median_ms if a else None),
                    _fmt(row.admin_ratio, "×"),
                    str(a.queries) if a else "",
                    "; ".join(notes),
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (PDFs and exports fewer)")
    parser.add_argument(
        "--only", default="", help="run only pages whose name contains this text (or one of several, comma-separated)"
    )
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="instead of timing, profile N requests of each page chosen (cProfile) and print where the time goes",
    )
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import logging
    import warnings

    import django

    django.setup()
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)  # the production's cache, in the database (bench/settings.py)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress messages, one per page laid out
    logging.getLogger("django.request").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic for a benchmark
    from django.conf import settings

    # Not `setup_test_environment()`: it makes every template render send a signal and the test client copy the
    # context at each one, for tests that read them; a page of many small templates (the admin's 60 inline rows)
    # cost a fifth more for it, which no server pays. The client needs only "testserver" allowed (set above).
    settings.DEBUG = False
    # Mail is not sent by page views; if one did, it would go nowhere.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    rows = collect(options.repeat, options.only, options.profile)
    if options.profile:
        return 0
    write(rows, options.repeat, options.out)
    return 0


def collect(repeat: int, only: str = "", profile_requests: int = 0, *, least: int = 5) -> list[Row]:
    """Times every page (or those whose name contains one of `only`'s comma-separated parts) with its floor, its
    floor page and its admin equivalent; or, with `profile_requests`, profiles them instead and returns nothing.
    The floors are timed at least `least` times, the admin pages at least 3 (or `least` if fewer): both are
    quick. Django must be set up (main does it; tests/bench runs it on the test database)."""
    from django.test import Client

    from bench.urls import floor_url

    set_up_returns()
    s = scenario()
    if s["longest"].status != "draft":  # bench/load.py moves plans along: the editor hub would answer 403
        print(
            f"  warning: the {s['longest'].lines}-line plan is {s['longest'].status}, not a draft: this data set has "
            "been changed (by bench/load.py?); generate it again for figures comparable with other runs",
            file=sys.stderr,
        )
    clients = {"anonymous": Client()}
    for who in ("officer", "board", "opcc", "opcc_small", "pcc", "reporting_officer", "admin"):
        if s[who] is not None:
            clients[who] = signed_in(s[who])
    started = time.monotonic()
    rows = []
    for index, page in enumerate(pages(s, repeat)):
        if only and not any(part.strip().lower() in page.name.lower() for part in only.split(",")):
            continue
        row = Row(page=page.name, url=page.url, who=page.who, admin_url=page.admin_url or "", notes=list(page.notes))
        client = clients[page.who]

        def get(client=client, url=page.url):
            return client.get(url)

        if profile_requests:
            with bench_urls(page.bench_urls):
                profile(page.name, get, profile_requests)
            continue
        if page.repeat:
            with bench_urls(page.bench_urls):
                row.page_timing = measure(get, page.repeat)
            if row.page_timing.status != 200:
                row.notes.append(f"HTTP {row.page_timing.status}")
        if page.floor is not None:
            row.floor = measure(page.floor, max(repeat, least))
            floor_path = floor_url(f"floor-{index}", page.floor, public=page.who == "anonymous")
            with bench_urls(True):
                row.floor_page = measure(lambda client=client, url=floor_path: client.get(url), max(repeat, least))
            if row.floor_page.status != 200:
                row.notes.append(f"floor page HTTP {row.floor_page.status}")
        if page.admin_url:
            admin_repeat = max(min(3, least), min(page.repeat, repeat))
            row.admin = measure(AdminPages(clients["admin"], page.admin_url, page.admin_pages), admin_repeat)
            if row.admin.status != 200:
                row.notes.append(f"admin HTTP {row.admin.status}")
        if page.memory:
            row.peak_mib = peak_memory(get)
        rows.append(row)
        print(f"  {time.monotonic() - started:6.1f} s  {page.name}", file=sys.stderr)
    return rows


def write(rows: list[Row], repeat: int, out: str) -> None:
    """bench/results.json (the machine, the versions, the data set and every row) and the table, printed."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    from grants.models import FundedProject, OutcomeMeasure, SpendingPlan
    from partnerships.models import ForceArea, Partnership

    data = {
        "ran_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": machine(),
        "python": platform.python_version(),
        "postgresql": server,
        "jit": jit,
        "repeat": repeat,
        "data_set": {
            "force areas": ForceArea.objects.count(),
            "partnerships": Partnership.objects.count(),
            "plans": SpendingPlan.objects.count(),
            "funded projects": FundedProject.objects.count(),
            "outcome measures": OutcomeMeasure.objects.count(),
        },
        "rows": [
            {
                **{k: v for k, v in asdict(row).items() if k not in ("page_timing",)},
                "timing": asdict(row.page_timing) if row.page_timing else None,
                "floor_ratio": row.floor_ratio,
                "floor_page_ratio": row.floor_page_ratio,
                "admin_ratio": row.admin_ratio,
            }
            for row in rows
        ],
    }
    Path(out).write_text(json.dumps(data, indent=2, default=str) + "\n")
    print(f"Machine: {data['machine']}; Python {data['python']}; PostgreSQL {server} (jit {jit})")
    print("Data set: " + ", ".join(f"{v:,} {k}" for k, v in data["data_set"].items()))
    print()
    print(table(rows))


if __name__ == "__main__":
    sys.exit(main())
