"""The returns pages only read (issue 13): a plan's returns page, its performance pack and the page of an award made
directly to an organisation used to run `returns_set_up` on every GET, a transaction and five or so queries to find
nothing to write. Returns are made when the plan is approved and by the nightly reminder job; the pages now ask
`returns_ready` one question and write only when something is missing (the safety net stays: a line added to the
plan in force without its returns, a direct award whose periods were never made). `returns_ready` and
`returns_set_up` answer "what is missing" by the same rule, so after the one the other finds nothing."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import FundingStream, PerformanceReturn, ReportingPeriod
from grants.models import GrantAward as GrantAwardModel
from grants.services import returns as service
from grants.services.variations import plan_vary
from tests import factories as f
from tests.workflow import drive

# What making each page does: never handed out kept (grants/kept_pages.py), whose own bookkeeping is savepoints.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_made_afresh")]
AREA = "devon-and-cornwall"


def writes_of_a_get(client, url: str) -> list[str]:
    """Every statement but a SELECT that one GET of `url` issues (a SAVEPOINT too), after a first GET."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries.captured_queries if not q["sql"].lstrip().upper().startswith("SELECT")]


@pytest.fixture
def officer_client(client, demo_user):
    client.force_login(demo_user("officer.plymouth"))
    return client


@pytest.fixture
def direct_award(demo):
    return f.GrantAwardFactory(
        partnership=None,
        organisation=f.OrganisationFactory(name="Trevi House"),
        funding_stream=FundingStream.objects.filter(force_area__slug=AREA).first(),
        amount=D("40000.00"),
    )


def returns_url(plan) -> str:
    return reverse("grants:returns", args=[plan.award_id])


def pack_url(plan, number: int = 1) -> str:
    return reverse("grants:performance-pack", args=[plan.award_id, number])


def award_url(award) -> str:
    return reverse("grants:award", kwargs={"area": AREA, "pk": award.pk})


def lines_returned(award) -> set:
    return set(PerformanceReturn.objects.filter(period__award=award).values_list("period__number", "line_id"))


# --- once set up, the pages only read -------------------------------------------------------------------------------


def test_the_returns_page_of_an_approved_plan_only_reads(officer_client, approved_plan):
    assert service.returns_ready(award=approved_plan.award)  # approval set them up
    assert writes_of_a_get(officer_client, returns_url(approved_plan)) == []


def test_the_performance_pack_only_reads(officer_client, approved_plan):
    assert writes_of_a_get(officer_client, pack_url(approved_plan)) == []


def test_the_page_of_a_direct_award_only_reads(client, demo_user, direct_award):
    opcc = demo_user("opcc.devon")
    client.force_login(opcc)
    assert writes_of_a_get(client, award_url(direct_award)) == []  # no returns asked for
    service.award_reporting_set(award=direct_award, by=opcc, months=3)
    assert writes_of_a_get(client, award_url(direct_award)) == []


def test_ready_asks_one_query_and_writes_nothing(approved_plan, direct_award, demo_user, django_assert_num_queries):
    award = approved_plan.award
    with django_assert_num_queries(1):
        assert service.returns_ready(award=award)
    with django_assert_num_queries(0):  # no returns asked for: known from the award itself
        assert service.returns_ready(award=direct_award)
    service.award_reporting_set(award=direct_award, by=demo_user("opcc.devon"), months=3)
    direct_award.refresh_from_db()
    with django_assert_num_queries(1):
        assert service.returns_ready(award=direct_award)


def test_a_plan_not_yet_approved_has_nothing_missing(plymouth_plan, django_assert_num_queries):
    award = plymouth_plan.award
    with django_assert_num_queries(1):
        assert service.returns_ready(award=award)
    assert not ReportingPeriod.objects.filter(award=plymouth_plan.award).exists()


# --- the safety net: what is missing is still set up -----------------------------------------------------------------


@pytest.fixture
def new_line_unreturned(approved_plan, demo_user):
    """A variation that adds a line, approved; then the new line's returns taken away, as if its approval had not
    set them up (approved before the rule, or its set-up failed): the pages' safety net must make them."""
    variation, _ = plan_vary(plan=approved_plan, by=demo_user("officer.plymouth"))
    added = f.FundedProjectFactory(plan=variation, number=99, title="Street pastors", amount_allocated=D("1.00"))
    drive(variation, demo_user)
    assert variation.status == "approved"
    assert PerformanceReturn.objects.filter(line_id=added.line_id).exists()  # approval set them up
    PerformanceReturn.objects.filter(line_id=added.line_id).delete()
    return added


def test_a_line_without_its_returns_gets_them_when_a_page_is_opened(officer_client, approved_plan, new_line_unreturned):
    award, added = approved_plan.award, new_line_unreturned
    before = lines_returned(award)
    assert before and all(line != added.line_id for _, line in before)
    page = officer_client.get(returns_url(approved_plan))
    assert page.status_code == 200 and "Street pastors" in page.content.decode()
    periods = award.reporting_periods.count()
    assert lines_returned(award) == before | {(n, added.line_id) for n in range(1, periods + 1)}
    assert service.returns_ready(award=award)  # the same rule: nothing more to make
    assert writes_of_a_get(officer_client, returns_url(approved_plan)) == []


def test_the_pack_sets_up_a_missing_return_before_it_is_read(officer_client, approved_plan, new_line_unreturned):
    assert officer_client.get(pack_url(approved_plan)).status_code == 200
    assert PerformanceReturn.objects.filter(
        period__award=approved_plan.award, line_id=new_line_unreturned.line_id
    ).exists()


def test_an_approved_plan_whose_periods_were_never_made_gets_them(officer_client, approved_plan):
    award = approved_plan.award
    expected = lines_returned(award)
    award.reporting_periods.all().delete()  # and their returns with them
    assert not service.returns_ready(award=award)  # it was missing: set up now
    assert lines_returned(award) == expected
    award.reporting_periods.all().delete()
    assert officer_client.get(returns_url(approved_plan)).status_code == 200
    assert lines_returned(award) == expected


def test_a_direct_award_whose_periods_were_never_made_gets_them_on_its_page(client, demo_user, direct_award):
    GrantAwardModel.objects.filter(pk=direct_award.pk).update(reports_every_months=3)  # asked, never set up
    client.force_login(demo_user("opcc.devon"))
    page = client.get(award_url(direct_award)).content.decode()
    assert "Q1 (April to June 2020)" in page
    returns = PerformanceReturn.objects.filter(period__award=direct_award)
    assert sorted(returns.values_list("period__number", flat=True)) == [1, 2, 3, 4]
    assert all(r.project_id is None and r.line_id is None for r in returns)
    assert writes_of_a_get(client, award_url(direct_award)) == []


def test_a_direct_award_period_without_its_return_gets_it(direct_award, demo_user):
    service.award_reporting_set(award=direct_award, by=demo_user("opcc.devon"), months=3)
    PerformanceReturn.objects.filter(period__award=direct_award, period__number=2).delete()
    direct_award.refresh_from_db()
    assert not service.returns_ready(award=direct_award)
    assert PerformanceReturn.objects.filter(period__award=direct_award).count() == 4
    assert service.returns_ready(award=direct_award)


def test_a_withdrawn_direct_award_is_not_set_up(direct_award, django_assert_num_queries):
    GrantAwardModel.objects.filter(pk=direct_award.pk).update(reports_every_months=3)
    direct_award.refresh_from_db()
    direct_award.withdrawn_at = timezone.now()
    with django_assert_num_queries(0):
        assert service.returns_ready(award=direct_award)
    assert service.returns_set_up(award=direct_award) == []


def test_a_kept_returns_page_still_sets_up_what_goes_missing(officer_client, approved_plan, settings):
    """Kept (grants/kept_pages.py), the page is handed out while `returns_ready`'s query answers the same: a
    return taken away changes that answer, so the page is made again and sets it up."""
    settings.KEPT_PAGES = True
    award, url = approved_plan.award, returns_url(approved_plan)
    for _ in range(3):  # the CSRF cookie, the page remembered, then made and kept
        officer_client.get(url)
    assert officer_client.get(url).kept
    before = lines_returned(award)
    line = PerformanceReturn.objects.filter(period__award=award).first().line_id
    PerformanceReturn.objects.filter(line_id=line).delete()
    page = officer_client.get(url)
    assert page.status_code == 200 and not getattr(page, "kept", False)
    assert lines_returned(award) == before
