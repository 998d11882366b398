"""The performance pack as a Word file, from the same `PerformancePack` (grants/figures/monitoring.py) as the page
and the PDF, so the three say the same: narrative first, then the RAG summary, spend against allocation and the
exceptions. Every figure is read from the pack; none is worked out here."""

from __future__ import annotations

from grants.figures.monitoring import PerformancePack
from grants.money import format_money

from .word import WordDocument


def performance_pack_docx(pack: PerformancePack) -> bytes:
    award, period = pack.award, pack.period
    doc = WordDocument(title=f"Performance pack: {award.partnership} {award.financial_year} {period.name}")
    doc.title(f"Performance pack: {award.partnership}, {award.financial_year} {period.name}")
    doc.heading("What the projects say")
    for project in pack.projects:
        r = project.performance_return
        doc.heading(f"{r.project.number}. {r.project.title} ({r.get_status_display()})", level=2)
        doc.summary(
            [
                ("What went well", r.went_well or "None given"),
                ("What did not go well", r.issues or "None given"),
                ("Risks and issues", r.risks or "None given"),
                *([("Case study", r.case_study)] if r.case_study else []),
            ]
        )
    doc.heading("RAG summary")
    counts = pack.rag_counts
    doc.paragraph(f"Green {counts['green']}, amber {counts['amber']}, red {counts['red']}, not rated {counts['none']}.")
    for project in pack.projects:
        r = project.performance_return
        doc.heading(f"{r.project.number}. {r.project.title}: outcome measures", level=2)
        doc.table(
            ["Outcome measure", "Target", period.short_name, "Rating", "Trend"],
            [
                [
                    row.measure.description,
                    row.measure.target_display or "Qualitative",
                    row.figure_display,
                    row.rating.label,
                    row.trend.label,
                ]
                for row in project.rows
            ],
        )
    doc.heading("Spend against allocation")
    total = pack.spend.total
    doc.table(
        ["Funded project", "Allocated", "In the period", "Year to date", "Forecast outturn", "Under (over) spend"],
        [
            [
                f"{p.performance_return.project.number}. {p.performance_return.project.title}",
                format_money(p.spend.allocation),
                f"{format_money(p.spend.in_period)} ({p.spend.percent_in_period_display})",
                format_money(p.spend.year_to_date),
                format_money(p.spend.forecast_outturn),
                format_money(p.spend.variance),
            ]
            for p in pack.projects
        ]
        + [
            [
                "Plan",
                format_money(total.allocation),
                format_money(total.in_period),
                format_money(total.year_to_date),
                format_money(total.forecast_outturn),
                format_money(total.variance),
            ]
        ],
        numeric=(1, 2, 3, 4, 5),
    )
    doc.paragraph(f"Paid on the award so far: {format_money(pack.spend.paid)}.")
    doc.heading("Exceptions")
    lines = [
        f"Red: {r.project.number}. {r.project.title}, “{row.measure.description}”: {row.figure_display} against "
        f"{row.measure.target_display}."
        for r, row in pack.red_measures
    ]
    lines += [f"Late: {r.project.number}. {r.project.title}, due by {r.period.due_on:%-d %B %Y}." for r in pack.late]
    lines += [
        f"Forecast underspend: {r.project.number}. {r.project.title}, {format_money(s.underspend)} of "
        f"{format_money(s.allocation)}."
        for r, s in pack.underspending
    ]
    for line in lines or ["None."]:
        doc.paragraph(f"• {line}")
    return doc.to_bytes()
