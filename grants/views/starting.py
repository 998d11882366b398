"""Starting a spending plan for one of the partnership's awards: choose the award, then blank or rolled forward."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from grants.forms.starting import ChooseAwardForm, StartPlanForm
from grants.models import GrantAward, SpendingPlan
from grants.services.starting import plan_start

from .helpers import error_items


class StartPlanView(TemplateView):
    """Which award? Skipped when the officer's partnership has only one award without a plan."""

    template_name = "grants/start/choose_award.html"

    def dispatch(self, request, *args, **kwargs):
        self.awards = GrantAward.objects.startable_by(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        awards = list(self.awards)
        if len(awards) == 1:
            return redirect("grants:plan-start-award", award_pk=awards[0].pk)
        return self.render_to_response(self.get_context_data(form=ChooseAwardForm(awards=self.awards)))

    def post(self, request, *args, **kwargs):
        form = ChooseAwardForm(request.POST, awards=self.awards)
        if form.is_valid():
            return redirect("grants:plan-start-award", award_pk=form.cleaned_data["award"].pk)
        return self.render_to_response(self.get_context_data(form=form, errors=error_items(form)))


class StartPlanForAwardView(TemplateView):
    template_name = "grants/start/start.html"

    def dispatch(self, request, *args, **kwargs):
        self.award = get_object_or_404(
            GrantAward.objects.visible_to(request.user).select_related("partnership", "funding_stream"),
            pk=kwargs["award_pk"],
        )
        if not rules.test_rule("grants.start_plan", request.user, self.award):
            existing = (
                SpendingPlan.objects.visible_to(request.user).filter(award=self.award).order_by("version").first()
            )
            if existing is not None:
                messages.info(
                    request, f"{self.award.partnership} already has a spending plan for {self.award.financial_year}."
                )
                return redirect(existing)
            raise PermissionDenied(f"Only {self.award.partnership}'s CSP officers can start its spending plan.")
        self.source = SpendingPlan.objects.roll_forward_source(self.award)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(award=self.award, source=self.source, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=StartPlanForm(source=self.source)))

    def post(self, request, *args, **kwargs):
        form = StartPlanForm(request.POST, source=self.source)
        if form.is_valid():
            roll_forward = form.cleaned_data["start"] == "roll_forward"
            try:
                plan = plan_start(award=self.award, by=request.user, roll_forward=roll_forward)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                if roll_forward:
                    messages.success(
                        request,
                        f"The {self.source.financial_year} plan has been rolled forward. Check each funded project "
                        "and change what is different this year.",
                    )
                else:
                    messages.success(request, "The spending plan has been started. Add its funded projects.")
                return redirect(reverse("grants:plan-edit", args=[plan.pk]))
        return self.render_to_response(self.get_context_data(form=form, errors=error_items(form)))
