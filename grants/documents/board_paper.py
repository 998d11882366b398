"""The board paper, as Word and as PDF, laid out like Safer Plymouth's own paper (docs/sources/).

Title and the plan's figures; its purpose; the narrative sections the force area asks for (Background, Context,
the Crime and Community Safety Assessment, Priorities: grants/models/sections.py), numbered as the seed's are;
Recommendations, leading into the table of funded projects (project, amount allocated, Police and Crime Plan
priority, approved, with sub-items under their line and their amounts in brackets) with its totals, then each
funded project in full (outline, contract facts, how its outcomes will be measured, sub-items); Risks with the risks
and watch items; Next steps; Approvals. A compact table followed by the projects in full keeps the paper short (the
demo Plymouth paper is 8 A4 pages) without splitting a table row across pages.

Both formats are built from one `BoardPaper`: its figures, each line's *Approved* column and the approval steps come
from grants/figures/plans.py, so neither format computes a figure or writes an approval state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from grants.figures.plans import ApprovalStep, LineApproval, PlanFigures, approval_steps, line_approvals
from grants.models import FundedProject, RiskItem, SpendingPlan
from grants.models.sections import PaperSections
from grants.money import format_money

from .pdf import render_pdf
from .word import WordDocument

COLUMNS = [
    "Project, service or pilot",
    "Amount allocated £",
    "Police and Crime Plan priority",
    "Approved",
]


@dataclass
class BoardPaper:
    plan: SpendingPlan
    figures: PlanFigures
    projects: list[FundedProject]  # each with `.approval`, its LineApproval
    risks: list[RiskItem]
    sections: PaperSections
    priorities: list = field(default_factory=list)  # the Police and Crime Plan's, for the key under the table
    approvals: list[ApprovalStep] = field(default_factory=list)
    generated: str = ""

    @property
    def title(self) -> str:
        return f"{self.plan.partnership}: {self.plan.title} {self.plan.financial_year}"

    @property
    def status(self) -> str:
        version = f"version {self.plan.version}, " if self.plan.version > 1 else ""
        return f"{version}{self.plan.get_status_display().lower()}"


def board_paper(plan: SpendingPlan) -> BoardPaper:
    plan = SpendingPlan.objects.with_figures().get(pk=plan.pk)
    projects = list(plan.projects.for_plan_page())
    approvals = line_approvals(plan, projects)
    for project in projects:
        project.approval = approvals[project.line_id]
    return BoardPaper(
        plan=plan,
        figures=plan.figures,
        projects=projects,
        risks=list(plan.risks.all()),
        sections=PaperSections.of(plan),
        priorities=list(pcp.priorities.all()) if (pcp := plan.police_and_crime_plan) else [],
        approvals=approval_steps(plan),
        generated=timezone.localtime().strftime("%-d %B %Y at %H:%M"),
    )


def board_paper_pdf(plan: SpendingPlan) -> bytes:
    return render_pdf("documents/board_paper.html", {"paper": board_paper(plan)})


def _measures_text(summary: str, measures) -> str:
    """How-measured text then the measures as a bullet list, in the outline format (grants/outline.py)."""
    parts = [summary.strip()] if summary and summary.strip() else []
    if measures:
        parts.append(
            "\n".join(
                f"- {m.description}" + (f" (target: {m.target_display})" if m.is_numeric else "") for m in measures
            )
        )
    return "\n\n".join(parts)


def _project_text(project: FundedProject) -> str:
    facts = []
    if project.provider:
        facts.append(f"Provider: {project.provider}.")
    if project.contract_value is not None:
        facts.append(f"Total annual contract value {format_money(project.contract_value)}.")
    if project.contract_end_date:
        facts.append(f"Contract ends {project.contract_end_date:%-d %B %Y}.")
    for match in project.match_funding.all():
        facts.append(
            f"Match funding: {format_money(match.amount)} ({match.source}){f', {match.note}' if match.note else ''}."
        )
    return "\n\n".join(part for part in (project.outline.strip(), " ".join(facts)) if part)


def _approval_text(approval: LineApproval) -> str:
    return "\n".join([approval.text, *approval.details])


def board_paper_docx(plan: SpendingPlan) -> bytes:
    """The same paper as the PDF, in the same order and with the same numbered sections, as an editable Word
    document (portrait A4): the partnership can carry on with it as its own paper."""
    return board_paper_document(board_paper(plan))


def board_paper_document(paper: BoardPaper) -> bytes:
    """The Word paper from an already-read `BoardPaper` (the task queue reads it once; documents/rendering.py)."""
    plan, figures, sections = paper.plan, paper.figures, paper.sections
    document = WordDocument(title=paper.title)
    number = iter(range(1, 100))
    document.title(str(plan.partnership).upper())
    document.paragraph(f"{plan.title} {plan.financial_year} ({paper.status})", bold=True, size=13)
    document.summary(
        [
            ("Partnership", f"{plan.partnership} ({plan.partnership.local_authority})"),
            ("Financial year", plan.financial_year),
            ("Funding", str(plan.award.funding_stream)),
            ("Grant total", format_money(figures.award)),
            ("Allocated", format_money(figures.allocated)),
            (figures.balance_label, format_money(figures.balance)),
            ("Match funding attracted", format_money(figures.match_funding)),
        ]
    )
    if plan.purpose:
        document.heading("Purpose", level=1)
        document.outline(plan.purpose)
    for section in sections.before_table:
        document.heading(f"{next(number)}. {section.get_kind_display()}", level=1)
        document.outline(section.text)

    document.heading(f"{next(number)}. Recommendations", level=1)
    if sections.recommendations:
        document.outline(sections.recommendations.text)
    document.paragraph(f"{plan.partnership} Partnership. Grant total: {format_money(figures.award)}", bold=True)
    rows = []
    for project in paper.projects:
        lines = [f"{project.number}. {project.title}"]
        if project.provider:
            lines.append(str(project.provider))
        lines += [f"{item.label}. {item.title} ({format_money(item.amount)})" for item in project.sub_items.all()]
        rows.append(
            [
                "\n".join(lines),
                format_money(project.amount_allocated),
                ", ".join(str(p.number) for p in project.pcc_priorities.all()) or "None given",
                _approval_text(project.approval),
            ]
        )
    rows.append(["Total allocated", format_money(figures.allocated), "", ""])
    rows.append([figures.balance_label, format_money(figures.balance), "", ""])
    rows.append(["Grant total", format_money(figures.award), "", ""])
    document.table(COLUMNS, rows, widths=[8.6, 2.8, 2.2, 3.4], numeric=[1], size=9)
    if paper.priorities:
        document.paragraph(
            "Police and Crime Plan priorities: "
            + "; ".join(f"{priority.number}. {priority.title}" for priority in paper.priorities)
            + ".",
            size=8,
        )
    if plan.unallocated_note:
        document.outline(plan.unallocated_note)
    for project in paper.projects:
        document.heading(f"{project.number}. {project.title}: {format_money(project.amount_allocated)}", level=2)
        document.outline(_project_text(project))
        measures = _measures_text(project.outcomes_summary, project.own_outcome_measures)
        if measures:
            document.paragraph("How the outcomes will be measured", bold=True)
            document.outline(measures)
        for item in project.sub_items.all():
            document.heading(f"{item.label}. {item.title} ({format_money(item.amount)})", level=3)
            document.outline(item.description)
            item_measures = _measures_text("", list(item.outcome_measures.all()))
            if item_measures:
                document.paragraph("Measured by:")
                document.outline(item_measures)

    document.heading(f"{next(number)}. Risks", level=1)
    if sections.risks:
        document.outline(sections.risks.text)
    if paper.risks:
        document.table(
            ["Theme", "Initiative or concern", "Budget", "Recommendation"],
            [
                [
                    risk.theme,
                    document.cell_outline(risk.initiative),
                    (format_money(risk.budget) if risk.budget is not None else "")
                    + (f"\n{risk.budget_note}" if risk.budget_note else ""),
                    document.cell_outline(risk.recommendation),
                ]
                for risk in paper.risks
            ],
            widths=[2.4, 6.6, 2.4, 5.6],
            numeric=[2],
        )
    else:
        document.paragraph("No risks or watch items recorded.")

    if sections.next_steps:
        document.heading(f"{next(number)}. Next steps", level=1)
        document.outline(sections.next_steps.text)

    document.heading(f"{next(number)}. Approvals", level=1)
    document.table(
        ["Stage", "Decision", "Name", "Date", "Signature"],
        [
            [
                step.stage,
                step.decision + (f": {step.conditions}" if step.conditions else ""),
                step.decided_by,
                step.decided_on,
                "",
            ]
            for step in paper.approvals
        ],
        widths=[3.8, 3.6, 3.6, 2.4, 3.6],
        size=9,
    )
    document.paragraph(f"Generated on {paper.generated} from Community Safety Grants.", size=8)
    return document.to_bytes()
