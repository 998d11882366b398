"""The home page's returns lists are cut at HOME_LIMIT rows in SQL, whatever the size of the area: a load test
found an OPCC home page listing 56,000 late returns (13.7 s). The rest are counted, and the OPCC's reporting
page lists every late return a page at a time."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.models import PerformanceReturn
from grants.services import returns as service
from grants.services.reminders import late_returns

pytestmark = pytest.mark.django_db

AFTER_THE_YEAR = dt.date(2021, 6, 1)  # every one of the plan's 24 returns (6 projects x 4 quarters) is late


@pytest.fixture
def all_late(approved_plan):
    service.returns_set_up(award=approved_plan.award)
    assert PerformanceReturn.objects.filter(period__award=approved_plan.award).count() == 24
    return approved_plan


def test_the_late_rule_in_sql_is_the_late_rule_of_one_return(all_late):
    for on in (dt.date(2020, 7, 28), dt.date(2020, 7, 29), dt.date(2020, 11, 1), AFTER_THE_YEAR):
        in_sql = set(PerformanceReturn.objects.late(on).values_list("pk", flat=True))
        one_by_one = {r.pk for r in PerformanceReturn.objects.all() if r.is_late(on)}
        assert in_sql == one_by_one
    assert PerformanceReturn.objects.late(dt.date(2020, 7, 28)).count() == 0  # due that day: not yet late
    assert PerformanceReturn.objects.late(dt.date(2020, 7, 29)).count() == 6


def test_each_home_list_holds_at_most_ten_rows_and_counts_the_rest(all_late, demo_user):
    for person in ("officer.plymouth", "opcc.devon"):
        work = service.returns_work(demo_user(person), on=AFTER_THE_YEAR)
        assert len(work.late) == service.HOME_LIMIT and work.late_total == 24
        due = [r.period.due_on for r in work.late]
        assert due == sorted(due) and due[0] == dt.date(2020, 7, 28)  # most overdue first
    opcc = service.returns_work(demo_user("opcc.devon"), on=AFTER_THE_YEAR)
    assert opcc.reporting_area.slug == all_late.partnership.force_area.slug
    assert service.returns_work(demo_user("officer.plymouth"), on=AFTER_THE_YEAR).reporting_area is None


def test_home_work_costs_the_same_queries_for_6_and_24_late_returns(all_late, demo_user):
    counts = []
    for on in (dt.date(2020, 7, 29), AFTER_THE_YEAR):  # 6 late, then 24
        opcc = demo_user("opcc.devon")  # loaded afresh, as for each request: its roles are read once per request
        with CaptureQueriesContext(connection) as queries:
            work = service.returns_work(opcc, on=on)
        counts.append(len(queries))
        assert work.late_total in (6, 24)
    assert counts[0] == counts[1]


def test_the_home_page_says_how_many_more_and_links_to_every_late_return(client, all_late, demo_user, monkeypatch):
    monkeypatch.setattr(service, "today", lambda: AFTER_THE_YEAR)
    client.force_login(demo_user("opcc.devon"))
    page = client.get(reverse("home")).content.decode()
    assert "The 10 most overdue of 24 late returns." in page
    assert reverse("grants:reporting-rules", kwargs={"area": all_late.partnership.force_area.slug}) in page
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(reverse("home")).content.decode()
    assert "The 10 most overdue of 24 late returns." in page and "See every late return" not in page


def test_the_reporting_page_lists_every_late_return_a_page_at_a_time(client, all_late, demo_user, monkeypatch):
    from grants.views.returns import ReportingRulesView

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: AFTER_THE_YEAR)
    monkeypatch.setattr(ReportingRulesView, "LATE_PER_PAGE", 20)
    assert late_returns(force_area=all_late.partnership.force_area).count() == 24
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:reporting-rules", kwargs={"area": all_late.partnership.force_area.slug})
    first = client.get(url).content.decode()
    late_rows = first.split('id="late-returns"')[1].split("</table>")[0]
    assert late_rows.count('href="/returns/') == 20 and "Pages of late returns" in first and "1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.split('id="late-returns"')[1].split("</table>")[0].count('href="/returns/') == 4
    assert "2 of 2" in second
