"""Money moved between the plan's funded projects, recorded in a return: below the OPCC's minor variation threshold
a move is listed and summed and shifts the projects' spend positions; at or above it the return cannot be submitted
and the page links to starting a variation; the refusals of the one writer; the pages and their denials."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from grants.figures.monitoring import return_moves, return_spend
from grants.models import MoneyMove, VariationThreshold
from grants.services import returns as service

pytestmark = pytest.mark.django_db


@pytest.fixture
def threshold(q1_return):
    return VariationThreshold.objects.create(force_area=q1_return.partnership.force_area, minor_below=D("5000"))


@pytest.fixture
def other(q1_return):
    """Another funded project of the same plan."""
    return q1_return.project.plan.projects.exclude(pk=q1_return.project.pk).order_by("number").first()


def _fill(performance_return, officer):
    results = {
        m.pk: (D("80"), "") if m.is_numeric else (None, "Going well.")
        for m in performance_return.project.outcome_measures.all()
    }
    service.return_save(
        performance_return=performance_return, by=officer, spend_in_period=D("1000"), forecasts={}, results=results
    )


def _move(q1_return, officer, *, source, target, amount, reason="Demand moved to refuge places."):
    return service.move_record(
        performance_return=q1_return, by=officer, from_project=source, to_project=target, amount=amount, reason=reason
    )


def test_a_small_move_is_listed_summed_and_moves_the_spend_positions(q1_return, other, threshold, demo_user):
    officer = demo_user("officer.plymouth")
    _move(q1_return, officer, source=q1_return.project, target=other, amount=D("4999.99"))
    _move(q1_return, officer, source=other, target=q1_return.project, amount=D("1000.00"))
    moves = return_moves(q1_return)
    assert len(moves.small) == 2 and not moves.needing_variation
    assert moves.small_total == D("5999.99")
    spend = return_spend(q1_return)
    assert (spend.moved_in, spend.moved_out) == (D("1000.00"), D("4999.99"))
    assert spend.allocation_after_moves == q1_return.project.amount_allocated - D("3999.99")
    assert spend.variance == spend.allocation_after_moves  # nothing spent or forecast yet
    _fill(q1_return, officer)
    assert service.submission_problems(q1_return) == []
    assert MoneyMove.history.count() == 2  # recorded with who and when, as the money records are


@pytest.mark.parametrize("amount", [D("5000.00"), D("5000.01"), D("20000")])
def test_a_move_at_or_above_the_threshold_stops_the_submission(q1_return, other, threshold, demo_user, amount):
    officer = demo_user("officer.plymouth")
    _fill(q1_return, officer)
    _move(q1_return, officer, source=q1_return.project, target=other, amount=amount)
    assert return_moves(q1_return).needing_variation
    assert return_spend(q1_return).moved_out == 0  # it moves nothing until a variation does
    with pytest.raises(ValidationError, match="needs a variation of the plan: it is at or above the OPCC's minor"):
        service.return_act(performance_return=q1_return, by=officer, action="submit")
    page = _client(demo_user, "officer.plymouth").get(reverse("grants:return", args=[q1_return.pk]))
    assert "start a variation of the plan" in page.text
    assert reverse("grants:plan-vary", args=[q1_return.project.plan_id]) in page.text
    service.move_remove(move=q1_return.moves.get(), by=officer)
    service.return_act(performance_return=q1_return, by=officer, action="submit")
    removal = MoneyMove.history.get(history_type="-")
    assert removal.history_change_reason == "Removed from the Q1 return before it was submitted"


def test_with_no_threshold_set_every_move_needs_a_variation(q1_return, other, demo_user):
    _move(q1_return, demo_user("officer.plymouth"), source=q1_return.project, target=other, amount=D("1"))
    assert return_moves(q1_return).needing_variation


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"amount": D("0")}, "amount", "greater than £0"),
        ({"amount": D("-5")}, "amount", "greater than £0"),
        ({"amount": D("10.005")}, "amount", "pounds and pence"),
        ({"amount": D("99999999")}, "amount", "to move"),
        ({"target": "same"}, "to_project", "different project"),
        ({"target": "elsewhere"}, "to_project", "funded project of the plan"),
        ({"source": "elsewhere"}, "from_project", "funded project of the plan"),
        ({"reason": "  "}, "reason", "Say why"),
    ],
)
def test_refusals(q1_return, other, threshold, demo_user, southglos_plan, change, field, message):
    elsewhere = southglos_plan.projects.first()
    chosen = {"same": q1_return.project, "elsewhere": elsewhere}
    kwargs = {
        "source": chosen.get(change.get("source"), q1_return.project),
        "target": chosen.get(change.get("target"), other),
        "amount": change.get("amount", D("100")),
        "reason": change.get("reason", "Why not."),
    }
    with pytest.raises(ValidationError) as refused:
        _move(q1_return, demo_user("officer.plymouth"), **kwargs)
    assert message in " ".join(refused.value.message_dict[field])
    assert not MoneyMove.objects.exists()


def test_no_more_than_the_from_project_has_after_earlier_moves(q1_return, other, demo_user):
    VariationThreshold.objects.create(force_area=q1_return.partnership.force_area, minor_below=D("10000000"))
    officer = demo_user("officer.plymouth")
    allocation = other.amount_allocated
    _move(q1_return, officer, source=other, target=q1_return.project, amount=allocation - D("10"))
    with pytest.raises(ValidationError, match="has £10.00 to move"):
        _move(q1_return, officer, source=other, target=q1_return.project, amount=D("10.01"))
    _move(q1_return, officer, source=other, target=q1_return.project, amount=D("10"))


def test_only_the_officer_may_record_and_only_while_the_return_can_be_edited(q1_return, other, threshold, demo_user):
    for person in ("finance.plymouth", "opcc.devon", "officer.southglos"):
        with pytest.raises(ValidationError, match="Only"):
            _move(q1_return, demo_user(person), source=q1_return.project, target=other, amount=D("10"))
    officer = demo_user("officer.plymouth")
    move = _move(q1_return, officer, source=q1_return.project, target=other, amount=D("10"))
    _fill(q1_return, officer)
    service.return_act(performance_return=q1_return, by=officer, action="submit")
    with pytest.raises(ValidationError, match="submitted"):
        _move(q1_return, officer, source=q1_return.project, target=other, amount=D("10"))
    with pytest.raises(ValidationError, match="submitted"):
        service.move_remove(move=move, by=officer)


def _client(demo_user, username):
    from django.test import Client

    client = Client()
    client.force_login(demo_user(username))
    return client


def test_the_moves_page_records_and_removes_a_move(q1_return, other, threshold, demo_user):
    client = _client(demo_user, "officer.plymouth")
    url = reverse("grants:return-moves", args=[q1_return.pk])
    page = client.get(url)
    assert page.status_code == 200 and "No money moved between projects" in page.text
    answer = client.post(url, {"from_project": q1_return.project.pk, "to_project": q1_return.project.pk,
                               "amount": "£1,250.5", "reason": "x"})  # fmt: skip
    assert answer.status_code == 200 and "There is a problem" in answer.text
    assert "Choose a different project" in answer.text
    answer = client.post(url, {"from_project": q1_return.project.pk, "to_project": other.pk, "amount": "£1,250.50",
                               "reason": "More refuge places."})  # fmt: skip
    assert answer.status_code == 302
    move = MoneyMove.objects.get()
    assert move.amount == D("1250.50") and move.recorded_by.username == "officer.plymouth"
    assert move.history.get().history_user.username == "officer.plymouth"  # the audit trail says who
    page = client.get(reverse("grants:return", args=[q1_return.pk]))
    assert "1 small move, £1,250.50 in all." in page.text
    remove = reverse("grants:return-move-remove", args=[q1_return.pk, move.pk])
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not MoneyMove.objects.exists()


def test_the_moves_pages_are_refused_to_others(q1_return, other, threshold, demo_user):
    move = _move(q1_return, demo_user("officer.plymouth"), source=q1_return.project, target=other, amount=D("10"))
    urls = [
        reverse("grants:return-moves", args=[q1_return.pk]),
        reverse("grants:return-move-remove", args=[q1_return.pk, move.pk]),
    ]
    for url in urls:
        assert _client(demo_user, "officer.southglos").get(url).status_code == 404  # another partnership
        assert _client(demo_user, "officer.southglos").post(url).status_code == 404
        assert _client(demo_user, "opcc.avon").get(url).status_code == 404  # another area
        assert _client(demo_user, "finance.plymouth").get(url).status_code == 403  # sees it, may not change it
        assert _client(demo_user, "opcc.devon").post(url).status_code == 403
    assert MoneyMove.objects.count() == 1


def test_the_certifier_and_the_opcc_see_the_moves_before_they_act(q1_return, other, threshold, demo_user):
    officer = demo_user("officer.plymouth")
    _move(q1_return, officer, source=q1_return.project, target=other, amount=D("1250.50"))
    _fill(q1_return, officer)
    service.return_act(performance_return=q1_return, by=officer, action="submit")
    page = _client(demo_user, "finance.plymouth").get(reverse("grants:return-act", args=[q1_return.pk, "certify"]))
    assert page.status_code == 200 and "Money moved between projects" in page.text and "£1,250.50" in page.text
    page = _client(demo_user, "opcc.devon").get(reverse("grants:return", args=[q1_return.pk]))
    assert "1 small move, £1,250.50 in all." in page.text
    assert "Record money moved" not in page.text  # the OPCC reads the log, only the officer writes it


def test_the_performance_pack_sums_the_small_moves(q1_return, other, threshold, demo_user):
    _move(q1_return, demo_user("officer.plymouth"), source=q1_return.project, target=other, amount=D("1250.50"))
    award = q1_return.period.award
    page = _client(demo_user, "opcc.devon").get(reverse("grants:performance-pack", args=[award.pk, 1]))
    assert "Moved between projects by small moves to the end of Q1 (April to June 2020): £1,250.50" in page.text


def test_the_opccs_pack_counts_the_small_moves_as_the_csps_pack_does(q1_return, other, threshold, demo_user):
    """Both packs read each return's spend by the one rule (`returns_spend`): a move shifts the projects' positions
    in the OPCC's pack across its CSPs too, not only in the CSP's own."""
    from grants.figures.packs import area_pack, performance_pack

    _move(q1_return, demo_user("officer.plymouth"), source=q1_return.project, target=other, amount=D("1250.50"))
    period = q1_return.period
    csp = {p.performance_return.pk: p.spend for p in performance_pack(period).projects}
    area = area_pack(force_area=q1_return.partnership.force_area, financial_year=period.award.financial_year, number=1)
    (line,) = [p for p in area.partnerships if p.award.pk == period.award_id]
    assert line.spend == sum(csp.values(), type(line.spend)())
    moved = csp[q1_return.pk]
    assert moved.moved_out == D("1250.50") and moved.allocation_after_moves == moved.allocation - D("1250.50")
    assert return_spend(q1_return) == moved
