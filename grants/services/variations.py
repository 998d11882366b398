"""Variations: an approved plan is changed by a new version that goes through the approval path again (Plymouth
allocating the £23,000 it left unallocated). The approved version stays as it was, readable, until the
variation is approved; the plan page shows what the variation changes, line by line.

A variation that moves less money than the threshold the OPCC sets for its force area is minor, and may go by
the partnership's shorter path (see `grants.services.workflow.route_for`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import rules
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from grants.models import SpendingPlan, VariationThreshold
from grants.money import ZERO, format_money
from grants.services.attachments import documents_carry_forward
from grants.services.comparison import PlanDiff, plan_diff, plan_snapshot
from grants.services.copying import CopyReport, plan_copy_contents

Status = SpendingPlan.Status


def money_moved(diff: PlanDiff) -> Decimal:
    """The money a variation moves: the sum of every line's change in amount allocated, counted without its sign
    (a new line counts in full, a removed line too), so moving £5,000 from one line to another moves £10,000."""
    return sum((abs(line.amount_change) for line in diff.lines), ZERO)


def last_approved_before(plan: SpendingPlan) -> SpendingPlan | None:
    return (
        SpendingPlan.objects.filter(award_id=plan.award_id, version__lt=plan.version, status=Status.APPROVED)
        .order_by("-version")
        .first()
    )


@dataclass(frozen=True)
class MinorVariation:
    moved: Decimal
    threshold: Decimal
    approved_version: int

    def describe(self) -> str:
        return (
            f"it moves {format_money(self.moved)} from version {self.approved_version}, less than the OPCC's "
            f"threshold of {format_money(self.threshold)}"
        )


def minor_variation(plan: SpendingPlan) -> MinorVariation | None:
    """Whether `plan` is a minor variation of the last approved version, under the force area's threshold."""
    if plan.version <= 1:
        return None
    threshold = VariationThreshold.objects.filter(force_area_id=plan.award.partnership.force_area_id).first()
    approved = last_approved_before(plan)
    if threshold is None or approved is None:
        return None
    moved = money_moved(plan_diff(plan_snapshot(approved), plan_snapshot(plan)))
    if moved >= threshold.minor_below:
        return None
    return MinorVariation(moved, threshold.minor_below, approved.version)


@transaction.atomic
def plan_vary(*, plan: SpendingPlan, by) -> tuple[SpendingPlan, CopyReport]:
    """Starts version N+1 of an approved (or declined) plan as a draft copy for the partnership to change."""
    locked = SpendingPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    if not rules.test_rule("grants.vary_plan", by, locked):
        if locked.award.plans.filter(version__gt=locked.version).exists():
            raise ValidationError(f"Version {locked.version + 1} of this plan has already been started.")
        raise ValidationError(
            "Only an officer of the partnership can start a new version, and only of an approved or declined plan."
        )
    variation = SpendingPlan(
        award=locked.award,
        version=locked.version + 1,
        title=locked.title,
        purpose=locked.purpose,
        unallocated_note=locked.unallocated_note,
        created_by=by,
    )
    try:
        with transaction.atomic():
            variation.save()
    except IntegrityError:
        raise ValidationError(f"Version {locked.version + 1} of this plan has already been started.") from None
    report = plan_copy_contents(source=locked, target=variation)
    documents_carry_forward(source=locked, target=variation)  # the same stored files, on the new version's lines
    return variation, report
