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

from grants.checks import contract_end_message
from grants.models import FundedProject, SpendingPlan
from grants.services.plan_content import ProjectInput, RiskInput, projects_write, risks_write, sections_write
from priorities.models import LocalPriority, Priority


@dataclass
class CopyReport:
    """What a copy could not carry over as it was, for the officer to check."""

    unmapped_priorities: list[tuple[FundedProject, Priority]] = field(default_factory=list)
    unmapped_local_priorities: list[tuple[FundedProject, LocalPriority]] = field(default_factory=list)
    contracts_ending: list[FundedProject] = field(default_factory=list)  # do not cover the target year

    @property
    def needs_attention(self) -> bool:
        return bool(self.unmapped_priorities or self.unmapped_local_priorities or self.contracts_ending)


@transaction.atomic
def plan_copy_contents(*, source: SpendingPlan, target: SpendingPlan) -> CopyReport:
    """Copies every line (with sub-items, outcome measures, match funding, priorities), every risk or watch
    item and every section of the board paper from `source` into the empty plan `target`, through the one writer
    of plan content, so the copy meets every rule a line typed in the editor meets. Amounts are kept as they were,
    even above the target's award (rolling forward: the officer is told, and the plan cannot be submitted so)."""
    if target.projects.exists() or target.risks.exists() or target.sections.exists():
        raise ValidationError("Lines can only be copied into an empty plan.")
    same_pcp = source.police_and_crime_plan == target.police_and_crime_plan
    target_pcp = target.police_and_crime_plan
    target_priorities = {p.number: p for p in target_pcp.priorities.all()} if target_pcp else {}
    target_locals = {
        p.title: p
        for p in LocalPriority.objects.filter(
            assessment__partnership=target.partnership, assessment__financial_year=target.financial_year
        )
    }
    lines = list(source.projects.for_plan_page())
    inputs, unmapped, unmapped_local = [], [], []
    for index, line in enumerate(lines):
        data = ProjectInput.of(line)
        if not same_pcp:
            data.pcc_priorities = [
                target_priorities[p.number] for p in data.pcc_priorities if p.number in target_priorities
            ]
            unmapped += [(index, p) for p in line.pcc_priorities.all() if p.number not in target_priorities]
        data.local_priorities = [target_locals[p.title] for p in data.local_priorities if p.title in target_locals]
        unmapped_local += [(index, p) for p in line.local_priorities.all() if p.title not in target_locals]
        inputs.append(data)
    with SpendingPlan.writing_content(target.pk):  # one new content stamp for the three writes
        copies = projects_write(plan=target, projects=inputs, check_award=False)
        risks_write(
            plan=target,
            risks=[
                RiskInput(r.theme, r.initiative, r.budget, r.budget_note, r.recommendation) for r in source.risks.all()
            ],
        )
        sections_write(plan=target, sections={section.kind: section.text for section in source.sections.all()})
    return CopyReport(
        unmapped_priorities=[(copies[index], priority) for index, priority in unmapped],
        unmapped_local_priorities=[(copies[index], priority) for index, priority in unmapped_local],
        contracts_ending=[copy for copy in copies if contract_end_message(copy, target.financial_year)],
    )
