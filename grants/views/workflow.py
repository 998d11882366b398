"""Pages of the approval workflow: take a decision, declare an interest, start a variation, download the PCC's
decision notice. Thin: find the plan the user may see (404 otherwise), ask the rules, call a service, redirect
with a message or show the service's words beside the field at fault."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView

from grants import trail, workflow
from grants.documents.rendering import plan_subject
from grants.forms.decisions import DecisionForm, InterestForm
from grants.models import RenderedDocument, SpendingPlan
from grants.services.variations import plan_vary
from grants.services.workflow import plan_decide, plan_declare_interest, route_for

from .rendered import rendered_download


def visible_plan(request, pk) -> SpendingPlan:
    """The plan, if the user may see it; "not found" otherwise, so its existence is not disclosed."""
    return get_object_or_404(SpendingPlan.objects.visible_to(request.user).with_figures(), pk=pk)


def refused(request, plan, reason: str, *, heading: str = "You cannot do this") -> TemplateResponse:
    return TemplateResponse(
        request, "grants/decision_refused.html", {"plan": plan, "reason": reason, "heading": heading}, status=403
    )


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _route_description(plan: SpendingPlan) -> str:
    route = route_for(plan)
    if route.needs_executive_group:
        first = "the executive group"
    elif route.needs_board:
        first = "the board"
    else:
        first = "the OPCC for scrutiny"
    return first


def confirmation(decision, plan: SpendingPlan) -> str:
    """The banner after a decision, in the users' words: what happened and who has it now."""
    if decision.action == "submit":
        return f"Plan submitted to {_first_reviewer(plan)}."
    if decision.action == "withdraw":
        return "Submission withdrawn. The plan is a draft again: change it and submit it when it is ready."
    if plan.status == SpendingPlan.Status.APPROVED:
        return f"Plan approved. Decision notice {plan.decision_notice.reference} has been issued."
    if plan.status == SpendingPlan.Status.RETURNED:
        return "Plan returned for changes. The officer who submitted it has been told."
    if plan.status == SpendingPlan.Status.DECLINED:
        return "Plan declined. The officer who submitted it has been told."
    waiting = plan.waiting_for
    return f"{decision.action_display}. The plan is now waiting for {waiting}." if waiting else decision.action_display


def _first_reviewer(plan: SpendingPlan) -> str:
    return {
        workflow.Stage.EXECUTIVE: "the executive group",
        workflow.Stage.BOARD: "the board",
        workflow.Stage.OPCC: "the OPCC for scrutiny",
    }.get(plan.awaiting[0] if plan.awaiting else None, "its reviewers")


class PlanDecisionView(FormView):
    """One decision on a plan: what is being decided, the trail so far, comments, conditions, then the button.

    The page is the confirmation step: nothing is recorded until its button is pressed."""

    template_name = "grants/plan_decide.html"
    form_class = DecisionForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = visible_plan(request, kwargs["pk"])
        self.transition = workflow.BY_NAME.get(kwargs["action"])
        if self.transition is None:
            raise Http404("No such decision")
        self.transition = self.transition.titled(workflow.funder_of(self.plan))
        self.verdict = workflow.check(self.plan, request.user, self.transition.name)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not self.verdict:
            return refused(request, self.plan, self.verdict.reason)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        """Refused before the form is read when the plan is where the person saw it and they may not act (the access
        matrix found the form's errors served to them). A plan that has moved on is the form's stale-check's."""
        if not self.verdict and request.POST.get("expected_status") in (None, "", self.plan.status):
            return refused(request, self.plan, self.verdict.reason)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        meeting = bool(self.verdict) and self.verdict.stage in workflow.MEETING_STAGES
        return {**super().get_form_kwargs(), "transition": self.transition, "meeting": meeting}

    def get_initial(self):
        return {"expected_status": self.plan.status}

    def form_valid(self, form):
        stale = form.cleaned_data["expected_status"] != self.plan.status
        if not stale and not self.verdict:
            return refused(self.request, self.plan, self.verdict.reason)
        try:
            decision = plan_decide(
                plan=self.plan,
                by=self.request.user,
                action=self.transition.name,
                comments=form.cleaned_data.get("comments", ""),
                conditions=form.cleaned_data.get("conditions", ""),
                expected_status=form.cleaned_data["expected_status"],
                meeting_date=form.cleaned_data.get("meeting_date"),
                minute_reference=form.cleaned_data.get("minute_reference", ""),
            )
        except ValidationError as error:
            _apply_errors(form, error)
            response = self.form_invalid(form)
            if any(getattr(e, "code", None) == "stale" for e in getattr(error, "error_list", [])):
                response.status_code = 409
            return response
        self.plan.refresh_from_db()
        messages.success(self.request, confirmation(decision, self.plan))
        return redirect(self.plan)

    def get_context_data(self, **kwargs):
        plan = self.plan
        context = super().get_context_data(**kwargs)
        context.update(
            plan=plan,
            transition=self.transition,
            projects=plan.projects.order_by("number").select_related("provider"),
            trail=trail.approval_trail(plan),
            may_declare=rules.test_rule("grants.declare_interest", self.request.user, plan),
            my_declarations=plan.declarations.filter(user=self.request.user, decision__isnull=True),
            is_sign_off=self.transition.parallel,
            funder=workflow.funder_of(plan),
            # What the reviewer is deciding: a variation's changes line by line against the approved version,
            # the OPCC's scrutiny comments with the partnership's answers, and the supporting documents.
            changes=trail.variation_changes(plan),
            comments=(comments := trail.scrutiny_comments(plan)),
            unanswered=trail.unanswered_questions(comments),
            documents=trail.supporting_documents(plan),
        )
        if self.transition.name == "submit":
            problems = plan.submission_problems()
            context.update(problems=problems, goes_to=_route_description(plan), route=route_for(plan))
        return context


class DeclareInterestView(FormView):
    """A reviewer declares an interest in a funded project before deciding; it joins their decision."""

    template_name = "grants/declare_interest.html"
    form_class = InterestForm

    def dispatch(self, request, *args, **kwargs):
        self.plan = visible_plan(request, kwargs["pk"])
        if not rules.test_rule("grants.declare_interest", request.user, self.plan):
            return refused(
                request,
                self.plan,
                "Only a reviewer of this plan (executive group, board, OPCC, "
                f"{workflow.stage_title(workflow.Stage.PCC, workflow.funder_of(self.plan))} or "
                f"{workflow.stage_title(workflow.Stage.TREASURER, workflow.funder_of(self.plan))}) can declare an "
                "interest, while the plan is being reviewed.",
            )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.plan}

    def _next(self) -> str:
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, {self.request.get_host()}, self.request.is_secure()):
            return target
        return self.plan.get_absolute_url()

    def form_valid(self, form):
        try:
            declaration = plan_declare_interest(
                plan=self.plan,
                by=self.request.user,
                project=form.cleaned_data["project"],
                interest=form.cleaned_data["interest"],
                prejudicial=form.cleaned_data["prejudicial"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
            return self.form_invalid(form)
        if declaration.prejudicial:
            messages.success(
                self.request,
                "Prejudicial interest declared. You may not act on this plan: another member with your role will "
                "decide, and the record says so.",
            )
            return redirect(self.plan)
        messages.success(self.request, "Interest declared. It will be recorded with your decision.")
        return redirect(self._next())

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, next=self._next(), **kwargs)


class PlanVaryView(View):
    """Starts a variation: version N+1, a draft copy of the approved plan, which goes round the path again."""

    template_name = "grants/plan_vary.html"

    def dispatch(self, request, *args, **kwargs):
        self.plan = visible_plan(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, pk):
        if not rules.test_rule("grants.vary_plan", request.user, self.plan):
            return refused(request, self.plan, self._why_not())
        return TemplateResponse(request, self.template_name, {"plan": self.plan})

    def post(self, request, pk):
        if not rules.test_rule("grants.vary_plan", request.user, self.plan):
            return refused(request, self.plan, self._why_not())
        try:
            variation, report = plan_vary(plan=self.plan, by=request.user)
        except ValidationError as error:
            return TemplateResponse(
                request, self.template_name, {"plan": self.plan, "errors": error.messages}, status=409
            )
        messages.success(
            request,
            f"Version {variation.version} started as a copy of version {self.plan.version}. Change it, then submit "
            f"it: version {self.plan.version} stays in force until version {variation.version} is approved.",
        )
        if report.contracts_ending:
            ending = "; ".join(
                f"{line.number}. {line.title} ({line.contract_end_date:%d %B %Y})" for line in report.contracts_ending
            )
            messages.warning(
                request, f"Check the contracts that end before the end of {variation.financial_year}: {ending}."
            )
        return redirect(variation)

    def _why_not(self) -> str:
        if self.plan.award.plans.filter(version__gt=self.plan.version).exists():
            return f"Version {self.plan.version + 1} of this plan has already been started."
        return "Only an officer of the partnership can start a new version, and only of an approved or declined plan."


class DecisionNoticeView(View):
    """The PCC's decision notice for an approved version, as Word or PDF, made in the task queue and kept until its
    data changes (grants/documents/rendering.py)."""

    def get(self, request, pk, fmt):
        plan = visible_plan(request, pk)
        if not rules.test_rule("grants.download_decision_notice", request.user, plan):
            raise Http404("This plan has no decision notice yet")
        if fmt not in ("pdf", "docx"):
            raise Http404("No such format")
        reference = plan.decision_notice.reference
        return rendered_download(
            request,
            kind=RenderedDocument.Kind.DECISION_NOTICE,
            fmt=fmt,
            subject=plan_subject(plan),
            filename=f"decision-notice-{reference.replace('/', '-')}.{fmt}",
            title=f"the decision notice {reference}",
        )
