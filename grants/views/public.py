"""Public pages, no sign-in: the grants each PCC has made, as the Elected Local Policing Bodies (Specified
Information) Order 2011 requires them to be published, and the same data in the 360Giving Data Standard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView

from grants.money import ZERO
from grants.services.threesixty import (
    publications,
    threesixty_csv,
    threesixty_json,
    threesixty_package,
    threesixty_xlsx,
)
from partnerships.models import ForceArea

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def threesixty_response(package: dict, fmt: str, filename: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(threesixty_json(package), content_type="application/json")
    elif fmt == "csv":
        response = HttpResponse(threesixty_csv(package), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(threesixty_xlsx(package), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@method_decorator(login_not_required, name="dispatch")
class PublishedIndexView(TemplateView):
    template_name = "public/index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(areas=ForceArea.objects.all(), **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PublishedGrantsView(TemplateView):
    """Each crime and disorder reduction grant the PCC has made: recipient, amount, purpose, conditions."""

    template_name = "public/grants.html"

    def get_context_data(self, **kwargs):
        kwargs.pop("area", None)
        area = get_object_or_404(ForceArea, slug=self.kwargs["area"])
        items = publications(force_areas=[area])
        years = {}
        for item in items:
            years.setdefault(item.award.financial_year, []).append(item)
        totals = {year: sum((i.award.amount for i in group), ZERO) for year, group in years.items()}
        return super().get_context_data(
            area=area, years=[(y, years[y], totals[y]) for y in years], count=len(items), **kwargs
        )


@login_not_required
def published_threesixty(request, area, fmt):
    force_area = get_object_or_404(ForceArea, slug=area)
    package = threesixty_package(force_areas=[force_area])
    return threesixty_response(package, fmt, f"360giving-{force_area.slug}")
