"""The approval path of a spending plan, declared in one place: who acts at each stage, in which order, and
what each of them may do. Read the two tables below; everything else in this module only applies them.

The path is Plymouth's own (section 8 of its 2020/21 spending plan, docs/DOMAIN.md): the executive group agrees
the draft recommendations, the board gives final partnership sign-off for OPCC scrutiny, the OPCC scrutinises
and recommends, and the Police and Crime Commissioner **and** the Treasurer give formal agreement, in either
order. At any review stage the reviewer may return the plan for changes, with comments; the OPCC, the PCC or
the Treasurer may decline it.

The last two stages belong to whatever body funds the force area (`partnerships.models.FunderBody`): its
decision-maker (a Police and Crime Commissioner, a Deputy Mayor for Policing and Crime, the chair of a policing
and crime board) and its finance officer (Treasurer, Chief Finance Officer). The stages keep their names here
(`pcc`, `treasurer`); the words people see take the body's titles (`stage_title`, `Transition.titled`).

A plan's route is fixed when it is submitted (`SpendingPlan.needs_executive_group`, `.needs_board`,
`.finance_officer_first`): a partnership whose governance has no executive group goes straight to the board, a
minor variation (below the OPCC's threshold) may take the partnership's shorter path, and a force area may have
its finance officer sign off before its decision-maker rather than in either order (see
`grants.services.workflow.route_for`). Areas choose among the routes this table allows; none rewrites it.

Transitions happen only through `grants.services.workflow.plan_decide`, which locks the plan's row, checks
the rules here again, and writes the decision record. The permission layer (`grants/rules.py`) registers one
rule per transition, `grants.<name>_plan`, built from `check()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db.models import Exists, OuterRef, Q

from partnerships.models import Role, title_for_area
from partnerships.rules import roles_held

from .states import PlanStatus as Status
from .states import Stage

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
    stages: tuple[str, ...]  # more than one: all must act, in either order (or in turn, in this order)
    passed_at: str  # the status the plan has when this step is done
    taken_when: str | None  # the plan's route flag that includes this step; None: always taken
    in_turn_when: str | None = None  # the route flag under which its stages act one after another


# ---------------------------------------------------------------------------------------------------------------
# THE PATH, in order, after the officer submits.
#
#        who acts (all of them)           done when the plan is      taken when               in turn when
PATH: tuple[Step, ...] = (
    Step((Stage.EXECUTIVE,),              Status.EXECUTIVE_AGREED,   "needs_executive_group"),
    Step((Stage.BOARD,),                  Status.BOARD_APPROVED,     "needs_board"),
    Step((Stage.OPCC,),                   Status.OPCC_RECOMMENDED,   None),
    Step((Stage.TREASURER, Stage.PCC),    Status.APPROVED,           None,                    "finance_officer_first"),
)  # fmt: skip
# The last step: the finance officer (Treasurer) and the decision-maker (PCC) both sign off, in either order;
# or, where the force area asks for it, the finance officer first and then the decision-maker.


@dataclass(frozen=True)
class Transition:
    name: str
    stages: tuple[str, ...]  # the stage(s) whose people may fire it, when the plan is waiting for that stage
    sources: tuple[str, ...]
    target: str
    comments_required: bool = False
    conditions: bool = False  # may attach conditions ("subject to quarterly performance returns")
    recall: bool = False  # fired by the officers who sent the plan, while no reviewer has acted on it yet
    funder: object = field(default=None, compare=False, repr=False)  # whose titles the words use (`titled`)

    @property
    def label(self) -> str:
        """The button, in the users' words: "Sign off as Deputy Mayor for Policing and Crime"."""
        return words(self.name, 0, stage_title(self.stages[0], self.funder))

    @property
    def done(self) -> str:
        """The approval trail, past tense."""
        return words(self.name, 1, stage_title(self.stages[0], self.funder))

    def titled(self, funder) -> Transition:
        """The same transition in the words of `funder` (a `FunderBody`): its decision-maker's and finance
        officer's titles. Untitled, the words are a Police and Crime Commissioner's and a Treasurer's."""
        return replace(self, funder=funder)

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

# The words: the button, and the approval trail. {title} is the title of who acts, in the funder body's words
# ("Police and Crime Commissioner", "Deputy Mayor for Policing and Crime", "Treasurer", "Chief Finance Officer").
WORDS: dict[str, tuple[str, str]] = {
    "submit": ("Submit the spending plan", "Submitted"),
    "withdraw": ("Withdraw the submission", "Withdrawn"),
    "agree": ("Agree on behalf of the executive group", "Agreed by the executive group"),
    "approve": ("Approve for the board", "Approved by the board"),
    "scrutinise": ("Begin OPCC scrutiny", "OPCC scrutiny began"),
    "recommend": ("Recommend for sign-off", "Recommended by the OPCC"),
    "sign_off_pcc": ("Sign off as {title}", "Signed off by the {title}"),
    "sign_off_treasurer": ("Sign off as {title}", "Signed off by the {title}"),
    "return": ("Return for changes", "Returned for changes"),
    "decline": ("Decline the plan", "Declined"),
}

# Who acts at the funder's stages when no body is named: the words of a Police and Crime Commissioner's office.
DEFAULT_TITLES = {"pcc": "Police and Crime Commissioner", "treasurer": "Treasurer"}


def words(name: str, tense: int, title: str) -> str:
    """The button (`tense` 0) or the trail's words (1) of transition `name`, with the acting role's title."""
    return WORDS[name][tense].format(title=title)


def stage_title(stage: str, funder=None) -> str:
    """The title of who acts at `stage`: the funder body's own for its decision-maker and finance officer."""
    if stage == Stage.PCC:
        return funder.decision_maker_title if funder is not None else DEFAULT_TITLES["pcc"]
    if stage == Stage.TREASURER:
        return funder.finance_officer_title if funder is not None else DEFAULT_TITLES["treasurer"]
    return Stage(stage).label


def funder_of(plan):
    """The body funding the plan's force area today, whose titles the plan's pages, buttons and e-mails use for
    the stages still to come (decisions already taken keep the titles they were taken under)."""
    if "_funder" not in plan.__dict__:
        plan.__dict__["_funder"] = plan.award.partnership.force_area.funder
    return plan.__dict__["_funder"]


BY_NAME: dict[str, Transition] = {t.name: t for t in TRANSITIONS}


def _status_order() -> dict[str, int]:
    """Statuses in the order the path reaches them, read from the two tables rather than kept by hand: a draft
    (or a returned plan), then what submitting makes it, then for each step of PATH the statuses its own people
    move the plan through on the way (OPCC scrutiny) and the status that marks it done. Declined ranks with
    approved: both end the path. A step is due while the plan is before its `passed_at`."""
    order: list[tuple[str, ...]] = [(DRAFT, RETURNED), (BY_NAME["submit"].target,)]
    for step in PATH:
        on_the_way = tuple(
            dict.fromkeys(
                t.target
                for t in TRANSITIONS
                if set(t.stages) <= set(step.stages) and t.target not in (step.passed_at, RETURNED, DECLINED)
            )
        )
        if on_the_way:
            order.append(on_the_way)
        order.append((step.passed_at,))
    ranks = {status: rank for rank, statuses in enumerate(order) for status in statuses}
    ranks[DECLINED] = ranks[APPROVED]
    return ranks


_ORDER = _status_order()
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
                left = tuple(stage for stage in step.stages if stage not in signed)
                return left[:1] if _in_turn(step, plan) else left
            return step.stages
    return ()


def stages_ahead(plan) -> tuple[str, ...]:
    """Every stage of the plan's route it has still to pass, in order: those it waits for now and those after
    them (the stages of a parallel step all count until the step is done). None for a draft or a plan whose path
    has ended."""
    if plan.status in (Status.DRAFT, Status.RETURNED, *TERMINAL):
        return ()
    return tuple(
        stage
        for step in PATH
        if _taken(step, plan) and _ORDER[step.passed_at] > _ORDER[plan.status]
        for stage in step.stages
    )


def _in_turn(step: Step, plan) -> bool:
    return step.in_turn_when is not None and bool(getattr(plan, step.in_turn_when))


def signed_this_round(plan) -> set[str]:
    """The stages of the parallel sign-off that have already signed since the plan was last submitted. Kept on the
    plan for the request (cleared by `SpendingPlan.refresh_from_db`), as every reading of where it waits asks."""
    if plan.status != Status.OPCC_RECOMMENDED:
        return set()
    if "_signed_this_round" not in plan.__dict__:
        signed = (
            plan.decisions.filter(round=plan.round, action__in=_SIGN_OFFS).order_by().values_list("stage", flat=True)
        )
        plan.__dict__["_signed_this_round"] = set(signed)
    return plan.__dict__["_signed_this_round"]


_SIGN_OFFS = [t.name for t in TRANSITIONS if t.parallel]
SIGN_OFFS = tuple(_SIGN_OFFS)  # the final sign-offs, for readers of the decision records


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

            def signed(by: str):
                return Exists(
                    Decision.objects.filter(
                        plan=OuterRef("pk"), round=OuterRef("round"), stage=by, action__in=_SIGN_OFFS
                    )
                )

            condition &= ~signed(stage)
            earlier = step.stages[: step.stages.index(stage)]
            if step.in_turn_when and earlier:
                in_turn = Q(**{step.in_turn_when: True})
                for before in earlier:
                    in_turn &= signed(before)
                condition &= Q(**{step.in_turn_when: False}) | in_turn
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
    """The stages at which `user` may act on `plan`, from the roles they hold for its partnership or force area
    (`roles_held`: read once per request). Cached on the plan for the request (a plan is fetched afresh, and
    locked, for every transition)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    cache = plan.__dict__.setdefault("_stages_held", {})
    if user.pk not in cache:
        partnership = plan.award.partnership
        kinds = {
            role.kind
            for role in roles_held(user)
            if role.partnership_id == partnership.pk or role.force_area_id == partnership.force_area_id
        }
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
    if stage in (Stage.PCC, Stage.TREASURER):
        return f"the {title_for_area(stage_title(stage, funder_of(plan)), partnership.force_area)}"
    return {
        Stage.SUBMISSION: f"an officer of {partnership}",
        Stage.EXECUTIVE: f"a member of {partnership}'s executive group",
        Stage.BOARD: f"a board member of {partnership}",
        Stage.OPCC: f"an OPCC officer of {partnership.force_area}",
    }[stage]


def stage_name(stage: str, plan) -> str:
    """`the executive group`, `OPCC scrutiny`, `the Deputy Mayor for Policing and Crime`."""
    if stage in (Stage.PCC, Stage.TREASURER):
        return f"the {stage_title(stage, funder_of(plan))}"
    return _STAGE_NAMES[stage]


def waiting_for(plan) -> str:
    """`the executive group`, `the Police and Crime Commissioner and the Treasurer`: for the status line."""
    stages = sorted(awaiting_stages(plan), key=list(Stage).index)
    return " and ".join(stage_name(stage, plan) for stage in stages)


def _join(names: list[str], word: str = "and") -> str:
    """["a", "b", "c"] → "a, b or c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


_STAGE_NAMES = {
    Stage.SUBMISSION: "the partnership's officers",
    Stage.EXECUTIVE: "the executive group",
    Stage.BOARD: "the board",
    Stage.OPCC: "OPCC scrutiny",
}


def check(plan, user, name: str) -> Verdict:
    """May `user` fire transition `name` on `plan` now? The one answer views, templates, the admin and the
    services all use. Pass a freshly fetched (in services, locked) plan."""
    transition = BY_NAME[name].titled(funder_of(plan))
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
        names = [stage_name(stage, plan).replace("OPCC scrutiny", "the OPCC") for stage in transition.stages]
        waiting = waiting_for(plan) or "nobody"
        if (
            transition.stages == (Stage.PCC,)
            and plan.finance_officer_first
            and Stage.TREASURER in awaiting_stages(plan)
        ):
            first = stage_name(Stage.TREASURER, plan)
            return Verdict(
                False, f"“{transition.label}” comes after {first}'s sign-off; this plan is waiting for {waiting}."
            )
        return Verdict(
            False,
            f"“{transition.label}” is for {_join(names, 'or')}; this plan is waiting for {waiting}.",
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
    if "_last_review" in plan.__dict__:  # known in advance for a list of plans (`know_in_advance`)
        acted = plan.__dict__["_last_review"]
    else:
        acted = (
            plan.decisions.filter(round=plan.round)
            .exclude(stage=Stage.SUBMISSION)
            .order_by("-decided_at", "-pk")
            .first()
        )
    if acted is None:
        return ""
    return (
        f"{acted.user_name} ({acted.role_display}) has already acted on this submission "
        f"({_lower_first(acted.action_display)}, {acted.decided_at:%-d %B %Y}), so it can no longer be withdrawn. "
        f"If it needs to change, ask {_join([who_acts(stage, plan) for stage in awaiting_stages(plan)], 'or')} to "
        f"return it for changes."
    )


def know_in_advance(plans, user, *, roles, decisions, declarations) -> None:
    """For a list of plans (an inbox), what `check` asks of each one about `user`, worked out from rows already
    fetched in bulk: `roles` (the user's), `decisions` (all those on the plans, oldest first) and `declarations`
    (the user's prejudicial interests in them). Fills the same per-plan caches the questions fill one by one
    (`stages_held`, `stages_acted`, `prejudicial_interest`, `signed_this_round`, `_recall_refused`), so a list of
    forty plans costs the queries of one (issue 13: the inbox asked two queries per waiting plan)."""
    by_plan: dict[int, list] = {}
    for decision in decisions:
        by_plan.setdefault(decision.plan_id, []).append(decision)
    first_interest: dict[int, object] = {}
    for declaration in sorted(declarations, key=lambda d: d.declared_at):
        first_interest.setdefault(declaration.plan_id, declaration)
    for plan in plans:
        partnership = plan.award.partnership
        kinds = {
            role.kind
            for role in roles
            if role.partnership_id == partnership.pk or role.force_area_id == partnership.force_area_id
        }
        held = {stage for stage, kind in ACTS_AT.items() if kind in kinds} if user.is_active else set()
        on_plan = by_plan.get(plan.pk, [])
        acted: dict[str, str] = {}
        for decision in on_plan:
            if decision.user_id == user.pk:
                acted.setdefault(decision.stage, decision.action)
        this_round = [decision for decision in on_plan if decision.round == plan.round]
        reviews = [decision for decision in this_round if decision.stage != Stage.SUBMISSION]
        plan.__dict__.setdefault("_stages_held", {})[user.pk] = held
        plan.__dict__.setdefault("_stages_acted", {})[user.pk] = acted
        plan.__dict__.setdefault("_prejudicial", {})[user.pk] = first_interest.get(plan.pk)
        plan.__dict__["_signed_this_round"] = {d.stage for d in this_round if d.action in _SIGN_OFFS}
        plan.__dict__["_last_review"] = reviews[-1] if reviews else None


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
    """Every transition, in the plan's funder's words, with the verdict for `user`: the plan page's calls to
    action."""
    funder = funder_of(plan)
    return [(transition.titled(funder), check(plan, user, transition.name)) for transition in TRANSITIONS]


def blocked_reason(plan, user) -> str:
    """Why someone who holds the role the plan waits for still cannot act (they acted at another stage), or ""."""
    due = set(awaiting_stages(plan)) & stages_held(user, plan)
    if not due:
        return ""
    verdicts = [check(plan, user, t.name) for t in TRANSITIONS if set(t.stages) & due and plan.status in t.sources]
    if any(verdicts):
        return ""
    return next((v.reason for v in verdicts), "")
