"""Other funding: streams recorded for the force area, their awards (to CSPs or to organisations directly), and
tables of allocations across councils, entered or imported, that must reconcile with their total."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from grants.forms.oversight import AllocationTableForm, FundingStreamForm, StreamAwardForm, UploadForm
from grants.models import AllocationTable, FundingStream, GrantAward
from grants.money import ZERO, format_money
from grants.services import funding as service
from grants.years import force_area_years

from .awards import _add_errors
from .oversight import ForceAreaMixin, chosen_year


class FundingView(ForceAreaMixin, TemplateView):
    template_name = "oversight/funding.html"
    nav_section = "funding"

    def get_context_data(self, **kwargs):
        streams = []
        for stream in FundingStream.objects.filter(force_area=self.force_area).select_related("funder"):
            awards = list(stream.awards.select_related("partnership", "organisation"))
            streams.append({"stream": stream, "count": len(awards), "total": sum((a.amount for a in awards), ZERO)})
        tables = AllocationTable.objects.filter(force_area=self.force_area).select_related("funding_stream")
        year = chosen_year(self.request, self.force_area) if self.request.GET.get("year") else ""
        if year:
            tables = tables.filter(financial_year=year)
        years = force_area_years(self.force_area)
        return super().get_context_data(
            streams=streams, tables=tables, year=year, years=years.including(year) if year else years, **kwargs
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
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Funding stream '{stream}' recorded.")
                return redirect("grants:stream", area=self.force_area.slug, pk=stream.pk)
        return self.render_to_response(self.get_context_data(form=form))


class StreamMixin(ForceAreaMixin):
    nav_section = "funding"

    def get_stream(self) -> FundingStream:
        return get_object_or_404(FundingStream, pk=self.kwargs["pk"], force_area=self.force_area)


class StreamView(StreamMixin, TemplateView):
    template_name = "oversight/stream.html"

    def get_context_data(self, **kwargs):
        stream = self.get_stream()
        awards = list(stream.awards.select_related("partnership", "organisation"))
        return super().get_context_data(
            stream=stream, awards=awards, total=sum((a.amount for a in awards), ZERO), **kwargs
        )


class StreamAwardCreateView(StreamMixin, TemplateView):
    template_name = "oversight/form_page.html"
    manage = True

    def get_context_data(self, **kwargs):
        stream = self.get_stream()
        kwargs.setdefault("form", StreamAwardForm(force_area=self.force_area))
        return super().get_context_data(title="Record an award", caption=stream.name, **kwargs)

    def post(self, request, *args, **kwargs):
        stream = self.get_stream()
        form = StreamAwardForm(request.POST, force_area=self.force_area, instance=GrantAward(funding_stream=stream))
        if form.is_valid():
            award = form.save(commit=False)
            award.amount = form.cleaned_data["amount"]
            data = form.cleaned_data
            try:
                service.stream_award_save(
                    award=award,
                    organisation_name=data.get("organisation_name", ""),
                    charity_number=data.get("charity_number", ""),
                    company_number=data.get("company_number", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Award of {format_money(award.amount)} to {award.recipient} recorded.")
                return redirect("grants:stream", area=self.force_area.slug, pk=stream.pk)
        return self.render_to_response(self.get_context_data(form=form))


class AllocationCreateView(ForceAreaMixin, TemplateView):
    template_name = "oversight/form_page.html"
    nav_section = "funding"
    manage = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", AllocationTableForm(force_area=self.force_area))
        return super().get_context_data(title="New allocation across councils", **kwargs)

    def post(self, request, *args, **kwargs):
        form = AllocationTableForm(
            request.POST, force_area=self.force_area, instance=AllocationTable(force_area=self.force_area)
        )
        if form.is_valid():
            form.instance.total = form.cleaned_data["total"]
            try:
                form.instance.full_clean()
            except ValidationError as error:
                _add_errors(form, error)
            else:
                table = form.save()
                return redirect("grants:allocation", area=self.force_area.slug, pk=table.pk)
        return self.render_to_response(self.get_context_data(form=form))


class AllocationView(ForceAreaMixin, TemplateView):
    """The councils' figures, entered in rows (`council-N`, `amount-N`) or imported; saved only when they
    reconcile with the total."""

    template_name = "oversight/allocation.html"
    nav_section = "funding"
    blank_rows = 5

    def get_table(self) -> AllocationTable:
        return get_object_or_404(
            AllocationTable.objects.select_related("funding_stream"), pk=self.kwargs["pk"], force_area=self.force_area
        )

    def get_context_data(self, **kwargs):
        table = self.get_table()
        lines = list(table.lines.select_related("recipient"))
        rows = kwargs.pop("rows", None)
        if rows is None:
            rows = [{"council": line.recipient.name, "amount": f"{line.amount:.2f}"} for line in lines]
            rows += [{"council": "", "amount": ""} for _ in range(self.blank_rows)]
        return super().get_context_data(
            table=table, lines=lines, rows=rows, upload_form=kwargs.pop("upload_form", UploadForm()), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if not self.can_manage:
            raise PermissionDenied("Only the OPCC's commissioning officers and the Treasurer can change allocations.")
        table = self.get_table()
        errors = []
        if "file" in request.FILES:
            upload_form = UploadForm(request.POST, request.FILES)
            if not upload_form.is_valid():
                return self.render_to_response(self.get_context_data(upload_form=upload_form))
            try:
                parsed = service.allocation_import_parse(upload=upload_form.cleaned_data["file"])
            except ValidationError as error:
                upload_form.add_error("file", error.messages)
                return self.render_to_response(self.get_context_data(upload_form=upload_form))
            amounts = parsed.amounts
            errors = [str(e) for e in parsed.errors]
            rows = [{"council": k, "amount": f"{v:.2f}"} for k, v in amounts.items()]
        else:
            rows = [
                {
                    "council": request.POST.get(f"council-{index}", "").strip(),
                    "amount": request.POST.get(f"amount-{index}", "").strip(),
                }
                for index in range(int(request.POST.get("rows", "0") or 0))
            ]
            parsed = service.allocation_form_parse(rows=[(row["council"], row["amount"]) for row in rows])
            amounts = parsed.amounts
            errors = [str(e) for e in parsed.errors]
        if not errors:
            try:
                service.allocation_lines_set(table=table, amounts=amounts)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, f"Allocation saved: {len(amounts)} councils, {format_money(table.total)}.")
                return redirect("grants:allocation", area=self.force_area.slug, pk=table.pk)
        return self.render_to_response(self.get_context_data(rows=rows, errors=errors))
