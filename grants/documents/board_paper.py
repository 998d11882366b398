"""The board paper: the spending plan laid out like section 6 of the Plymouth paper, as Word and as PDF.

Title, partnership and grant total; the table in its five columns (project and brief outline, amount
allocated, how the outcomes will be measured, Police and Crime Plan priority, approved) with sub-items as rows
under their line and their amounts in brackets; totals and the unallocated balance; the risks and watch items;
and an approvals section. Both formats are built from one `BoardPaper`: its figures, each line's *Approved*
column and the approval steps come from grants/figures/plans.py, so neither format computes a figure or writes an
approval state of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from grants.figures.plans import ApprovalStep, LineApproval, PlanFigures, approval_steps, line_approvals
from grants.models import FundedProject, RiskItem, SpendingPlan
from grants.money import format_money

from .pdf import render_pdf
from .word import WordDocument

COLUMNS = [
    "Project, service or pilot title and brief outline",
    "Amount allocated £",
    "How the outcomes will be measured",
    "Police and Crime Plan priority",
    "Approved",
]


@dataclass
class BoardPaper:
    plan: SpendingPlan
    figures: PlanFigures
    projects: list[FundedProject]  # each with `.approval`, its LineApproval
    risks: list[RiskItem]
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
    paper = board_paper(plan)
    plan, figures = paper.plan, paper.figures
    document = WordDocument(title=paper.title, landscape=True)
    document.title(str(plan.partnership))
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

    document.heading("Recommendations", level=1)
    document.paragraph(f"{plan.partnership} Partnership", bold=True)
    document.paragraph(f"Grant total: {format_money(figures.award)}", bold=True)
    rows = []
    for project in paper.projects:
        priorities = "\n".join(f"- {p}" for p in project.pcc_priorities.all())
        rows.append(
            [
                document.cell_outline(_project_text(project), heading=f"{project.number}. {project.title}"),
                format_money(project.amount_allocated),
                document.cell_outline(_measures_text(project.outcomes_summary, project.own_outcome_measures)),
                document.cell_outline(priorities) if priorities else "None given",
                _approval_text(project.approval),
            ]
        )
        for item in project.sub_items.all():
            rows.append(
                [
                    document.cell_outline(item.description, heading=f"{item.label}. {item.title}"),
                    f"({format_money(item.amount)})",
                    document.cell_outline(_measures_text("", list(item.outcome_measures.all()))),
                    "",
                    "",
                ]
            )
    rows.append(["Total allocated", format_money(figures.allocated), "", "", ""])
    rows.append([figures.balance_label, format_money(figures.balance), "", "", ""])
    rows.append(["Grant total", format_money(figures.award), "", "", ""])
    document.table(COLUMNS, rows, widths=[8.3, 2.6, 7.0, 3.6, 4.2], numeric=[1])
    if plan.unallocated_note:
        document.outline(plan.unallocated_note)

    document.heading("Risks", level=1)
    if paper.risks:
        document.paragraph(
            "Areas that may pose a risk or initiatives that have previously been funded via these monies:"
        )
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
            widths=[3.3, 10.2, 2.8, 9.4],
            numeric=[2],
        )
    else:
        document.paragraph("No risks or watch items recorded.")

    document.heading("Approvals", level=1)
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
        widths=[5.8, 5.3, 5.8, 3.4, 5.4],
        size=10,
    )
    document.paragraph(f"Generated on {paper.generated} from Community Safety Grants.", size=8)
    return document.to_bytes()
