"""Puts the signed-in user's roles in every template, for the header ("Jo Bloggs, CSP officer, Safer Plymouth";
"Deputy Mayor for Policing and Crime, London": the sign-off roles in the titles of the area's funder body)."""

from django.db.models import prefetch_related_objects
from django.utils.functional import SimpleLazyObject

from .rules import funder_bodies_prefetch, roles_held


def _with_titles(user):
    """The roles the rules read for this request, with their areas' funder bodies (the sign-off titles) added
    only when a template shows them."""
    roles = roles_held(user)
    prefetch_related_objects(
        [role for role in roles if role.force_area_id], funder_bodies_prefetch("force_area__funder_bodies")
    )
    return roles


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": []}
    return {"user_roles": SimpleLazyObject(lambda: _with_titles(user))}
