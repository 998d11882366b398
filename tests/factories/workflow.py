"""Factories for the approval records (issue 4) and the OPCC's oversight records (issue 5).

Records the services write (decisions, notices) are made here directly, for tests that need one to exist;
tests of the workflow itself go through `grants.services.workflow.plan_decide` (see tests/workflow.py)."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from grants.models import (
    AllocationTable,
    CommentAnswer,
    Decision,
    DecisionNotice,
    FormulaScenario,
    GrantApplication,
    GrantRound,
    Indicator,
    IndicatorValue,
    InterestDeclaration,
    ScenarioLine,
    ScenarioWeight,
    ScrutinyComment,
    SupportingDocument,
    VariationThreshold,
)
from grants.services.comparison import plan_snapshot

from .grants import FundedProjectFactory, FundingStreamFactory, SpendingPlanFactory
from .partnerships import ForceAreaFactory, OrganisationFactory, PartnershipFactory, UserFactory


class DecisionFactory(DjangoModelFactory):
    """A board approval of version 1, by a board member of the plan's partnership."""

    class Meta:
        model = Decision

    plan = factory.SubFactory(SpendingPlanFactory)
    version = factory.SelfAttribute("plan.version")
    round = 1
    stage = "board"
    action = "approve"
    from_status = "executive_agreed"
    to_status = "board_approved"
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda d: str(d.user))
    role_kind = "board"
    role_scope = factory.LazyAttribute(lambda d: str(d.plan.award.partnership))
    snapshot = factory.LazyAttribute(lambda d: plan_snapshot(d.plan))


class InterestDeclarationFactory(DjangoModelFactory):
    class Meta:
        model = InterestDeclaration

    plan = factory.SubFactory(SpendingPlanFactory)
    project = factory.SubFactory(FundedProjectFactory, plan=factory.SelfAttribute("..plan"))
    line_id = factory.SelfAttribute("project.line_id")
    project_number = factory.SelfAttribute("project.number")
    project_title = factory.SelfAttribute("project.title")
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda d: str(d.user))
    role_kind = "board"
    role_scope = factory.LazyAttribute(lambda d: str(d.plan.award.partnership))
    interest = "I am a trustee of the provider."


class DecisionNoticeFactory(DjangoModelFactory):
    class Meta:
        model = DecisionNotice

    plan = factory.SubFactory(SpendingPlanFactory, approved=True)
    force_area = factory.SelfAttribute("plan.award.partnership.force_area")
    financial_year = factory.SelfAttribute("plan.award.financial_year")
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda n: f"DC/{n.financial_year.replace('/', '-')}/{n.sequence:03d}")
    pcc_decision = factory.SubFactory(
        DecisionFactory,
        plan=factory.SelfAttribute("..plan"),
        stage="pcc",
        action="sign_off_pcc",
        from_status="opcc_recommended",
        to_status="opcc_recommended",
        role_kind="pcc",
    )
    treasurer_decision = factory.SubFactory(
        DecisionFactory,
        plan=factory.SelfAttribute("..plan"),
        stage="treasurer",
        action="sign_off_treasurer",
        from_status="opcc_recommended",
        to_status="approved",
        role_kind="treasurer",
    )


class VariationThresholdFactory(DjangoModelFactory):
    class Meta:
        model = VariationThreshold

    force_area = factory.SubFactory(ForceAreaFactory)
    minor_below = Decimal("10000.00")


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    force_area = factory.SubFactory(ForceAreaFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = "people"


class IndicatorValueFactory(DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    partnership = factory.SubFactory(PartnershipFactory, force_area=factory.SelfAttribute("..indicator.force_area"))
    financial_year = "2021/22"
    value = Decimal("1000")


class FormulaScenarioFactory(DjangoModelFactory):
    class Meta:
        model = FormulaScenario

    force_area = factory.SubFactory(ForceAreaFactory)
    funding_stream = factory.SubFactory(FundingStreamFactory, force_area=factory.SelfAttribute("..force_area"))
    financial_year = "2021/22"
    name = factory.Sequence(lambda n: f"Scenario {n}")
    pot = Decimal("100000.00")


class ScenarioWeightFactory(DjangoModelFactory):
    class Meta:
        model = ScenarioWeight

    scenario = factory.SubFactory(FormulaScenarioFactory)
    indicator = factory.SubFactory(IndicatorFactory, force_area=factory.SelfAttribute("..scenario.force_area"))
    weight = Decimal("1")


class ScenarioLineFactory(DjangoModelFactory):
    class Meta:
        model = ScenarioLine

    scenario = factory.SubFactory(FormulaScenarioFactory)
    partnership = factory.SubFactory(PartnershipFactory, force_area=factory.SelfAttribute("..scenario.force_area"))
    formula_amount = Decimal("50000.00")
    amount = Decimal("50000.00")


class GrantRoundFactory(DjangoModelFactory):
    class Meta:
        model = GrantRound

    force_area = factory.SubFactory(ForceAreaFactory)
    funding_stream = factory.SubFactory(FundingStreamFactory, force_area=factory.SelfAttribute("..force_area"))
    name = factory.Sequence(lambda n: f"Road safety fund {n}")
    financial_year = "2021/22"
    pot = Decimal("300000.00")
    opens_on = datetime.date(2021, 4, 1)
    closes_on = datetime.date(2021, 6, 30)


class GrantApplicationFactory(DjangoModelFactory):
    class Meta:
        model = GrantApplication

    grant_round = factory.SubFactory(GrantRoundFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    project_title = factory.Sequence(lambda n: f"Application {n}")
    purpose = "Fewer road traffic collisions near schools."
    amount_requested = Decimal("50000.00")
    received_on = datetime.date(2021, 5, 1)


class AllocationTableFactory(DjangoModelFactory):
    class Meta:
        model = AllocationTable

    force_area = factory.SubFactory(ForceAreaFactory)
    funding_stream = factory.SubFactory(FundingStreamFactory, force_area=factory.SelfAttribute("..force_area"))
    financial_year = "2021/22"
    title = factory.Sequence(lambda n: f"Domestic abuse duty allocations {n}")
    total = Decimal("100000.00")


class ScrutinyCommentFactory(DjangoModelFactory):
    """An OPCC officer's question on a funded project."""

    class Meta:
        model = ScrutinyComment

    plan = factory.SubFactory(SpendingPlanFactory)
    project = factory.SubFactory(FundedProjectFactory, plan=factory.SelfAttribute("..plan"))
    line_id = factory.SelfAttribute("project.line_id")
    project_number = factory.SelfAttribute("project.number")
    project_title = factory.SelfAttribute("project.title")
    round = 1
    kind = "question"
    text = "Which provider will deliver this?"
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda c: str(c.user))
    role_kind = "opcc"
    role_scope = factory.LazyAttribute(lambda c: str(c.plan.award.partnership.force_area))


class CommentAnswerFactory(DjangoModelFactory):
    class Meta:
        model = CommentAnswer

    comment = factory.SubFactory(ScrutinyCommentFactory)
    text = "The provider already contracted by the PCC."
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda a: str(a.user))
    role_kind = "officer"
    role_scope = factory.LazyAttribute(lambda a: str(a.comment.plan.award.partnership))


class SupportingDocumentFactory(DjangoModelFactory):
    """A PDF attached to a draft plan as a whole."""

    class Meta:
        model = SupportingDocument

    plan = factory.SubFactory(SpendingPlanFactory)
    name = "Funding proposal.pdf"
    file = factory.django.FileField(filename="Funding proposal.pdf", data=b"%PDF-1.4\n%%EOF\n")
    content_type = "application/pdf"
    size = 15
    uploaded_by_name = "Alex Morgan"
