"""Named predicates about people's roles, for the permission layer (django-rules).

`grants` combines these into permissions on plans; views, templates and the admin all ask the same rules.
"""

from __future__ import annotations

import rules
from django.db.models import F, Prefetch
from django.db.models.signals import post_delete, post_save
from django.utils.functional import LazyObject, empty

from .models import ForceArea, FunderBody, Partnership, Role

# Bumped by every write of a role (or of the partnership, force area or funder body a role names) in this process,
# so a memo of roles taken before the write is read again after it: a view that grants a role and then asks the
# rules, or a test that adds one between two questions, never sees the roles as they were.
_writes = 0


def _written(**kwargs) -> None:
    global _writes
    _writes += 1


for _model in (Role, Partnership, ForceArea, FunderBody):
    post_save.connect(_written, sender=_model, dispatch_uid=f"roles_held_{_model.__name__}_saved")
    post_delete.connect(_written, sender=_model, dispatch_uid=f"roles_held_{_model.__name__}_deleted")


def roles_held(user) -> list[Role]:
    """Every role the user holds, with its partnership and force area, read once per request (issue 13: the
    permission rules, the workflow, the inbox and the header each asked their own query, five or six a page).

    Kept on the user object, which the authentication middleware loads afresh for every request, so a new request
    reads again; within one, any write of a role read since (`_writes`) makes the next question read again."""
    if isinstance(user, LazyObject):  # request.user: keep the memo on the user itself, wherever it is asked from
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    memo = user.__dict__.get("_roles_held")
    if memo is None or memo[0] != _writes:
        # By kind, as `Role.Meta.ordering` orders one user's roles, without the join to the user that ordering adds.
        roles = Role.objects.filter(user=user).select_related("partnership", "force_area").order_by("kind", "pk")
        memo = (_writes, list(roles))
        user.__dict__["_roles_held"] = memo
    return memo[1]


def roles_read_again(user) -> None:
    """The next question about the user's roles reads them again: a kept page (grants/kept_pages.py) records the
    queries it is made from, and the roles the middleware may have read before it are among them."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            return  # not read yet this request
        user = user._wrapped
    user.__dict__.pop("_roles_held", None)


def scope_held(user) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The keys of the partnerships where the user holds a CSP role and of the force areas where they hold a
    force-area role, sorted, from `roles_held` (no query of its own): what `PartnershipQuerySet.visible_to` and
    the reporting scope (`grants.querysets.ReportingScope`) are built from. As keys, not a subquery of roles:
    PostgreSQL then sees how many it is asked for (issue 13)."""
    roles = roles_held(user)
    partnerships = tuple(sorted({role.partnership_id for role in roles if role.partnership_id}))
    areas = tuple(sorted({role.force_area_id for role in roles if role.force_area_id}))
    return partnerships, areas


def overseen_areas(user) -> list[ForceArea]:
    """The force areas where the user is OPCC staff, the decision-maker, the finance officer or an OPCC
    administrator, by name, from `roles_held` (no query of its own): the one rule behind
    `ForceArea.objects.overseen_by` and the header's oversight navigation. Site administrators are not included:
    oversight is a role, not a technical privilege."""
    if not user.is_authenticated or not user.is_active:
        return []
    areas = {role.force_area_id: role.force_area for role in roles_held(user) if role.kind in Role.FORCE_AREA_KINDS}
    return sorted(areas.values(), key=lambda area: area.name)


def holds_role(user, kinds, *, partnership=None, force_area=None) -> bool:
    """Whether the user holds one of `kinds` for the partnership, or else the force area, given (an object or its
    key), from `roles_held`: no query of its own."""
    if not user.is_authenticated or not user.is_active:
        return False
    if partnership is not None:
        scope = getattr(partnership, "pk", partnership)
        return any(role.kind in kinds and role.partnership_id == scope for role in roles_held(user))
    scope = getattr(force_area, "pk", force_area)
    return any(role.kind in kinds and role.force_area_id == scope for role in roles_held(user))


def partnership_role(*kinds: str):
    """Predicate factory: the user holds one of `kinds` for the partnership given (or the object's)."""
    name = "is_" + "_or_".join(kinds) + "_of_partnership"

    @rules.predicate(name=name)
    def check(user, partnership) -> bool:
        return partnership is not None and holds_role(user, kinds, partnership=partnership)

    return check


def force_area_role(*kinds: str):
    """Predicate factory: the user holds one of `kinds` for the force area given."""
    name = "is_" + "_or_".join(kinds) + "_of_force_area"

    @rules.predicate(name=name)
    def check(user, force_area) -> bool:
        return force_area is not None and holds_role(user, kinds, force_area=force_area)

    return check


is_site_admin = rules.is_staff
is_partnership_member = partnership_role(*Role.PARTNERSHIP_KINDS)
is_force_area_staff = force_area_role(*Role.FORCE_AREA_KINDS)
is_officer_of = partnership_role(Role.Kind.OFFICER)


rules.add_rule("partnerships.set_up_force_area", force_area_role(Role.Kind.ADMINISTRATOR))
"""Set the force area up: its funder body, the order of the final sign-off, its Police and Crime Plan and
priorities, councils and partnerships, funding streams, and invite its people. OPCC administrators only."""


def funder_bodies_prefetch(lookup: str = "funder_bodies") -> Prefetch:
    """A force area's funder bodies (the sign-off titles) in `FunderBody.Meta.ordering`'s order within one area,
    the earliest first, without the join to the force area that ordering by the area adds (issue 13: the header
    and the inbox read them on most pages)."""
    return Prefetch(lookup, queryset=FunderBody.objects.order_by(F("starts_on").asc(nulls_first=True), "pk"))
