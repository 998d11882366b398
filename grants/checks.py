"""What an officer should check before a spending plan goes for approval, shown on the editor and on "check the
plan". The server refuses what breaks a rule (over-allocation, sub-items that do not add up) when it is
saved; these checks also catch what came in another way (rolled forward, imported, changed in the admin) and
what is allowed while drafting but needs an answer before approval (a line with no priority or no measures, a
contract that ends inside the year, plan text that quotes a figure the plan no longer has).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from grants.figures.plans import PlanFigures
from grants.models import FundedProject, SpendingPlan
from grants.money import format_money
from partnerships.financial_years import FinancialYear


@dataclass
class PlanCheck:
    message: str
    project: FundedProject | None = None
    field: str = ""  # the field to fix it in, for the link: on the project's page, or on `part`'s page
    part: str = ""  # "details", "risks" or "sections": a part of the plan other than a funded project


def contract_end_message(project: FundedProject, financial_year: str) -> str | None:
    """A contract that ends before the plan's year is out must be extended or re-commissioned (Plymouth line 1's
    "ongoing contract commitment which expires 30th November 2020"). One ending on 31 March covers the year
    (`FinancialYear.is_covered_by`)."""
    end = project.contract_end_date
    if end is None:
        return None
    year = FinancialYear.parse(financial_year)
    if year.is_covered_by(end):
        return None
    if end < year.starts_on:
        return (
            f"the contract ended on {end:%-d %B %Y}, before {year} began: record the new contract or how the "
            "service continues."
        )
    return (
        f"the contract ends on {end:%-d %B %Y}, before the end of {year}: check it will be extended or re-commissioned."
    )


# --- figures quoted in the plan's own words ----------------------------------------------------------------------

# "£23,000", "£23,000.50", "£23k", "£1.2m". A clause ends at a full stop (not a decimal point), a colon, a
# semicolon, a dash or a line break: "£23,000 is left to be available – mental health is a cross cutting issue".
_AMOUNT = re.compile(r"£\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s?(k|m|million)?\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"\.(?!\d)|[;:!?\n–—]|\s-\s")
_LEFT = re.compile(
    r"\b(left|unallocated|not (yet )?allocated|remains?|remaining|available|uncommitted|unspent|balance|spare)\b",
    re.IGNORECASE,
)
_AWARDED = re.compile(r"\b(awarded|award of|grant of|grant total)\b", re.IGNORECASE)
_SCALE = {"k": Decimal(1000), "m": Decimal(1000000), "million": Decimal(1000000)}


@dataclass(frozen=True)
class Quote:
    text: str  # the clause, as written
    amount: Decimal
    unit: Decimal  # how precisely it was written: £1 for "£23,000", £1,000 for "£23k", a penny with pennies

    def says(self, figure: Decimal) -> bool:
        """Whether the quote is the figure as written: "£23k" is £23,000.00 and "£23,000" is £23,000.40."""
        return abs(self.amount - figure) * 2 < self.unit


def _quotes(text: str, about: re.Pattern) -> list[Quote]:
    quotes = []
    for clause in _CLAUSE_END.split(text or ""):
        if not about.search(clause):
            continue
        for match in _AMOUNT.finditer(clause):
            whole, pennies, scale = match.groups()
            amount = Decimal(whole.replace(",", "") + (pennies or ""))
            if scale:
                unit, amount = _SCALE[scale.lower()], amount * _SCALE[scale.lower()]
            else:
                unit = Decimal("0.01") if pennies else Decimal(1)
            quotes.append(Quote(" ".join(clause.split()), amount, unit))
    return quotes


def _shorten(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def quoted_figure_checks(plan: SpendingPlan, figures: PlanFigures, risks, sections=()) -> list[PlanCheck]:
    """Plan text that quotes the unallocated amount or the award as something other than what the plan now has
    ("£23,000 is left to be available" after the £23,000 has been allocated), so the officer updates the text
    before the board, the OPCC and the PCC read it."""
    if figures.over_allocated:
        now_unallocated = f"the plan is over-allocated by {format_money(figures.over_allocated)}"
    elif figures.unallocated:
        now_unallocated = f"the plan now has {format_money(figures.unallocated)} unallocated"
    else:
        now_unallocated = "the plan now allocates the whole award"
    texts = [
        ("The plan's purpose", plan.purpose, "details", "purpose"),
        ("The note on money not yet allocated", plan.unallocated_note, "details", "unallocated_note"),
    ]
    for section in sections:
        texts.append(
            (f"The board paper's {section.get_kind_display()} section", section.text, "sections", section.kind)
        )
    for index, risk in enumerate(risks):
        for field in ("initiative", "recommendation", "budget_note"):
            where = f"The risk “{risk.theme}” ({field.replace('_', ' ')})"
            texts.append((where, getattr(risk, field), "risks", f"risks-{index}-{field}"))
    checks = []
    for where, text, part, field in texts:
        for quote in _quotes(text, _LEFT):
            if not quote.says(figures.unallocated):
                message = f"{where} says “{_shorten(quote.text)}”, but {now_unallocated}: update the text."
                checks.append(PlanCheck(message, field=field, part=part))
        for quote in _quotes(text, _AWARDED):
            if not _LEFT.search(quote.text) and not quote.says(figures.award):
                message = (
                    f"{where} says “{_shorten(quote.text)}”, but the award is {format_money(figures.award)}: "
                    "update the text."
                )
                checks.append(PlanCheck(message, field=field, part=part))
    return checks


def section_checks(plan: SpendingPlan, sections) -> list[PlanCheck]:
    """A section the force area asks every board paper to have, still empty (grants/models/sections.py)."""
    from grants.models import AreaPaperSections, PaperSection

    written = {section.kind for section in sections if section.text.strip()}
    checks = []
    for kind in AreaPaperSections.asked_for(plan.partnership.force_area):
        if kind not in written:
            label = PaperSection(kind).label
            message = f"The board paper's {label} section is empty: {plan.partnership.force_area} asks for it."
            checks.append(PlanCheck(message, field=kind, part="sections"))
    return checks


def _missing(project: FundedProject) -> list[str]:
    missing = []
    if not project.amount_allocated:
        missing.append("its amount")
    if not project.outcomes_summary and not project.outcome_measures.all():
        missing.append("how its outcomes will be measured")
    return missing


def _unfinished_field(project: FundedProject) -> str:
    return "amount_allocated" if not project.amount_allocated else "outcomes_summary"


def unfinished_message(project: FundedProject) -> str:
    """What an officer is told of a line saved before it was finished (no lost work, issue 9)."""
    missing = _missing(project)
    still = f" (still to give: {' and '.join(missing)})" if missing else ""
    return f"saved as not finished{still}: finish it and save it; the plan cannot be submitted until then."


def plan_checks(plan: SpendingPlan, projects, risks=None) -> list[PlanCheck]:
    """`projects` as `FundedProject.objects.for_plan_page()` gives them, so the checks cost no queries."""
    return whole_plan_checks(
        plan,
        line_count=len(projects),
        lines_checked=line_checks(plan, projects),
        lines_by_id={str(p.line_id): p for p in projects},
        risks=risks,
    )


def line_checks(plan: SpendingPlan, projects) -> list[PlanCheck]:
    """The checks of each funded project: made from the lines' content alone (and the plan's year), so the
    editor may keep them under the plan's `content_stamp` (grants/fragments.py)."""
    checks = []
    for project in projects:
        where = f"Line {project.number} ({project.title})"
        if project.unfinished:
            checks.append(PlanCheck(f"{where}: {unfinished_message(project)}", project, _unfinished_field(project)))
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
    return checks


def whole_plan_checks(
    plan: SpendingPlan, *, line_count: int, lines_checked: list[PlanCheck], lines_by_id: dict, risks=None
) -> list[PlanCheck]:
    """The plan's checks in page order around `line_checks`: its figures (read afresh), its sections, the figures
    its text quotes, and its roll-forward notes (`lines_by_id`: each line, or what stands for it, by line id)."""
    checks = []
    figures = plan.figures
    if message := plan.allocation_error(figures.allocated):
        checks.append(PlanCheck(message))
    if not line_count:
        checks.append(PlanCheck("The plan has no funded projects yet."))
    checks += lines_checked
    sections = list(plan.sections.all())
    checks += section_checks(plan, sections)
    checks += quoted_figure_checks(plan, figures, list(plan.risks.all()) if risks is None else risks, sections)
    for note in plan.roll_forward_notes or []:
        if note.get("kind") == "over_award":
            continue  # the live over-allocation check above says the same, with today's figures
        if note.get("line_id") and note["line_id"] not in lines_by_id:
            continue  # the line has since been removed
        project = lines_by_id.get(note.get("line_id") or "")
        checks.append(PlanCheck(f"Rolled forward: {note['text']}", project, "pcc_priorities" if project else ""))
    return checks
