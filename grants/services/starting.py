"""Starting a partnership's spending plan for an award: blank, or rolled forward from last year's approved plan.

Rolling forward copies every line (continuing contracts, outcome measures, priorities, sub-items, match
funding) and the risks with their amounts (`plan_copy_contents`), then records what the officer must check:
Police and Crime Plan priorities that could not be carried to this year's plan or that now read differently,
local priorities missing from this year's strategic assessment, lines that add up to more than the new award,
and the purpose written for last year. Contracts ending inside the year are flagged live (grants/checks.py).
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from grants.models import GrantAward, SpendingPlan
from grants.money import format_money
from grants.services.copying import CopyReport, plan_copy_contents
from grants.services.history import plan_record_change

DEFAULT_TITLE = "OPCC grant spending plan"


def _note(kind: str, text: str, line=None) -> dict:
    return {
        "kind": kind,
        "text": text,
        "line_id": str(line.line_id) if line is not None else None,
        "number": line.number if line is not None else None,
    }


def _roll_forward_notes(source: SpendingPlan, plan: SpendingPlan, report: CopyReport) -> list[dict]:
    notes = []
    target_pcp = plan.police_and_crime_plan
    for line, priority in report.unmapped_priorities:
        where = (
            f"the {target_pcp.title}" if target_pcp else f"any Police and Crime Plan in force for {plan.financial_year}"
        )
        notes.append(
            _note(
                "priority_unmapped",
                f"Line {line.number}: priority {priority} has no match in {where}. Choose its priorities again.",
                line,
            )
        )
    if target_pcp is not None and source.police_and_crime_plan != target_pcp:
        old_lines = {line.line_id: line for line in source.projects.prefetch_related("pcc_priorities")}
        for line in plan.projects.prefetch_related("pcc_priorities"):
            old = {p.number: p for p in old_lines[line.line_id].pcc_priorities.all()}
            for priority in line.pcc_priorities.all():
                before = old.get(priority.number)
                if before is not None and before.title.strip().lower() != priority.title.strip().lower():
                    notes.append(
                        _note(
                            "priority_renumbered",
                            f"Line {line.number}: priority {priority.number} was “{before.title}” and is now "
                            f"“{priority.title}” in the {target_pcp.title}. Check it still fits.",
                            line,
                        )
                    )
    for line, priority in report.unmapped_local_priorities:
        notes.append(
            _note(
                "local_unmapped",
                f"Line {line.number}: local priority “{priority}” is not in {plan.partnership}'s strategic "
                f"assessment for {plan.financial_year}. Choose its local priorities again.",
                line,
            )
        )
    if message := plan.allocation_error(plan.allocated):
        notes.append(_note("over_award", f"{message} Reduce the amounts before the plan goes for approval."))
    if plan.purpose:
        notes.append(
            _note(
                "purpose",
                f"The purpose was copied from the {source.financial_year} plan: check its figures and dates.",
            )
        )
    return notes


@transaction.atomic
def plan_start(*, award: GrantAward, by, roll_forward: bool = False) -> SpendingPlan:
    """Creates version 1 of the plan for `award`. Two officers starting at once get one plan: the award row is
    locked and the second is told a plan exists."""
    award = GrantAward.objects.select_for_update(of=("self",)).select_related("partnership").get(pk=award.pk)
    if not rules.test_rule("grants.start_plan", by, award):
        if award.plans.exists():
            raise ValidationError(
                f"{award.partnership} already has a spending plan for {award.financial_year}.", code="exists"
            )
        raise PermissionDenied(f"Only {award.recipient}'s CSP officers can start its spending plan.")
    source = SpendingPlan.objects.roll_forward_source(award) if roll_forward else None
    if roll_forward and source is None:
        raise ValidationError(
            {"start": f"There is no approved plan from the year before {award.financial_year} to roll forward."}
        )
    plan = SpendingPlan(
        award=award,
        version=1,
        title=source.title if source else DEFAULT_TITLE,
        purpose=source.purpose if source else "",
        created_by=by,
    )
    plan.full_clean()
    plan._history_user = by
    plan._change_reason = "Started a blank plan" if source is None else "Started the plan"
    plan.save()
    if source is None:
        return plan

    report = plan_copy_contents(source=source, target=plan)
    plan.rolled_forward_from = source
    plan.roll_forward_notes = _roll_forward_notes(source, plan, report)
    lines = plan.projects.count()
    plan_record_change(
        plan=plan,
        by=by,
        reason=(
            f"Rolled forward {lines} funded project{'s' if lines != 1 else ''} and the risks from the "
            f"{source.financial_year} plan, amounts kept ({format_money(plan.allocated)})"
        ),
    )
    return plan
