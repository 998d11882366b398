"""OPCC oversight pages: the force-area dashboard with the alignment of the money with the Police and Crime Plan.

Every OPCC page is scoped to one force area in its address (`/oversight/devon-and-cornwall/…`). People with no
force-area role (CSP officers, board members) are refused; a force area that is not the user's is "not found",
so its existence and figures are not disclosed.
"""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.generic import TemplateView

from grants.figures.money import area_money, direct_spending
from grants.kept_pages import KeptPage
from grants.services.alignment import plans_alignment
from grants.services.oversight import SORT_KEYS, force_area_overview, status_choices
from grants.years import Years, force_area_years
from partnerships.financial_years import FinancialYear
from partnerships.rules import overseen_areas
from priorities.models import PoliceAndCrimePlan

NOT_OPCC = "These pages are for OPCC staff, Police and Crime Commissioners and Treasurers."
NOT_MANAGER = (
    "Only the OPCC's commissioning officers and the Treasurer can change awards, grant rounds and funding. "
    "You can read them."
)


class ForceAreaMixin:
    """Finds the force area in the address among those the user oversees; `manage = True` pages also need the
    `grants.manage_force_area_funding` rule."""

    nav_section = ""
    manage = False

    def dispatch(self, request, *args, **kwargs):
        # The areas come from the roles read once per request (`overseen_areas`, the rule behind
        # `ForceArea.objects.overseen_by`): no query of their own, and the same objects as the header's, whose
        # funder bodies the header reads once for the pages' funder names too (issue 13).
        areas = overseen_areas(request.user)
        if not areas:
            raise PermissionDenied(NOT_OPCC)
        self.force_area = next((area for area in areas if area.slug == kwargs["area"]), None)
        if self.force_area is None:
            raise Http404("No such force area")
        self.can_manage = rules.test_rule("grants.manage_force_area_funding", request.user, self.force_area)
        if self.manage and not self.can_manage:
            raise PermissionDenied(NOT_MANAGER)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        # The address's parts (area, year, pk) stay in self.kwargs; they are not passed on as context.
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            force_area=self.force_area, nav_section=self.nav_section, can_manage=self.can_manage, **kwargs
        )


def chosen_year(request, force_area, years: Years | None = None) -> str:
    """The `?year=2020/21` asked for, when it is a financial year; else the year the area's pages open at."""
    asked = request.GET.get("year", "")
    if asked:
        try:
            return str(FinancialYear.parse(asked))
        except Exception as error:  # noqa: BLE001 - a malformed year in the address is "not found"
            raise Http404("No such financial year") from error
    return (years or force_area_years(force_area)).default


def oversight_home(request):
    """`/oversight/`: straight to the dashboard of the user's force area, or a choice when there are several."""
    areas = overseen_areas(request.user)
    if not areas:
        raise PermissionDenied(NOT_OPCC)
    if len(areas) == 1:
        return redirect("grants:oversight-dashboard", area=areas[0].slug)
    return render(request, "oversight/choose_area.html", {"areas": areas, "nav_section": "dashboard"})


class DashboardView(KeptPage, ForceAreaMixin, TemplateView):
    """Every CSP in the area for a year: award, plan status and deadline, allocated, unallocated, match funding,
    with the area's totals and the money by Police and Crime Plan priority."""

    template_name = "oversight/dashboard.html"
    nav_section = "dashboard"

    def get_context_data(self, **kwargs):
        choices = force_area_years(self.force_area)
        year = chosen_year(self.request, self.force_area, choices)
        years = choices.including(year)
        status = self.request.GET.get("status", "")
        if status not in dict(status_choices()):
            status = ""
        sort = self.request.GET.get("sort", "partnership")
        if sort not in SORT_KEYS:
            sort = "partnership"
        descending = self.request.GET.get("dir") == "desc"
        overview = force_area_overview(
            force_area=self.force_area,
            financial_year=year,
            user=self.request.user,
            status=status,
            sort=sort,
            descending=descending,
        )
        pcp = PoliceAndCrimePlan.objects.covering(self.force_area, year).first()
        money = area_money(force_area=self.force_area, financial_year=year)
        alignment = plans_alignment(plans=overview.plans_in_force, police_and_crime_plan=pcp)
        base = f"{reverse('grants:oversight-dashboard', kwargs={'area': self.force_area.slug})}?year={year}"
        if status:
            base += f"&status={status}"
        columns = []
        for key, label, numeric in (
            ("partnership", "Partnership", False),
            ("award", "Award", True),
            ("status", "Spending plan", False),
            ("allocated", "Allocated", True),
            ("unallocated", "Unallocated", True),
            ("match", "Match funding attracted", True),
        ):
            active = key == sort
            next_dir = "asc" if active and descending else ("desc" if active else "asc")
            columns.append(
                {
                    "key": key,
                    "label": label,
                    "numeric": numeric,
                    "url": f"{base}&sort={key}&dir={next_dir}",
                    "aria_sort": ("descending" if descending else "ascending") if active else "none",
                }
            )
        return super().get_context_data(
            years=years,
            year=year,
            status=status,
            statuses=status_choices(),
            overview=overview,
            late_rows={row.partnership.pk for row in overview.rows if overview.is_late(row)},
            alignment=alignment,
            columns=columns,
            money=money,
            direct=direct_spending(
                force_area=self.force_area, financial_year=year, police_and_crime_plan=pcp, money=money
            ),
            **kwargs,
        )
