"""What an officer should check before a spending plan goes for approval, shown on the editor and on "check the
plan". The server refuses what breaks a rule (over-allocation, sub-items that do not add up) when it is
saved; these checks also catch what came in another way (rolled forward, imported, changed in the admin) and
what is allowed while drafting but needs an answer before approval (a line with no priority or no measures).
"""

from __future__ import annotations

from dataclasses import dataclass

from grants.models import FundedProject, SpendingPlan
from partnerships.financial_years import FinancialYear


@dataclass
class PlanCheck:
    message: str
    project: FundedProject | None = None
    field: str = ""  # the field on the project's page to fix it in, for the link


def contract_end_message(project: FundedProject, financial_year: str) -> str | None:
    """A contract that ends before the plan's year is out must be extended or re-commissioned (Plymouth line 1's
    "ongoing contract commitment which expires 30th November 2020")."""
    end = project.contract_end_date
    if end is None:
        return None
    year = FinancialYear.parse(financial_year)
    if end > year.ends_on:
        return None
    if end < year.starts_on:
        return (
            f"the contract ended on {end:%-d %B %Y}, before {year} began: record the new contract or how the "
            "service continues."
        )
    return (
        f"the contract ends on {end:%-d %B %Y}, before the end of {year}: check it will be extended or re-commissioned."
    )


def plan_checks(plan: SpendingPlan, projects) -> list[PlanCheck]:
    """`projects` as `FundedProject.objects.for_plan_page()` gives them, so the checks cost no queries."""
    checks = []
    if message := plan.allocation_error(plan.allocated):
        checks.append(PlanCheck(message))
    if not projects:
        checks.append(PlanCheck("The plan has no funded projects yet."))
    line_ids = set()
    for project in projects:
        line_ids.add(str(project.line_id))
        where = f"Line {project.number} ({project.title})"
        if message := project.sub_items_problem:
            checks.append(PlanCheck(f"{where}: {message}", project, "amount_allocated"))
        if not project.pcc_priorities.all():
            checks.append(
                PlanCheck(f"{where}: choose the Police and Crime Plan priorities it serves.", project, "pcc_priorities")
            )
        if not project.outcomes_summary and not project.outcome_measures.all():
            checks.append(PlanCheck(f"{where}: say how its outcomes will be measured.", project, "outcomes_summary"))
        if message := contract_end_message(project, plan.financial_year):
            checks.append(PlanCheck(f"{where}: {message}", project, "contract_end_date"))
    by_id = {str(p.line_id): p for p in projects}
    for note in plan.roll_forward_notes or []:
        if note.get("kind") == "over_award":
            continue  # the live over-allocation check above says the same, with today's figures
        if note.get("line_id") and note["line_id"] not in line_ids:
            continue  # the line has since been removed
        project = by_id.get(note.get("line_id") or "")
        checks.append(PlanCheck(f"Rolled forward: {note['text']}", project, "pcc_priorities" if project else ""))
    return checks
