"""Factories for after the sign-off (issue 11: reporting periods, returns and their steps, reminders, the year
end) and the board paper's sections (issue 9). Tests of the rules go through the services (grants/services/
returns.py, year_end.py, plan_content.py); these make a record exist."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from grants.models import (
    AreaPaperSections,
    CertificationDelegation,
    MeasureResult,
    MoneyMove,
    PerformanceReturn,
    PlanSection,
    RenderedDocument,
    ReportingPeriod,
    ReportingRules,
    ReturnStep,
    SentReminder,
    SpendForecast,
    YearEnd,
    YearEndApproval,
)

from .grants import FundedProjectFactory, GrantAwardFactory, OutcomeMeasureFactory, SpendingPlanFactory
from .partnerships import ForceAreaFactory, UserFactory


class ReportingRulesFactory(DjangoModelFactory):
    class Meta:
        model = ReportingRules

    force_area = factory.SubFactory(ForceAreaFactory)


class ReportingPeriodFactory(DjangoModelFactory):
    """Q1 of 2020/21, due ten working days after it ends."""

    class Meta:
        model = ReportingPeriod

    award = factory.SubFactory(GrantAwardFactory)
    number = 1
    name = "Q1 (April to June 2020)"
    starts_on = datetime.date(2020, 4, 1)
    ends_on = datetime.date(2020, 6, 30)
    opens_on = datetime.date(2020, 7, 1)
    due_on = datetime.date(2020, 7, 14)


class PerformanceReturnFactory(DjangoModelFactory):
    class Meta:
        model = PerformanceReturn

    period = factory.SubFactory(ReportingPeriodFactory)
    project = factory.SubFactory(FundedProjectFactory, plan__award=factory.SelfAttribute("...period.award"))
    line_id = factory.SelfAttribute("project.line_id")


class MeasureResultFactory(DjangoModelFactory):
    class Meta:
        model = MeasureResult

    performance_return = factory.SubFactory(PerformanceReturnFactory)
    measure = factory.SubFactory(OutcomeMeasureFactory, project=factory.SelfAttribute("..performance_return.project"))
    value = Decimal("78.00")


class SpendForecastFactory(DjangoModelFactory):
    class Meta:
        model = SpendForecast

    performance_return = factory.SubFactory(PerformanceReturnFactory)
    period = factory.SubFactory(  # a later period of the same award: a forecast looks ahead
        ReportingPeriodFactory,
        award=factory.SelfAttribute("..performance_return.period.award"),
        number=2,
        name="Q2 (July to September 2020)",
        starts_on=datetime.date(2020, 7, 1),
        ends_on=datetime.date(2020, 9, 30),
        opens_on=datetime.date(2020, 10, 1),
        due_on=datetime.date(2020, 10, 14),
    )
    amount = Decimal("52500.00")


class ReturnStepFactory(DjangoModelFactory):
    class Meta:
        model = ReturnStep

    performance_return = factory.SubFactory(PerformanceReturnFactory)
    action = ReturnStep.Action.SUBMIT
    from_status = "in_progress"
    to_status = "submitted"
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda step: str(step.user))
    role_kind = "officer"


class MoneyMoveFactory(DjangoModelFactory):
    """£1,250.50 moved from the return's project to another project of its plan."""

    class Meta:
        model = MoneyMove

    performance_return = factory.SubFactory(PerformanceReturnFactory)
    from_project = factory.SelfAttribute("performance_return.project")
    to_project = factory.SubFactory(
        FundedProjectFactory, plan=factory.SelfAttribute("..performance_return.project.plan"), number=2
    )
    amount = Decimal("1250.50")
    reason = "More refuge places were needed than planned."
    recorded_by = factory.SubFactory(UserFactory)


class SentReminderFactory(DjangoModelFactory):
    class Meta:
        model = SentReminder

    user = factory.SubFactory(UserFactory)
    key = factory.Sequence(lambda n: f"due-soon:{n}")


class PlanSectionFactory(DjangoModelFactory):
    class Meta:
        model = PlanSection

    plan = factory.SubFactory(SpendingPlanFactory)
    kind = "background"
    text = "Safer Plymouth is the Community Safety Partnership for Plymouth."


class AreaPaperSectionsFactory(DjangoModelFactory):
    class Meta:
        model = AreaPaperSections

    force_area = factory.SubFactory(ForceAreaFactory)
    kinds = factory.LazyFunction(lambda: ["background", "recommendations"])


class YearEndFactory(DjangoModelFactory):
    """£10,000 of a £100,000 award unspent, carried forward; proposed, waiting for approval."""

    class Meta:
        model = YearEnd

    award = factory.SubFactory(GrantAwardFactory)
    financial_year = factory.SelfAttribute("award.financial_year")
    award_amount = Decimal("100000.00")
    outturn = Decimal("90000.00")
    underspend = Decimal("10000.00")
    treatment = YearEnd.Treatment.CARRY_FORWARD
    carried_forward = Decimal("10000.00")
    proposed_by = factory.SubFactory(UserFactory)
    proposed_by_name = factory.LazyAttribute(lambda year_end: str(year_end.proposed_by))


class YearEndApprovalFactory(DjangoModelFactory):
    class Meta:
        model = YearEndApproval

    year_end = factory.SubFactory(YearEndFactory)
    role_kind = "treasurer"
    role_title = "Treasurer"
    user = factory.SubFactory(UserFactory)
    user_name = factory.LazyAttribute(lambda approval: str(approval.user))


class RenderedDocumentFactory(DjangoModelFactory):
    """A board paper PDF waiting in the task queue (grants/documents/rendering.py makes the real ones)."""

    class Meta:
        model = RenderedDocument

    kind = RenderedDocument.Kind.BOARD_PAPER
    format = RenderedDocument.Format.PDF
    subject = factory.Sequence(lambda n: f"plan:{n + 1}")
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class CertificationDelegationFactory(DjangoModelFactory):
    """A certifier's deputy for one plan (the service checks who may be one: grants/services/certification.py)."""

    class Meta:
        model = CertificationDelegation

    plan = factory.SubFactory(SpendingPlanFactory)
    certifier = factory.SubFactory(UserFactory)
    deputy = factory.SubFactory(UserFactory)
