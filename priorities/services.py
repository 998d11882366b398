"""Writing a force area's Police and Crime Plan and its numbered priorities: the one writer, used by the OPCC
administrator's set-up pages (and nothing else writes plans and priorities but the demo and the admin)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from partnerships.models import ForceArea

from .models import PoliceAndCrimePlan, Priority

TITLE_LIMIT = Priority._meta.get_field("title").max_length


@dataclass(frozen=True)
class PriorityInput:
    """One row of the priorities list, in the order they are numbered: an existing priority (`pk`) or a new one."""

    title: str
    description: str = ""
    pk: int | None = None


def _in_use(priority: Priority) -> int:
    """How many records (funded projects, awards, …) serve this priority: the apps that tag their records with
    priorities point at it; this app need not know them."""
    count = 0
    for relation in Priority._meta.related_objects:
        if relation.many_to_many or relation.one_to_many:
            count += relation.related_model._default_manager.filter(**{relation.field.name: priority}).count()
    return count


@transaction.atomic
def police_and_crime_plan_save(
    *,
    force_area: ForceArea,
    title: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    priorities: list[PriorityInput],
    plan: PoliceAndCrimePlan | None = None,
) -> PoliceAndCrimePlan:
    """Creates the plan, or changes it, with its priorities numbered 1, 2, 3… in the order given. A priority
    that funded projects or awards already serve cannot be removed (they would silently lose it); its wording
    and number may change. Refuses with every problem at once, keyed `priorities-<row>-title`."""
    errors: dict[str, list[str]] = {}
    rows = [row for row in priorities if row.title.strip() or row.pk]
    if not rows:
        errors["priorities"] = ["Enter at least one priority."]
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        text = row.title.strip()
        key = f"priorities-{index}-title"
        if not text:
            errors[key] = ["Enter the priority, or remove it."]
        elif len(text) > TITLE_LIMIT:
            errors[key] = [f"Priority {index + 1} is {len(text)} characters long: it can be at most {TITLE_LIMIT}."]
        elif text.lower() in seen:
            errors[key] = [f"Priority {index + 1} is the same as priority {seen[text.lower()] + 1}."]
        seen.setdefault(text.lower(), index)

    if plan is not None:
        plan = PoliceAndCrimePlan.objects.select_for_update().get(pk=plan.pk, force_area=force_area)
    else:
        plan = PoliceAndCrimePlan(force_area=force_area)
    plan.title, plan.starts_on, plan.ends_on = title.strip(), starts_on, ends_on
    try:
        plan.full_clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault("__all__" if field == "__all__" else field, []).extend(messages)

    existing = {p.pk: p for p in plan.priorities.all()} if plan.pk else {}
    kept = {row.pk for row in rows if row.pk}
    unknown = kept - set(existing)
    if unknown:
        errors.setdefault("priorities", []).append("A priority on the page is not one of this plan's.")
    for pk, priority in existing.items():
        if pk not in kept and (used := _in_use(priority)):
            errors.setdefault("priorities", []).append(
                f"Priority {priority.number}, “{priority.title}”, cannot be removed: {used} record"
                f"{'s' if used != 1 else ''} already serve{'' if used != 1 else 's'} it."
            )
    if errors:
        raise ValidationError(errors)

    plan.save()
    for pk, priority in existing.items():
        if pk not in kept:
            priority.delete()
    # Move kept priorities out of the way first: numbers are unique within a plan while they are renumbered.
    offset = len(existing) + len(rows) + 1
    for priority in existing.values():
        if priority.pk in kept:
            Priority.objects.filter(pk=priority.pk).update(number=priority.number + offset)
    for number, row in enumerate(rows, start=1):
        if row.pk:
            priority = existing[row.pk]  # as it was before the move out of the way
            wanted = (number, row.title.strip(), row.description.strip())
            if (priority.number, priority.title, priority.description) == wanted:
                Priority.objects.filter(pk=row.pk).update(number=number)  # back in place: no change to record
            else:  # saved, so its history records the change, before and after (issue 12)
                priority.number, priority.title, priority.description = wanted
                priority.save(update_fields=["number", "title", "description"])
        else:
            Priority.objects.create(
                plan=plan, number=number, title=row.title.strip(), description=row.description.strip()
            )
    return plan
