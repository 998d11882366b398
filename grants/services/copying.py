"""Copying a plan's contents into another plan: for a variation (a new version of the same award's plan) and
for rolling a plan forward to the next year's award.

Lines keep their `line_id`, so versions and years can be compared line by line. Police and Crime Plan
priorities are re-mapped by number when the target is covered by a different Police and Crime Plan, and local
priorities by title in the target year's strategic assessment; what cannot be mapped is reported, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import FundedProject, MatchFunding, OutcomeMeasure, RiskItem, SpendingPlan, SubItem
from partnerships.financial_years import FinancialYear
from priorities.models import LocalPriority, Priority


@dataclass
class CopyReport:
    """What a copy could not carry over as it was, for the officer to check."""

    unmapped_priorities: list[tuple[FundedProject, Priority]] = field(default_factory=list)
    unmapped_local_priorities: list[tuple[FundedProject, LocalPriority]] = field(default_factory=list)
    contracts_ending: list[FundedProject] = field(default_factory=list)  # end before the target year is out

    @property
    def needs_attention(self) -> bool:
        return bool(self.unmapped_priorities or self.unmapped_local_priorities or self.contracts_ending)


@transaction.atomic
def plan_copy_contents(*, source: SpendingPlan, target: SpendingPlan) -> CopyReport:
    """Copies every line (with sub-items, outcome measures, match funding, priorities) and every risk or watch
    item from `source` into the empty plan `target`. Amounts are kept as they were."""
    if target.projects.exists() or target.risks.exists():
        raise ValidationError("Lines can only be copied into an empty plan.")
    report = CopyReport()
    same_pcp = source.police_and_crime_plan == target.police_and_crime_plan
    target_pcp = target.police_and_crime_plan
    target_priorities = {p.number: p for p in target_pcp.priorities.all()} if target_pcp else {}
    target_locals = {
        p.title: p
        for p in LocalPriority.objects.filter(
            assessment__partnership=target.partnership, assessment__financial_year=target.financial_year
        )
    }
    target_year = FinancialYear.parse(target.financial_year)

    lines = source.projects.for_plan_page()
    for line in lines:
        copy = FundedProject.objects.create(
            plan=target,
            line_id=line.line_id,
            number=line.number,
            title=line.title,
            outline=line.outline,
            amount_allocated=line.amount_allocated,
            provider=line.provider,
            contract_value=line.contract_value,
            contract_end_date=line.contract_end_date,
            contract_notes=line.contract_notes,
            thematic_group=line.thematic_group,
            outcomes_summary=line.outcomes_summary,
        )
        priorities = []
        for priority in line.pcc_priorities.all():
            mapped = priority if same_pcp else target_priorities.get(priority.number)
            if mapped is None:
                report.unmapped_priorities.append((copy, priority))
            else:
                priorities.append(mapped)
        copy.pcc_priorities.set(priorities)
        locals_ = []
        for priority in line.local_priorities.all():
            mapped = target_locals.get(priority.title)
            if mapped is None:
                report.unmapped_local_priorities.append((copy, priority))
            else:
                locals_.append(mapped)
        copy.local_priorities.set(locals_)
        if copy.contract_end_date and copy.contract_end_date <= target_year.ends_on:
            report.contracts_ending.append(copy)

        sub_items = {}
        for item in line.sub_items.all():
            sub_items[item.pk] = SubItem.objects.create(
                project=copy, label=item.label, title=item.title, description=item.description, amount=item.amount
            )
        OutcomeMeasure.objects.bulk_create(
            OutcomeMeasure(
                project=copy,
                sub_item=sub_items.get(measure.sub_item_id),
                position=measure.position,
                description=measure.description,
                target_value=measure.target_value,
                target_comparison=measure.target_comparison,
                target_unit=measure.target_unit,
                frequency=measure.frequency,
            )
            for measure in line.outcome_measures.all()
        )
        MatchFunding.objects.bulk_create(
            MatchFunding(project=copy, source=match.source, amount=match.amount, note=match.note)
            for match in line.match_funding.all()
        )
    RiskItem.objects.bulk_create(
        RiskItem(
            plan=target,
            position=risk.position,
            theme=risk.theme,
            initiative=risk.initiative,
            budget=risk.budget,
            budget_note=risk.budget_note,
            recommendation=risk.recommendation,
        )
        for risk in source.risks.all()
    )
    return report
