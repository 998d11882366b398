import datetime

import pytest
from django.core.exceptions import ValidationError

from priorities.models import PoliceAndCrimePlan
from tests.factories import (
    ForceAreaFactory,
    LocalPriorityFactory,
    PoliceAndCrimePlanFactory,
    PriorityFactory,
    ThematicGroupFactory,
)

pytestmark = pytest.mark.django_db


def test_the_plan_covering_a_year_is_the_one_in_force_on_1_april():
    area = ForceAreaFactory()
    old = PoliceAndCrimePlanFactory(
        force_area=area, starts_on=datetime.date(2013, 4, 1), ends_on=datetime.date(2017, 3, 31)
    )
    current = PoliceAndCrimePlanFactory(force_area=area)
    assert list(PoliceAndCrimePlan.objects.covering(area, "2020/21")) == [current]
    assert list(PoliceAndCrimePlan.objects.covering(area, "2016/17")) == [old]
    assert not PoliceAndCrimePlan.objects.covering(area, "2021/22").exists()
    assert not PoliceAndCrimePlan.objects.covering(ForceAreaFactory(), "2020/21").exists()


def test_two_plans_of_one_force_area_cannot_overlap():
    existing = PoliceAndCrimePlanFactory()
    overlapping = PoliceAndCrimePlan(
        force_area=existing.force_area,
        title="New plan",
        starts_on=datetime.date(2020, 4, 1),
        ends_on=datetime.date(2024, 3, 31),
    )
    with pytest.raises(ValidationError, match="overlaps"):
        overlapping.full_clean()


def test_priority_numbers_are_unique_within_a_plan():
    priority = PriorityFactory(number=3)
    duplicate = PriorityFactory.build(plan=priority.plan, number=3, title="Another")
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_a_local_priority_cannot_name_another_partnerships_thematic_group():
    priority = LocalPriorityFactory.build(
        assessment=LocalPriorityFactory().assessment, thematic_group=ThematicGroupFactory()
    )
    with pytest.raises(ValidationError) as error:
        priority.full_clean()
    assert "thematic_group" in error.value.message_dict
