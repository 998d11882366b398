"""The approval path of a spending plan, declared in one place: who acts at each stage, in which order, and
what each of them may do. Read the two tables below; everything else in this module only applies them.

The path is Plymouth's own (section 8 of its 2020/21 spending plan, docs/DOMAIN.md): the executive group agrees
the draft recommendations, the board gives final partnership sign-off for OPCC scrutiny, the OPCC scrutinises
and recommends, and the Police and Crime Commissioner **and** the Treasurer give formal agreement, in either
order. At any review stage the reviewer may return the plan for changes, with comments; the OPCC, the PCC or
the Treasurer may decline it.

A plan's route is fixed when it is submitted (`SpendingPlan.needs_executive_group`, `.needs_board`): a
partnership whose governance has no executive group goes straight to the board, and a minor variation (below
the OPCC's threshold) may take the partnership's shorter path (see `grants.services.workflow.route_for`).

Transitions happen only through `grants.services.workflow.plan_decide`, which locks the plan's row, checks
the rules here again, and writes the decision record. The permission layer (`grants/rules.py`) registers one
rule per transition, `grants.<name>_plan`, built from `check()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q

from partnerships.models import Role

from .models.plans import SpendingPlan

Status = SpendingPlan.Status


class Stage(models.TextChoices):
    """Who holds the plan: the partnership's officer, its executive group and board, then the OPCC."""

    SUBMISSION = "submission", "CSP officer"
    EXECUTIVE = "executive", "Executive group"
    BOARD = "board", "Board"
    OPCC = "opcc", "OPCC scrutiny"
    PCC = "pcc", "Police and Crime Commissioner"
    TREASURER = "treasurer", "Treasurer"


# Who acts at each stage: the role they hold for the plan's partnership (the first three) or force area.
ACTS_AT: dict[str, str] = {
    Stage.SUBMISSION: Role.Kind.OFFICER,
    Stage.EXECUTIVE: Role.Kind.EXECUTIVE,
    Stage.BOARD: Role.Kind.BOARD,
    Stage.OPCC: Role.Kind.OPCC,
    Stage.PCC: Role.Kind.PCC,
    Stage.TREASURER: Role.Kind.TREASURER,
}
PARTNERSHIP_STAGES = (Stage.SUBMISSION, Stage.EXECUTIVE, Stage.BOARD)
# Stages that decide in a minuted meeting: their decisions may record the meeting's date and minute reference,
# and the decision's date is then the meeting's, not the day it was entered.
MEETING_STAGES = (Stage.BOARD,)


@dataclass(frozen=True)
class Step:
    stages: tuple[str, ...]  # more than one: they act in parallel, and all must act
    passed_at: str  # the status the plan has when this step is done
    taken_when: str | None  # the plan's route flag that includes this step; None: always taken


# ---------------------------------------------------------------------------------------------------------------
# THE PATH, in order, after the officer submits.
#
#        who acts (in parallel)           done when the plan is            taken when
PATH: tuple[Step, ...] = (
    Step((Stage.EXECUTIVE,),              Status.EXECUTIVE_AGREED,         "needs_executive_group"),
    Step((Stage.BOARD,),                  Status.BOARD_APPROVED,           "needs_board"),
    Step((Stage.OPCC,),                   Status.OPCC_RECOMMENDED,         None),
    Step((Stage.PCC, Stage.TREASURER),    Status.APPROVED,                 None),  # both sign off, either order
)  # fmt: skip


@dataclass(frozen=True)
class Transition:
    name: str
    stages: tuple[str, ...]  # the stage(s) whose people may fire it, when the plan is waiting for that stage
    sources: tuple[str, ...]
    target: str
    comments_required: bool = False
    conditions: bool = False  # may attach conditions ("subject to quarterly performance returns")
    recall: bool = False  # fired by the officers who sent the plan, while no reviewer has acted on it yet

    @property
    def label(self) -> str:
        """The button, in the users' words."""
        return WORDS[self.name][0]

    @property
    def done(self) -> str:
        """The approval trail, past tense."""
        return WORDS[self.name][1]

    @property
    def parallel(self) -> bool:
        """Reaches `target` only when every stage of its step has acted (the PCC and the Treasurer)."""
        return any(len(step.stages) > 1 and self.stages[0] in step.stages for step in PATH)


OFFICER, EXECUTIVE, BOARD, OPCC = Stage.SUBMISSION, Stage.EXECUTIVE, Stage.BOARD, Stage.OPCC
PCC, TREASURER = Stage.PCC, Stage.TREASURER
DRAFT, RETURNED, SUBMITTED, EXEC_AGREED = Status.DRAFT, Status.RETURNED, Status.SUBMITTED, Status.EXECUTIVE_AGREED
BOARD_APPROVED, SCRUTINY, RECOMMENDED = Status.BOARD_APPROVED, Status.OPCC_SCRUTINY, Status.OPCC_RECOMMENDED
APPROVED, DECLINED = Status.APPROVED, Status.DECLINED
IN_REVIEW = (SUBMITTED, EXEC_AGREED, BOARD_APPROVED, SCRUTINY, RECOMMENDED)
REVIEW_STAGES = (EXECUTIVE, BOARD, OPCC, PCC, TREASURER)

# ---------------------------------------------------------------------------------------------------------------
# THE TRANSITIONS. Who may fire one: a person holding the role of one of its `stages` (ACTS_AT) for the plan's
# partnership or force area, while the plan waits for that stage, and who has not acted on this version at
# another stage (nobody acts twice: the officer who submitted cannot approve for the board; the PCC and the
# Treasurer are different people). `comments`: required; `conds`: conditions may be attached. `recall`: fired
# by the stage that sent the plan on, not the one it waits for, and only while no reviewer has acted on this
# submission (the officer's withdrawal; `_recall_refused`), marked `recall=True`.
#
#              name                  stages                  from                      to              comments conds
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit",             (OFFICER,),             (DRAFT, RETURNED),        SUBMITTED),
    Transition("withdraw",           (OFFICER,),             (SUBMITTED,),             DRAFT,          recall=True),
    Transition("agree",              (EXECUTIVE,),           (SUBMITTED,),             EXEC_AGREED,    False,   True),
    Transition("approve",            (BOARD,),               (SUBMITTED, EXEC_AGREED), BOARD_APPROVED, False,   True),
    Transition("scrutinise",         (OPCC,),                IN_REVIEW[:3],            SCRUTINY),
    Transition("recommend",          (OPCC,),                IN_REVIEW[:4],            RECOMMENDED,    False,   True),
    Transition("sign_off_pcc",       (PCC,),                 (RECOMMENDED,),           APPROVED,       False,   True),
    Transition("sign_off_treasurer", (TREASURER,),           (RECOMMENDED,),           APPROVED,       False,   True),
    Transition("return",             REVIEW_STAGES,          IN_REVIEW,                RETURNED,       True),
    Transition("decline",            (OPCC, PCC, TREASURER), IN_REVIEW,                DECLINED,       True),
)  # fmt: skip
# The sign-offs reach APPROVED only when both are in (their step in PATH is parallel); until then the plan
# stays RECOMMENDED. A transition from several review statuses still needs the plan to be waiting for its stage
# on its route (`awaiting_stages`): "approve" from SUBMITTED only when the route skips the executive group.
# ---------------------------------------------------------------------------------------------------------------

# The words: the button, and the approval trail.
WORDS: dict[str, tuple[str, str]] = {
    "submit": ("Submit the spending plan", "Submitted"),
    "withdraw": ("Withdraw the submission", "Withdrawn"),
    "agree": ("Agree on behalf of the executive group", "Agreed by the executive group"),
    "approve": ("Approve for the board", "Approved by the board"),
    "scrutinise": ("Begin OPCC scrutiny", "OPCC scrutiny began"),
    "recommend": ("Recommend for sign-off", "Recommended by the OPCC"),
    "sign_off_pcc": ("Sign off as Police and Crime Commissioner", "Signed off by the Police and Crime Commissioner"),
    "sign_off_treasurer": ("Sign off as Treasurer", "Signed off by the Treasurer"),
    "return": ("Return for changes", "Returned for changes"),
    "decline": ("Decline the plan", "Declined"),
}

BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}

# Statuses in the order the path reaches them; a step is due while the plan is before its `passed_at`.
_ORDER = {
    Status.DRAFT: 0,
    Status.RETURNED: 0,
    Status.SUBMITTED: 1,
    Status.EXECUTIVE_AGREED: 2,
    Status.BOARD_APPROVED: 3,
    Status.OPCC_SCRUTINY: 4,
    Status.OPCC_RECOMMENDED: 5,
    Status.APPROVED: 6,
    Status.DECLINED: 6,
}
TERMINAL = (Status.APPROVED, Status.DECLINED)


def _taken(step: Step, plan) -> bool:
    return step.taken_when is None or bool(getattr(plan, step.taken_when))


def awaiting_stages(plan, signed: set[str] | None = None) -> tuple[str, ...]:
    """The stage(s) the plan is waiting for now: the officer's for a draft, then the first step of its route
    not yet done. Of a parallel step, the stages that have not yet acted in this round (`signed`)."""
    if plan.status in (Status.DRAFT, Status.RETURNED):
        return (Stage.SUBMISSION,)
    if plan.status in TERMINAL:
        return ()
    for step in PATH:
        if _taken(step, plan) and _ORDER[step.passed_at] > _ORDER[plan.status]:
            if len(step.stages) > 1:
                signed = signed if signed is not None else signed_this_round(plan)
                return tuple(stage for stage in step.stages if stage not in signed)
            return step.stages
    return ()


def signed_this_round(plan) -> set[str]:
    """The stages of the parallel sign-off that have already signed since the plan was last submitted."""
    if plan.status != Status.OPCC_RECOMMENDED:
        return set()
    return set(plan.decisions.filter(round=plan.round, action__in=_SIGN_OFFS).values_list("stage", flat=True))


_SIGN_OFFS = [t.name for t in TRANSITIONS if t.parallel]


def awaiting_q(stage: str) -> Q:
    """A filter for plans waiting for `stage`: the same rule as `awaiting_stages`, in SQL, for inboxes."""
    if stage == Stage.SUBMISSION:
        return Q(status__in=[Status.DRAFT, Status.RETURNED])
    condition = Q(pk__in=[])
    for index, step in enumerate(PATH):
        if stage not in step.stages:
            continue
        for status in IN_REVIEW:
            if _ORDER[status] >= _ORDER[step.passed_at]:
                continue
            due = Q(status=status)
            if step.taken_when:
                due &= Q(**{step.taken_when: True})
            for earlier in PATH[:index]:
                if _ORDER[status] < _ORDER[earlier.passed_at]:
                    if earlier.taken_when is None:
                        due = Q(pk__in=[])  # an earlier step that is always taken is still due
                    else:
                        due &= Q(**{earlier.taken_when: False})
            condition |= due
        if len(step.stages) > 1:
            from .models import Decision

            signed = Decision.objects.filter(
                plan=OuterRef("pk"), round=OuterRef("round"), stage=stage, action__in=_SIGN_OFFS
            )
            condition &= ~Exists(signed)
    return condition


# --- who may act --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """Whether a person may fire a transition, and if not, why, in words to show them."""

    allowed: bool
    reason: str = ""
    stage: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


def stages_held(user, plan) -> set[str]:
    """The stages at which `user` may act on `plan`, from the roles they hold for its partnership or force area.
    Cached on the plan for the request (a plan is fetched afresh, and locked, for every transition)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cache = plan.__dict__.setdefault("_stages_held", {})
    if user.pk not in cache:
        partnership = plan.award.partnership
        kinds = set(
            Role.objects.filter(user=user)
            .filter(Q(partnership=partnership) | Q(force_area_id=partnership.force_area_id))
            .values_list("kind", flat=True)
        )
        cache[user.pk] = {stage for stage, kind in ACTS_AT.items() if kind in kinds}
    return cache[user.pk]


def stages_acted(user, plan) -> dict[str, str]:
    """The stages at which `user` has already decided on this version of the plan, with what they did."""
    cache = plan.__dict__.setdefault("_stages_acted", {})
    if user.pk not in cache:
        acted: dict[str, str] = {}
        for stage, action in plan.decisions.filter(user=user).order_by("decided_at").values_list("stage", "action"):
            acted.setdefault(stage, action)
        cache[user.pk] = acted
    return cache[user.pk]


def who_acts(stage: str, plan) -> str:
    """`a board member of Safer Plymouth`, `the Treasurer of Devon & Cornwall`."""
    partnership = plan.award.partnership
    return {
        Stage.SUBMISSION: f"an officer of {partnership}",
        Stage.EXECUTIVE: f"a member of {partnership}'s executive group",
        Stage.BOARD: f"a board member of {partnership}",
        Stage.OPCC: f"an OPCC officer of {partnership.force_area}",
        Stage.PCC: f"the Police and Crime Commissioner for {partnership.force_area}",
        Stage.TREASURER: f"the Treasurer of {partnership.force_area}",
    }[stage]


def waiting_for(plan) -> str:
    """`the executive group`, `the Police and Crime Commissioner and the Treasurer`: for the status line."""
    return " and ".join(_STAGE_NAMES[stage] for stage in awaiting_stages(plan))


def stage_words(stage: str) -> str:
    """The stage in plain words, for "waiting for …": `the board`, `OPCC scrutiny`, `the Treasurer`."""
    return _STAGE_NAMES[stage]


def _join(names: list[str], word: str = "and") -> str:
    """["a", "b", "c"] → "a, b or c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


_STAGE_NAMES = {
    Stage.SUBMISSION: "the partnership's officers",
    Stage.EXECUTIVE: "the executive group",
    Stage.BOARD: "the board",
    Stage.OPCC: "OPCC scrutiny",
    Stage.PCC: "the Police and Crime Commissioner",
    Stage.TREASURER: "the Treasurer",
}


def check(plan, user, name: str) -> Verdict:
    """May `user` fire transition `name` on `plan` now? The one answer views, templates, the admin and the
    services all use. Pass a freshly fetched (in services, locked) plan."""
    transition = BY_NAME[name]
    if transition.recall and plan.status in IN_REVIEW and (refusal := _recall_refused(plan)):
        return Verdict(False, refusal)
    if plan.status not in transition.sources:
        return Verdict(False, f"The plan is “{plan.get_status_display()}” now, so this cannot be done.")
    if transition.recall:
        stage = transition.stages[0]
        if stage not in stages_held(user, plan):
            return Verdict(False, f"Only {who_acts(stage, plan)} can do this.")
        return Verdict(True, stage=stage)
    due = [stage for stage in transition.stages if stage in awaiting_stages(plan)]
    if not due:
        who = _join([_STAGE_NAMES[stage].replace("OPCC scrutiny", "the OPCC") for stage in transition.stages], "or")
        return Verdict(
            False, f"“{transition.label}” is for {who}; this plan is waiting for {waiting_for(plan) or 'nobody'}."
        )
    held = [stage for stage in due if stage in stages_held(user, plan)]
    if not held:
        return Verdict(False, f"Only {who_acts(due[0], plan)} can do this now.")
    if held[0] in REVIEW_STAGES and (interest := prejudicial_interest(user, plan)):
        return Verdict(
            False,
            f"You have declared a prejudicial interest in funded project {interest.project_number}, "
            f"{interest.project_title}, so you may not act on this plan: {who_acts(held[0], plan)} other than you "
            f"must decide.",
        )
    acted = stages_acted(user, plan)
    for stage in held:
        elsewhere = [other for other in acted if other != stage]
        if not elsewhere:
            return Verdict(True, stage=stage)
    done = BY_NAME[acted[elsewhere[0]]].done
    return Verdict(
        False,
        f"You have already acted on this version ({_lower_first(done)}), so {who_acts(held[0], plan)} other "
        f"than you must decide at this stage.",
    )


def _recall_refused(plan) -> str:
    """Why the officers can no longer withdraw a submission: a reviewer has acted on it (agreed, approved, begun
    scrutiny, returned). Their decision stands; only they can now send the plan back."""
    acted = (
        plan.decisions.filter(round=plan.round).exclude(stage=Stage.SUBMISSION).order_by("-decided_at", "-pk").first()
    )
    if acted is None:
        return ""
    return (
        f"{acted.user_name} ({acted.role_display}) has already acted on this submission "
        f"({_lower_first(acted.action_display)}, {acted.decided_at:%-d %B %Y}), so it can no longer be withdrawn. "
        f"If it needs to change, ask {_join([who_acts(stage, plan) for stage in awaiting_stages(plan)], 'or')} to "
        f"return it for changes."
    )


def prejudicial_interest(user, plan):
    """The first prejudicial interest `user` has declared in a funded project of this version, or None. A person
    with a prejudicial interest may not act on the plan at any stage (members' codes of conduct: they leave the
    room); another person holding the same role decides. Cached on the plan for the request."""
    if not user.is_authenticated:
        return None
    cache = plan.__dict__.setdefault("_prejudicial", {})
    if user.pk not in cache:
        cache[user.pk] = plan.declarations.filter(user=user, prejudicial=True).order_by("declared_at").first()
    return cache[user.pk]


def _lower_first(text: str) -> str:
    """`Submitted` → `submitted`, but `OPCC scrutiny began` stays as it is."""
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def available(plan, user) -> list[tuple[Transition, Verdict]]:
    """Every transition with the verdict for `user`, for the plan page's calls to action."""
    return [(transition, check(plan, user, transition.name)) for transition in TRANSITIONS]


def blocked_reason(plan, user) -> str:
    """Why someone who holds the role the plan waits for still cannot act (they acted at another stage), or ""."""
    due = set(awaiting_stages(plan)) & stages_held(user, plan)
    if not due:
        return ""
    verdicts = [check(plan, user, t.name) for t in TRANSITIONS if set(t.stages) & due and plan.status in t.sources]
    if any(verdicts):
        return ""
    return next((v.reason for v in verdicts), "")
