"""The year's awards to every CSP in one screen: copy last year, enter by hand, or confirm a formula scenario;
indicator imports; scenarios side by side. Thin views over `grants/services/awards.py`."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from grants.forms.oversight import AwardsForm, ConfirmScenarioForm, ScenarioForm, UploadForm
from grants.models import FormulaScenario, SpendingPlan
from grants.money import ZERO, format_money
from grants.services import awards as service
from grants.years import force_area_years
from partnerships.financial_years import FinancialYear
from partnerships.models import ForceArea, Partnership

from .oversight import NOT_MANAGER, NOT_OPCC, ForceAreaMixin, chosen_year

SIGNING_SALT = "grants.indicators-import"


def _add_errors(form, error: ValidationError):
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def awards_home(request, area):
    areas = ForceArea.objects.overseen_by(request.user)
    if not areas.exists():
        raise PermissionDenied(NOT_OPCC)
    force_area = get_object_or_404(areas, slug=area)
    year = chosen_year(request, force_area)
    return redirect("grants:awards", area=area, year=year)


class AwardsYearMixin(ForceAreaMixin):
    nav_section = "awards"

    def dispatch(self, request, *args, **kwargs):
        self.year = kwargs["year"]
        return super().dispatch(request, *args, **kwargs)

    def get_stream(self):
        streams = list(service.csp_streams(self.force_area))
        if not streams:
            return None
        asked = self.request.GET.get("stream") or self.request.POST.get("stream")
        return next((s for s in streams if str(s.pk) == asked), streams[0])

    def get_context_data(self, **kwargs):
        kwargs.pop("year", None)  # the URL's, passed on by TemplateView; self.year is the same, parsed
        year = FinancialYear.parse(self.year)
        return super().get_context_data(
            year=self.year, previous_year=str(year.previous()), next_year=str(year.next()), **kwargs
        )


class AwardsView(AwardsYearMixin, TemplateView):
    """Every CSP's award for the year, with last year's and the change; editable by OPCC officers and the
    Treasurer. `?prefill=standstill` fills the boxes with last year's awards."""

    template_name = "oversight/awards.html"

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            self.manage = True
        return super().dispatch(request, *args, **kwargs)

    def build(self, data=None):
        stream = self.get_stream()
        partnerships = list(Partnership.objects.filter(force_area=self.force_area).order_by("name"))
        current = service.awards_for_year(funding_stream=stream, financial_year=self.year) if stream else {}
        previous = service.previous_amounts(funding_stream=stream, financial_year=self.year) if stream else {}
        prefill = self.request.GET.get("prefill")
        initial = {}
        for p in partnerships:
            if prefill == "standstill" and p.pk in previous:
                initial[f"amount-{p.pk}"] = f"{previous[p.pk]:.2f}"
            elif p.pk in current:
                initial[f"amount-{p.pk}"] = f"{current[p.pk].amount:.2f}"
        made_on = next((a.awarded_on for a in current.values() if a.awarded_on), None)
        if made_on:
            initial["awarded_on"] = made_on
        form = AwardsForm(data, partnerships=partnerships, initial=initial)
        allocated = {
            plan.award.partnership_id: plan.allocated
            for plan in SpendingPlan.objects.filter(award__in=current.values()).latest_versions().with_figures()
        }
        rows = []
        for partnership, field in form.rows():
            award = current.get(partnership.pk)
            last = previous.get(partnership.pk)
            rows.append(
                {
                    "partnership": partnership,
                    "field": field,
                    "award": award,
                    "previous": last,
                    "change": (award.amount - last) if award and last is not None else None,
                    "allocated": allocated.get(partnership.pk),
                }
            )
        return stream, form, rows, current, previous

    def get_context_data(self, form=None, **kwargs):
        stream, built_form, rows, current, previous = self.build(self.request.POST if form else None)
        form = form or built_form
        if form is not built_form:
            rows = [{**row, "field": form[f"amount-{row['partnership'].pk}"]} for row in rows]
        scenarios = FormulaScenario.objects.filter(force_area=self.force_area, financial_year=self.year)
        indicators, values = service.indicator_values(force_area=self.force_area, financial_year=self.year)
        return super().get_context_data(
            stream=stream,
            form=form,
            rows=rows,
            total=sum((a.amount for a in current.values()), ZERO),
            previous_total=sum(previous.values(), ZERO),
            scenarios=scenarios,
            indicators=indicators,
            indicator_partnerships=len(values),
            years=force_area_years(self.force_area).including(self.year),
            prefill=self.request.GET.get("prefill"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        stream, form, rows, current, previous = self.build(request.POST)
        if stream is None:
            raise Http404("No PCC community safety grant stream for this force area")
        if form.is_valid():
            try:
                saved = service.awards_set(
                    funding_stream=stream,
                    financial_year=self.year,
                    amounts=form.amounts(),
                    awarded_on=form.cleaned_data.get("awarded_on"),
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                total = sum((a.amount for a in saved), ZERO)
                state = "made" if form.cleaned_data.get("awarded_on") else "saved as proposed"
                messages.success(
                    request, f"{len(saved)} awards for {self.year} {state}, {format_money(total)} in total."
                )
                return redirect("grants:awards", area=self.force_area.slug, year=self.year)
        return self.render_to_response(self.get_context_data(form=form))


class IndicatorsImportView(AwardsYearMixin, TemplateView):
    """Upload → preview (every row and figure, errors by row and column) → confirm. Nothing is saved until the
    preview is confirmed, and nothing at all if the file has an error."""

    template_name = "oversight/indicators_import.html"
    manage = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", UploadForm())
        indicators, values = service.indicator_values(force_area=self.force_area, financial_year=self.year)
        return super().get_context_data(current_indicators=indicators, current_values=values, **kwargs)

    def post(self, request, *args, **kwargs):
        if "data" in request.POST:
            try:
                data = signing.loads(request.POST["data"], salt=SIGNING_SALT, max_age=60 * 60)
            except signing.BadSignature:
                messages.error(request, "The preview has expired. Upload the file again.")
                return redirect(request.path)
            count = service.indicators_import_confirm(force_area=self.force_area, financial_year=self.year, data=data)
            messages.success(request, f"{count} indicator figures saved for {self.year}.")
            return redirect("grants:awards", area=self.force_area.slug, year=self.year)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            parsed = service.indicators_import_parse(force_area=self.force_area, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error.messages)
            return self.render_to_response(self.get_context_data(form=form))
        token = signing.dumps(parsed.as_data(), salt=SIGNING_SALT) if parsed.is_valid else ""
        return self.render_to_response(self.get_context_data(form=form, parsed=parsed, token=token))


class ScenarioCreateView(AwardsYearMixin, TemplateView):
    template_name = "oversight/scenario_form.html"
    manage = True

    def get_form(self, data=None):
        indicators, _ = service.indicator_values(force_area=self.force_area, financial_year=self.year)
        return ScenarioForm(data, indicators=indicators)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(stream=self.get_stream(), **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        stream = self.get_stream()
        if stream is None:
            raise Http404("No PCC community safety grant stream for this force area")
        if form.is_valid():
            data = form.cleaned_data
            try:
                scenario = service.scenario_create(
                    force_area=self.force_area,
                    funding_stream=stream,
                    financial_year=self.year,
                    name=data["name"],
                    pot=data["pot"],
                    weights=form.weights(),
                    top_slice=data.get("top_slice") or Decimal("0.00"),
                    top_slice_purpose=data.get("top_slice_purpose", ""),
                    base_per_partnership=data.get("base_per_partnership") or Decimal("0.00"),
                    damping_percent=data.get("damping_percent"),
                    phase_year=data.get("phase_year"),
                    phase_years=data.get("phase_years"),
                    notes=data.get("notes", ""),
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Scenario '{scenario.name}' saved.")
                return redirect("grants:scenario", area=self.force_area.slug, year=self.year, pk=scenario.pk)
        return self.render_to_response(self.get_context_data(form=form))


class ScenarioView(AwardsYearMixin, TemplateView):
    template_name = "oversight/scenario.html"

    def get_scenario(self):
        return get_object_or_404(
            FormulaScenario.objects.select_related("funding_stream"),
            pk=self.kwargs["pk"],
            force_area=self.force_area,
            financial_year=self.year,
        )

    def get_context_data(self, **kwargs):
        scenario = self.get_scenario()
        kwargs.setdefault("form", ConfirmScenarioForm())
        lines = list(scenario.lines.select_related("partnership"))
        return super().get_context_data(
            scenario=scenario,
            lines=lines,
            weights=scenario.weights.select_related("indicator"),
            total=sum((line.amount for line in lines), ZERO),
            previous_total=sum((line.previous_amount or ZERO for line in lines), ZERO),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not self.can_manage:
            raise PermissionDenied(NOT_MANAGER)
        scenario = self.get_scenario()
        form = ConfirmScenarioForm(request.POST)
        if form.is_valid():
            try:
                awards = service.scenario_confirm(
                    scenario=scenario, awarded_on=form.cleaned_data["awarded_on"], by=request.user
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    f"'{scenario.name}' confirmed: {len(awards)} awards for {self.year} made, "
                    f"{format_money(sum((a.amount for a in awards), ZERO))} in total.",
                )
                return redirect("grants:awards", area=self.force_area.slug, year=self.year)
        return self.render_to_response(self.get_context_data(form=form))


class ScenarioCompareView(AwardsYearMixin, TemplateView):
    """Scenarios side by side, one column each, for the partnerships of the area."""

    template_name = "oversight/scenario_compare.html"

    def get_context_data(self, **kwargs):
        ids = [value for value in self.request.GET.getlist("s") if value.isdigit()]
        scenarios = list(
            FormulaScenario.objects.filter(force_area=self.force_area, financial_year=self.year, pk__in=ids)
            .prefetch_related("lines__partnership")
            .order_by("name")
        )
        partnerships = sorted({line.partnership for s in scenarios for line in s.lines.all()}, key=lambda p: p.name)
        table = []
        for partnership in partnerships:
            cells = []
            previous = None
            for scenario in scenarios:
                line = next((x for x in scenario.lines.all() if x.partnership_id == partnership.pk), None)
                cells.append(line)
                if line and line.previous_amount is not None:
                    previous = line.previous_amount
            table.append({"partnership": partnership, "previous": previous, "cells": cells})
        totals = [sum((line.amount for line in s.lines.all()), ZERO) for s in scenarios]
        return super().get_context_data(
            scenarios=scenarios,
            table=table,
            totals=totals,
            all_scenarios=FormulaScenario.objects.filter(force_area=self.force_area, financial_year=self.year),
            chosen={int(i) for i in ids},
            **kwargs,
        )
