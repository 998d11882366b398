"""The benchmark's own URLconf: the site's addresses (config.urls) and, beside them, the floor served as a page.

Only bench/run.py uses it, through `override_settings(ROOT_URLCONF="bench.urls")` around the floor pages' own
requests; no settings module names it, so no server ever answers these addresses.

Why: the bare floor (bench/run.py `Floor`) is called directly, one SQL query and a minimal template, with no
request at all, while every real page also pays Django's request stack: the session, the signed-in user, the
refused-request recorder, the two-factor check, CSRF, the messages, the CSP and other security headers, the
history middleware. Served here through the test client like any page, the same floor shows what the stack costs
on top of it, and the empty page shows the stack alone. Comparing a page with the floor page asks "how much more
than the least a page showing these rows could cost, given the stack every page pays"; comparing it with the
bare floor (issue 13's definition) asks the same without granting the stack.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

# The floors bench/run.py serves, by name: each a callable returning the floor's response (bench/run.py `Floor`).
FLOORS: dict[str, Callable[[], HttpResponse]] = {}
EMPTY = "<!doctype html><title>Empty</title><p>Signed in.</p>"


def floor_url(name: str, floor: Callable[[], HttpResponse], *, public: bool = False) -> str:
    """Registers `floor` under `name` and gives its address: for a signed-in person (the sign-in required, as on
    every page of the product), or `public` for a page anyone may open (the national 360Giving file)."""
    FLOORS[name] = floor
    return f"/bench/{'public-floor' if public else 'floor'}/{name}/"


def floor_page(request, name: str) -> HttpResponse:
    """The floor's rows, served through the whole request stack; nothing else (no permission rule, no layout)."""
    try:
        floor = FLOORS[name]
    except KeyError:
        raise Http404("No such floor") from None
    return floor()


@login_not_required
def public_floor_page(request, name: str) -> HttpResponse:
    """The same for anyone (its own function: `login_not_required` marks the function it is given)."""
    return floor_page(request, name)


def empty_page(request) -> HttpResponse:
    """The request stack with no data: no query and no template of its own."""
    return HttpResponse(EMPTY)


urlpatterns = [
    *site_urlpatterns,
    path("bench/floor/<slug:name>/", floor_page, name="bench-floor"),
    path("bench/public-floor/<slug:name>/", public_floor_page, name="bench-public-floor"),
    path("bench/empty/", empty_page, name="bench-empty"),
]
