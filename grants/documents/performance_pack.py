"""The performance pack as a Word file, from the same `PerformancePack` (grants/figures/packs.py) as the page
and the PDF, so the three say the same: narrative first, then the RAG summary, spend against allocation and the
exceptions. Every figure is read from the pack; none is worked out here.

The page's and the PDF's charts are SVG drawn by the browser or WeasyPrint; a Word file gets their data tables
only (a chart as a picture would need a plotting library to draw it, and says nothing a screen reader could read
that the table does not)."""

from __future__ import annotations

from grants.figures.monitoring import Spend
from grants.figures.packs import AreaPack, PerformancePack, RagCounts
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
    _rag_trend(doc, pack.rag_trend)
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


RAG_HEADERS = ["Green", "Amber", "Red", "Not rated"]


def _rag_cells(counts: RagCounts) -> list:
    return [counts.green, counts.amber, counts.red, counts.none]


def _rag_trend(doc: WordDocument, trend: list[tuple[str, RagCounts]]) -> None:
    """The RAG chart's data table: the measures by rating in each period."""
    doc.paragraph("Outcome measures by rating in each period", bold=True)
    doc.table(["Period", *RAG_HEADERS], [[name, *_rag_cells(c)] for name, c in trend], numeric=(1, 2, 3, 4))


def _spend_cells(spend: Spend) -> list[str]:
    return [
        format_money(spend.allocation),
        format_money(spend.in_period),
        format_money(spend.year_to_date),
        format_money(spend.forecast_outturn),
        format_money(spend.variance),
    ]


SPEND_HEADERS = ["Allocated", "In the period", "Year to date", "Forecast outturn", "Under (over) spend"]


def area_performance_pack_docx(pack: AreaPack) -> bytes:
    """The OPCC's pack across its CSPs, from the same `AreaPack` as its page and PDF."""
    where = f"{pack.force_area}, {pack.financial_year} {pack.period_name}"
    doc = WordDocument(title=f"Performance pack across the area: {where}", landscape=True)
    doc.title(f"Performance pack across the area: {where}")
    doc.heading("Each partnership's returns")
    doc.table(
        ["Partnership", "Returns", "Late", *RAG_HEADERS],
        [
            [
                str(p.award.partnership),
                "; ".join(f"{label}: {n}" for label, n in p.statuses),
                p.late,
                *_rag_cells(p.rag),
            ]
            for p in pack.partnerships
        ]
        + [["The area", "", len(pack.late), *_rag_cells(pack.rag)]],
        numeric=(2, 3, 4, 5, 6),
    )
    doc.heading("RAG summary across the area")
    _rag_trend(doc, pack.rag_trend)
    for heading, first, groups in (
        ("By Police and Crime Plan priority", "Police and Crime Plan priority", pack.by_priority),
        ("By theme", "Theme (thematic group)", pack.by_theme),
    ):
        doc.heading(heading)
        doc.table(
            [first, "Funded projects", *RAG_HEADERS, "Allocated", "Year to date", "Forecast outturn"],
            [
                [
                    g.label,
                    g.projects,
                    *_rag_cells(g.rag),
                    format_money(g.spend.allocation),
                    format_money(g.spend.year_to_date),
                    format_money(g.spend.forecast_outturn),
                ]
                for g in groups
            ],
            numeric=(1, 2, 3, 4, 5, 6, 7, 8),
        )
    doc.heading("Exceptions across the area")
    lines = [
        f"Red: {r.partnership}, {r.project.number}. {r.project.title}, “{row.measure.description}”: "
        f"{row.figure_display} against {row.measure.target_display}."
        for r, row in pack.red_measures
    ]
    lines += [
        f"Late: {r.partnership}, {r.project.number}. {r.project.title}, due by {r.period.due_on:%-d %B %Y}."
        for r in pack.late
    ]
    lines += [
        f"Forecast underspend: {r.partnership}, {r.project.number}. {r.project.title}, "
        f"{format_money(s.underspend)} of {format_money(s.allocation)}."
        for r, s in pack.underspending
    ]
    for line in lines or ["None."]:
        doc.paragraph(f"• {line}")
    doc.heading("Spend against allocation for each partnership")
    doc.table(
        ["Partnership", *SPEND_HEADERS, "Paid"],
        [[str(p.award.partnership), *_spend_cells(p.spend), format_money(p.paid)] for p in pack.partnerships]
        + [["The area", *_spend_cells(pack.total), format_money(pack.paid)]],
        numeric=(1, 2, 3, 4, 5, 6),
    )
    doc.heading("Spend by funding stream")
    doc.table(
        ["Funding stream", *SPEND_HEADERS, "Paid", "Paid, not yet spent"],
        [
            [s.stream.name, *_spend_cells(s.spend), format_money(s.paid), format_money(s.paid_less_spent)]
            for s in pack.streams
        ],
        numeric=(1, 2, 3, 4, 5, 6, 7),
    )
    return doc.to_bytes()
