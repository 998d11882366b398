"""Puts the signed-in user's roles in every template, for the header ("Jo Bloggs, CSP officer, Safer Plymouth";
"Deputy Mayor for Policing and Crime, London": the sign-off roles in the titles of the area's funder body)."""

from .models import Role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": []}
    roles = Role.objects.filter(user=user).select_related("partnership", "force_area")
    return {"user_roles": roles.prefetch_related("force_area__funder_bodies")}
