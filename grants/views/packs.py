"""The OPCC's performance pack across its CSPs, for a year and a period: the page, and the same as a PDF and a
Word file made in the task queue like the CSP's pack (grants/documents/rendering.py). Only the area's OPCC staff,
PCC and Treasurer see it (ForceAreaMixin: another area's address is 404, a partnership's people 403)."""

from __future__ import annotations

from django.http import Http404
from django.views.generic import TemplateView

from grants.documents.rendering import area_period_subject
from grants.figures.packs import area_pack, area_pack_periods
from grants.kept_pages import KeptPage
from grants.models import RenderedDocument

from .oversight import ForceAreaMixin
from .rendered import rendered_download


class AreaPerformancePackView(KeptPage, ForceAreaMixin, TemplateView):
    template_name = "returns/area_pack.html"
    nav_section = "reporting"
    fmt = ""  # "pdf" or "docx" for the downloads

    def keeps(self, request) -> bool:
        return not self.fmt  # the downloads are kept files of their own

    def get(self, request, *args, **kwargs):
        year, number = kwargs["year"], kwargs["number"]
        if self.fmt:  # the task (or the kept file) builds the pack: here only whether the period has returns
            names = {(y, n): name for y, n, name in area_pack_periods(self.force_area)}
            if (year, number) not in names:
                raise Http404("No CSP of the area reports for that period")
            return rendered_download(
                request,
                kind=RenderedDocument.Kind.AREA_PERFORMANCE_PACK,
                fmt=self.fmt,
                subject=area_period_subject(self.force_area, year, number),
                filename=f"performance-pack-{self.force_area.slug}-{year.replace('/', '-')}-{number}.{self.fmt}",
                title=f"the performance pack for {self.force_area} {year} {names[year, number]}",
            )
        pack = area_pack(force_area=self.force_area, financial_year=year, number=number)
        if not pack.partnerships:
            raise Http404("No CSP of the area reports for that period")
        return self.render_to_response(self.get_context_data(pack=pack))
