import datetime

import factory
from factory.django import DjangoModelFactory

from priorities.models import LocalPriority, PoliceAndCrimePlan, Priority, StrategicAssessment

from .partnerships import ForceAreaFactory, PartnershipFactory


class PoliceAndCrimePlanFactory(DjangoModelFactory):
    """A plan in force from April 2017 to March 2021, covering 2020/21 like the Devon & Cornwall plan."""

    class Meta:
        model = PoliceAndCrimePlan

    force_area = factory.SubFactory(ForceAreaFactory)
    title = factory.Sequence(lambda n: f"Police and Crime Plan {n}")
    starts_on = datetime.date(2017, 4, 1)
    ends_on = datetime.date(2021, 3, 31)


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = Priority

    plan = factory.SubFactory(PoliceAndCrimePlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Priority {n}")


class StrategicAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = StrategicAssessment

    partnership = factory.SubFactory(PartnershipFactory)
    financial_year = "2020/21"
    title = factory.Sequence(lambda n: f"Strategic assessment {n}")


class LocalPriorityFactory(DjangoModelFactory):
    class Meta:
        model = LocalPriority

    assessment = factory.SubFactory(StrategicAssessmentFactory)
    title = factory.Sequence(lambda n: f"Local priority {n}")
    risk_level = LocalPriority.RiskLevel.HIGH
