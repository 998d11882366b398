"""Each person's home page answers "what do I need to do today?": the plans waiting for their decision (with
the OPCC's submission deadline as the due date, overdue first), the plans they submitted that are still being
reviewed, and the latest decisions on plans they can see.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, prefetch_related_objects

from grants import workflow
from grants.models import Decision, GrantAward, InterestDeclaration, SpendingPlan, SubmissionDeadline
from partnerships.models import ForceArea, Role
from partnerships.rules import funder_bodies_prefetch, roles_held

Status = SpendingPlan.Status


@dataclass
class InboxItem:
    plan: SpendingPlan
    stage: str
    actions: list[workflow.Transition]
    waiting_since: datetime.datetime
    deadline: SubmissionDeadline | None = None  # only when it applies to the plan (`SubmissionDeadline.applies_to`)
    returned: Decision | None = None

    @property
    def due(self) -> datetime.date | None:
        return self.deadline.submit_by if self.deadline else None

    @property
    def overdue(self) -> bool:
        """Late, by the one rule the dashboard and the e-mails use too."""
        return self.deadline is not None and self.deadline.is_late(self.plan)

    @property
    def days_overdue(self) -> int:
        return self.deadline.days_late() if self.overdue else 0

    @property
    def stage_label(self) -> str:
        if self.stage in (workflow.Stage.PCC, workflow.Stage.TREASURER):
            return workflow.stage_title(self.stage, workflow.funder_of(self.plan))
        return workflow.Stage(self.stage).label


def _roles(user) -> list[Role]:
    """The user's roles, read once per request for every part of the home page, the rules and the header."""
    return roles_held(user)


def _candidates(user):
    """Latest versions of plans waiting for a stage at which the user holds the role, in SQL."""
    condition = Q(pk__in=[])
    for role in _roles(user):
        scope = (
            Q(award__partnership_id=role.partnership_id)
            if role.partnership_id
            else Q(award__partnership__force_area_id=role.force_area_id)
        )
        for stage, kind in workflow.ACTS_AT.items():
            if kind == role.kind:
                condition |= scope & workflow.awaiting_q(stage)
    # No figures: the inbox shows none, and `check` reads none (the plans list below has them).
    return SpendingPlan.objects.filter(condition).latest_versions().select_related("award__partnership__force_area")


def _with_funder_titles(plans, user) -> list[SpendingPlan]:
    """The plans' force areas with their funder bodies (the sign-off titles of the stages and of "waiting for"),
    read once for the page: a plan of an area where the user holds a role gets that role's own `ForceArea`, which
    the header prints the titles of too, so the bodies are read in one query for both, or none when already read."""
    plans = list(plans)
    areas = {role.force_area_id: role.force_area for role in _roles(user) if role.force_area_id}
    for plan in plans:
        partnership = plan.award.partnership
        shared = areas.setdefault(partnership.force_area_id, partnership.force_area)
        if shared is not partnership.force_area:
            partnership.force_area = shared
    if plans:
        prefetch_related_objects(list(areas.values()), funder_bodies_prefetch())
    return plans


def _deadlines(plans) -> dict[tuple[int, str], SubmissionDeadline]:
    areas = {p.award.partnership.force_area_id for p in plans}
    years = {p.financial_year for p in plans}
    return {
        (d.force_area_id, d.financial_year): d
        for d in SubmissionDeadline.objects.filter(force_area_id__in=areas, financial_year__in=years).order_by()
    }


def deadline_for(plan: SpendingPlan, deadlines) -> SubmissionDeadline | None:
    """The OPCC's deadline, when it applies to the plan (the year's first version, still with the partnership)."""
    deadline = deadlines.get((plan.award.partnership.force_area_id, plan.financial_year))
    return deadline if deadline is not None and deadline.applies_to(plan) else None


def awaiting_decision(user) -> list[InboxItem]:
    """Plans the user can act on now, overdue first, then by due date, then the longest waiting."""
    if not user.is_authenticated:
        return []
    plans = _with_funder_titles(_candidates(user), user)
    deadlines = _deadlines(plans)
    # Not their snapshots of the plan (JSON the size of the plan, decoded for nothing: nothing here reads them),
    # nor their users: a decision keeps the name and role it was taken under.
    decisions = list(Decision.objects.filter(plan__in=plans).defer("snapshot").order_by("decided_at", "pk"))
    # A prejudicial interest bars a reviewer (`workflow.check`, at the review stages): none is read for someone who
    # reviews nowhere (a CSP officer, who only submits), whose inbox `check` never asks about one.
    declarations = []
    if any(workflow.ACTS_AT[stage] == role.kind for role in _roles(user) for stage in workflow.REVIEW_STAGES):
        declarations = InterestDeclaration.objects.filter(plan__in=plans, user=user, prejudicial=True)
        # each plan's in `Meta.ordering`'s order, without its joins to order by the plan
        declarations = list(declarations.order_by("declared_at", "pk"))
    # Who may act on each plan, from these rows: a fixed number of queries however many plans wait (issue 13).
    workflow.know_in_advance(plans, user, roles=_roles(user), decisions=decisions, declarations=declarations)
    last_decisions = {}
    for decision in decisions:
        last_decisions[decision.plan_id] = decision
    items = []
    for plan in plans:
        actions = [t for t, verdict in workflow.available(plan, user) if verdict]
        if not actions:
            continue
        stage = workflow.check(plan, user, actions[0].name).stage
        last = last_decisions.get(plan.pk)
        items.append(
            InboxItem(
                plan=plan,
                stage=stage,
                actions=actions,
                waiting_since=last.decided_at if last else plan.updated_at,
                deadline=deadline_for(plan, deadlines),
                returned=last if last and last.to_status == Status.RETURNED else None,
            )
        )
    far = datetime.date.max
    items.sort(key=lambda i: (not i.overdue, i.due or far, i.waiting_since))
    return items


def submitted_in_progress(user) -> list[SpendingPlan]:
    """Plans whose current submission the user made, still being reviewed."""
    if not user.is_authenticated:
        return []
    submitted = Decision.objects.filter(plan=OuterRef("pk"), user=user, action="submit")
    plans = _with_funder_titles(  # whom each waits for, in its funder's titles
        SpendingPlan.objects.filter(Exists(submitted), status__in=workflow.IN_REVIEW)  # not DISTINCT over wide rows
        .select_related("award__partnership__force_area")
        .order_by("award__partnership__name"),
        user,
    )
    submitted_at, latest = {}, {}
    rounds = {p.pk: p.round for p in plans}
    for decision in Decision.objects.filter(plan__in=plans).defer("snapshot").order_by("decided_at", "pk"):
        if decision.round != rounds[decision.plan_id]:
            continue
        latest[decision.plan_id] = decision
        if decision.action == "submit" and decision.user_id == user.pk:
            submitted_at[decision.plan_id] = decision.decided_at
    for plan in plans:
        # Where it is, at every step: the latest decision on this submission, and whom it waits for now.
        plan.submitted_at, plan.latest_step = submitted_at.get(plan.pk), latest.get(plan.pk)
    return [p for p in plans if p.submitted_at]


def startable_awards(user):
    """Awards to the user's partnerships with no spending plan yet (`GrantAward.objects.startable_by`): asked only
    of someone who is a CSP officer somewhere, from the roles already read, as only officers start plans."""
    if not user.is_authenticated or not any(role.kind == Role.Kind.OFFICER for role in _roles(user)):
        return []
    return GrantAward.objects.startable_by(user)


def comments_to_answer(user) -> list:
    """OPCC scrutiny questions on the user's partnerships' plans that nobody has answered yet."""
    from grants.models import ScrutinyComment

    if not user.is_authenticated:
        return []
    partnerships = [role.partnership_id for role in _roles(user) if role.kind == Role.Kind.OFFICER]
    if not partnerships:
        return []
    return list(
        ScrutinyComment.objects.filter(
            plan__award__partnership__in=partnerships,
            kind=ScrutinyComment.Kind.QUESTION,
            answers__isnull=True,
        )
        .exclude(plan__status__in=workflow.TERMINAL)
        .select_related("plan__award__partnership")
        .order_by("made_at")
    )


def recent_decisions(user, limit: int = 8) -> list[Decision]:
    """The latest decisions on plans the user can see, each with `partnership_name` and `financial_year`."""
    if not user.is_authenticated:
        return []
    # The latest few chosen on the decisions alone, then read with their plans: sorting every decision of an
    # area joined to its plan's whole row cost PostgreSQL more than everything else on the page (issue 13).
    latest = (
        Decision.objects.filter(plan__in=SpendingPlan.objects.visible_to(user))
        .order_by("-decided_at", "-pk")
        .values("pk")[:limit]
    )
    # Of each decision's plan, only the two words the list prints, read in SQL: not three objects a row.
    return list(
        Decision.objects.filter(pk__in=latest)
        .defer("snapshot")  # the plan's content when decided: not shown here
        .annotate(partnership_name=F("plan__award__partnership__name"), financial_year=F("plan__award__financial_year"))
        .order_by("-decided_at", "-pk")
    )


@dataclass
class Setting:
    label: str
    value: str
    url: str


def approval_settings(user) -> list[Setting]:
    """The approval settings the user may change: the OPCC's threshold, a board's path for minor variations."""
    from django.urls import reverse

    from grants.models import VariationThreshold
    from grants.money import format_money

    if not user.is_authenticated:
        return []
    settings = []
    roles = [role for role in _roles(user) if role.kind in (Role.Kind.OPCC, Role.Kind.BOARD)]
    areas = [role.force_area_id for role in roles if role.kind == Role.Kind.OPCC]
    # Only the user's areas, with their threshold and their papers' sections in one query, and no query for those
    # with no OPCC role (every home page asks).
    with_settings = {}
    if areas:
        with_settings = ForceArea.objects.filter(pk__in=areas).select_related("variation_threshold", "paper_sections")
        with_settings = {area.pk: area for area in with_settings.order_by()}
    for role in roles:
        if role.kind == Role.Kind.OPCC:
            area = with_settings[role.force_area_id]
            try:
                threshold = area.variation_threshold
            except VariationThreshold.DoesNotExist:
                threshold = None
            settings.append(
                Setting(
                    f"Minor variation threshold, {area}",
                    f"Below {format_money(threshold.minor_below)}" if threshold else "Not set",
                    reverse("grants:variation-threshold", args=[area.slug]),
                )
            )
            settings.append(paper_sections_setting(area))
        else:
            settings.append(
                Setting(
                    f"Path for minor variations, {role.partnership}",
                    role.partnership.get_minor_variation_path_display(),
                    reverse("grants:minor-variation-path", args=[role.partnership.slug]),
                )
            )
    return settings


def paper_sections_setting(force_area) -> Setting:
    """Which narrative sections the area's board papers have (grants/models/sections.py)."""
    from django.urls import reverse

    from grants.models import AreaPaperSections, PaperSection

    kinds = AreaPaperSections.asked_for(force_area)
    value = (
        "All sections"
        if len(kinds) == len(PaperSection.values)
        else (", ".join(PaperSection(kind).label for kind in kinds) or "Purpose only")
    )
    return Setting(
        f"Sections of board papers, {force_area}", value, reverse("grants:paper-sections", args=[force_area.slug])
    )
