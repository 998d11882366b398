"""The approval path's settings pages: the OPCC's minor variation threshold for its force area, and the shorter
path a partnership's board chooses for minor variations. Found only by those who may change them (404 for
everyone else, so nothing is disclosed)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from grants.forms.decisions import MinorVariationPathForm, VariationThresholdForm
from grants.models import VariationThreshold
from grants.money import format_money
from grants.services.governance import minor_variation_path_set, variation_threshold_set
from partnerships.models import ForceArea, Partnership


class VariationThresholdView(FormView):
    template_name = "grants/variation_threshold.html"
    form_class = VariationThresholdForm

    def dispatch(self, request, *args, **kwargs):
        self.force_area = get_object_or_404(ForceArea, slug=kwargs["slug"])
        if not rules.test_rule("grants.set_variation_threshold", request.user, self.force_area):
            raise Http404("Not found")
        self.threshold = VariationThreshold.objects.filter(force_area=self.force_area).first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.threshold is None:
            return {}
        return {"minor_below": format_money(self.threshold.minor_below), "note": self.threshold.note}

    def form_valid(self, form):
        try:
            threshold = variation_threshold_set(
                force_area=self.force_area,
                by=self.request.user,
                minor_below=form.cleaned_data["minor_below"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error("minor_below" if hasattr(error, "error_dict") else None, error.messages)
            return self.form_invalid(form)
        if threshold is None:
            messages.success(self.request, f"{self.force_area} has no minor variation threshold now.")
        else:
            messages.success(
                self.request,
                f"Variations that move less than {format_money(threshold.minor_below)} are minor in {self.force_area}.",
            )
        return redirect("home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(force_area=self.force_area, threshold=self.threshold, **kwargs)


class MinorVariationPathView(FormView):
    template_name = "grants/minor_variation_path.html"
    form_class = MinorVariationPathForm

    def dispatch(self, request, *args, **kwargs):
        self.partnership = get_object_or_404(Partnership.objects.select_related("force_area"), slug=kwargs["slug"])
        if not rules.test_rule("grants.set_minor_variation_path", request.user, self.partnership):
            raise Http404("Not found")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partnership": self.partnership}

    def get_initial(self):
        return {"path": self.partnership.minor_variation_path}

    def form_valid(self, form):
        try:
            partnership = minor_variation_path_set(
                partnership=self.partnership, by=self.request.user, path=form.cleaned_data["path"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"Minor variations of {partnership}'s plans now take this path: "
            f"{partnership.get_minor_variation_path_display().lower()}.",
        )
        return redirect("home")

    def get_context_data(self, **kwargs):
        threshold = VariationThreshold.objects.filter(force_area=self.partnership.force_area).first()
        return super().get_context_data(partnership=self.partnership, threshold=threshold, **kwargs)
