"""Reports for the OPCC: the Police and Crime Panel report (page, Word, PDF) and the 360Giving downloads."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.generic import TemplateView

from grants.documents.pdf import render_pdf
from grants.documents.word import DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE, WordDocument
from grants.money import format_money
from grants.services.reports import PanelReport, panel_report
from grants.services.threesixty import releases, threesixty_package
from grants.services.threesixty_quality import check_package
from grants.years import force_area_years

from .oversight import ForceAreaMixin
from .public import threesixty_download


class ReportsView(ForceAreaMixin, TemplateView):
    template_name = "oversight/reports.html"
    nav_section = "reports"

    def get_context_data(self, **kwargs):
        found = releases(force_area=self.force_area)
        return super().get_context_data(
            years=force_area_years(self.force_area),
            releases=[(release, check_package(threesixty_package(release))) for release in found],
            published=sum(len(release.items) for release in found),
            **kwargs,
        )


class PanelReportView(ForceAreaMixin, TemplateView):
    """`?format=docx` or `?format=pdf` downloads the same report."""

    template_name = "oversight/panel_report.html"
    nav_section = "reports"

    def get(self, request, *args, **kwargs):
        year = kwargs["year"]
        report = panel_report(force_area=self.force_area, financial_year=year, user=request.user)
        fmt = request.GET.get("format")
        filename = f"police-and-crime-panel-report-{self.force_area.slug}-{year.replace('/', '-')}"
        if fmt == "pdf":
            pdf = render_pdf("documents/panel_report.html", {"report": report, "year": year})
            response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
            return response
        if fmt == "docx":
            response = HttpResponse(panel_report_docx(report), content_type=DOCX_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{filename}.docx"'
            return response
        return self.render_to_response(self.get_context_data(report=report, year=year))


def panel_report_docx(report: PanelReport) -> bytes:
    area, year = report.force_area, report.financial_year
    doc = WordDocument(title=f"Police and Crime Panel report: commissioning in {area}, {year}", landscape=True)
    doc.title(f"Commissioning in {area}, {year}")
    doc.paragraph(f"A report to the Police and Crime Panel from {area.funder.name}.")
    doc.summary(
        [
            ("Grants made", f"{report.made_count}, {format_money(report.made_total)} in total"),
            ("Awarded to Community Safety Partnerships", format_money(report.overview.award_total)),
            ("Allocated in their spending plans", format_money(report.overview.allocated_total)),
            ("Unallocated", format_money(report.overview.unallocated_total)),
            ("Match funding attracted", format_money(report.overview.match_funding_total)),
        ]
    )
    doc.heading("Awards by funding stream", 1)
    for summary in report.streams:
        doc.heading(f"{summary.stream.name} ({summary.stream.funder_name})", 2)
        doc.table(
            ["Recipient", "Status", "Purpose", "Amount"],
            [(str(a.recipient), a.get_status_display(), a.purpose, format_money(a.amount)) for a in summary.awards]
            + [("Total made", "", "", format_money(summary.total))],
            numeric=[3],
            widths=[6, 3, 12, 3.5],
        )
    doc.heading("Community Safety Partnerships", 1)
    doc.table(
        ["Partnership", "Award", "Spending plan", "Allocated", "Unallocated", "Match funding"],
        [
            (
                str(row.partnership),
                format_money(row.award_amount) if row.award else "–",
                row.status_label,
                format_money(row.allocated),
                format_money(row.unallocated),
                format_money(row.match_funding),
            )
            for row in report.overview.rows
        ]
        + [
            (
                "Total",
                format_money(report.overview.award_total),
                "",
                format_money(report.overview.allocated_total),
                format_money(report.overview.unallocated_total),
                format_money(report.overview.match_funding_total),
            )
        ],
        numeric=[1, 3, 4, 5],
    )
    doc.heading("Money by Police and Crime Plan priority", 1)
    alignment = report.alignment
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
        "Outcome measures set in the spending plans. Results are reported through quarterly contract reviews and "
        "performance returns."
    )
    doc.table(
        ["Partnership", "Projects with measures", "Outcome measures", "With numeric targets"],
        [(o.partnership, str(o.projects), str(o.measures), str(o.numeric_targets)) for o in report.outcomes],
        numeric=[1, 2, 3],
    )
    return doc.to_bytes()


class ThreeSixtyDownloadView(ForceAreaMixin, TemplateView):
    """360Giving data for this force area: one file per funder body (`?funder=`), the same as the public one."""

    def get(self, request, *args, **kwargs):
        return threesixty_download(request, self.force_area, kwargs["fmt"])
