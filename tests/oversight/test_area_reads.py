"""The area pages' cheaper reads (issue 13) print what they printed, and never stale: the dashboard's rows drawn by
one tag against the template loop they replace, the alignment's one read of lines and local priorities after each
kind of change, the Panel report's money-only alignment, and the funder names read through the area's own object."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants.services.alignment import plans_alignment
from grants.services.oversight import force_area_overview
from grants.services.reports import panel_report
from grants.templatetags.oversight_tables import dashboard_rows
from priorities.models import LocalPriority
from tests.factories import (
    FundedProjectFactory,
    GrantAwardFactory,
    PartnershipFactory,
    SpendingPlanFactory,
    SubmissionDeadlineFactory,
)
from tests.workflow import drive

pytestmark = pytest.mark.django_db
D = Decimal

# The dashboard's row loop as the template printed it before `dashboard_rows` (templates/oversight/dashboard.html
# with grants/includes/plan_versions.html inlined, at 0570b32).
TEMPLATE_ROWS = (Path(__file__).parent / "dashboard_rows_0570b32.html").read_text()


def _squeezed(html: str) -> str:
    """Without the white space between and just inside tags, which a browser does not show."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def test_the_dashboard_rows_print_what_the_template_loop_printed(demo_user, plymouth_plan):
    area = plymouth_plan.partnership.force_area
    drive(plymouth_plan, demo_user)  # approved: in force
    # A newer version of Plymouth's plan awaiting approval, with more money: proposed figures and a signed change.
    variation = SpendingPlanFactory(award=plymouth_plan.award, version=2)
    FundedProjectFactory(plan=variation, amount_allocated=D("390000.00"))
    type(variation).objects.filter(pk=variation.pk).update(status="submitted")
    odd = PartnershipFactory(force_area=area, name='Safer <Torbay> & "Paignton"', slug="safer-torbay")
    torbay = GrantAwardFactory(partnership=odd, funding_stream=plymouth_plan.award.funding_stream, proposed=True)
    FundedProjectFactory(plan=SpendingPlanFactory(award=torbay), amount_allocated=D("60000.50"))  # a draft
    PartnershipFactory(force_area=area, name="Safer Cornwall")  # no award
    SubmissionDeadlineFactory(force_area=area, financial_year="2020/21", submit_by=datetime.date(2020, 3, 31))
    user = demo_user("opcc.devon")
    drawn = {}
    for status in ("", "none"):
        overview = force_area_overview(force_area=area, financial_year="2020/21", user=user, status=status)
        late_rows = {row.partnership.pk for row in overview.rows if overview.is_late(row)}
        assert status or late_rows == {odd.pk}  # the draft, past the deadline
        context = {"overview": overview, "late_rows": late_rows, "year": "2020/21"}
        expected = Template(TEMPLATE_ROWS).render(Context(context))
        drawn[status] = dashboard_rows(overview, late_rows, "2020/21")
        assert _squeezed(drawn[status]) == _squeezed(expected)
    assert "Safer &lt;Torbay&gt; &amp; &quot;Paignton&quot;" in drawn[""]
    assert "Version 2: <span" in drawn[""] and "(+£12,432.00)" in drawn[""]  # the variation, beside version 1
    assert "No partnerships match these filters." in drawn["none"]


def test_the_dashboard_shows_each_change_to_the_alignment_at_once(client, demo_user, plymouth_plan):
    """Written, then read on the page: a line's local priority, a high-level risk, a line's Police and Crime Plan
    priority and its amount."""
    drive(plymouth_plan, demo_user)
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:oversight-dashboard", kwargs={"area": "devon-and-cornwall"}) + "?year=2020/21"

    def page():
        return client.get(url).content.decode()

    def section(content, anchor):
        return content.split(f'id="{anchor}"')[1].split("<h2")[0]

    content = page()
    assert "#project-4" in section(content, "unaligned-lines")
    assert "Terrorist Incidents" in section(content, "unfunded-risks")
    line = plymouth_plan.projects.get(number=4)
    risk = LocalPriority.objects.get(title="Terrorist Incidents", assessment__partnership=plymouth_plan.partnership)
    # Approved versions are frozen to the product's writers; the pages must follow whatever is stored, so the
    # links are written straight to their tables.
    line.local_priorities.through.objects.bulk_create(
        [line.local_priorities.through(fundedproject=line, localpriority=risk)]
    )
    content = page()
    assert "#project-4" not in section(content, "unaligned-lines")
    assert "Terrorist Incidents" not in section(content, "unfunded-risks")
    # A new high-level risk with no project is listed.
    LocalPriority.objects.create(
        assessment=risk.assessment, position=99, title="Flooding of the Tamar", risk_level=LocalPriority.RiskLevel.HIGH
    )
    assert "Flooding of the Tamar" in section(page(), "unfunded-risks")
    # A line moved to one priority alone, then its amount changed: the priority table follows.
    pcp = plymouth_plan.police_and_crime_plan
    links = line.pcc_priorities.through.objects
    links.filter(fundedproject=line).delete()
    links.bulk_create([line.pcc_priorities.through(fundedproject=line, priority=pcp.priorities.get(number=5))])
    alignment = plans_alignment(plans=[plymouth_plan], police_and_crime_plan=pcp)
    fifth = next(r for r in alignment.by_priority if r.priority.number == 5)
    assert fifth.alone == line.amount_allocated
    type(line).objects.filter(pk=line.pk).update(amount_allocated=line.amount_allocated + D("1.00"))
    content = page()
    row = content.split('id="priority-5"')[1].split("</tr>")[0]
    assert f"£{fifth.alone + D('1.00'):,.2f}" in row


def test_the_panel_report_reads_the_money_by_priority_and_no_local_priorities(demo_user, plymouth_plan):
    drive(plymouth_plan, demo_user)
    area = plymouth_plan.partnership.force_area
    report = panel_report(force_area=area, financial_year="2020/21", user=demo_user("opcc.devon"))
    full = plans_alignment(plans=[plymouth_plan], police_and_crime_plan=plymouth_plan.police_and_crime_plan)
    assert [(r.priority.pk, r.alone, r.shared) for r in report.alignment.by_priority] == [
        (r.priority.pk, r.alone, r.shared) for r in full.by_priority
    ]
    assert [(c.label, c.amount, c.lines) for c in report.alignment.combinations] == [
        (c.label, c.amount, c.lines) for c in full.combinations
    ]
    assert report.alignment.reconciles
    with pytest.raises(ValueError, match="not read"):
        report.alignment.unfunded_risks  # noqa: B018 - reading it is the test
    with pytest.raises(ValueError, match="not read"):
        report.alignment.lines_without_local_priority  # noqa: B018


def test_a_renamed_funder_body_shows_on_the_area_pages_at_once(client, demo_user, plymouth_plan):
    area = plymouth_plan.partnership.force_area
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:oversight-dashboard", kwargs={"area": area.slug}) + "?year=2020/21"
    body = area.funder_bodies.first()
    assert body is not None
    body.name = "Devon and Cornwall Police, Fire and Crime Commissioner"
    body.save()
    table = client.get(url).content.decode().split('id="stream-money"')[1].split("</table>")[0]
    assert "Devon and Cornwall Police, Fire and Crime Commissioner" in table


def test_the_dashboard_reads_its_force_area_from_the_roles(client, demo_user, demo):
    """No query for the force area in the address: it is among the roles the request reads once."""
    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:oversight-dashboard", kwargs={"area": "devon-and-cornwall"})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries.captured_queries if 'FROM "partnerships_forcearea"' in q["sql"]]
    assert client.get(reverse("grants:oversight-dashboard", kwargs={"area": "avon-and-somerset"})).status_code == 404


def test_direct_spending_read_beside_the_area_money_is_the_same_as_read_alone(demo_user, plymouth_plan):
    """The dashboard and the Panel report pass the area's money, whose count of direct awards spares reading them
    when there are none; with one, or none, the figures are those read alone."""
    from grants.figures.money import area_money, direct_spending

    area = plymouth_plan.partnership.force_area
    pcp = plymouth_plan.police_and_crime_plan

    def both():
        money = area_money(force_area=area, financial_year="2020/21")
        beside = direct_spending(force_area=area, financial_year="2020/21", police_and_crime_plan=pcp, money=money)
        alone = direct_spending(force_area=area, financial_year="2020/21")
        for found in (beside, alone):
            assert found.police_and_crime_plan == pcp
        assert [a.pk for a in beside.awards] == [a.pk for a in alone.awards]
        assert beside.total == alone.total
        assert [(r.priority.pk, r.alone, r.shared) for r in beside.by_priority] == [
            (r.priority.pk, r.alone, r.shared) for r in alone.by_priority
        ]
        assert [(c.label, c.amount) for c in beside.combinations] == [(c.label, c.amount) for c in alone.combinations]
        return money, beside

    money, direct = both()
    count = money.direct_awards
    assert count == len(direct.awards)
    # A made award with no spending plan is direct spending; a proposed one is not; one with a plan is not.
    stream = plymouth_plan.award.funding_stream
    torbay = PartnershipFactory(force_area=area, name="Safer Torbay")
    award = GrantAwardFactory(partnership=torbay, funding_stream=stream, amount=D("1234.00"))
    award.pcc_priorities.set([pcp.priorities.get(number=2)])
    GrantAwardFactory(partnership=PartnershipFactory(force_area=area), funding_stream=stream, proposed=True)
    money, direct = both()
    assert money.direct_awards == count + 1 and award in direct.awards
    SpendingPlanFactory(award=award)
    money, direct = both()
    assert money.direct_awards == count and award not in direct.awards
    with pytest.raises(ValueError, match="another"):
        direct_spending(force_area=area, financial_year="2021/22", money=money)


def test_the_years_offered_follow_each_new_record_though_their_question_is_built_once(plymouth_plan):
    from grants.years import force_area_years

    area = plymouth_plan.partnership.force_area
    before = force_area_years(area, today=datetime.date(2021, 1, 1))
    assert "2034/35" not in before.with_data
    GrantAwardFactory(partnership=plymouth_plan.partnership, financial_year="2034/35")
    assert "2034/35" in force_area_years(area, today=datetime.date(2021, 1, 1)).with_data
    SubmissionDeadlineFactory(force_area=area, financial_year="2036/37", submit_by=datetime.date(2036, 3, 1))
    assert "2036/37" in force_area_years(area, today=datetime.date(2021, 1, 1)).with_data


def test_the_area_money_follows_each_write_though_its_questions_are_built_once(plymouth_plan):
    """`area_money` builds its querysets once per area and year and runs a copy each time: income, an award made,
    a payment and a withdrawal each show at once, in the area asked for and no other."""
    from grants.figures.money import area_money
    from tests.factories.money import FundingReceivedYearFactory, PaymentFactory

    area = plymouth_plan.partnership.force_area
    stream = plymouth_plan.award.funding_stream

    def money(year="2020/21", of=area):
        return area_money(force_area=of, financial_year=year)

    first = money()
    FundingReceivedYearFactory(
        income__force_area=area, income__funding_stream=stream, financial_year="2020/21", amount=D("5000.00")
    )
    assert money().received == first.received + D("5000.00")
    award = GrantAwardFactory(
        partnership=PartnershipFactory(force_area=area), funding_stream=stream, amount=D("700.00")
    )
    assert money().granted == first.granted + D("700.00")
    assert money().grants_made_count == first.grants_made_count + 1
    PaymentFactory(award=award, amount=D("300.00"), paid_on=datetime.date(2020, 7, 15))
    assert money().paid == first.paid + D("300.00")
    assert money("2021/22").paid == area_money(force_area=area, financial_year="2021/22").paid  # another year
    type(award).objects.filter(pk=award.pk).update(withdrawn_at=datetime.datetime(2020, 8, 1, tzinfo=datetime.UTC))
    assert money().granted == first.granted
    other = next(a for a in type(area).objects.exclude(pk=area.pk))
    assert stream.pk not in {row.stream.pk for row in money(of=other).streams}  # the questions are per area


def test_the_panel_report_lists_each_new_award_and_round_though_its_questions_are_built_once(demo_user, plymouth_plan):
    area = plymouth_plan.partnership.force_area
    stream = plymouth_plan.award.funding_stream

    def report():
        return panel_report(force_area=area, financial_year="2020/21", user=demo_user("opcc.devon"))

    before = report()
    award = GrantAwardFactory(
        partnership=PartnershipFactory(force_area=area), funding_stream=stream, amount=D("850.00")
    )
    after = report()
    assert award.pk in {a.pk for summary in after.streams for a in summary.awards}
    assert sum(s.total for s in after.streams) == sum(s.total for s in before.streams) + D("850.00")
    type(award).objects.filter(pk=award.pk).update(amount=D("900.00"))
    assert sum(s.total for s in report().streams) == sum(s.total for s in before.streams) + D("900.00")


def test_built_once_keeps_questions_per_thread_and_argument_and_forgets_the_oldest():
    import threading

    from grants.questions import built_once

    calls = []

    @built_once(maxsize=2)
    def build(*args):
        calls.append(args)
        return object()

    first = build(1, "2020/21")
    assert build(1, "2020/21") is first and calls == [(1, "2020/21")]
    assert build(2, "2020/21") is not first and build(1, "2021/22") is not first
    assert build(1, "2020/21") is not first  # the oldest was forgotten at three
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(build(1, "2021/22")))
    thread.start()
    thread.join()
    assert elsewhere[0] is not build(1, "2021/22")  # another thread builds its own
