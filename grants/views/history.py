"""The history of a plan, readable by everyone who may read the plan: who changed what, when, line by line."""

from __future__ import annotations

from django.views.generic import TemplateView

from grants.services.history import plan_history_entries, plan_history_records, plan_unrecorded_changes

from .helpers import plan_for_viewing

PER_PAGE = 20


class PlanHistoryView(TemplateView):
    template_name = "grants/plan_history.html"

    def get_context_data(self, **kwargs):
        plan = plan_for_viewing(self.request.user, self.kwargs["pk"])
        records = plan_history_records(plan)
        total = records.count()
        pages = max(1, -(-total // PER_PAGE))
        try:
            page = min(max(1, int(self.request.GET.get("page", "1"))), pages)
        except ValueError:
            page = 1
        start = (page - 1) * PER_PAGE
        fetched = list(records[start : start + PER_PAGE + 1])
        entries = plan_history_entries(fetched, shown=PER_PAGE)
        if page == 1 and (unrecorded := plan_unrecorded_changes(plan, fetched[0] if fetched else None)):
            entries.insert(0, unrecorded)
        return super().get_context_data(
            plan=plan,
            entries=entries,
            page=page,
            pages=pages,
            total=total,
            **kwargs,
        )
