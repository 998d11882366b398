"""Year end (issue 11, item 8): each award's outturn and underspend; the underspend returned to the OPCC or carried
forward into next year's award when the OPCC's decision-maker and the Treasurer both approve; the carried-forward
amount shown on next year's award and plan pages. Rules, refusals and every page through the test client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.figures.year_end import award_outturn, carried_forward_into
from grants.models import GrantAward, PerformanceReturn, YearEnd, YearEndApproval
from grants.services import year_end as service
from grants.services.returns import returns_set_up
from tests import factories as f

pytestmark = pytest.mark.django_db

SPEND = Decimal("1234.56")  # every project's spend in every quarter


@pytest.fixture
def year_reported(approved_plan):
    """Safer Plymouth's 2020/21 award with all four quarters reported: each project spent £1,234.56 a quarter."""
    returns = returns_set_up(award=approved_plan.award)
    PerformanceReturn.objects.filter(pk__in=[r.pk for r in returns]).update(spend_in_period=SPEND)
    return approved_plan.award


def expected_outturn(award) -> Decimal:
    return SPEND * PerformanceReturn.objects.filter(period__award=award).count()


def url(name, award, **kwargs):
    return reverse(name, kwargs={"area": award.partnership.force_area.slug, **kwargs})


def propose(award, user, amount):
    return service.year_end_propose(
        award=award, by=user, treatment=YearEnd.Treatment.CARRY_FORWARD, carried_forward=amount
    )


# --- figures ------------------------------------------------------------------------------------------------------


def test_outturn_and_underspend_to_the_penny(year_reported):
    figures = award_outturn(year_reported)
    assert figures.final
    assert figures.award_amount == year_reported.amount
    assert figures.outturn == expected_outturn(year_reported)
    assert figures.underspend == year_reported.amount - expected_outturn(year_reported)


def test_outturn_before_the_last_quarter_is_partly_forecast(approved_plan):
    returns = returns_set_up(award=approved_plan.award)
    PerformanceReturn.objects.filter(pk__in=[r.pk for r in returns if r.period.number == 1]).update(
        spend_in_period=SPEND
    )
    figures = award_outturn(approved_plan.award)
    assert figures.partly_forecast
    assert figures.outturn == SPEND * len([r for r in returns if r.period.number == 1])


# --- the done-when: an underspend carried forward shows in next year's award --------------------------------------


def test_underspend_carried_forward_shows_in_next_years_award_and_plan(year_reported, demo_user, client):
    award = year_reported
    opcc, pcc, treasurer = demo_user("opcc.devon"), demo_user("pcc.devon"), demo_user("treasurer.devon")
    assert not GrantAward.objects.filter(partnership=award.partnership, financial_year="2021/22").exists()

    client.force_login(opcc)
    response = client.post(
        url("grants:year-end-propose", award, pk=award.pk),
        {"treatment": "carry_forward", "carried_forward": "£5,000.50", "comments": "Slipped to Q1"},
    )
    assert response.status_code == 302
    client.force_login(treasurer)
    assert client.post(url("grants:year-end-approve", award, pk=award.pk), {"comments": ""}).status_code == 302
    year_end = YearEnd.objects.get(award=award)
    assert year_end.status == YearEnd.Status.PROPOSED  # one approval of two
    client.force_login(pcc)
    assert client.post(url("grants:year-end-approve", award, pk=award.pk), {}).status_code == 302

    year_end.refresh_from_db()
    assert year_end.is_approved and year_end.approvals.count() == 2
    following = GrantAward.objects.get(
        partnership=award.partnership, funding_stream=award.funding_stream, financial_year="2021/22"
    )
    assert following.amount == Decimal("5000.50")
    assert following.status == GrantAward.Status.PROPOSED
    assert year_end.next_award == following
    assert "carried forward" in following.history.first().history_change_reason
    assert carried_forward_into(following)[0].amount == Decimal("5000.50")

    client.force_login(opcc)
    page = client.get(url("grants:award", award, pk=following.pk)).content.decode()
    assert "Of which carried forward from 2020/21: £5,000.50" in page
    plan = f.SpendingPlanFactory(award=following)
    page = client.get(reverse("grants:plan-detail", kwargs={"pk": plan.pk})).content.decode()
    assert "of which carried forward from 2020/21: £5,000.50" in page


def test_carry_forward_adds_to_an_existing_award_next_year(year_reported, demo_user):
    award = year_reported
    following = f.GrantAwardFactory(
        partnership=award.partnership, funding_stream=award.funding_stream, financial_year="2021/22"
    )
    year_end = propose(award, demo_user("opcc.devon"), Decimal("2500.00"))
    service.year_end_approve(year_end=year_end, by=demo_user("pcc.devon"))
    service.year_end_approve(year_end=year_end, by=demo_user("treasurer.devon"))
    following.refresh_from_db()
    assert following.amount == Decimal("102500.00")
    assert following.status == GrantAward.Status.MADE  # a made award stays made


def test_returning_the_underspend_creates_nothing_but_is_recorded(year_reported, demo_user):
    award = year_reported
    year_end = service.year_end_propose(award=award, by=demo_user("opcc.devon"), treatment=YearEnd.Treatment.RETURN)
    service.year_end_approve(year_end=year_end, by=demo_user("pcc.devon"))
    service.year_end_approve(year_end=year_end, by=demo_user("treasurer.devon"))
    year_end.refresh_from_db()
    assert year_end.is_approved and year_end.next_award is None
    assert year_end.returned == award.amount - expected_outturn(award)
    assert not GrantAward.objects.filter(partnership=award.partnership, financial_year="2021/22").exists()


def test_approvals_record_the_funders_titles(year_reported, demo_user):
    year_end = propose(year_reported, demo_user("opcc.devon"), Decimal("1.00"))
    service.year_end_approve(year_end=year_end, by=demo_user("pcc.devon"))
    service.year_end_approve(year_end=year_end, by=demo_user("treasurer.devon"))
    area = year_reported.partnership.force_area
    titles = {a.role_kind: a.title for a in YearEndApproval.objects.filter(year_end=year_end)}
    assert titles == {"pcc": area.funder.decision_maker_title, "treasurer": area.funder.finance_officer_title}


# --- refusals -----------------------------------------------------------------------------------------------------


def test_the_same_person_cannot_approve_twice(year_reported, demo_user, client):
    year_end = propose(year_reported, demo_user("opcc.devon"), Decimal("100.00"))
    pcc = demo_user("pcc.devon")
    service.year_end_approve(year_end=year_end, by=pcc)
    with pytest.raises(ValidationError, match="already approved"):
        service.year_end_approve(year_end=year_end, by=pcc)
    client.force_login(pcc)
    response = client.post(url("grants:year-end-approve", year_reported, pk=year_reported.pk), {})
    assert response.status_code == 403
    assert YearEndApproval.objects.filter(year_end=year_end).count() == 1


def test_one_person_holding_both_roles_cannot_give_both_approvals(year_reported, demo_user):
    from partnerships.models import Role

    area = year_reported.partnership.force_area
    pcc = demo_user("pcc.devon")
    Role.objects.create(user=pcc, kind=Role.Kind.TREASURER, force_area=area)
    year_end = propose(year_reported, demo_user("opcc.devon"), Decimal("100.00"))
    service.year_end_approve(year_end=year_end, by=pcc)
    verdict = service.may_approve(pcc, year_end)
    assert not verdict and "someone else" in verdict.reason
    with pytest.raises(ValidationError):
        service.year_end_approve(year_end=year_end, by=pcc)
    year_end.refresh_from_db()
    assert not year_end.is_approved


def test_carrying_forward_more_than_the_underspend_is_refused(year_reported, demo_user, client):
    award = year_reported
    underspend = award_outturn(award).underspend
    with pytest.raises(ValidationError, match="no more than that"):
        propose(award, demo_user("opcc.devon"), underspend + Decimal("0.01"))
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("grants:year-end-propose", award, pk=award.pk),
        {"treatment": "carry_forward", "carried_forward": f"{underspend + 1:.2f}"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "no more than that can be carried forward" in page
    assert not YearEnd.objects.exists()


def test_carrying_forward_needs_an_amount(year_reported, demo_user, client):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("grants:year-end-propose", year_reported, pk=year_reported.pk), {"treatment": "carry_forward"}
    )
    assert "Enter the amount to carry forward" in response.content.decode()
    response = client.post(url("grants:year-end-propose", year_reported, pk=year_reported.pk), {})
    assert "Choose whether the underspend is returned or carried forward" in response.content.decode()
    assert not YearEnd.objects.exists()


def test_an_award_of_another_force_area_is_not_found(year_reported, demo_user, client):
    avon_award = f.GrantAwardFactory(partnership__force_area=demo_user("opcc.avon").roles.first().force_area)
    client.force_login(demo_user("opcc.devon"))
    for name in ("grants:year-end-propose", "grants:year-end-approve"):
        devon_url = reverse(name, kwargs={"area": year_reported.partnership.force_area.slug, "pk": avon_award.pk})
        assert client.get(devon_url).status_code == 404
        assert client.post(devon_url, {"treatment": "return"}).status_code == 404
    client.force_login(demo_user("opcc.avon"))  # and Devon's award through Avon's pages
    avon_url = reverse(
        "grants:year-end-propose", kwargs={"area": avon_award.partnership.force_area.slug, "pk": year_reported.pk}
    )
    assert client.get(avon_url).status_code == 404
    assert not YearEnd.objects.exists()


@pytest.mark.parametrize("username", ["pcc.devon", "treasurer.devon", "officer.plymouth"])
def test_only_the_opcc_proposes(year_reported, demo_user, client, username):
    client.force_login(demo_user(username))
    response = client.post(url("grants:year-end-propose", year_reported, pk=year_reported.pk), {"treatment": "return"})
    assert response.status_code == 403
    assert not YearEnd.objects.exists()


def test_the_opcc_officer_does_not_approve_and_a_year_end_is_proposed_once(year_reported, demo_user, client):
    opcc = demo_user("opcc.devon")
    propose(year_reported, opcc, Decimal("10.00"))
    client.force_login(opcc)
    assert client.post(url("grants:year-end-approve", year_reported, pk=year_reported.pk), {}).status_code == 403
    assert client.get(url("grants:year-end-propose", year_reported, pk=year_reported.pk)).status_code == 403


def test_approve_page_without_a_proposal_is_not_found(year_reported, demo_user, client):
    client.force_login(demo_user("pcc.devon"))
    assert client.get(url("grants:year-end-approve", year_reported, pk=year_reported.pk)).status_code == 404


# --- pages --------------------------------------------------------------------------------------------------------


def test_year_end_page_lists_awards_with_outturn_underspend_and_the_next_step(year_reported, demo_user, client):
    award = year_reported
    list_url = url("grants:year-end", award, year="2020/21")
    client.force_login(demo_user("opcc.devon"))
    page = client.get(list_url).content.decode()
    from grants.money import format_money

    assert "Year end 2020/21" in page
    assert format_money(expected_outturn(award)) in page
    assert format_money(award.amount - expected_outturn(award)) in page
    assert "Propose the year end" in page

    propose(award, demo_user("opcc.devon"), Decimal("10.00"))
    client.force_login(demo_user("treasurer.devon"))
    page = client.get(list_url).content.decode()
    assert 'data-action="approve"' in page
    client.post(url("grants:year-end-approve", award, pk=award.pk), {})
    page = client.get(list_url).content.decode()
    assert "Waiting for the other approval" in page
    client.force_login(demo_user("pcc.devon"))
    client.post(url("grants:year-end-approve", award, pk=award.pk), {})
    page = client.get(list_url).content.decode()
    assert 'data-action="done"' in page and "Approved by" in page


def test_propose_and_approve_pages_show_the_figures(year_reported, demo_user, client):
    from grants.money import format_money

    award = year_reported
    client.force_login(demo_user("opcc.devon"))
    response = client.get(url("grants:year-end-propose", award, pk=award.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert format_money(award.amount - expected_outturn(award)) in page
    assert "2021/22" in page
    propose(award, demo_user("opcc.devon"), Decimal("10.00"))
    client.force_login(demo_user("pcc.devon"))
    page = client.get(url("grants:year-end-approve", award, pk=award.pk)).content.decode()
    assert "Approve the year end" in page and "£10.00" in page


def test_year_end_page_refuses_people_without_an_area_role(year_reported, demo_user, client):
    client.force_login(demo_user("officer.plymouth"))
    assert client.get(url("grants:year-end", year_reported, year="2020/21")).status_code == 403
    client.force_login(demo_user("opcc.avon"))
    assert client.get(url("grants:year-end", year_reported, year="2020/21")).status_code == 404
