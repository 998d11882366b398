"""Returns for an award made directly to an organisation (issue 11, items 1-3 and 5): the OPCC asks for them on the
award; each period has one return for the award itself (spend, forecast, risks and narrative; no outcome measures);
the provider has no users, so an OPCC officer records it and another OPCC officer accepts it, every step a
`ReturnStep` through the one writer (grants/services/returns.py); spend against the award and payments made from
grants/figures/monitoring.py; late ones flagged like plan returns. Refusals through the service, pages through the
test client with the denials for another force area and for the partnerships."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.figures.monitoring import award_reports
from grants.models import FundingStream, PerformanceReturn, ReturnStep
from grants.models import GrantAward as GrantAwardModel
from grants.services import returns as service
from grants.services.reminders import late_returns, reminders_send
from partnerships.models import ForceArea, Role
from tests import factories as f

pytestmark = pytest.mark.django_db
AREA = "devon-and-cornwall"


@pytest.fixture
def direct_award(demo):
    stream = FundingStream.objects.filter(force_area__slug=AREA).first()
    return f.GrantAwardFactory(
        partnership=None,
        organisation=f.OrganisationFactory(name="Trevi House"),
        funding_stream=stream,
        amount=D("40000.00"),
    )


@pytest.fixture
def second_opcc(demo):
    person = f.UserFactory(username="opcc2.devon", email="opcc2.devon@example.org")
    Role.objects.create(user=person, kind=Role.Kind.OPCC, force_area=ForceArea.objects.get(slug=AREA))
    return person


@pytest.fixture
def reporting(direct_award, demo_user):
    returns = service.award_reporting_set(award=direct_award, by=demo_user("opcc.devon"), months=3)
    return sorted(returns, key=lambda r: r.period.number)


def record(performance_return, by, *, spend="10000.00", went_well="48 families supported."):
    later = performance_return.period.award.reporting_periods.filter(number__gt=performance_return.period.number)
    service.return_save(
        performance_return=performance_return,
        by=by,
        spend_in_period=D(spend),
        forecasts={p.pk: D("10000.00") for p in later},
        results={},
        went_well=went_well,
        risks="Staff vacancy in Q2.",
    )
    return service.return_act(performance_return=performance_return, by=by, action="submit")


def test_quarterly_returns_for_the_award_itself(reporting, direct_award):
    assert [r.period.name for r in reporting] == [
        "Q1 (April to June 2020)",
        "Q2 (July to September 2020)",
        "Q3 (October to December 2020)",
        "Q4 (January to March 2021)",
    ]
    assert all(r.project_id is None and r.line_id is None and r.is_direct for r in reporting)
    assert reporting[0].period.due_on == dt.date(2020, 7, 28)  # the area's rules: 20 working days
    assert direct_award.history.first().history_change_reason == "Returns asked for: quarterly"
    service.returns_set_up(award=direct_award)  # asked again: nothing more
    assert PerformanceReturn.objects.filter(period__award=direct_award).count() == 4


def test_other_period_lengths_and_no_returns(direct_award, demo_user):
    opcc = demo_user("opcc.devon")
    assert len(service.award_reporting_set(award=direct_award, by=opcc, months=6)) == 2
    assert len(service.award_reporting_set(award=direct_award, by=opcc, months=12)) == 1
    assert service.award_reporting_set(award=direct_award, by=opcc, months=None) == []
    assert not direct_award.reporting_periods.exists()


def test_record_then_another_opcc_officer_accepts(reporting, demo_user, second_opcc):
    opcc = demo_user("opcc.devon")
    q1 = reporting[0]
    record(q1, opcc)
    q1.refresh_from_db()
    assert q1.status == PerformanceReturn.Status.SUBMITTED
    assert q1.get_status_display() == "Recorded, waiting for another OPCC officer to accept it"
    with pytest.raises(ValidationError, match="You recorded this return: another OPCC officer must accept it"):
        service.return_act(performance_return=q1, by=opcc, action="accept")
    with pytest.raises(ValidationError, match="no such step"):
        service.return_act(performance_return=q1, by=opcc, action="certify")
    service.return_act(performance_return=q1, by=second_opcc, action="accept")
    q1.refresh_from_db()
    assert q1.status == PerformanceReturn.Status.ACCEPTED
    steps = list(q1.steps.values_list("action", "role_kind", "user__username"))
    assert steps == [
        ("save", "opcc", "opcc.devon"),
        ("submit", "opcc", "opcc.devon"),
        ("accept", "opcc", "opcc2.devon"),
    ]


def test_a_query_goes_back_to_whoever_records_it_again(reporting, demo_user, second_opcc):
    opcc = demo_user("opcc.devon")
    q1 = reporting[0]
    record(q1, opcc)
    with pytest.raises(ValidationError):
        service.return_act(performance_return=q1, by=second_opcc, action="query")  # a query needs words
    service.return_act(performance_return=q1, by=second_opcc, action="query", comments="Spend looks high.")
    q1.refresh_from_db()
    assert q1.status == PerformanceReturn.Status.QUERIED and q1.is_editable
    record(q1, opcc, spend="9000.00")
    service.return_act(performance_return=q1, by=second_opcc, action="accept")
    service.return_act(performance_return=q1, by=second_opcc, action="reopen", comments="Invoice missing.")
    q1.refresh_from_db()
    assert q1.status == PerformanceReturn.Status.IN_PROGRESS


def test_what_a_return_needs_before_it_is_recorded(reporting, demo_user):
    q1 = reporting[0]
    opcc = demo_user("opcc.devon")
    with pytest.raises(ValidationError, match="Enter the spend in the period"):
        service.return_act(performance_return=q1, by=opcc, action="submit")
    service.return_save(performance_return=q1, by=opcc, spend_in_period=D("1.00"), forecasts={}, results={})
    with pytest.raises(ValidationError, match="Say what the provider reports"):
        service.return_act(performance_return=q1, by=opcc, action="submit")


@pytest.mark.parametrize(
    "username", ["officer.plymouth", "finance.plymouth", "pcc.devon", "treasurer.devon", "opcc.avon"]
)
def test_only_the_opcc_records_and_accepts(reporting, demo_user, username):
    person = demo_user(username)
    q1 = reporting[0]
    assert not service.may_edit(person, q1)
    with pytest.raises(ValidationError):
        service.return_save(performance_return=q1, by=person, spend_in_period=D("1.00"), forecasts={}, results={})
    record(q1, demo_user("opcc.devon"))
    with pytest.raises(ValidationError, match="Only the OPCC"):
        service.return_act(performance_return=q1, by=person, action="accept")


def test_asking_for_returns_refusals(direct_award, demo_user, approved_plan):
    with pytest.raises(ValidationError, match="through its spending plan"):
        service.award_reporting_set(award=approved_plan.award, by=demo_user("opcc.devon"), months=3)
    for username in ("pcc.devon", "treasurer.devon", "officer.plymouth", "opcc.avon"):
        with pytest.raises(ValidationError, match="Only the OPCC's officers"):
            service.award_reporting_set(award=direct_award, by=demo_user(username), months=3)
    returns = service.award_reporting_set(award=direct_award, by=demo_user("opcc.devon"), months=3)
    service.return_save(
        performance_return=returns[0], by=demo_user("opcc.devon"), spend_in_period=None, forecasts={}, results={}
    )
    with pytest.raises(ValidationError, match="can no longer change"):
        service.award_reporting_set(award=direct_award, by=demo_user("opcc.devon"), months=6)
    assert direct_award.reporting_periods.count() == 4


def test_spend_against_the_award_and_payments_to_the_penny(reporting, direct_award, demo_user):
    opcc = demo_user("opcc.devon")
    record(reporting[0], opcc, spend="10000.00")
    record(reporting[1], opcc, spend="5000.01")
    f.PaymentFactory(award=direct_award, amount=D("20000.00"))
    figures = award_reports(direct_award)
    latest = figures.latest
    assert latest.allocation == D("40000.00")
    assert latest.in_period == D("5000.01")
    assert latest.year_to_date == D("15000.01")
    assert latest.percent_to_date_display == "37.5%"
    assert latest.forecast_outturn == D("35000.01")  # Q3 and Q4 forecast at £10,000 each
    assert latest.underspend == D("4999.99")
    assert figures.paid == D("20000.00") and figures.paid_less_spent == D("4999.99")


def test_late_returns_are_flagged_for_the_opcc_and_reminded(reporting, demo_user, client, second_opcc):
    late = list(late_returns(force_area=ForceArea.objects.get(slug=AREA)))
    assert reporting[0] in late  # Q1 2020/21 was due on 28 July 2020
    client.force_login(demo_user("opcc.devon"))
    page = client.get(reverse("home")).content.decode()
    assert "Late returns" in page and "Trevi House" in page
    page = client.get(reverse("grants:reporting-rules", kwargs={"area": AREA})).content.decode()
    assert "Trevi House Q1" in page
    mail.outbox.clear()
    monday = dt.date(2020, 8, 3)
    reminders_send(monday)
    to = sorted(m.to[0] for m in mail.outbox if "Trevi House" in m.body)
    assert "opcc.devon@example.org" in to and "opcc2.devon@example.org" in to
    assert "officer.plymouth@example.org" not in to


def test_the_recording_is_told_to_the_other_opcc_officers(reporting, demo_user, second_opcc):
    from grants.services.reminders import notify_return_step

    step = record(reporting[0], demo_user("opcc.devon"))
    mail.outbox.clear()
    notify_return_step(step.pk)
    assert [m.to for m in mail.outbox] == [["opcc2.devon@example.org"]]
    assert "waits for another OPCC officer to accept it" in mail.outbox[0].body


# --- pages ----------------------------------------------------------------------------------------------------------


def award_url(award, name="grants:award"):
    return reverse(name, kwargs={"area": AREA, "pk": award.pk})


def test_the_opcc_asks_for_returns_and_records_and_accepts_through_the_pages(
    direct_award, demo_user, client, second_opcc
):
    opcc = demo_user("opcc.devon")
    client.force_login(opcc)
    page = client.get(award_url(direct_award)).content.decode()
    assert "Returns from Trevi House" in page and "No returns are asked for" in page
    assert award_url(direct_award, "grants:award-reporting") in page
    assert client.get(award_url(direct_award, "grants:award-reporting")).status_code == 200
    response = client.post(award_url(direct_award, "grants:award-reporting"), {"reports_every_months": "3"})
    assert response.status_code == 302
    page = client.get(award_url(direct_award)).content.decode()
    assert "Q1 (April to June 2020)" in page and "Late" in page

    q1 = PerformanceReturn.objects.get(period__award=direct_award, period__number=1)
    page = client.get(reverse("grants:return", kwargs={"pk": q1.pk})).content.decode()
    assert "Return for Trevi House" in page and "Start the return" in page
    edit = reverse("grants:return-edit", kwargs={"pk": q1.pk})
    form = client.get(edit)
    assert form.status_code == 200 and "measure_" not in form.content.decode()
    later = {f"forecast_{p.pk}": "£10,000" for p in direct_award.reporting_periods.filter(number__gt=1)}
    response = client.post(
        edit,
        {
            "spend_in_period": "£10,000.00",
            "went_well": "48 families supported.",
            "risks": "",
            "issues": "",
            "case_study": "",
            **later,
        },
    )
    assert response.status_code == 302
    act = reverse("grants:return-act", kwargs={"pk": q1.pk, "action": "submit"})
    assert "Record the provider" in client.get(act).content.decode()
    assert client.post(act, {"comments": ""}).status_code == 302
    accept = reverse("grants:return-act", kwargs={"pk": q1.pk, "action": "accept"})
    assert client.get(accept).status_code == 403  # not the one who recorded it

    client.force_login(second_opcc)
    assert client.post(accept, {"comments": "Checked against the invoice."}).status_code == 302
    q1.refresh_from_db()
    assert q1.status == PerformanceReturn.Status.ACCEPTED
    page = client.get(award_url(direct_award)).content.decode()
    assert "Accepted by the OPCC" in page and "£10,000.00" in page and "25%" in page


def test_a_bad_choice_is_refused_next_to_the_field(direct_award, demo_user, client):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(award_url(direct_award, "grants:award-reporting"), {"reports_every_months": "5"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not direct_award.reporting_periods.exists()


@pytest.mark.parametrize("username", ["pcc.devon", "treasurer.devon"])
def test_the_pcc_and_treasurer_see_but_do_not_ask_or_record(reporting, direct_award, demo_user, client, username):
    client.force_login(demo_user(username))
    assert client.get(award_url(direct_award)).status_code == 200
    assert (
        client.post(award_url(direct_award, "grants:award-reporting"), {"reports_every_months": "6"}).status_code == 403
    )
    assert client.get(reverse("grants:return", kwargs={"pk": reporting[0].pk})).status_code == 200
    assert client.get(reverse("grants:return-edit", kwargs={"pk": reporting[0].pk})).status_code == 403


@pytest.mark.parametrize("username", ["opcc.avon", "officer.plymouth", "finance.plymouth"])
def test_another_area_and_the_partnerships_find_nothing(reporting, direct_award, demo_user, client, username):
    client.force_login(demo_user(username))
    q1 = reporting[0]
    for url in (
        reverse("grants:return", kwargs={"pk": q1.pk}),
        reverse("grants:return-edit", kwargs={"pk": q1.pk}),
        reverse("grants:return-act", kwargs={"pk": q1.pk, "action": "submit"}),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"spend_in_period": "1"}).status_code in (404, 405)  # the return page takes no POST
    if username == "opcc.avon":
        avon = reverse("grants:award-reporting", kwargs={"area": "avon-and-somerset", "pk": direct_award.pk})
        assert client.post(avon, {"reports_every_months": "6"}).status_code == 404
    assert direct_award.reporting_periods.count() == 4
    assert not ReturnStep.objects.exists()


def test_the_demo_has_a_direct_award_asking_for_returns(db, settings):
    from grants.demo import DIRECT_AWARD_PROVIDER, demo_load

    demo_load(password=settings.DEMO_PASSWORD, illustrative=True)
    demo_load(password=settings.DEMO_PASSWORD, illustrative=True)  # loading again changes nothing
    award = GrantAwardModel.objects.get(organisation__name=DIRECT_AWARD_PROVIDER)
    assert award.reports_every_months == 3
    assert PerformanceReturn.objects.filter(period__award=award, project__isnull=True).count() == 4
