"""The PCC's decision notice for an approved spending plan (or variation), as Word and PDF.

PCCs publish a notice for each decision they take (Elected Local Policing Bodies (Specified Information) Order
2011): a reference number, the title, the lead officer, a summary of the decision and the money, declarations of
interest, the PCC's and the Chief Finance Officer's (Treasurer's) sign-off, and the supporting information —
here, the plan itself. Both formats are built from `decision_notice_context()`, so they cannot disagree, and
every figure comes from the model layer. The notice speaks in the funder body's words of the day it was issued:
"Deputy Mayor for Policing and Crime decision" and "Chief Finance Officer" where a mayor funds the area.
"""

from __future__ import annotations

from dataclasses import dataclass

from grants import trail
from grants.documents.pdf import render_pdf
from grants.documents.word import WordDocument
from grants.models import Decision, SpendingPlan
from grants.money import format_money
from grants.services.comparison import PlanDiff
from grants.services.variations import money_moved
from grants.templatetags.grants_format import money_change
from partnerships.models import title_for_area


@dataclass
class NoticeContext:
    plan: SpendingPlan
    reference: str
    title: str
    issued_on: str
    lead_officer: Decision | None
    submitted_by: Decision | None
    summary: str
    figures: list[tuple[str, str]]
    projects: list
    risks: list
    path: list[Decision]
    conditions: list[Decision]
    declarations: list
    pcc: Decision
    treasurer: Decision
    issuer: str
    decision_maker: str
    finance_officer: str
    changes: PlanDiff | None
    baseline_version: int | None
    comments: list  # the OPCC's scrutiny comments on the funded projects, with the partnership's answers
    project_conditions: list  # those comments that are conditions, repeated under Conditions
    documents: list  # the supporting documents of the version approved

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _title(plan: SpendingPlan) -> str:
    base = f"{plan.award.partnership}: {plan.award.funding_stream} spending plan {plan.financial_year}"
    return f"{base}, variation (version {plan.version})" if plan.version > 1 else base


def decision_notice_context(plan: SpendingPlan) -> NoticeContext:
    notice = plan.decision_notice
    decisions = [d for d in trail.approval_trail(plan) if d.round == plan.round]
    partnership = plan.award.partnership
    projects = list(plan.projects.for_plan_page())
    changes = trail.variation_changes(plan) if plan.version > 1 else None
    decision_maker, finance_officer = notice.pcc_decision.title, notice.treasurer_decision.title
    issuer = notice.funder_name or partnership.force_area.funder.name
    who = f"The {title_for_area(decision_maker, partnership.force_area)}"
    summary = (
        f"{who} approves {partnership}'s spending plan "
        f"for the {plan.financial_year} grant of {format_money(plan.award_amount)}: "
        f"{format_money(plan.allocated)} allocated to {len(projects)} funded project{'s' if len(projects) != 1 else ''}"
        f", with {format_money(plan.unallocated)} unallocated."
    )
    if changes is not None:
        summary = (
            f"{who} approves variation {plan.version} of "
            f"{partnership}'s {plan.financial_year} spending plan, which replaces version {changes.baseline.version}. "
            f"The variation moves {format_money(money_moved(changes.diff))} between funded projects; the plan now "
            f"allocates {format_money(plan.allocated)} of the {format_money(plan.award_amount)} grant to "
            f"{len(projects)} funded projects, with {format_money(plan.unallocated)} unallocated."
        )
    figures = [
        ("Grant total", format_money(plan.award_amount)),
        ("Allocated", format_money(plan.allocated)),
        ("Unallocated", format_money(plan.unallocated)),
        ("Match funding attracted", format_money(plan.match_funding_total)),
    ]
    if changes is not None:
        figures.insert(
            2, (f"Allocated in version {changes.baseline.version}", format_money(changes.diff.allocated_before))
        )
    return NoticeContext(
        plan=plan,
        reference=notice.reference,
        title=_title(plan),
        issued_on=f"{notice.issued_at:%d %B %Y}",
        lead_officer=next((d for d in reversed(decisions) if d.action == "recommend"), None),
        submitted_by=next((d for d in reversed(decisions) if d.action == "submit"), None),
        summary=summary,
        figures=figures,
        projects=projects,
        risks=list(plan.risks.all()),
        path=decisions,
        conditions=[d for d in decisions if d.conditions],
        declarations=list(plan.declarations.all()),
        pcc=notice.pcc_decision,
        treasurer=notice.treasurer_decision,
        issuer=issuer,
        decision_maker=decision_maker,
        finance_officer=finance_officer,
        changes=changes.diff if changes else None,
        baseline_version=changes.baseline.version if changes else None,
        comments=(comments := trail.scrutiny_comments(plan)),
        project_conditions=[m for m in comments if m.kind == m.Kind.CONDITION],
        documents=trail.supporting_documents(plan),
    )


def decision_notice_print_context(context: NoticeContext) -> dict:
    """The PDF's template context (documents/decision_notice.html)."""
    return context.as_dict() | {"finance_officer_label": _finance_title(context.finance_officer)}


def decision_notice_pdf(plan: SpendingPlan, *, request=None) -> bytes:
    context = decision_notice_print_context(decision_notice_context(plan))
    return render_pdf("documents/decision_notice.html", context, request=request)


def _finance_title(title: str) -> str:
    """`Treasurer (Chief Finance Officer)`: the statutory role named beside a title that does not say it."""
    return title if "finance" in title.lower() else f"{title} (Chief Finance Officer)"


def _person(decision: Decision | None) -> str:
    return decision.person_display if decision is not None else "Not recorded"


def decision_notice_docx(plan: SpendingPlan) -> bytes:
    return notice_docx(decision_notice_context(plan))


def notice_docx(c: NoticeContext) -> bytes:
    """The Word notice, from the same context as the PDF."""
    plan = c.plan
    document = WordDocument(title=f"Decision notice {c.reference}", landscape=True)
    document.paragraph(c.issuer)
    document.title(f"{c.decision_maker} decision {c.reference}")
    document.summary(
        [
            ("Reference", c.reference),
            ("Decision of", c.issuer),
            ("Title", c.title),
            ("Date of decision", c.issued_on),
            ("Lead officer", _person(c.lead_officer)),
            ("Partnership contact", _person(c.submitted_by)),
            ("Partnership", f"{plan.award.partnership} ({plan.award.partnership.local_authority})"),
            ("Financial year", plan.financial_year),
        ]
    )
    document.heading("Summary of the decision")
    document.paragraph(c.summary)
    document.summary(c.figures)
    if c.changes is not None:
        document.heading(f"What changed from version {c.baseline_version}", level=2)
        rows = []
        for line in c.changes.lines:
            detail = "; ".join(f"{ch.label}: {ch.old} → {ch.new}" for ch in line.changes) or line.kind.capitalize()
            rows.append(
                [f"{line.number}. {line.title}", line.kind.capitalize(), detail, money_change(line.amount_change)]
            )
        document.table(
            ["Funded project", "Change", "Details", "Amount change"], rows, numeric=[3], widths=[7, 3, 11, 4]
        )
    document.heading("Funded projects approved", level=2)
    document.table(
        ["No.", "Funded project", "Provider", "Amount allocated"],
        [[p.number, p.title, p.provider or "", format_money(p.amount_allocated)] for p in c.projects]
        + [["", "Total allocated", "", format_money(plan.allocated)]],
        numeric=[3],
        widths=[1.5, 13, 6, 4],
    )
    document.heading("Conditions")
    for decision in c.conditions:
        document.paragraph(f"{decision.action_display} ({decision.user_name}):", bold=True)
        document.outline(decision.conditions)
    for m in c.project_conditions:
        document.paragraph(
            f"OPCC condition on funded project {m.project_number}, {m.project_title} ({m.user_name}):", bold=True
        )
        document.outline(m.text)
    if not c.conditions and not c.project_conditions:
        document.paragraph("No conditions beyond the conditions of grant.")
    document.heading("Declarations of interest")
    if c.declarations:
        document.table(
            ["Declared by", "Funded project", "Interest", "Date"],
            [
                [
                    f"{d.user_name} ({d.role_display})",
                    f"{d.project_number}. {d.project_title}",
                    f"{d.interest}{_PREJUDICIAL if d.prejudicial else ''}",
                    f"{d.declared_at:%d %B %Y}",
                ]
                for d in c.declarations
            ],  # fmt: skip
            widths=[6, 6, 10, 3],
        )
    else:
        document.paragraph("No interests were declared.")
    document.heading("Approval path")
    document.table(
        ["Date", "Decision", "By", "Comments"],
        [[_decision_date(d), d.action_display, _person(d), _comments(d)] for d in c.path],
        widths=[3, 5, 9, 8],
    )
    document.heading("Sign-off")
    document.paragraph(
        "I approve the spending plan set out in this notice and its supporting information, subject to the "
        "conditions of grant and any conditions above."
    )
    document.table(
        ["", "Name", "Signed off"],
        [
            [c.decision_maker, c.pcc.user_name, f"{c.pcc.decided_at:%d %B %Y at %H:%M}"],
            [_finance_title(c.finance_officer), c.treasurer.user_name, f"{c.treasurer.decided_at:%d %B %Y at %H:%M}"],
        ],
        widths=[7, 8, 8],
    )
    document.heading("Supporting information: the spending plan")
    document.table(
        ["Project, service or pilot and brief outline", "Amount allocated", "How the outcomes will be measured",
         "Police and Crime Plan priorities"],
        [
            [
                document.cell_outline(_project_text(p), heading=f"{p.number}. {p.title}"),
                format_money(p.amount_allocated),
                document.cell_outline(_outcomes_text(p)),
                "\n".join(str(priority) for priority in p.pcc_priorities.all()) or "None given",
            ]
            for p in c.projects
        ],
        numeric=[1],
        widths=[10, 3, 8, 4],
    )  # fmt: skip
    document.heading("OPCC scrutiny comments and the partnership's answers", level=2)
    if c.comments:
        document.table(
            ["Funded project", "Comment", "Answer"],
            [
                [
                    f"{m.project_number}. {m.project_title}",
                    f"{m.get_kind_display()} ({m.user_name}, {m.made_at:%d %B %Y}): {m.text}",
                    "\n\n".join(f"{a.user_name}, {a.answered_at:%d %B %Y}: {a.text}" for a in m.answers.all())
                    or ("Not answered" if m.kind == m.Kind.QUESTION else ""),
                ]
                for m in c.comments
            ],
            widths=[6, 10, 9],
        )
    else:
        document.paragraph("The OPCC made no comments on the funded projects.")
    if c.documents:
        document.heading("Supporting documents", level=2)
        for d in c.documents:
            supports = f"funded project {d.project.number}" if d.project else "the plan as a whole"
            document.paragraph(f"{d.name} ({d.kind_display}, {d.size_display}), for {supports}.")
    if c.risks:
        document.heading("Risks and watch items", level=2)
        document.table(
            ["Theme", "Initiative or concern", "Budget", "Recommendation"],
            [
                [
                    r.theme,
                    document.cell_outline(r.initiative),
                    format_money(r.budget) if r.budget is not None else "",
                    document.cell_outline(r.recommendation),
                ]
                for r in c.risks
            ],  # fmt: skip
            numeric=[2],
            widths=[3, 10, 3, 9],
        )
    return document.to_bytes()


_PREJUDICIAL = " (prejudicial: took no part in decisions on the plan)"


def _decision_date(decision: Decision) -> str:
    date = f"{decision.decision_date:%d %B %Y}"
    return f"{date}\n{decision.meeting_display}" if decision.meeting_display else date


def _comments(decision: Decision) -> str:
    return "\n\n".join(part for part in (decision.comments, decision.note) if part)


def _project_text(project) -> str:
    parts = [project.outline] if project.outline else []
    if project.provider:
        parts.append(f"Provider: {project.provider}")
    for item in project.sub_items.all():
        parts.append(f"{item.label}. {item.title} ({format_money(item.amount)})")
    for match in project.match_funding.all():
        parts.append(f"Match funding: {format_money(match.amount)} ({match.source})")
    return "\n\n".join(parts)


def _outcomes_text(project) -> str:
    parts = [project.outcomes_summary] if project.outcomes_summary else []
    measures = [
        f"- {m.description}" + (f" (target: {m.target_display})" if m.is_numeric else "")
        for m in project.outcome_measures.all()
    ]
    if measures:
        parts.append("\n".join(measures))
    return "\n\n".join(parts)
