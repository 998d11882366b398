"""Addresses of pages about one record, reversed once per process rather than once per row (issue 13).

`reverse` walks the URL resolver, the script prefix and the active language on every call: about 50 µs, and a home
page printed about 125 addresses, most of them the same two patterns with a different number. Here each pattern is
reversed once, with a stand-in number, for the script prefix and URL configuration in use, and each row's number is
put in its place: the same address `reverse` gives, for integer keys (which `reverse` prints as their digits)."""

from __future__ import annotations

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_STAND_IN = 987654321987  # a key no row has, found once in the reversed address and replaced
_patterns: dict[tuple, tuple[str, str]] = {}


def address(name: str, pk: int) -> str:
    """`reverse(name, args=[pk])` for a URL whose one argument is a record's integer key."""
    key = (name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)
    pattern = _patterns.get(key)
    if pattern is None:
        before, _, after = reverse(name, args=[_STAND_IN]).partition(str(_STAND_IN))
        pattern = _patterns[key] = (before, after)
    return f"{pattern[0]}{int(pk)}{pattern[1]}"
