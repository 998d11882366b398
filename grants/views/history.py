"""The history of a plan, readable by everyone who may read the plan: who changed what, when, line by line."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.views.generic import TemplateView, View

from grants.services.history import (
    AUDIT_TRAIL_HEADINGS,
    plan_audit_trail_rows,
    plan_history_entries,
    plan_history_records,
    plan_unrecorded_changes,
)
from partnerships.spreadsheets import safe_cell

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


class PlanAuditTrailView(View):
    """The plan's audit trail as a CSV file (every recorded save, change by change, and every decision), for whoever
    may read the plan's history: the OPCC keeps it with its records."""

    def get(self, request, *args, **kwargs):
        plan = plan_for_viewing(request.user, kwargs["pk"])
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(AUDIT_TRAIL_HEADINGS)
        for row in plan_audit_trail_rows(plan):
            writer.writerow([safe_cell(cell) for cell in row])
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8")
        name = f"{plan.award.partnership.slug}-{plan.financial_year.replace('/', '-')}-v{plan.version}-audit-trail.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
