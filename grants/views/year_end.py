"""The OPCC's year-end pages: the area's awards for a year with outturn, underspend and the year-end step; the
proposal; an approval. Thin: the force area comes from the address among those the user oversees (404 for
another's), an award of another force area is "not found", the service says who may act (403 with the reason),
the figures come from grants/figures/year_end.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from grants.figures.year_end import award_outturn
from grants.forms.year_end import YearEndApprovalForm, YearEndProposalForm, YearEndWithdrawalForm
from grants.models import GrantAward, YearEnd
from grants.money import format_money
from grants.services import year_end as service
from partnerships.financial_years import FinancialYear

from .helpers import apply_service_errors, error_items
from .oversight import ForceAreaMixin


class YearEndListView(ForceAreaMixin, TemplateView):
    """Every award to a partnership in the area for the year: outturn, underspend, and what is to be done."""

    template_name = "year_end/year_end.html"
    nav_section = "awards"

    def get_context_data(self, **kwargs):
        year = self.kwargs["year"]
        parsed = FinancialYear.parse(year)
        return super().get_context_data(
            year=year,
            previous_year=str(parsed.previous()),
            next_year=str(parsed.next()),
            rows=service.year_end_rows(force_area=self.force_area, financial_year=year, user=self.request.user),
            **kwargs,
        )


class AwardYearEndMixin(ForceAreaMixin):
    nav_section = "awards"

    def get_award(self) -> GrantAward:
        """The award in the address, among this force area's: one of another area is "not found"."""
        if not hasattr(self, "_award"):
            self._award = get_object_or_404(
                GrantAward.objects.live().select_related("partnership__force_area", "funding_stream"),
                pk=self.kwargs["pk"],
                partnership__force_area=self.force_area,
            )
        return self._award

    def list_url(self) -> str:
        award = self.get_award()
        return reverse("grants:year-end", kwargs={"area": self.force_area.slug, "year": award.financial_year})

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data())

    def page(self, form, status: int = 200):
        context = self.get_context_data(form=form)
        context["errors"] = error_items(form)
        return self.render_to_response(context, status=status)


class YearEndProposeView(AwardYearEndMixin, TemplateView):
    """The OPCC officer proposes: return the underspend, or carry (some of) it forward into next year's award."""

    template_name = "year_end/propose.html"

    def check(self):
        if not (verdict := service.may_propose(self.request.user, self.get_award())):
            raise PermissionDenied(verdict.reason)

    def get(self, request, *args, **kwargs):
        self.check()
        return self.page(YearEndProposalForm())

    def get_context_data(self, **kwargs):
        award = self.get_award()
        return super().get_context_data(
            award=award,
            figures=award_outturn(award),
            next_year=service.next_year(award.financial_year),
            list_url=self.list_url(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.check()
        form = YearEndProposalForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        data = form.cleaned_data
        try:
            service.year_end_propose(
                award=self.get_award(),
                by=request.user,
                treatment=data["treatment"],
                carried_forward=data["carried_forward"],
                comments=data["comments"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error.messages)
            return self.page(form)
        messages.success(request, "Year end proposed. It now needs both approvals.")
        return redirect(self.list_url())


class YearEndApproveView(AwardYearEndMixin, TemplateView):
    """The decision-maker or the finance officer approves the proposal: the page is the confirmation."""

    template_name = "year_end/approve.html"

    def get_year_end(self) -> YearEnd:
        """The standing proposal (a withdrawn one is history, not something to approve)."""
        return get_object_or_404(YearEnd.objects.exclude(status=YearEnd.Status.WITHDRAWN), award=self.get_award())

    def check(self, year_end: YearEnd):
        if not (verdict := service.may_approve(self.request.user, year_end)):
            raise PermissionDenied(verdict.reason)

    def get_context_data(self, **kwargs):
        year_end = self.get_year_end()
        return super().get_context_data(
            award=self.get_award(),
            year_end=year_end,
            approvals=list(year_end.approvals.all()),
            list_url=self.list_url(),
            **kwargs,
        )

    def get(self, request, *args, **kwargs):
        self.check(self.get_year_end())
        return self.page(YearEndApprovalForm())

    def post(self, request, *args, **kwargs):
        year_end = self.get_year_end()
        self.check(year_end)
        form = YearEndApprovalForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            service.year_end_approve(year_end=year_end, by=request.user, comments=form.cleaned_data["comments"])
        except ValidationError as error:
            form.add_error(None, error.messages)
            return self.page(form)
        year_end.refresh_from_db()
        if year_end.is_approved:
            message = "Year end approved."
            if year_end.next_award_id:
                message += (
                    f" {format_money(year_end.carried_forward)} carried forward into "
                    f"{year_end.next_award.financial_year}'s award."
                )
        else:
            message = "Your approval is recorded. The year end now needs the other approval."
        messages.success(request, message)
        return redirect(self.list_url())


class YearEndWithdrawView(YearEndApproveView):
    """The OPCC withdraws a proposal not yet fully approved, with the reason; the page is the confirmation."""

    template_name = "year_end/withdraw.html"

    def check(self, year_end: YearEnd):
        if not (verdict := service.may_withdraw(self.request.user, year_end)):
            raise PermissionDenied(verdict.reason)

    def get(self, request, *args, **kwargs):
        self.check(self.get_year_end())
        return self.page(YearEndWithdrawalForm())

    def post(self, request, *args, **kwargs):
        year_end = self.get_year_end()
        self.check(year_end)
        form = YearEndWithdrawalForm(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            service.year_end_withdraw(year_end=year_end, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(error, form)
            return self.page(form)
        messages.success(request, "Year-end proposal withdrawn. A new one can be proposed.")
        return redirect(self.list_url())
