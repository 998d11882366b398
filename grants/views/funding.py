"""Money in and out, by funding stream: for a financial year, each stream's funding received, granted, committed,
paid and remaining (from `grants.figures.money`), the funding received, and the allocations across councils."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from grants.figures.money import (
    allocations_with_figures,
    area_money,
    awards_in_year,
    awards_with_ledger,
)
from grants.figures.packs import latest_area_pack
from grants.forms.oversight import FundingStreamForm
from grants.models import AllocationTable, FundingReceived, FundingStream, GrantAward
from grants.services import funding as service
from grants.years import force_area_years

from .awards import _add_errors
from .oversight import ForceAreaMixin, chosen_year


class FundingView(ForceAreaMixin, TemplateView):
    template_name = "oversight/funding.html"
    nav_section = "funding"

    def get_context_data(self, **kwargs):
        years = force_area_years(self.force_area)
        year = chosen_year(self.request, self.force_area, years)
        show_withdrawn = self.request.GET.get("withdrawn") == "1"
        income = FundingReceived.objects.filter(force_area=self.force_area, years__financial_year=year)
        tables = AllocationTable.objects.filter(force_area=self.force_area, financial_year=year)
        streams = FundingStream.objects.filter(force_area=self.force_area, withdrawn_at__isnull=False)
        if not show_withdrawn:
            income, tables = income.filter(withdrawn_at__isnull=True), tables.filter(withdrawn_at__isnull=True)
        return super().get_context_data(
            year=year,
            years=years.including(year),
            money=area_money(force_area=self.force_area, financial_year=year),
            reported=latest_area_pack(force_area=self.force_area, financial_year=year),
            income=income.select_related("funder", "funding_stream").prefetch_related("years").distinct(),
            tables=allocations_with_figures(tables.select_related("funding_stream")),
            withdrawn_streams=streams if show_withdrawn else [],
            show_withdrawn=show_withdrawn,
            **kwargs,
        )


class StreamCreateView(ForceAreaMixin, TemplateView):
    template_name = "oversight/form_page.html"
    nav_section = "funding"
    manage = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", FundingStreamForm())
        return super().get_context_data(title="Record a funding stream", **kwargs)

    def post(self, request, *args, **kwargs):
        form = FundingStreamForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                stream = service.funding_stream_create(
                    force_area=self.force_area,
                    name=data["name"],
                    kind=data["kind"],
                    awarded_directly=data.get("awarded_directly", False),
                    description=data.get("description", ""),
                    funder_name=data.get("funder_name", ""),
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Funding stream '{stream}' recorded.")
                return redirect("grants:stream", area=self.force_area.slug, pk=stream.pk)
        return self.render_to_response(self.get_context_data(form=form))


class StreamView(ForceAreaMixin, TemplateView):
    """One stream for a year: received, granted, committed, paid, remaining; its income; its awards with what is
    claimed, paid and remains of each."""

    template_name = "oversight/stream.html"
    nav_section = "funding"

    def get_context_data(self, **kwargs):
        stream = get_object_or_404(
            FundingStream.objects.select_related("funder", "withdrawn_by"),
            pk=self.kwargs["pk"],
            force_area=self.force_area,
        )
        years = force_area_years(self.force_area)
        year = chosen_year(self.request, self.force_area, years)
        money = area_money(force_area=self.force_area, financial_year=year)
        figures = next((row for row in money.streams if row.stream.pk == stream.pk), None)
        awards = awards_with_ledger(
            awards_in_year(GrantAward.objects.filter(funding_stream=stream), year).select_related(
                "partnership", "organisation", "allocation"
            )
        ).order_by("withdrawn_at", "partnership__name", "organisation__name", "pk")
        income = stream.income.filter(years__financial_year=year).select_related("funder").prefetch_related("years")
        return super().get_context_data(
            stream=stream,
            year=year,
            years=years.including(year),
            figures=figures,
            awards=list(awards),
            income=income.distinct(),
            **kwargs,
        )
