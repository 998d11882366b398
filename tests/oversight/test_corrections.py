"""Correct and withdraw with history (issue 10): every OPCC record is corrected or withdrawn on the OPCC pages,
with who, when, why, before and after in its history; a published grant corrected or withdrawn says so in the
publications rather than vanishing; money claimed or paid limits what may change."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.figures.money import area_money
from grants.models import FundingReceived, FundingStream, GrantApplication, GrantAward, GrantRound
from grants.services import corrections, funding
from grants.services.income import IncomeInput, income_record
from grants.services.payments import claim_add, payment_add
from grants.services.rounds import application_add, application_decide
from partnerships.models import ForceArea, Organisation
from tests.oversight.dates import date_boxes, year_rows

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, **kwargs})


@pytest.fixture
def area(demo):
    return ForceArea.objects.get(slug=AREA)


@pytest.fixture
def stream(area):
    return FundingStream.objects.create(force_area=area, name="Youth diversion fund", kind="other")


@pytest.fixture
def grant(stream, demo_user):
    return funding.stream_award_save(
        award=GrantAward(
            funding_stream=stream, status="made", awarded_on=datetime.date(2021, 5, 1), purpose="Youth diversion"
        ),
        years=[("2021/22", D("20000.00"))],
        organisation_name="Young Devon",
        charity_number="1086386",
        by=demo_user("opcc.devon"),
    )


def award_post(award, **changes):
    data = {
        "organisation_name": award.organisation.name,
        "charity_number": award.organisation.charity_number,
        "kind": award.kind,
        "payment_schedule": award.payment_schedule,
        "status": award.status,
        **date_boxes("awarded_on", award.awarded_on),
        "purpose": award.purpose,
        **year_rows((award.financial_year, str(award.amount))),
    }
    data.update(changes)
    return data


def test_a_made_grant_corrected_keeps_who_when_why_before_and_after(client, demo_user, grant):
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("award-change", pk=grant.pk), award_post(grant, **year_rows(("2021/22", "18,500.00"))))
    assert "Say why it is being corrected" in response.content.decode()
    grant.refresh_from_db()
    assert grant.amount == D("20000.00")
    response = client.post(
        url("award-change", pk=grant.pk),
        award_post(grant, reason="The offer letter says £18,500", **year_rows(("2021/22", "18,500.00"))),
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.amount == D("18500.00")
    assert grant.publication_note.startswith("Corrected on ")
    assert "Amount was £20,000.00, now £18,500.00" in grant.correction_note
    history = client.get(url("record-history", kind="grant", pk=grant.pk)).content.decode()
    officer = str(demo_user("opcc.devon"))
    assert f"Changed by {officer}" in history and "The offer letter says £18,500" in history
    assert "£20,000.00" in history and "£18,500.00" in history
    public = client.get(reverse("grants:published", kwargs={"area": AREA})).content.decode()
    assert "Young Devon" in public and "Corrected" in public and "The offer letter says £18,500" in public


def test_a_withdrawn_grant_counts_nowhere_but_is_published_as_withdrawn(client, demo_user, area, grant):
    assert area_money(force_area=area, financial_year="2021/22").grants_made == D("20000.00")
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("record-withdraw", kind="grant", pk=grant.pk), {"reason": ""})
    assert "Say why" in response.content.decode()
    response = client.post(url("record-withdraw", kind="grant", pk=grant.pk), {"reason": "Entered twice"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.is_withdrawn and grant.withdrawn_by == demo_user("opcc.devon")
    assert area_money(force_area=area, financial_year="2021/22").grants_made == D("0.00")
    public = client.get(reverse("grants:published", kwargs={"area": AREA})).content.decode()
    assert "Young Devon" in public and "Withdrawn on" in public and "Entered twice" in public
    from grants.services.threesixty import release_for, threesixty_package

    record = next(
        g for g in threesixty_package(release_for(force_area=area))["grants"] if g["id"].endswith(f"-{grant.pk}")
    )
    assert record["description"].startswith("Withdrawn on")
    # a withdrawn grant takes no more changes
    assert client.get(url("award-change", pk=grant.pk)).status_code == 403
    assert client.post(url("claim-new", pk=grant.pk), {}).status_code in (200, 302)
    assert not grant.claims.exists()


def test_money_claimed_or_paid_limits_corrections_and_withdrawal(demo_user, grant):
    opcc = demo_user("opcc.devon")
    award = GrantAward.objects.get(pk=grant.pk)
    award.payment_schedule = "on_claim"
    award.save()
    claim_add(award=award, amount=D("15000.00"), claimed_on=datetime.date(2021, 9, 1), description="Q1-2", by=opcc)
    with pytest.raises(ValidationError, match=r"it cannot be less than £15,000.00 \(£1,000.00 more than the new"):
        corrections.award_correct(award=award, changes={}, years=[("2021/22", D("14000.00"))], reason="Cut", by=opcc)
    with pytest.raises(ValidationError, match="awaiting a decision: decide them first"):
        corrections.award_withdraw(award=award, reason="Not needed", by=opcc)
    award.payment_schedule = "in_advance"
    award.save()
    stream_award = GrantAward.objects.get(pk=grant.pk)
    payment_add(award=stream_award, amount=D("5000.00"), paid_on=datetime.date(2021, 6, 1), reference="B1", by=opcc)
    award.refresh_from_db()
    with pytest.raises(ValidationError, match=r"£5,000.00 has been paid on the award to Young Devon"):
        corrections.award_withdraw(award=award, reason="Not needed", by=opcc)
    award.refresh_from_db()
    assert not award.is_withdrawn and award.amount == D("20000.00")


def test_a_grant_round_is_corrected_and_withdrawn_with_its_awards(client, demo_user, area, stream):
    opcc = demo_user("opcc.devon")
    grant_round = GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Road safety 2021/22",
        financial_year="2021/22",
        pot=D("100000.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 30),
    )
    organisation = Organisation.objects.create(name="Road Safety Trust Devon")
    application = application_add(
        grant_round=grant_round,
        organisation=organisation,
        project_title="Young drivers",
        purpose="Fewer crashes",
        amount_requested=D("60000.00"),
        received_on=datetime.date(2021, 6, 1),
    )
    application_decide(
        application=application, decision="approved", amount_awarded=D("60000.00"), decided_on=datetime.date(2021, 7, 1)
    )
    client.force_login(opcc)
    data = {
        "name": "Road safety fund 2021/22",
        "funding_stream": stream.pk,
        "financial_year": "2021/22",
        "pot": "59,999.99",
        **date_boxes("opens_on", "2021-05-01"),
        **date_boxes("closes_on", "2021-06-30"),
        "reason": "Pot cut by the PCC",
    }
    response = client.post(url("round-change", pk=grant_round.pk), data)
    assert "already awarded £60,000.00: the pot cannot be less than that" in response.content.decode()
    response = client.post(url("round-change", pk=grant_round.pk), {**data, "pot": "80,000"})
    assert response.status_code == 302
    grant_round.refresh_from_db()
    assert grant_round.pot == D("80000.00") and grant_round.name == "Road safety fund 2021/22"
    # the decision corrected: a smaller amount corrects the award, declined withdraws it
    response = client.post(
        url("application-decision-correct", pk=grant_round.pk, application=application.pk),
        {
            "decision": "approved",
            "amount_awarded": "55,000",
            **date_boxes("decided_on", "2021-07-01"),
            "reason": "Panel minute corrected",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.award.amount == D("55000.00") and grant_round.remaining == D("25000.00")
    response = client.post(url("record-withdraw", kind="round", pk=grant_round.pk), {"reason": "Round cancelled"})
    assert response.status_code == 302
    application.refresh_from_db()
    grant_round.refresh_from_db()
    assert grant_round.is_withdrawn and application.is_withdrawn and application.award.is_withdrawn
    assert area_money(force_area=area, financial_year="2021/22").grants_made == D("0.00")
    assert "Round cancelled" in client.get(url("record-history", kind="round", pk=grant_round.pk)).content.decode()
    assert "Road safety fund 2021/22" not in client.get(url("rounds")).content.decode()
    assert "Road safety fund 2021/22" in client.get(url("rounds") + "?withdrawn=1").content.decode()


def test_a_decision_corrected_from_declined_to_approved_makes_an_award_within_the_pot(demo_user, area, stream):
    opcc = demo_user("opcc.devon")
    grant_round = GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Small grants",
        financial_year="2021/22",
        pot=D("10000.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 30),
    )
    application = application_add(
        grant_round=grant_round,
        organisation=Organisation.objects.create(name="Street Pastors"),
        project_title="Night time economy",
        purpose="Safer nights",
        amount_requested=D("12000.00"),
        received_on=datetime.date(2021, 6, 1),
    )
    application_decide(application=application, decision="declined", decided_on=datetime.date(2021, 7, 1))
    with pytest.raises(ValidationError, match=r"£0.01 past its pot of £10,000.00"):
        corrections.application_decision_correct(
            application=application,
            decision="approved",
            amount_awarded=D("10000.01"),
            decided_on=datetime.date(2021, 7, 2),
            notes="",
            reason="Appeal upheld",
            by=opcc,
        )
    application.refresh_from_db()
    assert application.decision == "declined" and application.award is None
    corrections.application_decision_correct(
        application=application,
        decision="approved",
        amount_awarded=D("10000.00"),
        decided_on=datetime.date(2021, 7, 2),
        notes="",
        reason="Appeal upheld",
        by=opcc,
    )
    application.refresh_from_db()
    assert application.award.amount == D("10000.00") and application.award.status == "made"


def test_a_duplicate_stream_is_withdrawn_only_when_nothing_stands_in_it(client, demo_user, area, stream, grant):
    duplicate = FundingStream.objects.create(force_area=area, name="Youth diversion fund (duplicate)", kind="other")
    client.force_login(demo_user("opcc.devon"))
    response = client.post(url("record-withdraw", kind="stream", pk=stream.pk), {"reason": "Duplicate"})
    assert "still holds 1 awards" in response.content.decode()
    response = client.post(url("record-withdraw", kind="stream", pk=duplicate.pk), {"reason": "Entered twice"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.is_withdrawn
    assert "Youth diversion fund (duplicate)" not in client.get(url("funding") + "?year=2021/22").content.decode()
    response = client.post(
        url("stream-change", pk=stream.pk),
        {"name": "Youth diversion", "kind": "home_office", "funder_name": "Home Office", "reason": "Renamed"},
    )
    assert response.status_code == 302
    stream.refresh_from_db()
    assert stream.name == "Youth diversion" and stream.funder.name == "Home Office"


def test_funding_received_is_corrected_with_its_history(client, demo_user, area, stream):
    opcc = demo_user("opcc.devon")
    income = income_record(
        force_area=area,
        data=IncomeInput(
            funding_stream=stream,
            funder_name="Ministry of Justice",
            amount=D("100000.00"),
            starts_on=datetime.date(2021, 4, 1),
            ends_on=datetime.date(2022, 3, 31),
            years=[("2021/22", D("100000.00"))],
        ),
        by=opcc,
    )
    client.force_login(opcc)
    response = client.post(
        url("income-change", pk=income.pk),
        {
            "funding_stream": stream.pk,
            "funder_name": "Ministry of Justice",
            "amount": "120,000",
            **date_boxes("starts_on", "2021-04-01"),
            **date_boxes("ends_on", "2023-03-31"),
            **year_rows(("2021/22", "100,000"), ("2022/23", "20,000")),
            "reason": "Extended by a year",
        },
    )
    assert response.status_code == 302
    income.refresh_from_db()
    assert income.amount == D("120000.00") and [y.amount for y in income.years.all()] == [D("100000"), D("20000")]
    history = client.get(url("record-history", kind="income", pk=income.pk)).content.decode()
    assert "Extended by a year" in history and "£100,000.00" in history and "£120,000.00" in history
    assert "per year was 2021/22 £100,000.00; now 2021/22 £100,000.00, 2022/23 £20,000.00" in history


def test_an_application_is_corrected_and_withdrawn(client, demo_user, area, stream):
    grant_round = GrantRound.objects.create(
        force_area=area,
        funding_stream=stream,
        name="Small grants",
        financial_year="2021/22",
        pot=D("10000.00"),
        opens_on=datetime.date(2021, 5, 1),
        closes_on=datetime.date(2021, 6, 30),
    )
    application = application_add(
        grant_round=grant_round,
        organisation=Organisation.objects.create(name="Street Pastors"),
        project_title="Night tme economy",
        purpose="Safer nights",
        amount_requested=D("5000.00"),
        received_on=datetime.date(2021, 6, 1),
    )
    client.force_login(demo_user("opcc.devon"))
    response = client.post(
        url("application-change", pk=grant_round.pk, application=application.pk),
        {
            "organisation_name": "Street Pastors",
            "project_title": "Night time economy",
            "purpose": "Safer nights",
            "amount_requested": "5,000",
            **date_boxes("received_on", "2021-06-01"),
            "reason": "Typo in the title",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.project_title == "Night time economy"
    client.post(url("record-withdraw", kind="application", pk=application.pk), {"reason": "Applicant withdrew"})
    application.refresh_from_db()
    assert application.is_withdrawn and grant_round.requested == D("0.00")
    assert GrantApplication.objects.live().count() == 0


@pytest.mark.parametrize(("username", "history", "write"), [("pcc.devon", 200, 403), ("opcc.avon", 404, 404)])
def test_history_is_read_by_the_area_and_withdrawal_is_for_its_officers(
    client, demo_user, grant, username, history, write
):
    client.force_login(demo_user(username))
    assert client.get(url("record-history", kind="grant", pk=grant.pk)).status_code == history
    assert client.post(url("record-withdraw", kind="grant", pk=grant.pk), {"reason": "x"}).status_code == write
    assert client.get(url("award-change", pk=grant.pk)).status_code == write
    assert client.get(url("record-history", kind="nonsense", pk=grant.pk)).status_code == 404
    grant.refresh_from_db()
    assert not grant.is_withdrawn
    assert not FundingReceived.objects.exists()


def test_a_withdrawn_csp_award_can_be_set_again_for_the_year(demo_user, area):
    from grants.services.awards import awards_set

    plymouth = area.partnerships.get(slug="safer-plymouth")
    stream = area.funding_streams.get(kind="pcc_csp")
    award = awards_set(
        funding_stream=stream, financial_year="2021/22", amounts={plymouth: D("100.00")}, awarded_on=None
    )[0]
    corrections.award_withdraw(award=award, reason="Set for the wrong year", by=demo_user("opcc.devon"))
    again = awards_set(
        funding_stream=stream, financial_year="2021/22", amounts={plymouth: D("200.00")}, awarded_on=None
    )[0]
    assert again.pk != award.pk and again.amount == D("200.00")
    assert area_money(force_area=area, financial_year="2021/22").committed == D("200.00")
