"""Priorities for all spending (issue 10): awards, grant rounds and allocations serve Police and Crime Plan
priorities, so money by priority covers the OPCC's direct spending too, shown apart from the CSP plans'."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.figures.money import direct_spending
from grants.models import FundingStream, GrantAward, GrantRound
from grants.services import funding
from grants.services.corrections import priorities_set
from grants.services.rounds import application_add, application_decide
from partnerships.models import ForceArea, Organisation
from priorities.models import PoliceAndCrimePlan
from tests.factories import PoliceAndCrimePlanFactory, PriorityFactory
from tests.oversight.dates import date_boxes

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"


@pytest.fixture
def area(demo):
    return ForceArea.objects.get(slug=AREA)


@pytest.fixture
def priorities(area):
    plan = PoliceAndCrimePlan.objects.covering(area, "2020/21").get()
    return {p.number: p for p in plan.priorities.all()}


def test_direct_spending_by_priority_counts_a_shared_award_once(client, demo_user, area, priorities):
    by = demo_user("opcc.devon")
    stream = FundingStream.objects.create(force_area=area, name="Violence reduction", kind="home_office")
    grant_round = GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Safer nights",
        financial_year="2020/21",
        pot=D("50000.00"),
        opens_on=datetime.date(2020, 5, 1),
        closes_on=datetime.date(2020, 6, 1),
    )
    priorities_set(record=grant_round, priorities=[priorities[2]], force_area=area, financial_year="2020/21")
    application = application_add(
        grant_round=grant_round,
        organisation=Organisation.objects.create(name="Street Pastors"),
        project_title="Night patrols",
        purpose="Safer nights",
        amount_requested=D("20000.00"),
        received_on=datetime.date(2020, 5, 2),
    )
    application_decide(
        application=application, decision="approved", amount_awarded=D("20000.00"), decided_on=datetime.date(2020, 7, 1)
    )
    shared = funding.stream_award_save(
        award=GrantAward(funding_stream=stream, status="made", awarded_on=datetime.date(2020, 7, 1), kind="contract"),
        years=[("2020/21", D("30000.50"))],
        priorities=[priorities[3], priorities[4]],
        organisation_name="First Light",
        by=by,
    )
    funding.stream_award_save(
        award=GrantAward(funding_stream=stream, status="made", awarded_on=datetime.date(2020, 7, 1)),
        years=[("2020/21", D("1000.00"))],
        organisation_name="Neighbourhood Watch",
        by=by,
    )
    direct = direct_spending(force_area=area, financial_year="2020/21")
    # Safer Plymouth's award has a spending plan: its money is the plans' part, not the direct part
    assert direct.total == D("51000.50")
    rows = {row.priority.number: row for row in direct.by_priority}
    assert rows[2].alone == D("20000.00")  # the round's priority, served by its award
    assert rows[3].shared == rows[4].shared == D("30000.50") and rows[3].alone == D("0.00")
    assert sum((c.amount for c in direct.combinations), D("0")) == direct.total  # each award once
    assert direct.no_priority == D("1000.00")
    client.force_login(by)
    content = client.get(reverse("grants:oversight-dashboard", kwargs={"area": AREA}) + "?year=2020/21").content
    content = content.decode()
    assert "Direct OPCC spending by Police and Crime Plan priority" in content and "£51,000.50" in content
    assert "£377,568.00" in content  # the CSP plans' part is still shown, apart
    report = client.get(reverse("grants:panel-report", kwargs={"area": AREA, "year": "2020-21"})).content.decode()
    assert "Direct OPCC spending by Police and Crime Plan priority" in report and "£30,000.50" in report
    assert shared.pcc_priorities.count() == 2


def test_only_priorities_of_the_plan_in_force_for_the_year_can_be_chosen(area, priorities, demo_user):
    other_plan = PoliceAndCrimePlanFactory(
        force_area=area, starts_on=datetime.date(2010, 1, 1), ends_on=datetime.date(2012, 12, 31)
    )
    old = PriorityFactory(plan=other_plan, number=1)
    stream = FundingStream.objects.create(force_area=area, name="Legacy", kind="other")
    with pytest.raises(ValidationError, match="Plan in force for 2020/21"):
        funding.stream_award_save(
            award=GrantAward(funding_stream=stream, status="proposed"),
            years=[("2020/21", D("1.00"))],
            priorities=[old],
            organisation_name="Anyone",
            by=demo_user("opcc.devon"),
        )
    assert not GrantAward.objects.filter(funding_stream=stream).exists()


def test_a_round_is_given_its_priorities_on_the_page(client, demo_user, area, priorities):
    stream = FundingStream.objects.create(force_area=area, name="Road safety fund", kind="other")
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        reverse("grants:round-new", kwargs={"area": AREA}),
        {
            "name": "Road safety 2020/21",
            "funding_stream": stream.pk,
            "financial_year": "2020/21",
            "pot": "100,000",
            **date_boxes("opens_on", "2020-05-01"),
            **date_boxes("closes_on", "2020-06-30"),
            "pcc_priorities": [priorities[2].pk],
        },
    )
    assert response.status_code == 302
    grant_round = GrantRound.objects.get(name="Road safety 2020/21")
    assert list(grant_round.pcc_priorities.all()) == [priorities[2]]
    assert "2. Preventing and deterring crime" in client.get(response.url).content.decode()
