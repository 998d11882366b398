"""Puts the signed-in user's roles in every template, for the header ("Jo Bloggs, CSP officer, Safer Plymouth")."""

from .models import Role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": []}
    return {"user_roles": Role.objects.filter(user=user).select_related("partnership", "force_area")}
