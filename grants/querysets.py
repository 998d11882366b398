"""Read paths for awards and plans, named in business terms (`plans.visible_to(user)`)."""

from __future__ import annotations

from django.db import models
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from partnerships.models import Partnership

_MONEY = DecimalField(max_digits=14, decimal_places=2)


class GrantAwardQuerySet(models.QuerySet):
    def for_year(self, financial_year: str):
        return self.filter(financial_year=financial_year)

    def made(self):
        return self.filter(status="made")

    def visible_to(self, user):
        return self.filter(partnership__in=Partnership.objects.visible_to(user))


class SpendingPlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Plans of the partnerships the user may see (see `PartnershipQuerySet.visible_to`)."""
        return self.filter(award__partnership__in=Partnership.objects.visible_to(user))

    def for_year(self, financial_year: str):
        return self.filter(award__financial_year=financial_year)

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
        return self.select_related("provider", "thematic_group").prefetch_related(
            "pcc_priorities",
            "local_priorities",
            "sub_items__outcome_measures",
            "outcome_measures",
            "match_funding",
        )
