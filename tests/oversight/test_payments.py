"""Claims and payments on an award (issue 10): a capital fund claimed against, figures to the penny, claims
beyond what remains refused with the amounts, the claim decisions' table, append-only records with reversals."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import claims as table
from grants.figures.money import award_ledger
from grants.models import Claim, FundingStream, GrantAward, Payment
from grants.services import funding
from grants.services.payments import claim_add, claim_decide, payment_add, payment_reverse
from partnerships.models import ForceArea
from tests.oversight.dates import date_boxes

pytestmark = pytest.mark.django_db
D = Decimal
AREA = "devon-and-cornwall"


def url(name, **kwargs):
    return reverse(f"grants:{name}", kwargs={"area": AREA, **kwargs})


@pytest.fixture
def capital_fund(demo, demo_user):
    area = ForceArea.objects.get(slug=AREA)
    stream = FundingStream.objects.create(force_area=area, name="Safer spaces capital fund", kind="other")
    return funding.stream_award_save(
        award=GrantAward(
            funding_stream=stream,
            status="made",
            awarded_on=datetime.date(2021, 5, 1),
            payment_schedule=GrantAward.PaymentSchedule.ON_CLAIM,
        ),
        years=[("2021/22", D("150000.00"))],
        organisation_name="Torbay Council",
        by=demo_user("opcc.devon"),
    )


def test_a_capital_fund_with_three_claims_and_two_payments(client, demo_user, capital_fund, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    opcc, treasurer = demo_user("opcc.devon"), demo_user("treasurer.devon")
    client.force_login(opcc)
    for day, amount, invoice in (("2021-06-30", "40,000.00", "INV-1"), ("2021-09-30", "35,500.50", "INV-2")):
        response = client.post(
            url("claim-new", pk=capital_fund.pk),
            {
                "amount": amount,
                **date_boxes("claimed_on", day),
                "description": f"CCTV installation, invoice {invoice}",
                "evidence": SimpleUploadedFile(f"{invoice}.pdf", b"%PDF-1.4 invoice", content_type="application/pdf"),
            },
        )
        assert response.status_code == 302
    third = claim_add(
        award=capital_fund,
        amount=D("20000.25"),
        claimed_on=datetime.date(2021, 12, 31),
        description="Lighting",
        by=opcc,
    )
    first, second = Claim.objects.filter(award=capital_fund).order_by("pk")[:2]
    assert first.evidence_name == "INV-1.pdf" and first.evidence.read() == b"%PDF-1.4 invoice"
    # the officer who entered a claim does not decide it: the Treasurer does
    response = client.post(url("claim", pk=capital_fund.pk, claim=first.pk), {"decision": "approve"})
    assert "You entered this claim" in response.content.decode()
    client.force_login(treasurer)
    assert client.get(url("claim-evidence", pk=capital_fund.pk, claim=first.pk)).status_code == 200
    response = client.post(
        url("claim", pk=capital_fund.pk, claim=first.pk), {"decision": "approve", "amount_approved": "40,000.00"}
    )
    assert response.status_code == 302
    response = client.post(
        url("claim", pk=capital_fund.pk, claim=second.pk), {"decision": "approve", "amount_approved": "35,000.00"}
    )
    assert response.status_code == 302
    response = client.post(url("claim", pk=capital_fund.pk, claim=third.pk), {"decision": "reject"})
    assert "Say why the claim is rejected" in response.content.decode()
    claim_decide(claim=third, decision="reject", by=treasurer, note="No evidence of spend")
    client.force_login(opcc)
    for claim, amount, day, reference in (
        (first, "40,000.00", "2021-07-15", "BACS-0001"),
        (second, "35,000", "2021-10-15", "BACS-0002"),
    ):
        response = client.post(
            url("payment-new", pk=capital_fund.pk),
            {"amount": amount, **date_boxes("paid_on", day), "reference": reference, "claim": str(claim.pk)},
        )
        assert response.status_code == 302, response.context["form"].errors
    ledger = award_ledger(capital_fund)
    assert ledger.claimed == D("75000.00")  # approved amounts; the rejected claim counts for nothing
    assert ledger.paid == D("75000.00")
    assert ledger.remaining == D("75000.00")
    content = client.get(url("award", pk=capital_fund.pk)).content.decode()
    for figure in ("£150,000.00", "£75,000.00", "£35,500.50", "£20,000.25", "BACS-0002", "No evidence of spend"):
        assert figure in content, figure


def test_a_claim_beyond_what_remains_is_refused_with_the_amounts(client, demo_user, capital_fund):
    opcc = demo_user("opcc.devon")
    claim_add(award=capital_fund, amount=D("100000.00"), claimed_on=datetime.date(2021, 6, 1), description="A", by=opcc)
    client.force_login(opcc)
    response = client.post(
        url("claim-new", pk=capital_fund.pk),
        {"amount": "50,000.01", **date_boxes("claimed_on", "2021-07-01"), "description": "B"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "A claim of £50,000.01 is £0.01 more than remains of the award: £50,000.00 of £150,000.00 remains "
        "(£100,000.00 claimed, £0.00 paid without a claim)."
    ) in content
    assert capital_fund.claims.count() == 1
    assert claim_add(
        award=capital_fund, amount=D("50000.00"), claimed_on=datetime.date(2021, 7, 1), description="B", by=opcc
    )
    assert award_ledger(capital_fund).remaining == D("0.00")


def test_payments_on_claim_pay_approved_claims_only_and_never_more_than_approved(demo_user, capital_fund):
    opcc, treasurer = demo_user("opcc.devon"), demo_user("treasurer.devon")
    with pytest.raises(ValidationError, match="paid on claim: choose the approved claim"):
        payment_add(award=capital_fund, amount=D("1.00"), paid_on=datetime.date(2021, 7, 1), reference="X", by=opcc)
    claim = claim_add(
        award=capital_fund, amount=D("1000.00"), claimed_on=datetime.date(2021, 6, 1), description="A", by=opcc
    )
    with pytest.raises(ValidationError, match="awaiting decision: pay approved claims"):
        payment_add(
            award=capital_fund, amount=D("1.00"), paid_on=datetime.date(2021, 7, 1), reference="X", claim=claim, by=opcc
        )
    claim_decide(claim=claim, decision="approve", amount_approved=D("900.00"), by=treasurer)
    with pytest.raises(ValidationError, match=r"£900.01 is more than the £900.00 unpaid of the claim"):
        payment_add(
            award=capital_fund,
            amount=D("900.01"),
            paid_on=datetime.date(2021, 7, 1),
            reference="X",
            claim=claim,
            by=opcc,
        )
    payment_add(
        award=capital_fund, amount=D("900.00"), paid_on=datetime.date(2021, 7, 1), reference="X", claim=claim, by=opcc
    )
    assert award_ledger(capital_fund).paid == D("900.00")


def test_money_records_are_append_only_and_corrected_by_a_reversal(client, demo_user, capital_fund):
    opcc, treasurer = demo_user("opcc.devon"), demo_user("treasurer.devon")
    claim = claim_add(
        award=capital_fund, amount=D("1000.00"), claimed_on=datetime.date(2021, 6, 1), description="A", by=opcc
    )
    claim_decide(claim=claim, decision="approve", by=treasurer)
    payment = payment_add(
        award=capital_fund,
        amount=D("1000.00"),
        paid_on=datetime.date(2021, 7, 1),
        reference="BACS-9",
        claim=claim,
        by=opcc,
    )
    # never changed or removed, one by one or in bulk
    payment.amount = D("100.00")
    with pytest.raises(ValidationError, match="cannot be changed once entered"):
        payment.save()
    with pytest.raises(ValidationError, match="cannot be removed"):
        payment.delete()
    with pytest.raises(ValidationError):
        Payment.objects.filter(pk=payment.pk).update(amount=D("1.00"))
    with pytest.raises(ValidationError):
        Claim.objects.filter(pk=claim.pk).delete()
    claim.refresh_from_db()
    claim.amount = D("5.00")
    with pytest.raises(ValidationError):
        claim.save()
    # a claim with money paid against it is not reversed before the payment
    with pytest.raises(ValidationError, match="reverse the payment first"):
        claim_decide(claim=claim, decision="reverse", note="Entered twice", by=opcc)
    client.force_login(opcc)
    response = client.post(
        url("payment-reverse", pk=capital_fund.pk, payment=payment.pk),
        {"reason": "Paid to the wrong account", **date_boxes("reversed_on", "2021-07-02")},
    )
    assert response.status_code == 302
    reversal = Payment.objects.get(reverses=payment)
    assert reversal.amount == D("-1000.00") and reversal.reason == "Paid to the wrong account"
    assert reversal.entered_by == opcc
    assert award_ledger(capital_fund).paid == D("0.00")
    with pytest.raises(ValidationError, match="already reversed"):
        payment_reverse(payment=payment, reason="again", reversed_on=datetime.date(2021, 7, 3), by=opcc)
    claim_decide(claim=claim, decision="reverse", note="Entered twice", by=opcc)
    claim.refresh_from_db()
    assert claim.status == "reversed" and claim.decided_by == opcc
    assert award_ledger(capital_fund).remaining == D("150000.00")
    content = client.get(url("award", pk=capital_fund.pk)).content.decode()
    assert "Reversal of BACS-9" in content and "Paid to the wrong account" in content


def test_the_claim_decisions_follow_their_table(demo_user, capital_fund):
    opcc, treasurer = demo_user("opcc.devon"), demo_user("treasurer.devon")
    claim = claim_add(
        award=capital_fund, amount=D("10.00"), claimed_on=datetime.date(2021, 6, 1), description="A", by=opcc
    )
    assert [t.name for t in table.available(claim.status)] == ["approve", "reject", "reverse"]
    claim_decide(claim=claim, decision="reject", note="Not eligible", by=treasurer)
    claim.refresh_from_db()
    assert table.available(claim.status) == []
    for decision in ("approve", "reject", "reverse"):
        with pytest.raises(ValidationError, match="This claim is rejected"):
            claim_decide(claim=claim, decision=decision, note="x", by=treasurer)


def test_an_award_paid_in_advance_takes_payments_but_not_claims(demo_user, capital_fund):
    opcc = demo_user("opcc.devon")
    award = GrantAward.objects.get(pk=capital_fund.pk)
    award.payment_schedule = GrantAward.PaymentSchedule.IN_ADVANCE
    award.save()
    with pytest.raises(ValidationError, match="paid in advance"):
        claim_add(award=award, amount=D("1.00"), claimed_on=datetime.date(2021, 6, 1), description="A", by=opcc)
    payment_add(award=award, amount=D("150000.00"), paid_on=datetime.date(2021, 5, 2), reference="BACS-1", by=opcc)
    with pytest.raises(ValidationError, match=r"£0.01 more than remains of the award: £0.00 of £150,000.00"):
        payment_add(award=award, amount=D("0.01"), paid_on=datetime.date(2021, 5, 3), reference="BACS-2", by=opcc)


@pytest.mark.parametrize(("username", "status"), [("pcc.devon", 403), ("opcc.avon", 404), ("officer.plymouth", 403)])
def test_only_the_areas_officers_and_treasurer_enter_claims_and_payments(
    client, demo_user, capital_fund, username, status
):
    claim = claim_add(
        award=capital_fund,
        amount=D("10.00"),
        claimed_on=datetime.date(2021, 6, 1),
        description="A",
        by=demo_user("opcc.devon"),
    )
    client.force_login(demo_user(username))
    assert client.get(url("claim-new", pk=capital_fund.pk)).status_code == status
    assert client.post(url("claim", pk=capital_fund.pk, claim=claim.pk), {"decision": "approve"}).status_code == status
    assert client.get(url("payment-new", pk=capital_fund.pk)).status_code == status
    claim.refresh_from_db()
    assert claim.status == "submitted"
    expected_read = 200 if username == "pcc.devon" else status
    assert client.get(url("award", pk=capital_fund.pk)).status_code == expected_read
