"""Downloads from the plan page, for everyone who may read the plan: the lines as XLSX or CSV (the layout the
import reads), the board paper as Word or PDF, and the import template."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views import View

from grants.documents.rendering import plan_subject
from grants.documents.spreadsheet import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    download_name,
    lines_csv,
    lines_xlsx,
    template_xlsx,
)
from grants.models import RenderedDocument, SpendingPlan

from .helpers import plan_for_viewing
from .rendered import rendered_download


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class PlanDownloadView(View):
    """`what` is lines, board-paper or import-template; `extension` the format."""

    FORMATS = {
        ("lines", "xlsx"): (lambda plan: lines_xlsx(plan), XLSX_CONTENT_TYPE, "funded-projects"),
        ("lines", "csv"): (lambda plan: lines_csv(plan), CSV_CONTENT_TYPE, "funded-projects"),
        ("import-template", "xlsx"): (template_xlsx, XLSX_CONTENT_TYPE, "import-template"),
        ("import-template", "csv"): (lambda plan: lines_csv(None), CSV_CONTENT_TYPE, "import-template"),
    }

    def get(self, request, pk, what, extension):
        if what == "board-paper" and extension in RenderedDocument.Format.values:
            # The board paper is made in the task queue and kept until the plan changes (grants/documents/rendering.py).
            plan = plan_for_viewing(request.user, pk)
            return rendered_download(
                request,
                kind=RenderedDocument.Kind.BOARD_PAPER,
                fmt=extension,
                subject=plan_subject(plan),
                filename=download_name(plan, "board-paper", extension),
                title=f"the board paper for {plan.partnership} {plan.financial_year}",
            )
        if (what, extension) not in self.FORMATS:
            raise Http404("No such download.")
        plan = plan_for_viewing(request.user, pk)
        plan = SpendingPlan.objects.with_figures().select_related("award__partnership__force_area").get(pk=plan.pk)
        build, content_type, name = self.FORMATS[(what, extension)]
        return _attachment(build(plan), content_type, download_name(plan, name, extension))
