"""The certifier's deputy for one plan: the delegation page (who certifies the plan's returns, the history of
delegations, the form for a certifier) and the revocation. Thin: the award among those the user may see (404
otherwise), the service says who may act (403 with the reason otherwise)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from grants.figures.plans import plan_in_force
from grants.forms.certification import DelegationForm, RevokeForm
from grants.models import CertificationDelegation, GrantAward
from grants.services import certification as service
from grants.services.certification import deputies

from .helpers import apply_service_errors, error_items
from .returns import award_for_viewing


class DelegationView(TemplateView):
    """Delegate certification for this plan: its standing deputies and past delegations, and the certifier's form."""

    template_name = "returns/delegation.html"

    def dispatch(self, request, *args, **kwargs):
        self.award = award_for_viewing(request.user, kwargs["award_pk"])
        self.plan = plan_in_force(self.award).in_force
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None):
        if self.plan is None or not service.may_delegate(self.request.user, self.plan):
            return None
        return DelegationForm(data, eligible=service.eligible_deputies(self.plan, self.request.user))

    def get(self, request, *args, **kwargs):
        return self.page(self.form())

    def page(self, form, status: int = 200):
        delegations = CertificationDelegation.objects.for_award(self.award).select_related(
            "certifier", "deputy", "revoked_by"
        )
        standing = set(CertificationDelegation.objects.standing().for_award(self.award).values_list("pk", flat=True))
        user = self.request.user
        context = self.get_context_data(
            award=self.award,
            plan=self.plan,
            form=form,
            errors=error_items(form) if form is not None else [],
            delegations=[(d, d.pk in standing, d.pk in standing and service.may_revoke(user, d)) for d in delegations],
            deputies=deputies(self.award),
        )
        return self.render_to_response(context, status=status)

    def post(self, request, *args, **kwargs):
        if self.plan is None:
            raise PermissionDenied("There is no approved plan for this award: nothing to certify yet.")
        if not (verdict := service.may_delegate(request.user, self.plan)):
            raise PermissionDenied(verdict.reason)
        form = self.form(request.POST)
        if not form.is_valid():
            return self.page(form)
        try:
            delegation = service.delegation_make(plan=self.plan, by=request.user, deputy=form.cleaned_data["deputy"])
        except ValidationError as error:
            apply_service_errors(error, form)
            return self.page(form)
        messages.success(
            request, f"{delegation.deputy.display_name} can now certify this plan's returns until you revoke it."
        )
        return redirect("grants:certification-delegation", award_pk=self.award.pk)


class RevokeView(TemplateView):
    """The certifier or the OPCC ends a delegation; the page is the confirmation."""

    template_name = "returns/delegation_revoke.html"

    def dispatch(self, request, *args, **kwargs):
        self.delegation = get_object_or_404(
            CertificationDelegation.objects.filter(
                plan__award__in=GrantAward.objects.visible_to(request.user)
            ).select_related("plan__award__partnership", "deputy", "certifier"),
            pk=kwargs["pk"],
        )
        if not (verdict := service.may_revoke(request.user, self.delegation)):
            raise PermissionDenied(verdict.reason)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            delegation=self.delegation, award=self.delegation.plan.award, form=RevokeForm(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        try:
            service.delegation_revoke(delegation=self.delegation, by=request.user)
        except ValidationError as error:
            raise PermissionDenied(" ".join(error.messages)) from error
        messages.success(request, f"{self.delegation.deputy.display_name} no longer certifies this plan's returns.")
        return redirect("grants:certification-delegation", award_pk=self.delegation.plan.award_id)
