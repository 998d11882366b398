import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from grants.models import (
    FundedProject,
    FundingStream,
    GrantAward,
    MatchFunding,
    OutcomeMeasure,
    RiskItem,
    SpendingPlan,
    SubItem,
    SubmissionDeadline,
)

from .partnerships import ForceAreaFactory, OrganisationFactory, PartnershipFactory


class FundingStreamFactory(DjangoModelFactory):
    class Meta:
        model = FundingStream
        django_get_or_create = ("force_area", "name")

    force_area = factory.SubFactory(ForceAreaFactory)
    name = factory.LazyAttribute(lambda s: f"{s.force_area} PCC community safety grant")
    kind = FundingStream.Kind.PCC_COMMUNITY_SAFETY


class GrantAwardFactory(DjangoModelFactory):
    class Meta:
        model = GrantAward

    partnership = factory.SubFactory(PartnershipFactory)
    funding_stream = factory.SubFactory(
        FundingStreamFactory, force_area=factory.SelfAttribute("..partnership.force_area")
    )
    financial_year = "2020/21"
    amount = Decimal("100000.00")
    status = GrantAward.Status.MADE
    awarded_on = datetime.date(2020, 4, 1)

    class Params:
        proposed = factory.Trait(status=GrantAward.Status.PROPOSED, awarded_on=None)


class SpendingPlanFactory(DjangoModelFactory):
    class Meta:
        model = SpendingPlan

    award = factory.SubFactory(GrantAwardFactory)
    title = "OPCC grant spending plan"
    status = SpendingPlan.Status.DRAFT

    class Params:
        submitted = factory.Trait(status=SpendingPlan.Status.SUBMITTED)
        approved = factory.Trait(status=SpendingPlan.Status.APPROVED)


class FundedProjectFactory(DjangoModelFactory):
    class Meta:
        model = FundedProject

    plan = factory.SubFactory(SpendingPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Funded project {n}")
    outline = "An outline of the project."
    amount_allocated = Decimal("10000.00")

    class Params:
        contracted = factory.Trait(
            provider=factory.SubFactory(OrganisationFactory),
            contract_value=Decimal("50000.00"),
            contract_end_date=datetime.date(2021, 3, 31),
        )


class SubItemFactory(DjangoModelFactory):
    class Meta:
        model = SubItem

    project = factory.SubFactory(FundedProjectFactory)
    label = factory.Sequence(lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26])
    title = factory.Sequence(lambda n: f"Sub-item {n}")
    amount = Decimal("1000.00")


class OutcomeMeasureFactory(DjangoModelFactory):
    class Meta:
        model = OutcomeMeasure

    project = factory.SubFactory(FundedProjectFactory)
    description = factory.Sequence(lambda n: f"Outcome measure {n}")

    class Params:
        numeric = factory.Trait(
            target_value=Decimal("75"),
            target_comparison=OutcomeMeasure.Comparison.AT_LEAST,
            target_unit=OutcomeMeasure.Unit.PERCENT,
            frequency=OutcomeMeasure.Frequency.QUARTERLY,
        )


class MatchFundingFactory(DjangoModelFactory):
    class Meta:
        model = MatchFunding

    project = factory.SubFactory(FundedProjectFactory)
    source = "NHS England"
    amount = Decimal("5000.00")


class RiskItemFactory(DjangoModelFactory):
    class Meta:
        model = RiskItem

    plan = factory.SubFactory(SpendingPlanFactory)
    theme = "Mental Health"
    initiative = "A concern."
    budget = Decimal("1000.00")


class SubmissionDeadlineFactory(DjangoModelFactory):
    class Meta:
        model = SubmissionDeadline

    force_area = factory.SubFactory(ForceAreaFactory)
    financial_year = "2020/21"
    submit_by = datetime.date(2020, 3, 31)
