"""Pages kept until what they show changes (issue 13; docs/decisions.md "A page is kept while the queries it was
made from answer the same").

The key pages (home, plan page, the editor's hub, dashboard, Panel report, reporting and returns pages, performance
packs) cost 25 to 50 ms of Python a request at national scale, most of it turning rows into objects and figures and
printing them, though between two views of the same page nothing they show has usually changed. A kept page is made
once and handed out again while it is still what a new making would print, by the rule the kept documents already
follow (grants/documents/reads.py): a page's HTML is a function of the code, today's date, the request (its address,
the signed-in person, the CSRF secret its forms carry) and what its queries answer; so when the same queries, asked
again in one round trip, answer the same rows, a new making would print the same page.

How a request goes (`KeptPage`, a mixin for a view's GET):
1. The whole of the view's dispatch runs as always, its own checks first: a force area's pages check the
   person's role there on every request, kept or not. The dispatch runs in one snapshot of the database
   (REPEATABLE READ) and every query it makes is recorded (`reads.recording`), the person's roles among them
   (read again, not taken from what the middleware read before). The checks a view makes while making its page
   (whether the person may see this plan or award) are among the recorded queries: a role taken away, or a plan
   moved out of their sight, changes what those answer, so the page is made afresh and the refusal is answered.
2. When the view reaches its GET, the kept page for this key is looked up; if its recorded queries answer the
   same as when it was made (`reads.digest`), it is the answer. Otherwise the view makes the page as always, and
   when everything it did was a plain read, the page is kept with its queries and what they answered, read in the
   same snapshot as the page (so a write landing in between cannot leave a stale page kept).
3. Before asking the kept page's queries again, one small query asks whether any table they read has been written
   since the page's snapshot (grants/table_writes.py: a trigger on every table notes each writing transaction).
   If none has, they would answer the same, and the kept page is the answer without asking them. When some has
   and the queries still answer the same, the kept page takes this request's snapshot as its own (`_SEEN`, at
   most every RENEW_AFTER_SECONDS).
4. A kept page found out of date (its queries answered otherwise) is dropped, and for BACK_OFF_SECONDS the page
   is made as always, neither checked nor kept (`_CHANGED`): where what it shows is being written all the time (an
   inbox under a stream of decisions) a page kept again at once would be checked, made and kept over and over, its
   queries asked three times a view.
A page is kept from the second time the person opens it in a day: the first time it is made as always and only
remembered (`_ASKED`), so a page opened once pays nothing for keeping (recording, the replay that takes what its
queries answered, storing: about a fifth more than making it). A page made as always, kept or not (a first view,
during a back-off, after a form's message, for a browser with no CSRF cookie yet), is made in one REPEATABLE READ
snapshot too, its template rendered in it: it shows one state of the database, never a plan read before a decision
and the decisions read after it (`_made_in_one_snapshot`).

What is never kept: anything but a 200 HTML page from the view's template; a page whose making wrote anything or
locked a row; a request carrying a message to show (messages are read once); a request with no CSRF cookie yet; a
page whose queries held the time of day (`_reads_the_clock`: a filter on "now" would be frozen at the moment the
page was made, though its date is in the key); SQLite (`reads.replayable`); an installation with `KEPT_PAGES`
off. Pages read nothing from the session (what the session holds is not in the key); the signed-in person's own
row, read by the middleware before the view, is in the key.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
import secrets
import time
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone

from grants import table_writes
from grants.documents import reads
from partnerships.rules import roles_read_again

logger = logging.getLogger(__name__)

# Bump when what a kept page holds, or how its key is made, changes.
FORMAT = 2
# A day at most: today's date is in the key, so a page is never handed out on another day.
KEPT_FOR = 24 * 60 * 60
# Beside a page's key: it was asked for once already today, so the next making is recorded and kept.
_ASKED = ":asked"
# Beside a page's key: a later snapshot in which its queries were asked again and answered the same (`handler`),
# with the id of the kept page it vouches for. Small, so renewing it costs little.
_SEEN = ":seen"
# Beside a page's key: its kept copy was found out of date (its queries answered otherwise), so for a while it is
# made as always and not kept. Under a stream of writes to what a page reads (a home page's inbox, at saturation)
# keeping it again at once cost three times its queries a view: asked again to check, asked to make the page, and
# asked once more to keep it; its next views would likely find it changed again.
_CHANGED = ":changed"
BACK_OFF_SECONDS = 60
# A snapshot is renewed at most this often: under a stream of writes (every second, at saturation) renewing on every
# view costs more than the replays it saves; on an ordinary day a page is viewed again well after this.
RENEW_AFTER_SECONDS = 30

# A timestamp with a time of day, as psycopg writes one into SQL: '2026-11-27 18:14:19.123456+00:00'::timestamptz.
_TIMESTAMP = re.compile(r"'(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:?\d{2})?)'")
# A query whose timestamp is this close to the time of day the page was made, on any day, read "now".
_CLOCK_WINDOW = timedelta(minutes=2)


@dataclass(frozen=True)
class _Kept:
    queries: list[str]
    digest: str
    content: bytes  # the HTML, compressed
    headers: list[tuple[str, str]]
    # The tables its queries read and the snapshot it was made in: while no later transaction has written one of
    # them, the queries need not be asked again (grants/table_writes.py). None: always ask them.
    tables: tuple[str, ...] | None = None
    seen: str | None = None
    made_id: str = ""  # this making's own id: a renewed snapshot (`_SEEN`) applies to this kept page only
    seen_at: float = 0.0  # when `seen` was taken (time.time())


def _reads_the_clock(queries: list[str], now: datetime) -> bool:
    """Whether a query holds a timestamp within a few minutes of `now`'s time of day (on any day: "now", "a week
    ago"). Such a filter would answer the same on replay however the clock moved, so the page is not kept. A
    stored timestamp that happens to fall in the window costs only a page made afresh."""
    seconds_now = _seconds_into_day(now)
    window = _CLOCK_WINDOW.total_seconds()
    for query in queries:
        for text in _TIMESTAMP.findall(query):
            try:
                stamp = datetime.fromisoformat(text.replace(" ", "T", 1))
            except ValueError:
                continue
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(now.tzinfo)
            apart = abs(_seconds_into_day(stamp) - seconds_now)
            if min(apart, 86400 - apart) <= window:
                return True
    return False


def _seconds_into_day(moment: datetime) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _person(user) -> str:
    """The signed-in person's own row as the middleware read it (before the view, so not among the recorded
    queries): their name, e-mail address and flags appear in the page and decide what it offers."""
    if not user.is_authenticated:
        return "anonymous"
    user = getattr(user, "_wrapped", user)
    return repr([(field.attname, getattr(user, field.attname)) for field in user._meta.concrete_fields])


def _key(request) -> str:
    parts = [
        str(FORMAT),
        reads.code_version(),
        timezone.localdate().isoformat(),
        request.get_host(),
        "https" if request.is_secure() else "http",
        request.get_full_path(),
        _person(request.user),
        request.META.get("CSRF_COOKIE", ""),  # the forms' tokens are masks of this secret
    ]
    return "kept-page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _keepable(request) -> bool:
    return (
        settings.KEPT_PAGES
        and request.method == "GET"
        and reads.replayable()
        and bool(request.META.get("CSRF_COOKIE"))
        and len(messages.get_messages(request)) == 0
    )


@dataclass(frozen=True)
class _Found:
    """What the cache holds for a page's key: its kept copy, if any (with its latest renewed snapshot), whether it
    was asked for earlier today, and whether a kept copy was found out of date lately (`_CHANGED`)."""

    kept: _Kept | None
    asked: bool
    changed_lately: bool = False


def _load(key: str) -> _Found:
    """What is kept for `key` (one query)."""
    found = cache.get_many([key, key + _ASKED, key + _SEEN, key + _CHANGED])
    stored, asked, changed_lately = found.get(key), bool(found.get(key + _ASKED)), bool(found.get(key + _CHANGED))
    if stored is None:
        return _Found(None, asked, changed_lately)
    try:
        kept = pickle.loads(zlib.decompress(stored))  # noqa: S301 - written by this module, in our own cache
    except Exception:  # noqa: BLE001 - an entry from another version of the code: make the page again
        return _Found(None, asked, changed_lately)
    if not isinstance(kept, _Kept):
        return _Found(None, True, changed_lately)
    renewed = found.get(key + _SEEN)
    if isinstance(renewed, tuple) and len(renewed) == 3 and kept.made_id and renewed[0] == kept.made_id:
        kept = replace(kept, seen=renewed[1], seen_at=renewed[2])
    return _Found(kept, True, changed_lately)


def _response(request, kept: _Kept) -> HttpResponse:
    get_token(request)  # as the template's {% csrf_token %} would: the cookie's lifetime is renewed
    response = HttpResponse(zlib.decompress(kept.content))
    for name, value in kept.headers:
        response[name] = value
    response.kept = True  # for tests: handed out kept, not made
    return response


class KeptPage:
    """A view whose GET page is kept until what it shows changes (this module's docstring). Put it first among
    the view's bases, so that its dispatch wraps the view's own checks.
    `keeps(request)` says which GET requests may be kept (a download asked by `?format=`, say, is not)."""

    def keeps(self, request) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if not (_keepable(request) and self.keeps(request)):
            if request.method == "GET" and self.keeps(request):  # a page after a form's message, say
                return self._made_in_one_snapshot(request, *args, **kwargs)
            return super().dispatch(request, *args, **kwargs)
        key = _key(request)
        found = _load(key)
        self._kept = found.kept  # handed out only once the view's own checks have passed
        if found.changed_lately:
            # Found out of date a moment ago: made as always, neither checked nor kept, until the back-off is over.
            return self._made_in_one_snapshot(request, *args, **kwargs)
        if self._kept is None and not found.asked:
            # The first time today this person opens this page: made as always, and only remembered. Recording,
            # checking and keeping cost a page made for the first time about a fifth more, which a page opened
            # once (most, under a burst of people each opening their own) would pay for nothing.
            response = self._made_in_one_snapshot(request, *args, **kwargs)
            cache.set(key + _ASKED, True, KEPT_FOR)
            return response
        self._kept_served = False
        self._found_changed = False
        outer = not connection.in_atomic_block
        self.get = self._kept_or_made(self.get, key, outer)  # what the view's dispatch calls for a GET
        with reads.one_snapshot():
            today, now = timezone.localdate(), timezone.localtime()
            try:
                with reads.recording() as queries:
                    roles_read_again(request.user)  # read among the recorded queries, not before them
                    response = super().dispatch(request, *args, **kwargs)
                    if self._kept_served or not isinstance(response, TemplateResponse):
                        return response
                    response.render()
            except reads.NotReplayable as error:
                # The view wrote or locked something: the page it made is the answer, not kept.
                logger.debug("Not kept, %s: %s", request.path, error)
                return response
            if self._found_changed:
                pass  # made because the kept copy was out of date: not kept again for a while (`_back_off`)
            elif response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                return response
            elif timezone.localdate() != today or _reads_the_clock(queries, now):
                logger.debug("Not kept, %s: its queries hold the time of day", request.path)
                return response
            else:
                with reads.unrecorded():
                    # The snapshot its queries read, which only REPEATABLE READ (set above, outside any caller's
                    # transaction) keeps for the whole transaction.
                    seen = table_writes.snapshot() if outer else None
                kept = _Kept(
                    queries=queries,
                    digest=reads.digest(queries),  # in the snapshot the page was made in
                    content=zlib.compress(response.content, 1),
                    headers=list(response.items()),
                    tables=table_writes.tables_read(queries) if seen else None,
                    seen=seen,
                    made_id=secrets.token_hex(8),
                    seen_at=time.time(),
                )
        if self._found_changed:
            _back_off(key)
        else:
            cache.set(key, zlib.compress(pickle.dumps(kept), 1), KEPT_FOR)
        return response

    def _made_in_one_snapshot(self, request, *args, **kwargs):
        """The page made as always, not kept, but from one snapshot of the database, its template rendered in it
        too: its queries each in their own snapshot, a decision committed between two of them (the other signer's
        sign-off, between reading the plan and reading its decisions) made a page of two states, which the
        workflow's questions could not answer (a 500 seen under load; tests/grants/test_page_in_one_snapshot.py)."""
        if connection.in_atomic_block or not reads.replayable():
            # Inside a caller's transaction (a test's), whose isolation is the caller's to choose; on SQLite, the
            # try-it database, which serves one person.
            return super().dispatch(request, *args, **kwargs)
        with reads.one_snapshot():
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, TemplateResponse):
                response.render()
        return response

    def _kept_or_made(self, made, key: str, outer: bool):
        """The view's GET handler, reached only once the view's own checks have passed: the kept page when its
        queries answer the same, else the page `made` as always."""

        def handler(request, *args, **kwargs):
            kept = self._kept
            if kept is not None and _unwritten(kept):
                self._kept_served = True
                return _response(request, kept)
            if kept is not None and reads.digest(kept.queries) == kept.digest:
                if kept.tables and outer and time.time() - kept.seen_at > RENEW_AFTER_SECONDS:
                    # Its queries answered the same in this request's snapshot: the page is current as of it, so
                    # writes before it need not be asked about again.
                    # Written once this request's transaction is over: inside it (REPEATABLE READ) a write that
                    # meets another request's write of the same entry is given up (config/operations/cache.py),
                    # and this renewal is worth keeping.
                    with reads.unrecorded():
                        renewed = (kept.made_id, table_writes.snapshot(), time.time())
                    transaction.on_commit(lambda: cache.set(key + _SEEN, renewed, KEPT_FOR))
                self._kept_served = True
                return _response(request, kept)
            self._found_changed = kept is not None
            return made(request, *args, **kwargs)

        return handler


def _back_off(key: str) -> None:
    """The kept copy under `key` was out of date: it goes, and the page is made as always for BACK_OFF_SECONDS."""
    cache.set(key + _CHANGED, True, BACK_OFF_SECONDS)
    cache.delete(key)


def _unwritten(kept: _Kept) -> bool:
    """Whether no table the kept page read has been written since it was made: then its queries would answer the
    same, and are not asked again (one small query instead of all of them; grants/table_writes.py)."""
    with reads.unrecorded():
        return table_writes.unwritten_since(kept.tables, kept.seen)
