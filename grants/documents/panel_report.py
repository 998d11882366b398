"""The Police and Crime Panel report as Word and PDF, both from one `PanelReport` (grants/services/reports.py), so
they say what the printable page says. Every figure is read from the report; none is worked out here."""

from __future__ import annotations

from grants.money import format_money
from grants.services.reports import PanelReport
from grants.templatetags.grants_format import money_change

from .pdf import render_pdf
from .word import WordDocument

COMMITTED = (
    "Allocated, unallocated and match funding are committed figures, from each partnership's spending plan in "
    "force: its latest approved version. A plan or variation not yet approved is listed apart and not counted."
)


def panel_report_pdf(report: PanelReport) -> bytes:
    return render_pdf("documents/panel_report.html", {"report": report, "year": report.financial_year})


def panel_report_docx(report: PanelReport) -> bytes:
    area, year = report.force_area, report.financial_year
    totals = report.overview.totals
    doc = WordDocument(title=f"Police and Crime Panel report: commissioning in {area}, {year}", landscape=True)
    doc.title(f"Commissioning in {area}, {year}")
    doc.paragraph(f"A report to the Police and Crime Panel from {area.funder.name}.")
    money = report.money
    doc.summary(
        [
            ("Funding received by the OPCC", format_money(money.received)),
            ("Grants made by the OPCC", f"{report.made_count}, {format_money(report.made_total)} in total"),
            *[
                (f"of which {label.lower()}", format_money(amount))
                for label, amount in money.grants_by_route.items()
                if amount
            ],
            *([("Contracts for services", format_money(money.contracts))] if money.contracts else []),
            *(
                [("Awarded by funders directly (recorded, not the OPCC's grants)", format_money(money.funder_direct))]
                if money.funder_direct
                else []
            ),
            ("Paid in the year", format_money(money.paid)),
            ("Awarded to Community Safety Partnerships", format_money(totals.award)),
            ("Allocated in their approved spending plans", format_money(totals.allocated)),
            ("Unallocated", format_money(totals.unallocated)),
            ("Match funding attracted", format_money(totals.match_funding)),
        ]
    )
    doc.heading("Money in and out by funding stream", 1)
    doc.paragraph(
        "Received: funding received for the year. Granted: grants and contracts made. Committed: set aside but not "
        "yet granted. Remaining: received less granted less committed."
    )
    doc.table(
        ["Funding stream", "Received", "Granted", "Committed", "Paid", "Remaining"],
        [
            (
                f"{row.stream.name} ({row.stream.funder_name})",
                format_money(row.received),
                format_money(row.granted),
                format_money(row.committed),
                format_money(row.paid),
                format_money(row.remaining) if row.has_income else "–",
            )
            for row in money.streams
        ]
        + [
            (
                "Total",
                format_money(money.received),
                format_money(money.granted),
                format_money(money.committed),
                format_money(money.paid),
                format_money(money.remaining),
            )
        ],
        numeric=[1, 2, 3, 4, 5],
    )
    doc.heading("Awards by funding stream", 1)
    for summary in report.streams:
        doc.heading(f"{summary.stream.name} ({summary.stream.funder_name})", 2)
        doc.table(
            ["Recipient", "Status", "Purpose", "Amount"],
            [
                (
                    str(a.recipient),
                    a.get_status_display(),
                    a.purpose,
                    format_money(a.year_amount)
                    + (f" of {format_money(a.amount)}" if a.year_amount != a.amount else ""),
                )
                for a in summary.awards
            ]
            + [("Total made", "", "", format_money(summary.total))],
            numeric=[3],
            widths=[6, 3, 12, 3.5],
        )
    doc.heading("Community Safety Partnerships", 1)
    doc.paragraph(COMMITTED, size=9)
    doc.table(
        ["Partnership", "Award", "Spending plan in force", "Allocated", "Unallocated", "Match funding"],
        [
            (
                str(row.partnership),
                format_money(row.committed.award) if row.committed else "–",
                row.in_force_label,
                format_money(row.committed.allocated) if row.committed else "–",
                format_money(row.committed.unallocated) if row.committed else "–",
                format_money(row.committed.match_funding) if row.committed else "–",
            )
            for row in report.overview.rows
        ]
        + [
            (
                "Total",
                format_money(totals.award),
                "",
                format_money(totals.allocated),
                format_money(totals.unallocated),
                format_money(totals.match_funding),
            )
        ],
        numeric=[1, 3, 4, 5],
    )
    doc.heading("Spending plans awaiting approval", 2)
    if report.overview.pending:
        doc.table(
            ["Partnership", "Version", "Status", "Proposed allocated", "Change in allocated", "Proposed unallocated"],
            [
                (
                    str(row.partnership),
                    str(row.pending.version),
                    row.pending.get_status_display(),
                    format_money(row.proposed.allocated),
                    money_change(row.change.allocated),
                    format_money(row.proposed.unallocated),
                )
                for row in report.overview.pending
            ],
            numeric=[3, 4, 5],
        )
    else:
        doc.paragraph("No spending plan or variation is awaiting approval.")
    doc.heading("Money by Police and Crime Plan priority", 1)
    alignment = report.alignment
    doc.paragraph("From the approved spending plans in force.")
    if alignment.by_priority:
        doc.paragraph(
            "A funded project serving several priorities is shown under each as shared, but counted once in the totals."
        )
        doc.table(
            ["Priority", "This priority alone", "Shared with other priorities", "Serving this priority"],
            [
                (
                    f"{r.priority.number}. {r.priority.title}",
                    format_money(r.alone),
                    format_money(r.shared),
                    f"{format_money(r.total)} ({r.percent}%)",
                )
                for r in alignment.by_priority
            ],
            numeric=[1, 2, 3],
        )
    doc.table(
        ["Priorities served", "Funded projects", "Amount allocated"],
        [(c.label, str(c.lines), format_money(c.amount)) for c in alignment.combinations]
        + [("Total allocated, each project once", "", format_money(alignment.allocated))],
        numeric=[1, 2],
    )
    direct = report.direct
    doc.heading("Direct OPCC spending by Police and Crime Plan priority", 1)
    doc.paragraph(
        f"Grants and contracts the OPCC makes that no CSP spending plan accounts for: {format_money(direct.total)}. "
        "An award serving several priorities is counted once in the totals."
    )
    if direct.by_priority:
        doc.table(
            ["Priority", "This priority alone", "Shared with other priorities", "Serving this priority"],
            [
                (
                    f"{r.priority.number}. {r.priority.title}",
                    format_money(r.alone),
                    format_money(r.shared),
                    format_money(r.total),
                )
                for r in direct.by_priority
            ],
            numeric=[1, 2, 3],
        )
    doc.table(
        ["Priorities served", "Awards", "Amount"],
        [(c.label, str(c.lines), format_money(c.amount)) for c in direct.combinations]
        + [("Total direct spending, each award once", "", format_money(direct.total))],
        numeric=[1, 2],
    )
    doc.heading("Grant rounds", 1)
    if report.rounds:
        doc.table(
            ["Round", "Pot", "Awarded", "Remaining"],
            [(r.name, format_money(r.pot), format_money(r.awarded), format_money(r.remaining)) for r in report.rounds],
            numeric=[1, 2, 3],
        )
    else:
        doc.paragraph("No grant rounds this year.")
    doc.heading("Outcomes", 1)
    doc.paragraph(
        "Outcome measures set in the approved spending plans. Results are reported through quarterly contract "
        "reviews and performance returns."
    )
    doc.table(
        ["Partnership", "Projects with measures", "Outcome measures", "With numeric targets"],
        [(o.partnership, str(o.projects), str(o.measures), str(o.numeric_targets)) for o in report.outcomes],
        numeric=[1, 2, 3],
    )
    return doc.to_bytes()
