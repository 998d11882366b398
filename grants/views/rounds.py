"""Grant rounds: the list, a round with its pot, awarded and remaining, applications and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from grants.figures.money import rounds_with_figures
from grants.forms.oversight import ApplicationForm, DecisionForm, GrantRoundForm
from grants.models import GrantApplication, GrantRound
from grants.money import format_money
from grants.services import rounds as service
from grants.years import force_area_years

from .awards import _add_errors
from .oversight import ForceAreaMixin, chosen_year


class RoundsView(ForceAreaMixin, TemplateView):
    template_name = "oversight/rounds.html"
    nav_section = "rounds"

    def get_context_data(self, **kwargs):
        show_withdrawn = self.request.GET.get("withdrawn") == "1"
        rounds = GrantRound.objects.filter(force_area=self.force_area).select_related("funding_stream")
        if not show_withdrawn:
            rounds = rounds.live()
        year = chosen_year(self.request, self.force_area) if self.request.GET.get("year") else ""
        if year:
            rounds = rounds.filter(financial_year=year)
        years = force_area_years(self.force_area)
        return super().get_context_data(
            rounds=rounds_with_figures(rounds),
            show_withdrawn=show_withdrawn,
            year=year,
            years=years.including(year) if year else years,
            **kwargs,
        )


class RoundCreateView(ForceAreaMixin, TemplateView):
    template_name = "oversight/form_page.html"
    nav_section = "rounds"
    manage = True

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", GrantRoundForm(force_area=self.force_area))
        return super().get_context_data(title="New grant round", back_label="Grant rounds", **kwargs)

    def post(self, request, *args, **kwargs):
        form = GrantRoundForm(request.POST, force_area=self.force_area, instance=GrantRound(force_area=self.force_area))
        if form.is_valid():
            form.instance.pot = form.cleaned_data["pot"]
            try:
                grant_round = service.round_create(
                    grant_round=form.instance,
                    priorities=list(form.cleaned_data.get("pcc_priorities") or []),
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Grant round '{grant_round}' created.")
                return redirect("grants:round", area=self.force_area.slug, pk=grant_round.pk)
        return self.render_to_response(self.get_context_data(form=form))


class RoundMixin(ForceAreaMixin):
    nav_section = "rounds"

    def get_round(self) -> GrantRound:
        return get_object_or_404(
            rounds_with_figures(GrantRound.objects.select_related("funding_stream", "withdrawn_by")),
            pk=self.kwargs["pk"],
            force_area=self.force_area,
        )


class RoundView(RoundMixin, TemplateView):
    template_name = "oversight/round.html"

    def get_context_data(self, **kwargs):
        grant_round = self.get_round()
        applications = grant_round.applications.select_related("organisation", "award").order_by(
            "withdrawn_at", "received_on", "pk"
        )
        return super().get_context_data(
            grant_round=grant_round,
            applications=applications,
            priorities=list(grant_round.pcc_priorities.all()),
            **kwargs,
        )


class ApplicationCreateView(RoundMixin, TemplateView):
    template_name = "oversight/form_page.html"
    manage = True

    def get_context_data(self, **kwargs):
        grant_round = self.get_round()
        kwargs.setdefault("form", ApplicationForm())
        return super().get_context_data(
            title="Enter an application", caption=grant_round.name, grant_round=grant_round, **kwargs
        )

    def post(self, request, *args, **kwargs):
        grant_round = self.get_round()
        form = ApplicationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                service.application_add(
                    grant_round=grant_round,
                    organisation=form.organisation(),
                    project_title=data["project_title"],
                    purpose=data["purpose"],
                    amount_requested=data["amount_requested"],
                    received_on=data["received_on"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, f"Application from {data['organisation_name']} saved.")
                return redirect("grants:round", area=self.force_area.slug, pk=grant_round.pk)
        return self.render_to_response(self.get_context_data(form=form))


class DecisionView(RoundMixin, TemplateView):
    template_name = "oversight/decision.html"
    manage = True

    def get_application(self, grant_round) -> GrantApplication:
        return get_object_or_404(grant_round.applications.select_related("organisation"), pk=self.kwargs["application"])

    def get_context_data(self, **kwargs):
        grant_round = self.get_round()
        application = self.get_application(grant_round)
        kwargs.setdefault("form", DecisionForm(initial={"amount_awarded": f"{application.amount_requested:.2f}"}))
        return super().get_context_data(grant_round=grant_round, application=application, **kwargs)

    def post(self, request, *args, **kwargs):
        grant_round = self.get_round()
        application = self.get_application(grant_round)
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                decided = service.application_decide(
                    application=application,
                    decision=data["decision"],
                    amount_awarded=data.get("amount_awarded"),
                    decided_on=data["decided_on"],
                    notes=data.get("decision_notes", ""),
                    by=request.user,
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if decided.decision == GrantApplication.Decision.APPROVED:
                    text = f"{format_money(decided.amount_awarded)} awarded to {decided.organisation}."
                else:
                    text = f"Application from {decided.organisation} declined."
                messages.success(request, text)
                return redirect("grants:round", area=self.force_area.slug, pk=grant_round.pk)
        return self.render_to_response(self.get_context_data(form=form))
