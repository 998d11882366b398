"""Withdrawing a year-end proposal (issue 11, item 8): the OPCC may withdraw a proposal before both approvals; the
withdrawn proposal stays as history (a record, not a delete) and a new one can be made; an approved one cannot be
withdrawn. Rules and refusals through the service, the pages through the test client."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import PerformanceReturn, YearEnd, YearEndApproval
from grants.services import year_end as service
from grants.services.returns import returns_set_up
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(approved_plan):
    returns = returns_set_up(award=approved_plan.award)
    PerformanceReturn.objects.filter(pk__in=[r.pk for r in returns]).update(spend_in_period=Decimal("1000.00"))
    return approved_plan.award


def url(name, award):
    return reverse(name, kwargs={"area": award.partnership.force_area.slug, "pk": award.pk})


def propose(award, user, amount=Decimal("100.00")):
    return service.year_end_propose(
        award=award, by=user, treatment=YearEnd.Treatment.CARRY_FORWARD, carried_forward=amount
    )


def test_withdrawn_proposal_stays_as_history_and_a_new_one_can_be_made(award, demo_user):
    opcc, pcc = demo_user("opcc.devon"), demo_user("pcc.devon")
    first = propose(award, opcc)
    service.year_end_approve(year_end=first, by=pcc)  # one approval given, not both
    service.year_end_withdraw(year_end=first, by=opcc, reason="The Q4 return was corrected")

    first.refresh_from_db()
    assert first.status == YearEnd.Status.WITHDRAWN
    assert first.withdrawn_by == opcc and first.withdrawn_by_name == opcc.display_name
    assert first.withdrawal_reason == "The Q4 return was corrected" and first.withdrawn_at
    assert YearEndApproval.objects.filter(year_end=first).count() == 1  # the approval stays with it
    assert service.standing(award) is None
    assert service.may_propose(opcc, award)

    second = propose(award, opcc, Decimal("50.00"))
    assert service.standing(award) == second
    assert YearEnd.objects.filter(award=award).count() == 2
    # The new proposal needs both approvals afresh: the PCC's approval of the withdrawn one does not count.
    service.year_end_approve(year_end=second, by=pcc)
    service.year_end_approve(year_end=second, by=demo_user("treasurer.devon"))
    second.refresh_from_db()
    assert second.is_approved and second.next_award.amount == Decimal("50.00")


def test_an_approved_year_end_cannot_be_withdrawn(award, demo_user, client):
    opcc = demo_user("opcc.devon")
    year_end = propose(award, opcc)
    service.year_end_approve(year_end=year_end, by=demo_user("pcc.devon"))
    service.year_end_approve(year_end=year_end, by=demo_user("treasurer.devon"))
    with pytest.raises(ValidationError, match="cannot be withdrawn"):
        service.year_end_withdraw(year_end=year_end, by=opcc, reason="Too late")
    client.force_login(opcc)
    response = client.post(url("grants:year-end-withdraw", award), {"reason": "Too late"})
    assert response.status_code == 403
    year_end.refresh_from_db()
    assert year_end.is_approved


def test_a_withdrawn_proposal_cannot_be_withdrawn_again_or_approved(award, demo_user):
    opcc = demo_user("opcc.devon")
    year_end = propose(award, opcc)
    service.year_end_withdraw(year_end=year_end, by=opcc, reason="Wrong amount")
    with pytest.raises(ValidationError, match="already been withdrawn"):
        service.year_end_withdraw(year_end=year_end, by=opcc, reason="Again")
    with pytest.raises(ValidationError, match="withdrawn"):
        service.year_end_approve(year_end=year_end, by=demo_user("pcc.devon"))


@pytest.mark.parametrize("username", ["pcc.devon", "treasurer.devon", "officer.plymouth", "finance.plymouth"])
def test_only_the_opcc_withdraws(award, demo_user, client, username):
    year_end = propose(award, demo_user("opcc.devon"))
    with pytest.raises(ValidationError, match="Only the OPCC"):
        service.year_end_withdraw(year_end=year_end, by=demo_user(username), reason="No")
    client.force_login(demo_user(username))
    assert client.post(url("grants:year-end-withdraw", award), {"reason": "No"}).status_code in (403, 404)
    year_end.refresh_from_db()
    assert year_end.status == YearEnd.Status.PROPOSED


def test_a_reason_is_required(award, demo_user, client):
    opcc = demo_user("opcc.devon")
    year_end = propose(award, opcc)
    with pytest.raises(ValidationError):
        service.year_end_withdraw(year_end=year_end, by=opcc, reason="  ")
    client.force_login(opcc)
    response = client.post(url("grants:year-end-withdraw", award), {"reason": ""})
    assert response.status_code == 200
    assert "Say why the proposal is withdrawn" in response.content.decode()
    year_end.refresh_from_db()
    assert year_end.status == YearEnd.Status.PROPOSED


def test_withdraw_page_and_list_show_the_history(award, demo_user, client):
    opcc = demo_user("opcc.devon")
    propose(award, opcc)
    client.force_login(opcc)
    list_url = reverse("grants:year-end", kwargs={"area": award.partnership.force_area.slug, "year": "2020/21"})
    page = client.get(list_url).content.decode()
    assert url("grants:year-end-withdraw", award) in page
    response = client.get(url("grants:year-end-withdraw", award))
    assert response.status_code == 200
    assert "Withdraw the year-end proposal" in response.content.decode()
    response = client.post(url("grants:year-end-withdraw", award), {"reason": "Figures revised"})
    assert response.status_code == 302
    page = client.get(list_url).content.decode()
    assert "Withdrawn:" in page and "Figures revised" in page
    assert url("grants:year-end-propose", award) in page  # a new proposal can be made
    assert client.get(url("grants:year-end-withdraw", award)).status_code == 404  # nothing standing to withdraw


def test_another_force_areas_award_is_not_found(award, demo_user, client):
    avon_area = demo_user("opcc.avon").roles.first().force_area
    avon_award = f.GrantAwardFactory(partnership__force_area=avon_area)
    f.YearEndFactory(award=avon_award)
    client.force_login(demo_user("opcc.devon"))
    devon_url = reverse(
        "grants:year-end-withdraw", kwargs={"area": award.partnership.force_area.slug, "pk": avon_award.pk}
    )
    assert client.post(devon_url, {"reason": "x"}).status_code == 404
    propose(award, demo_user("opcc.devon"))
    client.force_login(demo_user("opcc.avon"))
    avon_url = reverse("grants:year-end-withdraw", kwargs={"area": avon_area.slug, "pk": award.pk})
    assert client.post(avon_url, {"reason": "x"}).status_code == 404
    assert not YearEnd.objects.filter(status=YearEnd.Status.WITHDRAWN).exists()
