"""Who may do what with grants and plans: the permission layer shared by views, templates and the admin.

Actions on plans are registered as rules and asked with `rules.test_rule(name, user, plan)` (in templates,
`{% test_rule name user plan as allowed %}`), not `user.has_perm`: Django grants every permission to a
superuser, and a site administrator must not edit, approve or sign off a plan by being one.

Read a plan: its partnership's officers, executive group and board; the OPCC, PCC and Treasurer of its force
area; site administrators. Nobody else — not another partnership, not another force area.
"""

import rules

from partnerships.rules import is_force_area_staff, is_officer_of, is_partnership_member, is_site_admin


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


can_edit_plan = is_officer_of_plans_partnership & plan_is_editable

rules.add_rule("grants.edit_plan", can_edit_plan)


# --- OPCC oversight: the force-area dashboard, awards, grant rounds, funding streams and reports -----------------
# Asked with the force area as the object: `rules.test_rule("grants.oversee_force_area", user, force_area)`.
# CSP roles never pass, and neither does a site administrator by being one.

from partnerships.rules import force_area_role  # noqa: E402

is_opcc_or_treasurer_of = force_area_role("opcc", "treasurer")

rules.add_rule("grants.oversee_force_area", is_force_area_staff)
"""See the force area's dashboard, alignment, awards, grant rounds and reports: OPCC staff, PCC, Treasurer."""

rules.add_rule("grants.manage_force_area_funding", is_opcc_or_treasurer_of)
"""Set awards, run formula scenarios, record funding streams, grant rounds and allocations: the OPCC's
commissioning officers and the Treasurer (who accounts for the money). The PCC reads and decides; the office
records the decision."""
