"""Reports for the OPCC: the Police and Crime Panel report (page, Word, PDF) and the 360Giving downloads."""

from __future__ import annotations

import rules
from django.views.generic import TemplateView

from grants.documents.rendering import panel_report_subject
from grants.kept_pages import KeptPage
from grants.models import RenderedDocument
from grants.services.reports import panel_report
from grants.services.threesixty import checked_releases
from grants.years import force_area_years

from .oversight import ForceAreaMixin
from .public import threesixty_download
from .rendered import POLL_SECONDS, rendered_download


class ReportsView(ForceAreaMixin, TemplateView):
    """Each 360Giving file's quality checks are read from the kept file (made in the task queue, run there once:
    `checked_releases`), never run here: a file not made yet says it is being prepared. `?retry=1` tries a failed
    one again."""

    template_name = "oversight/reports.html"
    nav_section = "reports"

    def get_context_data(self, **kwargs):
        retry = self.request.GET.get("retry") == "1"
        found = checked_releases(force_area=self.force_area, user=self.request.user, retry=retry)
        return super().get_context_data(
            years=force_area_years(self.force_area),
            releases=found,
            poll_seconds=POLL_SECONDS,
            published=sum(checked.release.grant_count for checked in found),
            can_export_audit=rules.test_rule("grants.export_audit_trail", self.request.user, self.force_area),
            **kwargs,
        )


class PanelReportView(KeptPage, ForceAreaMixin, TemplateView):
    """`?format=docx` or `?format=pdf` downloads the same report."""

    def keeps(self, request) -> bool:
        return "format" not in request.GET  # the downloads are kept files of their own

    template_name = "oversight/panel_report.html"
    nav_section = "reports"

    def get(self, request, *args, **kwargs):
        year = kwargs["year"]
        fmt = request.GET.get("format")
        if fmt in RenderedDocument.Format.values:
            # Made in the task queue and kept until its figures change (grants/documents/rendering.py).
            filename = f"police-and-crime-panel-report-{self.force_area.slug}-{year.replace('/', '-')}.{fmt}"
            return rendered_download(
                request,
                kind=RenderedDocument.Kind.PANEL_REPORT,
                fmt=fmt,
                subject=panel_report_subject(self.force_area, year),
                filename=filename,
                title=f"the Police and Crime Panel report for {self.force_area} {year}",
            )
        report = panel_report(force_area=self.force_area, financial_year=year, user=request.user)
        return self.render_to_response(self.get_context_data(report=report, year=year))


class ThreeSixtyDownloadView(ForceAreaMixin, TemplateView):
    """360Giving data for this force area: one file per funder body (`?funder=`), the same as the public one."""

    def get(self, request, *args, **kwargs):
        return threesixty_download(request, self.force_area, kwargs["fmt"])
