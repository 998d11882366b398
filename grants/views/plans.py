"""Pages for spending plans. Thin: find what the user may see, hand it to a template."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from grants.models import GrantAward, SpendingPlan


class HomeView(TemplateView):
    """The signed-in user's starting page: the spending plans they may see, newest year first."""

    template_name = "grants/home.html"

    def get_context_data(self, **kwargs):
        plans = (
            SpendingPlan.objects.visible_to(self.request.user)
            .latest_versions()
            .with_figures()
            .order_by("-award__financial_year", "award__partnership__name")
        )
        startable = GrantAward.objects.startable_by(self.request.user)
        return super().get_context_data(plans=plans, startable_awards=startable, **kwargs)


class PlanDetailView(DetailView):
    """A spending plan laid out like the board paper: summary, the five-column table, risks."""

    template_name = "grants/plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        # Plans the user may not see are "not found", so their existence is not disclosed.
        return get_object_or_404(
            SpendingPlan.objects.visible_to(self.request.user).with_figures(), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        plan = self.object
        return super().get_context_data(
            projects=plan.projects.for_plan_page(),
            risks=plan.risks.all(),
            **kwargs,
        )
