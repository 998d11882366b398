"""Setting up a force area in the app, by its OPCC administrator: the body that funds its CSPs (and its titles),
the order of the final sign-off, the Police and Crime Plan and its priorities, the councils and the Community
Safety Partnerships covering them, funding streams, and the people, invited by e-mail with their role.

Thin views over partnerships.services, priorities.services and grants.services.funding. Only the area's OPCC
administrators may use them (`partnerships.set_up_force_area`); another area is "not found", like every OPCC
page. The Django admin stays for the site administrator.
"""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from grants.forms.oversight import FundingStreamForm
from grants.forms.setup import (
    CouncilForm,
    FunderBodyForm,
    InvitationForm,
    PartnershipSetUpForm,
    PoliceAndCrimePlanForm,
    SignOffOrderForm,
    priority_formset,
)
from grants.models import FundingStream
from grants.services import funding as funding_service
from partnerships import services
from partnerships.models import ForceArea, FunderBody, Invitation, Organisation, Partnership, Role
from priorities.models import PoliceAndCrimePlan
from priorities.services import PriorityInput, police_and_crime_plan_save

from .awards import _add_errors
from .helpers import error_items, hide_errors, with_added_row
from .oversight import ForceAreaMixin

NOT_ADMINISTRATOR = (
    "Only the OPCC's administrators can set up the force area. Ask one of them, or the site administrator."
)


class SetUpMixin(ForceAreaMixin):
    """The area's set-up pages: for its OPCC administrators only."""

    nav_section = "set-up"
    template_name = "setup/form_page.html"

    def dispatch(self, request, *args, **kwargs):
        areas = ForceArea.objects.overseen_by(request.user)
        if areas.filter(slug=kwargs["area"]).exists():
            area = areas.get(slug=kwargs["area"])
            if not rules.test_rule("partnerships.set_up_force_area", request.user, area):
                raise PermissionDenied(NOT_ADMINISTRATOR)
        return super().dispatch(request, *args, **kwargs)

    def done(self, message: str, to: str = "set-up", **kwargs):
        messages.success(self.request, message)
        return redirect(f"grants:{to}", area=self.force_area.slug, **kwargs)


def _sign_off_words(area: ForceArea) -> str:
    """`The Police and Crime Commissioner and the Treasurer, in either order`, in the funder's titles."""
    funder = area.funder
    if area.sign_off_order == ForceArea.SignOffOrder.FINANCE_FIRST:
        return f"The {funder.finance_officer_title} first, then the {funder.decision_maker_title}"
    return f"The {funder.decision_maker_title} and the {funder.finance_officer_title}, in either order"


def _status(done: bool) -> dict:
    return {"done": done, "label": "Completed" if done else "Not yet started"}


class SetUpView(SetUpMixin, TemplateView):
    """The task list: what the area still needs before its partnerships can write plans."""

    template_name = "setup/index.html"

    def get_context_data(self, **kwargs):
        area = self.force_area
        funder = area.funder
        partnerships = Partnership.objects.filter(force_area=area).prefetch_related("local_authorities")
        plans = PoliceAndCrimePlan.objects.filter(force_area=area).prefetch_related("priorities")
        streams = FundingStream.objects.filter(force_area=area)
        people = Role.objects.filter(Q(force_area=area) | Q(partnership__force_area=area)).exclude(
            user=self.request.user
        )
        invitations = Invitation.objects.for_force_area(area)
        tasks = [
            (
                "Funder",
                "grants:set-up-funder",
                f"{funder.name} ({funder.get_kind_display()})",
                _status(funder.pk is not None),
            ),
            ("Final sign-off", "grants:set-up-approval", _sign_off_words(area), _status(True)),
            (
                "Police and Crime Plan and priorities",
                "grants:set-up-plans",
                ", ".join(f"{p.title} ({p.priorities.count()} priorities)" for p in plans) or "None yet",
                _status(plans.exists()),
            ),
            (
                "Councils and Community Safety Partnerships",
                "grants:set-up-partnerships",
                f"{partnerships.count()} partnership{'s' if partnerships.count() != 1 else ''}",
                _status(partnerships.exists()),
            ),
            (
                "Funding streams",
                "grants:set-up-funding",
                ", ".join(s.name for s in streams) or "None yet",
                _status(streams.exists()),
            ),
            (
                "People and their roles",
                "grants:set-up-people",
                f"{people.count()} other people, {invitations.waiting().count()} invitations waiting",
                _status(people.exists() or invitations.exists()),
            ),
        ]
        return super().get_context_data(tasks=tasks, **kwargs)


# --- the funder ------------------------------------------------------------------------------------------------


class FunderView(SetUpMixin, TemplateView):
    template_name = "setup/funder.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            funder=self.force_area.funder,
            bodies=FunderBody.objects.filter(force_area=self.force_area).order_by("-starts_on"),
            **kwargs,
        )


class FunderFormView(SetUpMixin, TemplateView):
    change = False

    def form(self, data=None):
        current = self.force_area.funder
        initial = (
            None if self.change or current.pk is None else {f: getattr(current, f) for f in FunderBodyForm.Meta.fields}
        )
        return FunderBodyForm(data, initial=initial, change=self.change)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        title = "Record a change of funder" if self.change else "The funder's details"
        return super().get_context_data(
            title=title,
            caption=self.force_area.name,
            intro=(
                "From the date you give, the new body (or the same body under a new name or identifier) holds the "
                "area's police and crime functions. Everything decided and published before keeps the earlier name."
                if self.change
                else "Correct the details of the body in force today. To record a new body, or a new name, record a "
                "change of funder instead."
            ),
            back=("grants:set-up-funder", "The funder"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            details = {name: form.cleaned_data.get(name, "") for name in FunderBodyForm.Meta.fields}
            try:
                if self.change:
                    body = services.funder_body_change(
                        force_area=self.force_area, starts_on=form.cleaned_data["starts_on"], **details
                    )
                else:
                    body = services.funder_body_correct(force_area=self.force_area, **details)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return self.done(f"{body.name} saved.", to="set-up-funder")
        return self.render_to_response(self.get_context_data(form=form))


class SignOffOrderView(SetUpMixin, TemplateView):
    def get_context_data(self, **kwargs):
        kwargs.setdefault(
            "form",
            SignOffOrderForm(initial={"sign_off_order": self.force_area.sign_off_order}, force_area=self.force_area),
        )
        return super().get_context_data(
            title="Final sign-off of spending plans",
            caption=self.force_area.name,
            intro="After OPCC scrutiny, the decision-maker and the finance officer both sign off every spending plan.",
            back=("grants:set-up", "Set up"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = SignOffOrderForm(request.POST, force_area=self.force_area)
        if form.is_valid():
            services.sign_off_order_set(force_area=self.force_area, order=form.cleaned_data["sign_off_order"])
            return self.done("The order of the final sign-off is saved.")
        return self.render_to_response(self.get_context_data(form=form))


# --- the Police and Crime Plan ---------------------------------------------------------------------------------


class PlansView(SetUpMixin, TemplateView):
    template_name = "setup/plans.html"

    def get_context_data(self, **kwargs):
        plans = PoliceAndCrimePlan.objects.filter(force_area=self.force_area).prefetch_related("priorities")
        return super().get_context_data(plans=plans, **kwargs)


class PlanFormView(SetUpMixin, TemplateView):
    """A Police and Crime Plan with its numbered priorities ("Add another priority" works without JavaScript)."""

    template_name = "setup/plan_form.html"

    def get_plan(self) -> PoliceAndCrimePlan | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(PoliceAndCrimePlan, pk=self.kwargs["pk"], force_area=self.force_area)

    def forms(self, data=None):
        plan = self.get_plan()
        initial = {"title": plan.title, "starts_on": plan.starts_on, "ends_on": plan.ends_on} if plan else None
        rows = [{"title": p.title, "pk": p.pk} for p in plan.priorities.order_by("number")] if plan else None
        return plan, PoliceAndCrimePlanForm(data, initial=initial), priority_formset(data, initial=rows)

    def get_context_data(self, form=None, formset=None, adding=False, **kwargs):
        plan, built_form, built_formset = self.forms()
        form, formset = form or built_form, formset or built_formset
        errors = [] if adding or not form.is_bound else error_items(form, formset)
        return super().get_context_data(plan=plan, form=form, formset=formset, errors=errors, **kwargs)

    def post(self, request, *args, **kwargs):
        data = request.POST
        if request.POST.get("add") == "priorities":
            plan, form, formset = self.forms(with_added_row(data, "priorities"))
            hide_errors(form, formset)
            return self.render_to_response(self.get_context_data(form=form, formset=formset, adding=True))
        plan, form, formset = self.forms(data)
        if form.is_valid() and formset.is_valid():
            rows = [
                PriorityInput(title=row.cleaned_data.get("title") or "", pk=row.cleaned_data.get("pk"))
                for row in formset.live_forms
            ]
            try:
                saved = police_and_crime_plan_save(
                    force_area=self.force_area,
                    title=form.cleaned_data["title"],
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    priorities=rows,
                    plan=plan,
                )
            except ValidationError as error:
                _plan_errors(error, form, formset)
            else:
                return self.done(f"{saved.title} saved with {saved.priorities.count()} priorities.", to="set-up-plans")
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


def _plan_errors(error: ValidationError, form, formset) -> None:
    live = formset.live_forms
    for key, errors in error.message_dict.items():
        if key.startswith("priorities-"):
            index = int(key.split("-")[1])
            target = live[index] if index < len(live) else None
            if target is not None:
                target.add_error("title", errors)
                continue
        if key == "priorities":
            formset.non_form_errors().extend(errors)
        elif key in form.fields:
            form.add_error(key, errors)
        else:
            form.add_error(None, errors)


# --- councils and partnerships ---------------------------------------------------------------------------------


class PartnershipsView(SetUpMixin, TemplateView):
    template_name = "setup/partnerships.html"

    def get_context_data(self, **kwargs):
        partnerships = Partnership.objects.filter(force_area=self.force_area).prefetch_related(
            Prefetch("local_authorities", queryset=Organisation.objects.order_by("name"))
        )
        return super().get_context_data(partnerships=partnerships, **kwargs)


class CouncilCreateView(SetUpMixin, TemplateView):
    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", CouncilForm())
        return super().get_context_data(
            title="Add a council",
            caption=self.force_area.name,
            intro="A council with its official codes: the ONS code of its district (where it is) and, if you know "
            "it, its local authority register code (who it is, in published grant data).",
            back=("grants:set-up-partnerships", "Councils and partnerships"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = CouncilForm(request.POST)
        if form.is_valid():
            try:
                council = services.local_authority_create(**form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return self.done(f"{council.name} added.", to="set-up-partnerships")
        return self.render_to_response(self.get_context_data(form=form))


class PartnershipFormView(SetUpMixin, TemplateView):
    def get_partnership(self) -> Partnership | None:
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(Partnership, pk=self.kwargs["pk"], force_area=self.force_area)

    def form(self, data=None):
        partnership = self.get_partnership()
        initial = None
        if partnership is not None:
            initial = {
                "name": partnership.name,
                "local_authorities": list(partnership.local_authorities.all()),
                "has_executive_group": "yes" if partnership.has_executive_group else "no",
                "ons_code": partnership.ons_code,
            }
        return partnership, PartnershipSetUpForm(data, initial=initial, force_area=self.force_area)

    def get_context_data(self, **kwargs):
        partnership, form = self.form()
        kwargs.setdefault("form", form)
        return super().get_context_data(
            title=f"Change {partnership}" if partnership else "Add a Community Safety Partnership",
            caption=self.force_area.name,
            back=("grants:set-up-partnerships", "Councils and partnerships"),
            extra_link=("grants:set-up-council-new", "Add a council that is not listed"),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        partnership, form = self.form(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["local_authorities"] = list(data["local_authorities"])
            try:
                if partnership is None:
                    saved = services.partnership_create(force_area=self.force_area, **data)
                else:
                    saved = services.partnership_update(partnership=partnership, **data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return self.done(f"{saved.name} saved.", to="set-up-partnerships")
        return self.render_to_response(self.get_context_data(form=form))


# --- funding streams -------------------------------------------------------------------------------------------


class StreamSetUpView(SetUpMixin, TemplateView):
    """The area's funding streams, and a form to record one (the same form and service as the OPCC's)."""

    template_name = "setup/funding.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", FundingStreamForm())
        streams = FundingStream.objects.filter(force_area=self.force_area).select_related("funder", "force_area")
        return super().get_context_data(streams=streams, **kwargs)

    def post(self, request, *args, **kwargs):
        form = FundingStreamForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                stream = funding_service.funding_stream_create(
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
                return self.done(f"Funding stream “{stream}” recorded.", to="set-up-funding")
        return self.render_to_response(self.get_context_data(form=form))


# --- people ----------------------------------------------------------------------------------------------------


class PeopleView(SetUpMixin, TemplateView):
    """Everyone with a role in the area or its partnerships, the invitations sent, and a form to invite more."""

    template_name = "setup/people.html"

    def get_context_data(self, **kwargs):
        area = self.force_area
        kwargs.setdefault("form", InvitationForm(force_area=area))
        roles = (
            Role.objects.filter(Q(force_area=area) | Q(partnership__force_area=area))
            .select_related("user", "partnership", "force_area")
            .order_by("partnership__name", "kind", "user__last_name")
        )
        invitations = (
            Invitation.objects.for_force_area(area)
            .filter(accepted_at__isnull=True, withdrawn_at__isnull=True)
            .select_related("partnership", "force_area", "invited_by")
        )
        return super().get_context_data(roles=roles, invitations=invitations, **kwargs)

    def post(self, request, *args, **kwargs):
        form = InvitationForm(request.POST, force_area=self.force_area)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    by=request.user,
                    email=form.cleaned_data["email"],
                    kind=form.cleaned_data["kind"],
                    force_area=self.force_area,
                    partnership=form.cleaned_data.get("partnership"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return self.done(
                    f"Invitation sent to {invitation.email} as {invitation.role_title}, {invitation.scope}.",
                    to="set-up-people",
                )
        return self.render_to_response(self.get_context_data(form=form))


class InvitationActionView(SetUpMixin, TemplateView):
    """Send an invitation again (a new link, the old one stops working) or withdraw it. POST only."""

    http_method_names = ["post"]
    action = "resend"

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(Invitation.objects.for_force_area(self.force_area), pk=kwargs["pk"])
        try:
            if self.action == "resend":
                services.invitation_resend(invitation=invitation)
                message = f"Invitation sent again to {invitation.email}."
            else:
                services.invitation_withdraw(invitation=invitation)
                message = f"Invitation to {invitation.email} withdrawn: its link no longer works."
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("grants:set-up-people", area=self.force_area.slug)
        return self.done(message, to="set-up-people")


class RoleRemoveView(SetUpMixin, TemplateView):
    """Take a role away, after a confirmation page."""

    template_name = "setup/role_remove.html"

    def get_role(self) -> Role:
        area = self.force_area
        return get_object_or_404(
            Role.objects.filter(Q(force_area=area) | Q(partnership__force_area=area)).select_related("user"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(role=self.get_role(), **kwargs)

    def post(self, request, *args, **kwargs):
        role = self.get_role()
        try:
            services.role_remove(role=role, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("grants:set-up-people", area=self.force_area.slug)
        return self.done(f"{role.user} is no longer {role.title}, {role.scope}.", to="set-up-people")
