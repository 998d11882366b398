"""A certifier's deputy for one plan (issue 11, item 3): the certifier (finance.plymouth) names another person of
Safer Plymouth to certify one plan's returns; while it stands the deputy certifies (never a return they submitted)
and gets the plan's certifier reminders; the certifier or the OPCC revokes it, and it stays as history. Every
refusal through the service; the pages through the test client, with the denials for another partnership."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.models import CertificationDelegation, PerformanceReturn, SpendingPlan
from grants.services import certification as service
from grants.services import returns as returns_service
from grants.services.reminders import reminders_send
from partnerships.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def fill_and_submit(performance_return, officer):
    results = {}
    for measure in performance_return.project.outcome_measures.all():
        results[measure.pk] = (Decimal("80"), "") if measure.is_numeric else (None, "Going well.")
    returns_service.return_save(
        performance_return=performance_return,
        by=officer,
        spend_in_period=Decimal("1000.00"),
        forecasts={},
        results=results,
    )
    returns_service.return_act(performance_return=performance_return, by=officer, action="submit")


@pytest.fixture
def people(demo_user):
    return {name: demo_user(name) for name in ("finance.plymouth", "exec.plymouth", "officer.plymouth", "opcc.devon")}


def test_the_deputy_certifies_the_plans_returns(q1_return, approved_plan, people):
    deputy = people["exec.plymouth"]
    fill_and_submit(q1_return, people["officer.plymouth"])
    assert not returns_service.check(q1_return, deputy, "certify")
    delegation = service.delegation_make(plan=approved_plan, by=people["finance.plymouth"], deputy=deputy)
    assert service.is_deputy(deputy, approved_plan.award)
    step = returns_service.return_act(performance_return=q1_return, by=deputy, action="certify")
    assert step.user == deputy and step.role_kind == Role.Kind.CERTIFIER
    q1_return.refresh_from_db()
    assert q1_return.status == PerformanceReturn.Status.CERTIFIED

    service.delegation_revoke(delegation=delegation, by=people["finance.plymouth"])
    delegation.refresh_from_db()
    assert delegation.is_revoked and delegation.revoked_by == people["finance.plymouth"]
    assert not service.is_deputy(deputy, approved_plan.award)
    other = PerformanceReturn.objects.filter(period__award=approved_plan.award, period__number=1).exclude(
        pk=q1_return.pk
    )
    fill_and_submit(other.first(), people["officer.plymouth"])
    with pytest.raises(ValidationError, match="certifiers"):
        returns_service.return_act(performance_return=other.first(), by=deputy, action="certify")
    assert CertificationDelegation.history.filter(id=delegation.pk).count() == 2  # made, then revoked


def test_a_deputy_never_certifies_a_return_they_submitted(q1_return, approved_plan, people):
    officer = people["officer.plymouth"]
    service.delegation_make(plan=approved_plan, by=people["finance.plymouth"], deputy=officer)
    fill_and_submit(q1_return, officer)
    with pytest.raises(ValidationError, match="You submitted this return"):
        returns_service.return_act(performance_return=q1_return, by=officer, action="certify")


def test_a_deputy_of_one_plan_does_not_certify_another(q1_return, approved_plan, people, demo_user):
    """A deputy for Safer Plymouth's 2020/21 plan cannot certify the returns of its 2019/20 plan (plan A, plan B)."""
    deputy = people["exec.plymouth"]
    service.delegation_make(plan=approved_plan, by=people["finance.plymouth"], deputy=deputy)
    other_plan = f.SpendingPlanFactory(
        award=f.GrantAwardFactory(
            partnership=approved_plan.award.partnership,
            funding_stream=approved_plan.award.funding_stream,
            financial_year="2019/20",
        )
    )
    project = f.FundedProjectFactory(plan=other_plan, number=1)
    SpendingPlan.objects.filter(pk=other_plan.pk).update(status=SpendingPlan.Status.APPROVED)
    period = returns_service.reporting_set_up(award=other_plan.award)[0]
    other_return = PerformanceReturn.objects.create(
        period=period, project=project, line_id=project.line_id, status=PerformanceReturn.Status.SUBMITTED
    )
    verdict = returns_service.check(other_return, deputy, "certify")
    assert not verdict and "certifiers" in verdict.reason


def test_refusals_when_delegating(approved_plan, people, demo_user):
    finance = people["finance.plymouth"]
    with pytest.raises(ValidationError, match="your own deputy"):
        service.delegation_make(plan=approved_plan, by=finance, deputy=finance)
    with pytest.raises(ValidationError, match="must be a person of Safer Plymouth"):
        service.delegation_make(plan=approved_plan, by=finance, deputy=demo_user("officer.southglos"))
    with pytest.raises(ValidationError, match="must be a person of Safer Plymouth"):
        service.delegation_make(plan=approved_plan, by=finance, deputy=demo_user("opcc.devon"))
    with pytest.raises(ValidationError, match="Only Safer Plymouth's certifiers"):
        service.delegation_make(plan=approved_plan, by=people["officer.plymouth"], deputy=people["exec.plymouth"])
    second_certifier = people["exec.plymouth"]
    Role.objects.create(user=second_certifier, kind=Role.Kind.CERTIFIER, partnership=approved_plan.award.partnership)
    with pytest.raises(ValidationError, match="a certifier already"):
        service.delegation_make(plan=approved_plan, by=finance, deputy=second_certifier)
    service.delegation_make(plan=approved_plan, by=finance, deputy=people["officer.plymouth"])
    with pytest.raises(ValidationError, match="already a deputy"):
        service.delegation_make(plan=approved_plan, by=finance, deputy=people["officer.plymouth"])
    assert CertificationDelegation.objects.count() == 1


def test_only_an_approved_plan_has_its_certification_delegated(plymouth_plan, people):
    with pytest.raises(ValidationError, match="for an approved plan"):
        service.delegation_make(plan=plymouth_plan, by=people["finance.plymouth"], deputy=people["exec.plymouth"])


def test_revoking_is_for_the_certifier_or_the_opcc(approved_plan, people, demo_user):
    delegation = service.delegation_make(
        plan=approved_plan, by=people["finance.plymouth"], deputy=people["exec.plymouth"]
    )
    for outsider in ("exec.plymouth", "officer.plymouth", "pcc.devon", "opcc.avon"):
        with pytest.raises(ValidationError, match="Only Safer Plymouth's certifiers or the OPCC"):
            service.delegation_revoke(delegation=delegation, by=demo_user(outsider))
    service.delegation_revoke(delegation=delegation, by=people["opcc.devon"])
    with pytest.raises(ValidationError, match="already been revoked"):
        service.delegation_revoke(delegation=delegation, by=people["finance.plymouth"])


def test_a_delegation_lapses_when_the_deputy_leaves_the_partnership(approved_plan, people):
    deputy = people["exec.plymouth"]
    service.delegation_make(plan=approved_plan, by=people["finance.plymouth"], deputy=deputy)
    Role.objects.filter(user=deputy, partnership=approved_plan.award.partnership).delete()
    assert not service.is_deputy(deputy, approved_plan.award)


def test_the_deputy_gets_the_plans_certifier_reminders(q1_return, approved_plan, people):
    service.delegation_make(plan=approved_plan, by=people["finance.plymouth"], deputy=people["exec.plymouth"])
    monday = dt.date(2020, 7, 21)  # five working days before Q1's due date
    assert reminders_send(monday) == 3
    assert sorted(m.to[0] for m in mail.outbox) == [
        "exec.plymouth@example.org",
        "finance.plymouth@example.org",
        "officer.plymouth@example.org",
    ]
    assert reminders_send(monday) == 0


def test_the_deputy_is_told_of_a_submission_and_sees_it_waiting(q1_return, approved_plan, people, client):
    deputy = people["exec.plymouth"]
    service.delegation_make(plan=approved_plan, by=people["finance.plymouth"], deputy=deputy)
    fill_and_submit(q1_return, people["officer.plymouth"])
    from grants.services.reminders import notify_return_step

    step = q1_return.steps.get(action="submit")
    mail.outbox.clear()
    notify_return_step(step.pk)
    assert "exec.plymouth@example.org" in [m.to[0] for m in mail.outbox]
    work = returns_service.returns_work(deputy, on=dt.date(2020, 7, 2))
    assert any(r.pk == q1_return.pk and t.action == "certify" for r, t in work.waiting)


# --- pages ----------------------------------------------------------------------------------------------------------


def delegation_url(award):
    return reverse("grants:certification-delegation", kwargs={"award_pk": award.pk})


def test_the_certifier_delegates_through_the_page(approved_plan, people, client):
    award = approved_plan.award
    client.force_login(people["finance.plymouth"])
    returns_page = client.get(reverse("grants:returns", kwargs={"award_pk": award.pk})).content.decode()
    assert "Delegate certification for this plan" in returns_page
    page = client.get(delegation_url(award))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Delegate certification for this plan" in body
    assert people["exec.plymouth"].display_name in body
    form = page.context["form"]
    eligible = set(form.fields["deputy"].queryset)
    assert people["finance.plymouth"] not in eligible and people["opcc.devon"] not in eligible
    assert people["exec.plymouth"] in eligible

    response = client.post(delegation_url(award), {"deputy": people["exec.plymouth"].pk})
    assert response.status_code == 302
    delegation = CertificationDelegation.objects.get()
    assert delegation.deputy == people["exec.plymouth"] and delegation.certifier == people["finance.plymouth"]

    revoke = reverse("grants:certification-revoke", kwargs={"pk": delegation.pk})
    assert revoke in client.get(delegation_url(award)).content.decode()
    assert client.get(revoke).status_code == 200
    assert client.post(revoke).status_code == 302
    delegation.refresh_from_db()
    assert delegation.is_revoked
    assert "Revoked by" in client.get(delegation_url(award)).content.decode()


def test_choosing_someone_not_listed_is_refused_next_to_the_field(approved_plan, people, demo_user, client):
    client.force_login(people["finance.plymouth"])
    for deputy in (demo_user("officer.southglos"), people["finance.plymouth"]):
        response = client.post(delegation_url(approved_plan.award), {"deputy": deputy.pk})
        assert response.status_code == 200
        assert "Choose one of the people listed" in response.content.decode()
    response = client.post(delegation_url(approved_plan.award), {})
    assert "Choose the person who certifies for you" in response.content.decode()
    assert not CertificationDelegation.objects.exists()


@pytest.mark.parametrize("username", ["officer.plymouth", "exec.plymouth", "opcc.devon"])
def test_only_a_certifier_delegates(approved_plan, people, demo_user, client, username):
    client.force_login(demo_user(username))
    assert client.get(delegation_url(approved_plan.award)).status_code == 200  # they may see who certifies
    response = client.post(delegation_url(approved_plan.award), {"deputy": people["exec.plymouth"].pk})
    assert response.status_code == 403
    assert not CertificationDelegation.objects.exists()


@pytest.mark.parametrize("username", ["officer.southglos", "opcc.avon", "finance.plymouth"])
def test_another_partnerships_people_find_nothing(approved_plan, southglos_plan, people, demo_user, client, username):
    delegation = service.delegation_make(
        plan=approved_plan, by=people["finance.plymouth"], deputy=people["exec.plymouth"]
    )
    client.force_login(demo_user(username))
    if username == "finance.plymouth":  # Plymouth's certifier, at South Gloucestershire's plan
        assert client.get(delegation_url(southglos_plan.award)).status_code == 404
        assert client.post(delegation_url(southglos_plan.award), {"deputy": 1}).status_code == 404
        return
    assert client.get(delegation_url(approved_plan.award)).status_code == 404
    assert client.post(delegation_url(approved_plan.award), {"deputy": people["exec.plymouth"].pk}).status_code == 404
    revoke = reverse("grants:certification-revoke", kwargs={"pk": delegation.pk})
    assert client.get(revoke).status_code == 404
    assert client.post(revoke).status_code == 404
    delegation.refresh_from_db()
    assert not delegation.is_revoked
