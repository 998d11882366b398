"""Read paths for awards and plans, named in business terms (`plans.visible_to(user)`)."""

from __future__ import annotations

from django.db import models
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from partnerships.financial_years import FinancialYear
from partnerships.models import Partnership

_MONEY = DecimalField(max_digits=14, decimal_places=2)


class GrantAwardQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def startable_by(self, user):
        """Awards to the user's partnerships (as a CSP officer) that have no spending plan yet."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        from partnerships.models import Role

        officer_of = Role.objects.filter(user=user, kind=Role.Kind.OFFICER).values("partnership")
        return (
            self.filter(partnership__in=officer_of, plans__isnull=True)
            .select_related("partnership", "funding_stream")
            .order_by("-financial_year", "partnership__name")
        )


class SpendingPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans of the partnerships the user may see (see `PartnershipQuerySet.visible_to`)."""
        return self.filter(award__partnership__in=Partnership.objects.visible_to(user))

    def roll_forward_source(self, award):
        """The plan a new plan for `award` may be rolled forward from: the newest approved version of the same
        partnership's plan for the same funding stream in the previous financial year, or None."""
        previous = FinancialYear.parse(award.financial_year).previous()
        return (
            self.filter(
                award__partnership_id=award.partnership_id,
                award__funding_stream_id=award.funding_stream_id,
                award__financial_year=str(previous),
                status=self.model.Status.APPROVED,
            )
            .select_related("award__partnership")
            .order_by("-version")
            .first()
        )

    def latest_versions(self):
        """The newest version of each award's plan: what lists show by default."""
        newer = self.model.objects.filter(award=OuterRef("award"), version__gt=OuterRef("version"))
        return self.exclude(models.Exists(newer))

    def with_figures(self):
        """Annotates allocated and match funding totals so a list of plans costs one query."""
        from .models import FundedProject, MatchFunding

        allocated = (
            FundedProject.objects.filter(plan=OuterRef("pk"))
            .order_by()
            .values("plan")
            .annotate(total=Sum("amount_allocated"))
            .values("total")
        )
        matched = (
            MatchFunding.objects.filter(project__plan=OuterRef("pk"))
            .order_by()
            .values("project__plan")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.select_related("award__partnership__force_area", "award__funding_stream").annotate(
            allocated_total=Coalesce(Subquery(allocated, output_field=_MONEY), Value(0, _MONEY)),
            match_total=Coalesce(Subquery(matched, output_field=_MONEY), Value(0, _MONEY)),
        )


class FundedProjectQuerySet(models.QuerySet):
    def for_plan_page(self):
        """Everything the plan table shows, in a fixed number of queries whatever the plan's size."""
        from .models import OutcomeMeasure

        return self.select_related("provider", "thematic_group").prefetch_related(
            "pcc_priorities",
            "local_priorities",
            "sub_items__outcome_measures",
            models.Prefetch("outcome_measures", queryset=OutcomeMeasure.objects.select_related("sub_item")),
            "match_funding",
        )
