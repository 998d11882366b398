"""Returns for an award made directly to an organisation (issue 11): the OPCC asks for them on the award's page.
The returns themselves use the return pages of grants/views/returns.py. Thin: the award among the force area's
(404 otherwise), the service says who may act (403 with the reason)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.views.generic import TemplateView

from grants.forms.returns import AwardReportingForm
from grants.services import returns as service

from .helpers import apply_service_errors, error_items
from .money import AwardMixin


class AwardReportingView(AwardMixin, TemplateView):
    """Ask an award made directly to an organisation for a return each period, or for none."""

    template_name = "returns/award_reporting.html"

    def check(self):
        if not (verdict := service.may_ask_for_returns(self.request.user, self.get_award())):
            raise PermissionDenied(verdict.reason)

    def page(self, form):
        context = self.get_context_data(award=self.get_award(), form=form, errors=error_items(form))
        return self.render_to_response(context)

    def get(self, request, *args, **kwargs):
        self.check()
        return self.page(AwardReportingForm(initial={"reports_every_months": self.get_award().reports_every_months}))

    def post(self, request, *args, **kwargs):
        self.check()
        form = AwardReportingForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        award = self.get_award()
        try:
            service.award_reporting_set(award=award, by=request.user, months=form.cleaned_data["reports_every_months"])
        except ValidationError as error:
            apply_service_errors(error, form)
            return self.page(form)
        award.refresh_from_db()
        messages.success(
            request,
            f"{award.organisation} now reports {award.get_reports_every_months_display().lower()}."
            if award.reports_every_months
            else "No returns are asked for on this award.",
        )
        return redirect("grants:award", area=self.force_area.slug, pk=award.pk)
