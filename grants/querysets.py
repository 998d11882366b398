"""Read paths for awards and plans, named in business terms (`plans.visible_to(user)`)."""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from partnerships.financial_years import FinancialYear
from partnerships.models import Partnership


class GrantAwardQuerySet(models.QuerySet):
    def live(self):
        """Awards that count: not withdrawn (a withdrawn award stays readable, and published as withdrawn)."""
        return self.filter(withdrawn_at__isnull=True)

    def published_grants(self):
        """Grants the OPCC made from its own money (not contracts, not money a funder awards directly), withdrawn
        ones included: a publication shows a withdrawn or corrected grant as such (`publication_note`) rather
        than letting it vanish."""
        return self.filter(status="made", kind="grant", funding_stream__awarded_directly=False)

    def visible_to(self, user):
        return self.filter(partnership__in=Partnership.objects.visible_to(user))

    def startable_by(self, user):
        """Awards to the user's partnerships (as a CSP officer) that have no spending plan yet."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        from partnerships.models import Role

        officer_of = Role.objects.filter(user=user, kind=Role.Kind.OFFICER).values("partnership")
        return (
            self.filter(partnership__in=officer_of, plans__isnull=True, withdrawn_at__isnull=True)
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
            self.in_force()
            .filter(
                award__partnership_id=award.partnership_id,
                award__funding_stream_id=award.funding_stream_id,
                award__financial_year=str(previous),
            )
            .select_related("award__partnership")
            .order_by("-version")
            .first()
        )

    def _newer(self, **filters):
        """Versions of the same award's plan after this one (for `Exists`)."""
        return self.model.objects.filter(award=OuterRef("award"), version__gt=OuterRef("version"), **filters)

    def latest_versions(self):
        """The newest version of each award's plan, whatever its status."""
        return self.exclude(Exists(self._newer()))

    def in_force(self):
        """THE plan in force for each award: its latest APPROVED version, whose money is committed. A newer
        version being drafted, in review, returned or declined never takes its place (grants/figures/plans.py)."""
        approved = self.model.Status.APPROVED
        return self.filter(status=approved).exclude(Exists(self._newer(status=approved)))

    def in_force_or_latest(self):
        """The version in force and the newest version of each award's plan (the same row when the newest is in
        force), marked `is_in_force` and `is_latest`: what `grants.figures.plans.plans_in_force` reads."""
        approved = self.model.Status.APPROVED
        return self.annotate(
            is_in_force=ExpressionWrapper(
                Q(status=approved) & ~Exists(self._newer(status=approved)), output_field=BooleanField()
            ),
            is_latest=ExpressionWrapper(~Exists(self._newer()), output_field=BooleanField()),
        ).filter(Q(is_in_force=True) | Q(is_latest=True))

    def with_figures(self):
        """Each plan with its figures (grants/figures/plans.py), so a list of plans costs one query."""
        from grants.figures.plans import with_plan_figures

        return with_plan_figures(self)


class PlanContentQuerySet(models.QuerySet):
    """The rows of a plan's content (`PlanContent`: lines, sub-items, measures, match funding, risks, sections,
    documents). A save or delete of one row gives its plan a new `content_stamp` through signals (grants/signals.py),
    and a queryset `delete()` sends those signals for each row; a bulk write sends none, so `update()` (and
    `bulk_update()`, which is made of `update()`s) and `bulk_create()` give the plans they touch a new stamp
    themselves, in their own transaction. A row moved to another plan (or line) stamps both plans. Within the one
    writer's block (`SpendingPlan.writing_content`) its bulk writes are of the plan it locked, which gets its stamp
    when the block ends, as for deletes."""

    # What a change of these fields moves: the row to another plan, or to a line of another plan.
    _MOVES = frozenset({"plan", "plan_id", "project", "project_id"})

    def _plan_path(self) -> str:
        return "plan" if any(f.name == "plan" for f in self.model._meta.concrete_fields) else "project__plan"

    def update(self, **kwargs):
        from .models import SpendingPlan

        if SpendingPlan.content_being_written() is not None:
            return super().update(**kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            path = self._plan_path()
            rows = list(self.order_by().values_list("pk", path))
            updated = super().update(**kwargs)
            plans = {plan for _, plan in rows}
            if self._MOVES & kwargs.keys():  # and where they went
                moved = self.model._base_manager.using(self.db).filter(pk__in=[pk for pk, _ in rows])
                plans |= set(moved.values_list(path, flat=True))
            SpendingPlan.contents_changed(plans)
        return updated

    def bulk_create(self, objs, *args, **kwargs):
        from .models import FundedProject, SpendingPlan

        if SpendingPlan.content_being_written() is not None:
            return super().bulk_create(objs, *args, **kwargs)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if self._plan_path() == "plan":
                plans = {row.plan_id for row in created}
            else:
                lines = FundedProject._base_manager.using(self.db).filter(pk__in={row.project_id for row in created})
                plans = set(lines.values_list("plan_id", flat=True))
            SpendingPlan.contents_changed(plans)
        return created


class FundedProjectQuerySet(PlanContentQuerySet):
    def for_plan_page(self):
        """Everything the plan table shows, in a fixed number of queries whatever the plan's size.

        The prefetches are ordered as their models' default orderings order them within one project (or one
        sub-item): those orderings begin with the project, whose own ordering joins the plan, the award and the
        partnership, four joins that order nothing once the rows are grouped by project (issue 13)."""
        from .models import MatchFunding, OutcomeMeasure, SubItem

        measures = OutcomeMeasure.objects.order_by("position", "pk")
        return self.select_related("provider", "thematic_group").prefetch_related(
            "pcc_priorities",
            "local_priorities",
            models.Prefetch("sub_items", queryset=SubItem.objects.order_by("label")),
            models.Prefetch("sub_items__outcome_measures", queryset=measures),
            models.Prefetch(
                "outcome_measures",
                queryset=OutcomeMeasure.objects.select_related("sub_item").order_by(
                    "sub_item__label", "position", "pk"
                ),
            ),
            models.Prefetch("match_funding", queryset=MatchFunding.objects.order_by("source")),
        )
