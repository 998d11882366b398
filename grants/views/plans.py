"""Pages for spending plans. Thin: find what the user may see, hand it to a template."""

import rules
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, TemplateView

from grants import inbox, trail, workflow
from grants.figures.plans import line_approvals, plan_in_force_beside, plans_in_force
from grants.figures.year_end import carried_forward_into
from grants.fragments import plan_table_rows
from grants.kept_pages import KeptPage
from grants.models import GrantAward, SpendingPlan
from grants.models.sections import PaperSections
from grants.paging import counted_page
from grants.services.alignment import plans_alignment
from grants.services.returns import returns_work


class HomeView(KeptPage, TemplateView):
    """The signed-in user's starting page: what waits for their decision, what they submitted that is still
    being reviewed, the latest decisions, then the spending plans they may see, newest year first, each with the
    committed figures of its version in force and any version awaiting approval beside them.

    The plans come `PLANS_PER_PAGE` at a time (`?page=2`): an OPCC of 30 CSPs over 10 years sees 300, and every
    row costs rendering time whether or not it is read (issue 13)."""

    template_name = "grants/home.html"
    PLANS_PER_PAGE = 40

    def get_context_data(self, **kwargs):
        user = self.request.user
        visible = SpendingPlan.objects.visible_to(user)
        awards = (
            GrantAward.objects.filter(pk__in=visible.values("award"))
            .select_related("partnership__force_area")
            .order_by("-financial_year", "partnership__name", "pk")
        )
        page = counted_page(awards, self.PLANS_PER_PAGE, self.request.GET.get("page"))  # the rows and their count
        in_force = plans_in_force(page.object_list, awards_read=True)
        return super().get_context_data(
            plans=[in_force[award.pk] for award in page.object_list],
            plans_page=page,
            startable_awards=inbox.startable_awards(user),
            awaiting=inbox.awaiting_decision(user),
            in_progress=inbox.submitted_in_progress(user),
            to_answer=inbox.comments_to_answer(user),
            recent=inbox.recent_decisions(user),
            approval_settings=inbox.approval_settings(user),
            returns_work=returns_work(user),
            **kwargs,
        )


class PlanDetailView(KeptPage, DetailView):
    """A spending plan laid out like the board paper: summary, the five-column table, risks, and its approval:
    what the user can decide, the trail of decisions, the versions and what a variation changes."""

    template_name = "grants/plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        # Plans the user may not see are "not found", so their existence is not disclosed.
        return get_object_or_404(
            SpendingPlan.objects.visible_to(self.request.user).with_figures(), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        plan = self.object
        user = self.request.user
        projects = plan_table_rows(plan)
        declarations = list(plan.declarations.all())
        trail.read_once(plan, user, declarations)  # the versions and decisions, for everything below
        approvals = line_approvals(plan, projects, declarations)
        for project in projects:
            project.approval = approvals[project.line_id]
        versions = trail.versions_of(plan)  # every version of the award, read once above
        return super().get_context_data(
            projects=projects,
            risks=plan.risks.all(),
            sections=PaperSections.of(plan),
            actions=[transition for transition, verdict in workflow.available(plan, user) if verdict],
            blocked=workflow.blocked_reason(plan, user),
            may_declare=rules.test_rule("grants.declare_interest", user, plan),
            may_vary=rules.test_rule("grants.vary_plan", user, plan),
            notice=plan.decision_notice if rules.test_rule("grants.download_decision_notice", user, plan) else None,
            trail=trail.approval_trail(plan),
            declarations=declarations,
            returned=trail.last_return(plan),
            versions=versions if len(versions) > 1 else [],
            changes=trail.variation_changes(plan),
            alignment=self._alignment_for_scrutiny(plan, user),
            route=trail.route_of(plan),
            comments=trail.scrutiny_comments(plan, projects),
            may_comment=rules.test_rule("grants.comment_on_plan", user, plan),
            may_answer=rules.test_rule("grants.answer_comment", user, plan),
            documents=trail.supporting_documents(plan, projects),
            in_force=plan_in_force_beside(plan, versions),
            carried_forward=carried_forward_into(plan.award),
            **kwargs,
        )

    @staticmethod
    def _alignment_for_scrutiny(plan, user):
        """For the OPCC, the PCC and the Treasurer, who scrutinise the plan against the Police and Crime Plan:
        the same alignment as their dashboard, for this plan alone."""
        if not rules.test_rule("grants.oversee_force_area", user, plan.award.partnership.force_area):
            return None
        return plans_alignment(plans=[plan], police_and_crime_plan=plan.police_and_crime_plan)
