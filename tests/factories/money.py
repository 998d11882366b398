"""Factories for money in and the ledger (issue 10): funding received with its amounts per year, an award's
amounts per year, claims and payments. Tests of the rules go through the services (grants/services/income.py,
payments.py); these make a record exist."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from grants.models import AwardYear, Claim, FundingReceived, FundingReceivedYear, Payment

from .grants import FundingStreamFactory, GrantAwardFactory
from .partnerships import ForceAreaFactory, OrganisationFactory, UserFactory


class FundingReceivedFactory(DjangoModelFactory):
    """£60,000 from the Ministry of Justice for 2021/22 (its one year is FundingReceivedYearFactory's)."""

    class Meta:
        model = FundingReceived

    force_area = factory.SubFactory(ForceAreaFactory)
    funding_stream = factory.SubFactory(FundingStreamFactory, force_area=factory.SelfAttribute("..force_area"))
    funder = factory.SubFactory(OrganisationFactory, name=factory.Sequence(lambda n: f"Ministry of Justice {n}"))
    amount = Decimal("60000.00")
    starts_on = datetime.date(2021, 4, 1)
    ends_on = datetime.date(2022, 3, 31)


class FundingReceivedYearFactory(DjangoModelFactory):
    class Meta:
        model = FundingReceivedYear

    income = factory.SubFactory(FundingReceivedFactory)
    financial_year = "2021/22"
    amount = factory.SelfAttribute("income.amount")


class AwardYearFactory(DjangoModelFactory):
    class Meta:
        model = AwardYear

    award = factory.SubFactory(GrantAwardFactory)
    financial_year = factory.SelfAttribute("award.financial_year")
    amount = factory.SelfAttribute("award.amount")


class ClaimFactory(DjangoModelFactory):
    """A claim awaiting a decision, against an award paid on claim."""

    class Meta:
        model = Claim

    award = factory.SubFactory(GrantAwardFactory, payment_schedule="on_claim")
    amount = Decimal("1000.00")
    claimed_on = datetime.date(2020, 6, 30)
    description = "Invoice 1001: CCTV cameras"
    entered_by = factory.SubFactory(UserFactory)


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    award = factory.SubFactory(GrantAwardFactory)
    amount = Decimal("1000.00")
    paid_on = datetime.date(2020, 7, 15)
    reference = factory.Sequence(lambda n: f"PAY-{n:05d}")
    entered_by = factory.SubFactory(UserFactory)
