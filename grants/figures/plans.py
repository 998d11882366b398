"""A spending plan's figures, worked out here and nowhere else.

- **Headline figures** (`PlanFigures`): the award, the money allocated, unallocated or over-allocated, and the
  match funding attracted. Lists of plans get them as SQL subqueries (`with_plan_figures`), so a list costs one
  query and sums never multiply through joins.
- **The plan in force** (`plans_in_force`): for each award, the committed money is the latest APPROVED version
  of its plan. A newer version that is being drafted, is in review or was returned is shown beside it, with its
  proposed figures and the difference, never in its place. With nothing approved, nothing is committed.
- **Money by Police and Crime Plan priority** (`priority_figures`): a funded project serving several priorities
  is one amount of money, shown under each priority as *shared* and counted once in every total.
- **Approvals** (`line_approvals`, `approval_steps`): what each line's *Approved* column says and who decided
  each step, read from the decision records, never written by a template or a document.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from grants.models import Decision, FundedProject, GrantAward, MatchFunding, SpendingPlan
from grants.money import ZERO
from priorities.models import PoliceAndCrimePlan, Priority

Status = SpendingPlan.Status
_MONEY = DecimalField(max_digits=14, decimal_places=2)

# The annotations `with_plan_figures` adds; `plan_figures` reads them when they are there.
ALLOCATED = "figure_allocated"
MATCH_FUNDING = "figure_match_funding"


# --- headline figures --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FiguresChange:
    """What a proposed version would change: signed amounts, positive when it adds money."""

    allocated: Decimal
    unallocated: Decimal
    match_funding: Decimal

    def __bool__(self) -> bool:
        return bool(self.allocated or self.unallocated or self.match_funding)


@dataclass(frozen=True)
class PlanFigures:
    """The award and what a plan does with it. `unallocated` is negative when the plan is over-allocated, which
    saving refuses but imported or older data can hold; pages show `balance_label` and `balance` instead."""

    award: Decimal
    allocated: Decimal = ZERO
    match_funding: Decimal = ZERO

    @property
    def unallocated(self) -> Decimal:
        return self.award - self.allocated

    @property
    def over_allocated(self) -> Decimal:
        return max(ZERO, self.allocated - self.award)

    @property
    def balance_label(self) -> str:
        return "Over-allocated" if self.over_allocated else "Unallocated"

    @property
    def balance(self) -> Decimal:
        """The amount beside `balance_label`: what is over the award, or what is left of it."""
        return self.over_allocated or self.unallocated

    def __sub__(self, other: PlanFigures) -> FiguresChange:
        return FiguresChange(
            allocated=self.allocated - other.allocated,
            unallocated=self.unallocated - other.unallocated,
            match_funding=self.match_funding - other.match_funding,
        )


def with_plan_figures(plans):
    """`plans` (a queryset) with the money allocated and the match funding of each, as correlated subqueries."""
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
    return plans.select_related("award__partnership__force_area", "award__funding_stream").annotate(
        **{
            ALLOCATED: Coalesce(Subquery(allocated, output_field=_MONEY), Value(0, _MONEY)),
            MATCH_FUNDING: Coalesce(Subquery(matched, output_field=_MONEY), Value(0, _MONEY)),
        }
    )


def plan_figures(plan: SpendingPlan, *, leave_out: FundedProject | None = None) -> PlanFigures:
    """One plan's figures: from `with_plan_figures`' annotations when the plan came with them, else two sums.
    `leave_out` one funded project, as stored (the plan editor adds it back with the amounts on the form)."""
    if ALLOCATED in plan.__dict__ and leave_out is None:
        allocated, matched = plan.__dict__[ALLOCATED], plan.__dict__[MATCH_FUNDING]
    else:
        lines = FundedProject.objects.filter(plan=plan)
        matches = MatchFunding.objects.filter(project__plan=plan)
        if leave_out is not None:
            lines, matches = lines.exclude(pk=leave_out.pk), matches.exclude(project=leave_out)
        allocated = lines.aggregate(total=Sum("amount_allocated"))["total"] or ZERO
        matched = matches.aggregate(total=Sum("amount"))["total"] or ZERO
    return PlanFigures(award=plan.award.amount, allocated=allocated, match_funding=matched)


# --- the plan in force -------------------------------------------------------------------------------------------


@dataclass
class PlanInForce:
    """An award and its plan: the version in force (the latest approved one, whose money is committed) and the
    newest version, which is shown beside it while it is drafted, in review or returned."""

    award: GrantAward
    in_force: SpendingPlan | None = None
    latest: SpendingPlan | None = None

    @property
    def pending(self) -> SpendingPlan | None:
        """The version not yet approved that would replace the one in force: version 1 before any approval, or a
        variation. A declined version is not pending: the version in force (if any) simply stays."""
        if self.latest is None or self.latest.status in (Status.APPROVED, Status.DECLINED):
            return None
        return self.latest

    @property
    def committed(self) -> PlanFigures:
        """The committed figures: the version in force, or nothing allocated when no version is approved."""
        if self.in_force is None:
            return PlanFigures(award=self.award.amount)
        return self.in_force.figures

    @property
    def proposed(self) -> PlanFigures | None:
        return self.pending.figures if self.pending is not None else None

    @property
    def change(self) -> FiguresChange | None:
        """Proposed less committed."""
        proposed = self.proposed
        return proposed - self.committed if proposed is not None else None

    @property
    def statuses(self) -> set[str]:
        """The statuses a filter by status matches: the version in force's and the newest version's."""
        return {plan.status for plan in (self.in_force, self.latest) if plan is not None}


def plans_in_force(awards: Iterable[GrantAward], *, plans=None, awards_read: bool = False) -> dict[int, PlanInForce]:
    """THE selector: for each award, its plan in force and its newest version, with their figures, in one query.

    `plans` narrows the versions that may be read (`SpendingPlan.objects.visible_to(user)`); an award with no
    plan still gets an entry, with nothing committed. With `awards_read`, for a list that has read its awards with
    what it prints of them (the home page's page of awards, with their partnerships and areas), each version is
    given its award as already read instead of reading the award, its partnership, its area and its funding
    stream again beside every version (issue 13: four objects a version that nothing on the page used)."""
    awards = list(awards)
    plans = SpendingPlan.objects.all() if plans is None else plans
    result = {award.pk: PlanInForce(award) for award in awards}
    versions = with_plan_figures(plans.filter(award__in=awards).in_force_or_latest())
    if awards_read:
        listed = {award.pk: award for award in awards}
        versions = versions.select_related(None).order_by()  # looked up by award: no order needed
    for plan in versions:
        if awards_read:
            plan.award = listed[plan.award_id]
        entry = result[plan.award_id]
        if plan.is_in_force:
            entry.in_force = plan
        if plan.is_latest:
            entry.latest = plan
    return result


def plan_in_force(award: GrantAward) -> PlanInForce:
    return plans_in_force([award])[award.pk]


# --- money by Police and Crime Plan priority ---------------------------------------------------------------------


@dataclass
class PriorityMoney:
    """Money on funded projects serving one priority: on projects serving it alone, and shared with others."""

    priority: Priority
    alone: Decimal = ZERO
    shared: Decimal = ZERO
    lines: int = 0
    of_total: Decimal = ZERO  # the money allocated in the same scope, for percentages

    @property
    def total(self) -> Decimal:
        return self.alone + self.shared

    def _percent(self, amount: Decimal) -> Decimal:
        if not self.of_total:
            return ZERO
        return (amount * 100 / self.of_total).quantize(Decimal("0.1"))

    @property
    def percent(self) -> Decimal:
        return self._percent(self.total)

    @property
    def percent_alone(self) -> Decimal:
        return self._percent(self.alone)

    @property
    def percent_shared(self) -> Decimal:
        return self._percent(self.shared)


@dataclass
class Combination:
    """Funded projects serving exactly this set of priorities (empty: none given). Each project is in one
    combination only, so the combinations add up to the money allocated."""

    priorities: tuple[Priority, ...]
    amount: Decimal = ZERO
    lines: int = 0

    @property
    def label(self) -> str:
        if not self.priorities:
            return "No Police and Crime Plan priority given"
        numbers = [str(p.number) for p in self.priorities]
        if len(numbers) == 1:
            return f"Priority {numbers[0]} only"
        return "Priorities " + ", ".join(numbers[:-1]) + " and " + numbers[-1] + " (shared)"


@dataclass
class PriorityFigures:
    """Money by Police and Crime Plan priority for one plan or several together, each line counted once."""

    police_and_crime_plan: PoliceAndCrimePlan | None
    rows: list[PriorityMoney]  # every priority of the plan, in number order, then any other priority used
    combinations: list[Combination]
    allocated: Decimal = ZERO

    @property
    def no_priority(self) -> Decimal:
        return sum((c.amount for c in self.combinations if not c.priorities), ZERO)

    @property
    def no_priority_lines(self) -> int:
        return sum(c.lines for c in self.combinations if not c.priorities)

    @property
    def shared_total(self) -> Decimal:
        """Money on projects serving more than one priority, counted once."""
        return sum((c.amount for c in self.combinations if len(c.priorities) > 1), ZERO)


def _priority_figures(lines, priorities, by_pk, police_and_crime_plan) -> PriorityFigures:
    """`lines`: (amount, frozenset of priority pks) per funded project."""
    allocated = sum((amount for amount, _ in lines), ZERO)
    rows = {p.pk: PriorityMoney(p, of_total=allocated) for p in priorities}
    combinations: dict[tuple[int, ...], Combination] = {}
    for amount, served in lines:
        for pk in served:
            row = rows.setdefault(pk, PriorityMoney(by_pk[pk], of_total=allocated))
            row.lines += 1
            if len(served) == 1:
                row.alone += amount
            else:
                row.shared += amount
        chosen = tuple(sorted((by_pk[pk] for pk in served), key=lambda p: (p.plan_id, p.number)))
        combination = combinations.setdefault(tuple(p.pk for p in chosen), Combination(chosen))
        combination.amount += amount
        combination.lines += 1
    plan_id = police_and_crime_plan.pk if police_and_crime_plan else None
    return PriorityFigures(
        police_and_crime_plan=police_and_crime_plan,
        rows=sorted(rows.values(), key=lambda r: (r.priority.plan_id != plan_id, r.priority.number)),
        combinations=sorted(
            combinations.values(),
            key=lambda c: (not c.priorities, len(c.priorities), [p.number for p in c.priorities]),
        ),
        allocated=allocated,
    )


def priority_figures(
    plans: Iterable[SpendingPlan],
    police_and_crime_plan: PoliceAndCrimePlan | None,
    *,
    leave_out: FundedProject | None = None,
) -> tuple[PriorityFigures, dict[int, PriorityFigures]]:
    """Money by priority across `plans` together, and for each plan; `leave_out` one funded project (the plan
    editor adds it back with the amounts on the form as the officer types).

    Two queries whatever the number of lines: the lines with their priorities as plain values, and the
    priorities. Whether a line is alone or shared, and which combination it is in, depends on its whole set of
    priorities, which portable SQL cannot group by (the app also runs on SQLite), so those sums are made here,
    in Decimal, from that one read."""
    plans = list(plans)
    rows = FundedProject.objects.filter(plan__in=plans)
    if leave_out is not None:
        rows = rows.exclude(pk=leave_out.pk)
    lines: dict[int, tuple[int, Decimal, set]] = {}
    for pk, plan_id, amount, priority_id in rows.order_by().values_list(
        "pk", "plan_id", "amount_allocated", "pcc_priorities"
    ):
        line = lines.setdefault(pk, (plan_id, amount, set()))
        if priority_id is not None:
            line[2].add(priority_id)
    used = {pk for _, _, served in lines.values() for pk in served}
    priorities = list(police_and_crime_plan.priorities.all()) if police_and_crime_plan else []
    by_pk = {p.pk: p for p in priorities}
    if missing := used - by_pk.keys():
        by_pk.update({p.pk: p for p in Priority.objects.filter(pk__in=missing)})
    per_plan: dict[int, list] = {plan.pk: [] for plan in plans}
    for plan_id, amount, served in lines.values():
        per_plan[plan_id].append((amount, frozenset(served)))
    every_line = [line for plan_lines in per_plan.values() for line in plan_lines]
    pcp = police_and_crime_plan
    per_plan_figures = {pk: _priority_figures(lines, priorities, by_pk, pcp) for pk, lines in per_plan.items()}
    return _priority_figures(every_line, priorities, by_pk, pcp), per_plan_figures


def plan_priority_figures(plan: SpendingPlan, *, leave_out: FundedProject | None = None) -> PriorityFigures:
    """Money by priority for one plan, against the Police and Crime Plan covering its year."""
    return priority_figures([plan], plan.police_and_crime_plan, leave_out=leave_out)[0]


# --- approvals ---------------------------------------------------------------------------------------------------


def _person(decision: Decision) -> str:
    """`Alison Hernandez (Police and Crime Commissioner)`: short enough for a document's Approved column."""
    return f"{decision.user_name} ({decision.title})"


def _date(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y")


@dataclass(frozen=True)
class Approval:
    """How a version was approved, from its decision records: the step that approved it (the PCC's and the
    Treasurer's sign-off), who signed, when, and every condition attached on the way in that round."""

    version: int
    decided_at: datetime
    step: str
    signed_by: tuple[str, ...]
    conditions: tuple[str, ...] = ()

    @property
    def decided_on(self) -> str:
        return _date(self.decided_at)

    @property
    def signed_by_text(self) -> str:
        return " and ".join(self.signed_by)


def version_approval(plan: SpendingPlan) -> Approval | None:
    """The approval of this version, or None when it is not approved."""
    if plan.status != Status.APPROVED:
        return None
    kept = plan.__dict__.get("_decisions")  # this version's, oldest first, when the page read them once (trail)
    if kept is not None:
        decisions = [d for d in kept if d.round == plan.round and d.action != "submit"]
    else:
        decisions = list(plan.decisions.filter(round=plan.round).exclude(action="submit").order_by("decided_at", "pk"))
    final = next((d for d in reversed(decisions) if d.to_status == Status.APPROVED), None)
    if final is None:
        return None
    # The decision-maker named first, each under the title they signed with (a mayor's deputy, a PCC).
    sign_offs = sorted((d for d in decisions if d.transition.parallel), key=lambda d: d.stage != "pcc") or [final]
    return Approval(
        version=plan.version,
        decided_at=final.decided_at,
        step="Signed off by the " + " and the ".join(d.title for d in sign_offs),
        signed_by=tuple(_person(d) for d in sign_offs),
        conditions=tuple(f"Conditions ({d.stage_display}): {d.conditions}" for d in decisions if d.conditions),
    )


def last_approved_version(plan: SpendingPlan) -> SpendingPlan | None:
    """This version if approved, else the newest approved version before it: the one whose approval a line
    unchanged since then still carries."""
    if plan.status == Status.APPROVED:
        return plan
    if plan.version <= 1:
        return None
    return (
        SpendingPlan.objects.filter(award_id=plan.award_id, version__lt=plan.version, status=Status.APPROVED)
        .order_by("-version")
        .first()
    )


@dataclass
class LineApproval:
    """What the *Approved* column says for one line: "Approved" only when the version that holds the line as it
    is now is approved, with who signed, when and the conditions."""

    approved: bool
    text: str
    approval: Approval | None = None
    in_version: int | None = None  # the line's approval was given to an earlier version (a variation's line)
    declarations: list = field(default_factory=list)

    @property
    def approved_on(self) -> datetime | None:
        return self.approval.decided_at if self.approval else None

    @property
    def version(self) -> int | None:
        return self.approval.version if self.approval else None

    @property
    def when(self) -> str:
        if self.approval is None:
            return ""
        return self.approval.decided_on + (f", in version {self.in_version}" if self.in_version else "")

    @property
    def details(self) -> list[str]:
        """The column's lines under the headline in the board paper (PDF and Word): when, the step, who signed,
        and the conditions attached."""
        if self.approval is None:
            return []
        approval = self.approval
        return [self.when, f"{approval.step}: {approval.signed_by_text}", *approval.conditions]

    @property
    def brief(self) -> list[str]:
        """The same, shorter, for the plan page's narrow column: the approval trail below it has the rest."""
        if self.approval is None:
            return []
        lines = [self.when, self.approval.step]
        if self.approval.conditions:
            lines.append("With conditions: see the approval trail")
        return lines


def line_approvals(plan: SpendingPlan, projects, declarations=None) -> dict[uuid.UUID, LineApproval]:
    """Fills the *Approved* column from the decision records: a line is approved when the version approved last
    (this one, or an earlier one for a variation) holds the line exactly as it is now."""
    from grants.services.comparison import plan_snapshot

    by_line = defaultdict(list)
    for declaration in plan.declarations.all() if declarations is None else declarations:
        by_line[declaration.line_id].append(declaration)
    approved_version = last_approved_version(plan)
    approval = version_approval(approved_version) if approved_version else None
    not_yet = "Not approved: the plan was declined" if plan.status == Status.DECLINED else "Not yet approved"
    result = {}
    if approval is None:
        for project in projects:
            result[project.line_id] = LineApproval(False, not_yet, declarations=by_line[project.line_id])
        return result
    if approved_version.pk == plan.pk:
        for project in projects:
            result[project.line_id] = LineApproval(True, "Approved", approval, None, by_line[project.line_id])
        return result
    final = approved_version.decisions.filter(to_status=Status.APPROVED).order_by("-decided_at").first()
    approved_lines = final.snapshot.get("lines", {})
    current_lines = plan_snapshot(plan)["lines"]
    for project in projects:
        key = str(project.line_id)
        before = approved_lines.get(key)
        if before is not None and before == current_lines.get(key):
            line = LineApproval(True, "Approved", approval, approved_version.version)
        elif before is not None:
            line = LineApproval(False, f"Changed since version {approved_version.version}: not yet approved")
        else:
            line = LineApproval(False, "New in this variation: not yet approved")
        line.declarations = by_line[project.line_id]
        result[project.line_id] = line
    return result


@dataclass
class ApprovalStep:
    """One step of the approval path (DOMAIN.md; Plymouth's section 8) and what was decided at it."""

    stage: str
    decision: str = "Not yet decided"
    decided_by: str = ""
    decided_on: str = ""
    conditions: str = ""


def approval_steps(plan: SpendingPlan) -> list[ApprovalStep]:
    """The steps of this version's current submission, each filled from its latest decision record (the board
    paper's approvals section). Before the plan is submitted, the steps it would go through. The sign-offs carry
    the funder body's titles (signed: the title signed under), in the order the area signs in."""
    from grants import workflow
    from grants.services.workflow import route_for

    if plan.round:
        needs_executive, needs_board = plan.needs_executive_group, plan.needs_board
        finance_first = plan.finance_officer_first
    else:
        route = route_for(plan)
        needs_executive, needs_board = route.needs_executive_group, route.needs_board
        finance_first = route.finance_officer_first
    funder = workflow.funder_of(plan)
    sign_offs = [
        (workflow.Stage.PCC, workflow.stage_title(workflow.Stage.PCC, funder), True),
        (workflow.Stage.TREASURER, workflow.stage_title(workflow.Stage.TREASURER, funder), True),
    ]
    stages = [
        (workflow.Stage.EXECUTIVE, "Executive group", needs_executive),
        (workflow.Stage.BOARD, f"{plan.partnership} board", needs_board),
        (workflow.Stage.OPCC, "OPCC scrutiny", True),
        *(reversed(sign_offs) if finance_first else sign_offs),
    ]
    latest: dict[str, Decision] = {}
    if plan.round:
        for decision in plan.decisions.filter(round=plan.round).exclude(action="submit").order_by("decided_at"):
            latest[decision.stage] = decision
    steps = []
    for stage, label, taken in stages:
        if not taken:
            continue
        decision = latest.get(stage)
        if decision is None:
            steps.append(ApprovalStep(label))
            continue
        if stage in (workflow.Stage.PCC, workflow.Stage.TREASURER):
            label = decision.title
        steps.append(
            ApprovalStep(
                label,
                decision=decision.action_display,
                decided_by=decision.person_display,
                decided_on=decision.decision_date.strftime("%-d %B %Y"),  # a board's meeting date, when recorded
                conditions=decision.conditions,
            )
        )
    return steps


def plan_in_force_beside(plan: SpendingPlan, versions: list[SpendingPlan]) -> PlanInForce:
    """`plan_in_force(plan.award)` for the plan page, which has read every version of the award already
    (`grants.trail.versions_of`, newest first) and `plan` with its figures: when the version in force and the
    newest version are each either `plan` or none, they are `plan` itself and no query is asked; otherwise the
    other version's figures are needed, and `plan_in_force` reads them. THE rule is the same as
    `SpendingPlanQuerySet.in_force_or_latest`: the newest approved version is in force, the newest is latest."""
    in_force = next((version for version in versions if version.status == Status.APPROVED), None)
    latest = versions[0] if versions else None
    if {version.pk for version in (in_force, latest) if version is not None} - {plan.pk}:
        return plan_in_force(plan.award)
    return PlanInForce(plan.award, in_force=plan if in_force else None, latest=plan if latest else None)


# --- money by priority from lines already read (added for issue 13) ------------------------------------------------


def priority_figures_of_lines(
    lines_by_key: dict[int, list[tuple[Decimal, frozenset[int]]]],
    police_and_crime_plan: PoliceAndCrimePlan | None,
    *,
    known: Iterable[Priority] = (),
) -> tuple[PriorityFigures, dict[int, PriorityFigures]]:
    """`priority_figures`' sums, for money a caller has already read with the priorities each amount serves:
    (amount, priority pks) per funded project, or per award, under any key (a plan's pk). The dashboard's
    alignment reads its lines together with their local priorities in one query, and the direct OPCC spending
    reads awards, not lines; both are summed here, by the same rule (`_priority_figures`), so "alone", "shared"
    and the combinations mean the same everywhere. `known`: priority objects the caller already holds, so those
    outside the Police and Crime Plan are not read again. Reads the plan's priorities (prefetch them to share
    one read between callers) and any other priority used."""
    priorities = list(police_and_crime_plan.priorities.all()) if police_and_crime_plan else []
    by_pk = {p.pk: p for p in known}
    by_pk.update({p.pk: p for p in priorities})
    used = {pk for lines in lines_by_key.values() for _, served in lines for pk in served}
    if missing := used - by_pk.keys():
        by_pk.update({p.pk: p for p in Priority.objects.filter(pk__in=missing)})
    every_line = [line for lines in lines_by_key.values() for line in lines]
    pcp = police_and_crime_plan
    per_key = {key: _priority_figures(lines, priorities, by_pk, pcp) for key, lines in lines_by_key.items()}
    return _priority_figures(every_line, priorities, by_pk, pcp), per_key
