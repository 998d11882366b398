"""Read paths for awards and plans, named in business terms (`plans.visible_to(user)`)."""

from __future__ import annotations

from dataclasses import dataclass

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

    def reported_to(self, user, *, by_role: bool = False):
        """Awards whose reporting (their periods and returns) the user may see: THE rule, asked by a return read by
        its key (grants/views/returns.py `return_for_viewing`, 404 outside it) and by the home page's lists of late
        returns and returns waiting (grants/services/returns.py `returns_work`), so every return those lists show
        opens. What the rule is: `ReportingScope`.

        `by_role=True`: from the roles alone, for the lists of a person's work. A site administrator (staff) may open
        every partnership's return, but one with no role has no returns to chase: every late return in the country
        is not their work, and their home page lists none."""
        scope = ReportingScope.of(user, by_role=by_role)
        return self.filter(scope.awards()) if scope else self.none()

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


@dataclass(frozen=True)
class ReportingScope:
    """Whose awards' reporting a person may see, from the roles they hold (`GrantAwardQuerySet.reported_to`):

    - an award to one of their partnerships (`partnerships`: their CSP roles');
    - an award to any partnership of a force area where they hold a force-area role, OPCC, PCC, Treasurer or OPCC
      administrator (`areas`): with the partnerships, `PartnershipQuerySet.visible_to`'s rule;
    - an award made directly to an organisation (no partnership) from a funding stream of one of those `areas`: the
      OPCC that made it records its returns, and the PCC and Treasurer oversee them. A role names a force area
      exactly when it is of a force-area kind (a constraint of `Role`), so `areas` are the areas the person
      oversees (`partnerships.rules.overseen_areas`);
    - `every_partnership`: a site administrator (staff) sees every partnership's award, as `visible_to` shows them
      every partnership; not a direct award's from an area they do not oversee, which only the oversight pages
      reach, and oversight is a role, not a technical privilege (`overseen_areas`).

    The scope is a condition on rows, with only the branches the person holds, from the roles read once per request
    (`roles_held`) as keys: no query of its own, and PostgreSQL sees the keys it is asked for (issue 13)."""

    partnerships: tuple[int, ...] = ()
    areas: tuple[int, ...] = ()
    every_partnership: bool = False

    @classmethod
    def of(cls, user, *, by_role: bool = False) -> ReportingScope:
        """The user's scope; `by_role=True` leaves out what staff see as staff (see `reported_to`)."""
        if not user.is_authenticated or not user.is_active:
            return cls()
        from partnerships.rules import scope_held

        partnerships, areas = scope_held(user)
        return cls(partnerships=partnerships, areas=areas, every_partnership=user.is_staff and not by_role)

    def __bool__(self) -> bool:
        return bool(self.every_partnership or self.partnerships or self.areas)

    def awards(self, path: str = "") -> Q:
        """Rows whose award (at `path` from the row: "" for an award, "period__award" for a return) is in the
        scope: the partnerships' awards (`partnership_awards`) or the direct awards from the areas' streams."""
        prefix = f"{path}__" if path else ""
        scope = self.partnership_awards(path)
        if self.areas:
            direct = {f"{prefix}partnership__isnull": True, f"{prefix}funding_stream__force_area_id__in": self.areas}
            scope |= Q(**direct)
        return scope

    def partnership_awards(self, path: str = "") -> Q:
        """Rows whose award (at `path`) is to a partnership in the scope: the half a plan needs, as only an
        award to a partnership has a plan (`SpendingPlan.clean`). Only the branches the person holds: an empty
        `__in` still costs the ORM a join and a clause to build. None held: no row (never `Q()`, every row)."""
        prefix = f"{path}__" if path else ""
        if self.every_partnership:
            return Q(**{f"{prefix}partnership__isnull": False})
        if not (self.partnerships or self.areas):
            return Q(**{f"{prefix}pk__in": []})
        scope = Q()
        if self.partnerships:
            scope |= Q(**{f"{prefix}partnership_id__in": self.partnerships})
        if self.areas:
            scope |= Q(**{f"{prefix}partnership__force_area_id__in": self.areas})
        return scope


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
