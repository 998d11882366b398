"""Renumbering and rewording the Police and Crime Plan's priorities is recorded in their history (issue 12: audit
of every setting), without a history row for a priority that only went back to where it was."""

import datetime as dt

import pytest

from priorities.services import PriorityInput, police_and_crime_plan_save
from tests.factories import ForceAreaFactory

pytestmark = pytest.mark.django_db

START, END = dt.date(2021, 4, 1), dt.date(2025, 3, 31)


def test_a_reworded_or_moved_priority_keeps_its_before_and_after():
    area = ForceAreaFactory()
    rows = [PriorityInput("Keep people safe"), PriorityInput("Reduce reoffending"), PriorityInput("Support victims")]
    plan = police_and_crime_plan_save(force_area=area, title="Plan", starts_on=START, ends_on=END, priorities=rows)
    safe, reoffending, victims = plan.priorities.order_by("number")
    counts = {p.pk: p.history.count() for p in (safe, reoffending, victims)}

    police_and_crime_plan_save(
        force_area=area,
        title="Plan",
        starts_on=START,
        ends_on=END,
        plan=plan,
        priorities=[
            PriorityInput("Keep people safe", pk=safe.pk),  # unchanged, in place
            PriorityInput("Support victims of crime", pk=victims.pk),  # reworded and moved up
            PriorityInput("Reduce reoffending", pk=reoffending.pk),  # moved down
        ],
    )
    assert safe.history.count() == counts[safe.pk]
    latest = victims.history.first()
    assert (latest.number, latest.title) == (2, "Support victims of crime")
    change = latest.diff_against(latest.prev_record)
    assert {c.field: (c.old, c.new) for c in change.changes} == {
        "number": (3, 2),
        "title": ("Support victims", "Support victims of crime"),
    }
    assert reoffending.history.first().number == 3 and reoffending.history.count() == counts[reoffending.pk] + 1
