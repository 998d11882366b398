"""Returns: periods and due dates, every step and its refusals, personal-data warnings, spend to the penny,
reminders sent once, late returns on the home pages and in the digest."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.figures.monitoring import period_spend, return_spend
from grants.models import PerformanceReturn, ReportingRules, SentReminder
from grants.services import returns as service
from grants.services.reminders import reminders_send
from partnerships.models import Role

pytestmark = pytest.mark.django_db


def _fill(performance_return, officer, *, spend="52500.00", forecasts=None):
    results = {}
    for measure in performance_return.project.outcome_measures.all():
        results[measure.pk] = (D("80"), "") if measure.is_numeric else (None, "Going well.")
    return service.return_save(
        performance_return=performance_return,
        by=officer,
        spend_in_period=D(spend),
        forecasts=forecasts or {},
        results=results,
    )


def test_quarterly_periods_due_twenty_working_days_after_each_quarter(q1_return):
    periods = list(q1_return.period.award.reporting_periods.all())
    assert [p.name for p in periods] == [
        "Q1 (April to June 2020)",
        "Q2 (July to September 2020)",
        "Q3 (October to December 2020)",
        "Q4 (January to March 2021)",
    ]
    assert periods[0].opens_on == dt.date(2020, 7, 1)
    assert periods[0].due_on == dt.date(2020, 7, 28)
    assert periods[2].due_on == dt.date(2021, 1, 29)  # over Christmas, Boxing Day (observed) and New Year's Day


def test_the_opcc_can_set_other_periods(plymouth_plan, demo_user):
    from tests.workflow import drive

    ReportingRules.objects.create(force_area=plymouth_plan.partnership.force_area, months_per_period=6)
    drive(plymouth_plan, demo_user)  # the periods are set when the plan is approved, by the rules then in force
    periods = list(plymouth_plan.award.reporting_periods.order_by("number"))
    assert [p.name for p in periods] == ["H1 (April to September 2020)", "H2 (October to March 2021)"]


def test_one_return_per_funded_project_and_period(q1_return, approved_plan):
    assert PerformanceReturn.objects.filter(period__award=approved_plan.award).count() == 4 * 6
    service.returns_set_up(award=approved_plan.award)  # asked again: nothing more
    assert PerformanceReturn.objects.filter(period__award=approved_plan.award).count() == 24


def test_certifying_ones_own_return_is_refused(q1_return, demo_user):
    officer = demo_user("officer.plymouth")
    Role.objects.create(user=officer, kind=Role.Kind.CERTIFIER, partnership=q1_return.partnership)
    _fill(q1_return, officer)
    service.return_act(performance_return=q1_return, by=officer, action="submit")
    with pytest.raises(ValidationError, match="a second person of the partnership must certify it"):
        service.return_act(performance_return=q1_return, by=officer, action="certify")


def test_accepting_an_uncertified_return_is_refused(q1_return, demo_user):
    _fill(q1_return, demo_user("officer.plymouth"))
    service.return_act(performance_return=q1_return, by=demo_user("officer.plymouth"), action="submit")
    with pytest.raises(ValidationError, match="not been certified"):
        service.return_act(performance_return=q1_return, by=demo_user("opcc.devon"), action="accept")


def test_every_step_and_who_may_take_it(q1_return, demo_user):
    officer, finance, opcc = demo_user("officer.plymouth"), demo_user("finance.plymouth"), demo_user("opcc.devon")
    with pytest.raises(ValidationError, match="Enter the spend"):  # nothing entered yet
        service.return_act(performance_return=q1_return, by=officer, action="submit")
    _fill(q1_return, officer)
    assert q1_return.status == "in_progress"
    for person, action in [(finance, "submit"), (opcc, "submit"), (demo_user("board.plymouth"), "submit")]:
        with pytest.raises(ValidationError, match="Only"):
            service.return_act(performance_return=q1_return, by=person, action=action)
    service.return_act(performance_return=q1_return, by=officer, action="submit")
    with pytest.raises(ValidationError):  # frozen once submitted
        _fill(q1_return, officer)
    with pytest.raises(ValidationError, match="Only"):
        service.return_act(performance_return=q1_return, by=demo_user("opcc.avon"), action="query")
    with pytest.raises(ValidationError, match="Say what"):
        service.return_act(performance_return=q1_return, by=opcc, action="query")
    service.return_act(performance_return=q1_return, by=opcc, action="query", comments="Please explain.")
    assert q1_return.status == "queried"
    _fill(q1_return, officer, spend="52000")  # the officer may change it again
    service.return_act(performance_return=q1_return, by=officer, action="submit", comments="Corrected.")
    service.return_act(performance_return=q1_return, by=finance, action="certify")
    service.return_act(performance_return=q1_return, by=opcc, action="accept")
    with pytest.raises(ValidationError):
        service.return_act(performance_return=q1_return, by=opcc, action="accept")
    service.return_act(performance_return=q1_return, by=opcc, action="reopen", comments="Figures to restate.")
    assert q1_return.status == "in_progress"
    steps = list(q1_return.steps.values_list("action", "from_status", "to_status"))
    assert steps[-1] == ("reopen", "accepted", "in_progress")
    assert len(steps) == 7


@pytest.mark.parametrize(
    "text, flagged",
    [
        ("Contact jo.bloggs@example.org for details", "an e-mail address"),
        ("Call 07700 900123 for details", "a phone number"),
        ("She lives at PL1 2AB", "a postcode"),
        ("Jane Smith, born 12/03/1985, was supported", "a name with a date of birth"),
        ("Jane Smith (DOB 3 March 1985)", "a name with a date of birth"),
    ],
)
def test_personal_data_is_flagged(text, flagged):
    warnings = service.personal_data_warnings({"Case study": text})
    assert len(warnings) == 1 and flagged in warnings[0] and warnings[0].startswith("Case study")


def test_aggregate_words_are_not_flagged():
    assert not service.personal_data_warnings(
        {"What went well": "78% of 120 victims engaged in Q1 2020, up from 70% in the last quarter of 2019/20."}
    )


def test_submission_asks_for_confirmation_when_text_looks_personal(client, q1_return, demo_user):
    officer = demo_user("officer.plymouth")
    _fill(q1_return, officer)
    PerformanceReturn.objects.filter(pk=q1_return.pk).update(case_study="Jane Smith, born 12/03/1985")
    client.force_login(officer)
    url = reverse("grants:return-act", args=[q1_return.pk, "submit"])
    page = client.get(url)
    assert "a name with a date of birth" in page.content.decode()
    assert client.post(url, {"comments": ""}).status_code == 200  # not confirmed: the page again, with the error
    q1_return.refresh_from_db()
    assert q1_return.status == "in_progress"
    assert client.post(url, {"comments": "", "no_personal_data": "on"}).status_code == 302


def test_spend_to_the_penny(q1_return, demo_user, approved_plan):
    officer = demo_user("officer.plymouth")
    later = list(approved_plan.award.reporting_periods.filter(number__gt=1))
    _fill(q1_return, officer, spend="52500.01", forecasts={p.pk: D("52499.99") for p in later})
    spend = return_spend(q1_return)
    assert spend.allocation == D("210000.00")
    assert spend.year_to_date == D("52500.01")
    assert spend.forecast_remaining == D("157499.97")
    assert spend.forecast_outturn == D("209999.98")
    assert spend.underspend == D("0.02") and spend.overspend == D("0")
    q2 = PerformanceReturn.objects.get(period=later[0], line_id=q1_return.line_id)
    _fill(q2, officer, spend="60000.00", forecasts={later[1].pk: D("50000"), later[2].pk: D("50000")})
    spend = return_spend(q2)
    assert spend.year_to_date == D("112500.01")
    assert spend.overspend == D("2500.01")
    plan = period_spend(q2.period)
    assert plan.total.year_to_date == D("112500.01")
    assert plan.total.allocation == D("377568.00")


def test_reminders_go_once_five_working_days_before_the_due_date(q1_return, approved_plan):
    monday = dt.date(2020, 7, 21)  # Q1 due Tuesday 28 July 2020: Tuesday 21st is five working days before
    assert reminders_send(monday) == 2  # one to the officer, one to the certifier, each listing the six returns
    assert sorted(m.to[0] for m in mail.outbox) == ["finance.plymouth@example.org", "officer.plymouth@example.org"]
    assert all(m.subject == "6 performance returns due by 28 July 2020" for m in mail.outbox)
    assert "Plymouth Domestic Abuse Service" in mail.outbox[0].body
    sent = len(mail.outbox)
    assert reminders_send(monday) == 0
    assert len(mail.outbox) == sent
    assert SentReminder.objects.count() == 12  # each return recorded for each person


def test_a_late_return_is_flagged_on_both_home_pages_and_in_the_digest(client, q1_return, demo_user):
    client.force_login(demo_user("officer.plymouth"))
    page = client.get(reverse("home")).content.decode()
    assert "Late returns" in page and "Plymouth Domestic Abuse Service" in page
    client.force_login(demo_user("opcc.devon"))
    page = client.get(reverse("home")).content.decode()
    assert "Late returns" in page
    monday = dt.date(2020, 8, 3)
    reminders_send(monday)
    digest = [m for m in mail.outbox if m.to == ["opcc.devon@example.org"]]
    assert len(digest) == 1 and "Plymouth Domestic Abuse Service" in digest[0].body and "late" in digest[0].body
    reminders_send(monday)
    assert len([m for m in mail.outbox if m.to == ["opcc.devon@example.org"]]) == 1


def test_contracts_ending_within_six_months_are_listed_for_the_officer_and_the_opcc(approved_plan, demo_user):
    # Plymouth's domestic abuse contract "expires 30th November 2020".
    for person in ("officer.plymouth", "opcc.devon"):
        work = service.returns_work(demo_user(person), on=dt.date(2020, 6, 1))
        assert [p.title for p in work.contracts_ending] == ["Plymouth Domestic Abuse Service"]
    assert service.returns_work(demo_user("officer.plymouth"), on=dt.date(2020, 5, 29)).contracts_ending == []
    later = service.returns_work(demo_user("officer.plymouth"), on=dt.date(2020, 12, 1)).contracts_ending
    assert [p.number for p in later] == [2]  # the counselling contract to 31 March 2021; line 1's has ended
    assert service.returns_work(demo_user("officer.southglos"), on=dt.date(2020, 6, 1)).contracts_ending == []
