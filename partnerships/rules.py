"""Named predicates about people's roles, for the permission layer (django-rules).

`grants` combines these into permissions on plans; views, templates and the admin all ask the same rules.
"""

from __future__ import annotations

import rules

from .models import Role


def _holds(user, kinds, *, partnership=None, force_area=None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    roles = Role.objects.filter(user=user, kind__in=kinds)
    if partnership is not None:
        return roles.filter(partnership=partnership).exists()
    return roles.filter(force_area=force_area).exists()


def partnership_role(*kinds: str):
    """Predicate factory: the user holds one of `kinds` for the partnership given (or the object's)."""
    name = "is_" + "_or_".join(kinds) + "_of_partnership"

    @rules.predicate(name=name)
    def check(user, partnership) -> bool:
        return partnership is not None and _holds(user, kinds, partnership=partnership)

    return check


def force_area_role(*kinds: str):
    """Predicate factory: the user holds one of `kinds` for the force area given."""
    name = "is_" + "_or_".join(kinds) + "_of_force_area"

    @rules.predicate(name=name)
    def check(user, force_area) -> bool:
        return force_area is not None and _holds(user, kinds, force_area=force_area)

    return check


is_site_admin = rules.is_staff
is_partnership_member = partnership_role(*Role.PARTNERSHIP_KINDS)
is_force_area_staff = force_area_role(*Role.FORCE_AREA_KINDS)
is_officer_of = partnership_role(Role.Kind.OFFICER)


rules.add_rule("partnerships.set_up_force_area", force_area_role(Role.Kind.ADMINISTRATOR))
"""Set the force area up: its funder body, the order of the final sign-off, its Police and Crime Plan and
priorities, councils and partnerships, funding streams, and invite its people. OPCC administrators only."""
