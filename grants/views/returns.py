"""Pages for performance returns. Thin: find what the user may see (404 otherwise), ask the service who may act
(403 with the reason otherwise), call the service, redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, TemplateView

from grants.figures.monitoring import area_latest_spend, measure_rows, period_spend, return_moves, return_spend
from grants.figures.packs import area_pack_periods, performance_pack
from grants.figures.plans import plan_in_force
from grants.forms.returns import AGGREGATE_ONLY, ReportingRulesForm, ReturnForm, ReturnStepForm, judgements
from grants.kept_pages import KeptPage
from grants.models import GrantAward, PerformanceReturn, ReportingRules
from grants.services import returns as service
from grants.services.certification import may_delegate
from grants.services.reminders import in_area, late_returns
from grants.views.helpers import apply_service_errors, error_items
from grants.views.oversight import NOT_MANAGER, ForceAreaMixin


def award_for_viewing(user, pk) -> GrantAward:
    return get_object_or_404(
        GrantAward.objects.visible_to(user).filter(partnership__isnull=False).select_related("partnership"), pk=pk
    )


def return_for_viewing(user, pk) -> PerformanceReturn:
    """A return of an award whose reporting the user may see (`GrantAwardQuerySet.reported_to`: a partnership's they
    may see, or an award made directly to an organisation from a stream of an area they oversee); 404 otherwise,
    as for a return that does not exist.

    The return is read by its key, then its award checked: asked as one query (the scope an OR beside the key's
    seven joins, made DISTINCT), PostgreSQL took 7 to 13 ms to plan what it ran in 0.5 (issue 13). Each join
    more costs planning time too: a direct award's funding stream, which its pages ask for (whose area's OPCC
    records it), is read only for a direct award's return, with the check."""
    performance_return = get_object_or_404(
        PerformanceReturn.objects.select_related(
            "period__award__partnership__force_area",
            "period__award__organisation",
            "project",
        ),
        pk=pk,
    )
    award = performance_return.period.award
    reported = GrantAward.objects.reported_to(user).filter(pk=award.pk).order_by()
    if award.partnership_id is not None:
        seen = reported.exists()
    else:
        checked = reported.select_related("funding_stream").only("funding_stream").first()
        seen = checked is not None
        if seen:
            award.funding_stream = checked.funding_stream
    if not seen:
        raise Http404("No such return.")
    return performance_return


def refused(request, performance_return, reason: str) -> TemplateResponse:
    return TemplateResponse(
        request, "returns/refused.html", {"return": performance_return, "reason": reason}, status=403
    )


class ReturnsView(KeptPage, TemplateView):
    """An award's reporting: each period with its due date and each funded project's return, and the plan's spend
    against allocation up to the latest period reported."""

    template_name = "returns/returns.html"

    def get_context_data(self, **kwargs):
        award = award_for_viewing(self.request.user, self.kwargs["award_pk"])
        plan = plan_in_force(award).in_force
        service.returns_ready(award=award)  # made on approval and each night: one query to be sure, no write
        periods = list(award.reporting_periods.prefetch_related("returns__project"))
        today = timezone.localdate()
        reported = [p for p in periods if any(r.spend_in_period is not None for r in p.returns.all())]
        return super().get_context_data(
            award=award,
            plan=plan,
            periods=periods,
            today=today,
            spend=period_spend(reported[-1]) if reported else None,
            may_delegate=bool(plan and may_delegate(self.request.user, plan)),
            **kwargs,
        )


class ReturnView(TemplateView):
    """One return: where it is, the RAG table, spend against allocation, the narrative, its steps, what the
    person may do next."""

    template_name = "returns/return.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        performance_return = return_for_viewing(user, self.kwargs["pk"])
        may_edit = service.may_edit(user, performance_return)
        # The officer sees why submission is not yet possible (read once, for the page and for the step's check).
        problems = service.submission_problems(performance_return) if may_edit else None
        actions = [
            t
            for t in service.transitions_for(performance_return)
            if service.check(performance_return, user, t.action, problems=problems)
        ]
        return super().get_context_data(
            return_=performance_return,
            rows=measure_rows(performance_return),
            spend=return_spend(performance_return),
            steps=performance_return.steps.all(),
            actions=actions,
            may_edit=bool(may_edit),
            blocked=problems or [],
            warnings=service.personal_data_warnings(service.return_texts(performance_return)),
            late=performance_return.is_late(),
            moves=return_moves(performance_return),
            plan=plan_in_force(performance_return.award).in_force,
            **kwargs,
        )


class ReturnEditView(FormView):
    template_name = "returns/return_edit.html"
    form_class = ReturnForm

    def dispatch(self, request, *args, **kwargs):
        self.performance_return = return_for_viewing(request.user, kwargs["pk"])
        if not (verdict := service.may_edit(request.user, self.performance_return)):
            return refused(request, self.performance_return, verdict.reason)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "performance_return": self.performance_return}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(return_=self.performance_return, aggregate_only=AGGREGATE_ONLY, **kwargs)
        context["errors"] = error_items(context["form"])
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            service.return_save(
                performance_return=self.performance_return,
                by=self.request.user,
                spend_in_period=data["spend_in_period"],
                forecasts=form.forecasts(),
                results=form.results(),
                risks=data["risks"],
                went_well=data["went_well"],
                issues=data["issues"],
                case_study=data["case_study"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Return saved. Check it, then submit it for certification.")
        return redirect("grants:return", pk=self.performance_return.pk)


class ReturnActView(FormView):
    """One step on a return (submit, certify, query, accept, reopen): the page is the confirmation."""

    template_name = "returns/return_act.html"
    form_class = ReturnStepForm

    def dispatch(self, request, *args, **kwargs):
        self.performance_return = return_for_viewing(request.user, kwargs["pk"])
        self.transition = service.transition_for(self.performance_return, kwargs["action"])
        if self.transition is None:
            raise Http404("No such step")
        if not (verdict := service.check(self.performance_return, request.user, self.transition.action)):
            return refused(request, self.performance_return, verdict.reason)
        self.warnings = (
            service.personal_data_warnings(service.return_texts(self.performance_return))
            if self.transition.action == "submit"
            else []
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        qualitative = []
        if self.transition.role == "opcc" and self.transition.action in ("accept", "query"):
            qualitative = [
                r for r in self.performance_return.results.select_related("measure") if not r.measure.is_numeric
            ]
        return {
            **super().get_form_kwargs(),
            "transition": self.transition,
            "warnings": self.warnings,
            "qualitative": qualitative,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            return_=self.performance_return,
            transition=self.transition,
            warnings=self.warnings,
            rows=measure_rows(self.performance_return),
            spend=return_spend(self.performance_return),
            moves=return_moves(self.performance_return),
            **kwargs,
        )
        context["errors"] = error_items(context["form"])
        return context

    def form_valid(self, form):
        try:
            step = service.return_act(
                performance_return=self.performance_return,
                by=self.request.user,
                action=self.transition.action,
                comments=form.cleaned_data["comments"],
                judgements=judgements(form),
            )
        except ValidationError as error:
            apply_service_errors(error, form)
            return self.form_invalid(form)
        messages.success(self.request, f"Return {step.get_action_display().lower()}.")
        return redirect("grants:return", pk=self.performance_return.pk)


class ReportingRulesView(KeptPage, ForceAreaMixin, FormView):
    """The OPCC's reporting rules for the area, with its late returns and the returns waiting for it."""

    template_name = "returns/reporting_rules.html"
    form_class = ReportingRulesForm
    nav_section = "reporting"
    LATE_PER_PAGE = 25

    def get(self, request, *args, **kwargs):
        return FormView.get(self, request, *args, **kwargs)

    def get_form_kwargs(self):
        instance = ReportingRules.for_area(self.force_area.pk)
        return {**super().get_form_kwargs(), "instance": instance}

    def post(self, request, *args, **kwargs):
        if not self.can_manage:
            raise PermissionDenied(NOT_MANAGER)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        area = in_area(self.force_area)
        waiting = PerformanceReturn.objects.filter(
            area,
            Q(status=PerformanceReturn.Status.CERTIFIED)
            | Q(status=PerformanceReturn.Status.SUBMITTED, period__award__partnership__isnull=True),
        ).select_related("period__award__partnership", "period__award__organisation", "project")
        counts = PerformanceReturn.objects.filter(area).values("status").annotate(n=Count("pk"))
        context = super().get_context_data(
            late=Paginator(late_returns(force_area=self.force_area), self.LATE_PER_PAGE).get_page(
                self.request.GET.get("page")
            ),
            waiting=waiting,
            counts={row["status"]: row["n"] for row in counts},
            area_spend=area_latest_spend(self.force_area),
            pack_periods=area_pack_periods(self.force_area),
            **kwargs,
        )
        context["errors"] = error_items(context["form"])
        return context

    def form_valid(self, form):
        form.save()
        messages.success(self.request, "Reporting rules saved. They apply to reporting periods set up from now on.")
        return redirect(reverse("grants:reporting-rules", kwargs={"area": self.force_area.slug}))


class PerformancePackView(KeptPage, TemplateView):
    """A CSP's performance pack for one period: the page, and the same as a PDF (`pdf=True`)."""

    template_name = "returns/pack.html"
    pdf = False
    docx = False

    def keeps(self, request) -> bool:
        return not (self.pdf or self.docx)  # the downloads are kept files of their own

    def get(self, request, *args, **kwargs):
        award = award_for_viewing(request.user, kwargs["award_pk"])
        service.returns_ready(award=award)  # made on approval and each night: one query to be sure, no write
        period = get_object_or_404(award.reporting_periods, number=kwargs["number"])
        name = f"performance-pack-{award.partnership.slug}-{award.financial_year.replace('/', '-')}-{period.number}"
        if self.docx or self.pdf:
            # Made in the task queue and kept until the returns change (grants/documents/rendering.py).
            from grants.documents.rendering import period_subject
            from grants.models import RenderedDocument

            from .rendered import rendered_download

            fmt = RenderedDocument.Format.DOCX if self.docx else RenderedDocument.Format.PDF
            return rendered_download(
                request,
                kind=RenderedDocument.Kind.PERFORMANCE_PACK,
                fmt=fmt,
                subject=period_subject(period),
                filename=f"{name}.{fmt}",
                title=f"the performance pack for {award.partnership} {award.financial_year} {period.name}",
            )
        pack = performance_pack(period)
        return self.render_to_response(self.get_context_data(pack=pack))
