"""Puts the force areas the user oversees in every template, so the service navigation offers the OPCC pages
(dashboard, awards, grant rounds, reports) only to OPCC staff, PCCs and Treasurers."""

from partnerships.rules import overseen_areas


def oversight(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"oversight_areas": [], "oversight_area": None}
    areas = overseen_areas(user)  # from the roles read once per request: no query of its own
    current = None
    match = getattr(request, "resolver_match", None)
    if match is not None and "area" in match.kwargs:
        current = next((a for a in areas if a.slug == match.kwargs["area"]), None)
    return {"oversight_areas": areas, "oversight_area": current or (areas[0] if areas else None)}
