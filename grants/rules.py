"""Who may do what with grants and plans: the permission layer shared by views, templates and the admin.

Actions on plans are registered as rules and asked with `rules.test_rule(name, user, plan)` (in templates,
`{% test_rule name user plan as allowed %}`), not `user.has_perm`: Django grants every permission to a
superuser, and a site administrator must not edit, approve or sign off a plan by being one.

Read a plan: its partnership's officers, executive group and board; the OPCC, PCC and Treasurer of its force
area; site administrators. Nobody else — not another partnership, not another force area.
"""

import rules

from grants import workflow
from partnerships.models import Role
from partnerships.rules import (
    force_area_role,
    is_force_area_staff,
    is_officer_of,
    is_partnership_member,
    is_site_admin,
    partnership_role,
)


@rules.predicate
def is_member_of_plans_partnership(user, plan) -> bool:
    return plan is not None and is_partnership_member(user, plan.award.partnership)


@rules.predicate
def is_staff_of_plans_force_area(user, plan) -> bool:
    return plan is not None and is_force_area_staff(user, plan.award.partnership.force_area)


can_view_plan = is_site_admin | is_member_of_plans_partnership | is_staff_of_plans_force_area

rules.add_perm("grants.view_plan", can_view_plan)


@rules.predicate
def is_officer_of_plans_partnership(user, plan) -> bool:
    return plan is not None and is_officer_of(user, plan.award.partnership)


@rules.predicate
def plan_is_editable(user, plan) -> bool:
    """Only a draft, or a plan returned for changes, can be edited; submitted and approved versions are frozen."""
    return plan is not None and plan.is_editable


# The plan's own status first: it needs no query, and a frozen plan then asks none about the user's roles.
can_edit_plan = plan_is_editable & is_officer_of_plans_partnership

rules.add_rule("grants.edit_plan", can_edit_plan)


def why_cannot_edit(user, plan) -> str | None:
    """The reason to show someone who may see a plan but not change it, or None when they may change it."""
    if rules.test_rule("grants.edit_plan", user, plan):
        return None
    if not is_officer_of_plans_partnership(user, plan):
        return f"Only {plan.award.partnership}'s CSP officers can change its spending plan."
    return (
        f"This plan is {plan.get_status_display().lower()}: it can only be changed while it is a draft or after it "
        "has been returned for changes."
    )


@rules.predicate
def is_officer_of_awards_partnership(user, award) -> bool:
    return award is not None and award.partnership_id is not None and is_officer_of(user, award.partnership)


@rules.predicate
def award_has_no_plan(user, award) -> bool:
    """A partnership writes one spending plan per award; later changes are variations of it, not new plans."""
    return award is not None and not award.plans.exists()


can_start_plan = is_officer_of_awards_partnership & award_has_no_plan

rules.add_rule("grants.start_plan", can_start_plan)

# --- OPCC oversight: the force-area dashboard, awards, grant rounds, funding streams and reports -----------------
# Asked with the force area as the object: `rules.test_rule("grants.oversee_force_area", user, force_area)`.
# CSP roles never pass, and neither does a site administrator by being one.

is_opcc_or_treasurer_of = force_area_role("opcc", "treasurer")

rules.add_rule("grants.oversee_force_area", is_force_area_staff)
"""See the force area's dashboard, alignment, awards, grant rounds and reports: OPCC staff, PCC, Treasurer."""

rules.add_rule("grants.manage_force_area_funding", is_opcc_or_treasurer_of)
"""Set awards, run formula scenarios, record funding streams, grant rounds and allocations: the OPCC's
commissioning officers and the Treasurer (who accounts for the money). The PCC reads and decides; the office
records the decision."""


# --- the approval workflow ---------------------------------------------------------------------------------
# One rule per transition of grants/workflow.py, `grants.<name>_plan` (e.g. `grants.approve_plan`), decided by
# `workflow.check()`: the person's role for the plan's partnership or force area, the stage the plan waits for,
# and that they have not acted on this version at another stage. The services ask the same question again on
# the locked row.


def _transition_predicate(name: str):
    @rules.predicate(name=f"may_{name}_plan")
    def may(user, plan) -> bool:
        return plan is not None and workflow.check(plan, user, name).allowed

    return may


for _transition in workflow.TRANSITIONS:
    rules.add_rule(f"grants.{_transition.name}_plan", _transition_predicate(_transition.name))


@rules.predicate
def is_reviewer_of_plan(user, plan) -> bool:
    """Executive group, board, OPCC, PCC or Treasurer for the plan's partnership or force area."""
    return plan is not None and bool(workflow.stages_held(user, plan) - {workflow.Stage.SUBMISSION})


@rules.predicate
def plan_is_in_review(user, plan) -> bool:
    return plan is not None and plan.status in workflow.IN_REVIEW


@rules.predicate
def plan_is_latest_approved_or_declined(user, plan) -> bool:
    """Only the newest version can be varied, and only once it is approved (or declined: then revised)."""
    return (
        plan is not None
        and plan.status in (plan.Status.APPROVED, plan.Status.DECLINED)
        and not _has_newer_version(plan)
    )


def _has_newer_version(plan) -> bool:
    versions = plan.__dict__.get("_versions")  # the award's versions, when the page read them once (trail.read_once)
    if versions is not None:
        return any(version.version > plan.version for version in versions)
    return plan.award.plans.filter(version__gt=plan.version).exists()


@rules.predicate
def plan_has_decision_notice(user, plan) -> bool:
    return plan is not None and plan.status == plan.Status.APPROVED and hasattr(plan, "decision_notice")


@rules.predicate
def is_opcc_of_plan(user, plan) -> bool:
    return plan is not None and workflow.Stage.OPCC in workflow.stages_held(user, plan)


@rules.predicate
def plan_is_open_to_scrutiny(user, plan) -> bool:
    """While the OPCC could still recommend it (the `recommend` transition's sources): submitted until then."""
    return plan is not None and plan.status in workflow.BY_NAME["recommend"].sources


@rules.predicate
def has_no_prejudicial_interest(user, plan) -> bool:
    return plan is not None and workflow.prejudicial_interest(user, plan) is None


@rules.predicate
def plan_is_not_final(user, plan) -> bool:
    return plan is not None and plan.status not in workflow.TERMINAL


rules.add_rule("grants.declare_interest", plan_is_in_review & is_reviewer_of_plan)
# OPCC scrutiny comments on funded projects, and the partnership's answers (grants/services/scrutiny.py).
rules.add_rule("grants.comment_on_plan", plan_is_open_to_scrutiny & is_opcc_of_plan & has_no_prejudicial_interest)
rules.add_rule("grants.answer_comment", plan_is_not_final & is_officer_of_plans_partnership)
# The cheap predicate about the plan first: rules stops at the first that fails.
rules.add_rule("grants.vary_plan", plan_is_latest_approved_or_declined & is_officer_of_plans_partnership)
rules.add_rule("grants.download_decision_notice", plan_has_decision_notice & can_view_plan)


# --- the approval path's settings --------------------------------------------------------------------------
# The OPCC sets its force area's minor variation threshold; a partnership's board chooses the shorter path.

rules.add_rule("grants.set_variation_threshold", force_area_role(Role.Kind.OPCC))
rules.add_rule("grants.set_minor_variation_path", partnership_role(Role.Kind.BOARD))
# The OPCC exports the audit trail of a person holding a role in its area (grants/audit.py): its officers and
# administrators; the site administrator exports anyone's from a page of their own.
rules.add_rule("grants.export_audit_trail", force_area_role(Role.Kind.OPCC, Role.Kind.ADMINISTRATOR))
# The OPCC chooses which narrative sections its partnerships' board papers have (grants/models/sections.py).
rules.add_rule("grants.set_paper_sections", force_area_role(Role.Kind.OPCC))
