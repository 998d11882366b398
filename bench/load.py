"""A bounded load on an app server over the national data set (issue 13): N signed-in people, each doing what their
role does (reads, edits, approvals and returns, in MIX's shares) with a pause between requests, for a fixed time;
reports throughput, p50, p95 and errors, each kind of request apart, and the mix of actions the run had.

    # start gunicorn on a free loopback port over the database, then load it (what docs/performance.md reports):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.load --serve \\
        --workers 2 --threads 1 --users 200 --seconds 60 --pause 5 10
    # saturation: no pause between requests
    DATABASE_URL=… .venv/bin/python -m bench.load --serve --users 50 --seconds 60 --pause 0 0
    # or a server you started, with the same DATABASE_URL and SECRET_KEY:
    DATABASE_URL=… SECRET_KEY=… .venv/bin/python -m bench.load --url http://127.0.0.1:8000 --users 50

Signing in: OPCC roles need two factors, so the people are not signed in through the forms (which would also
measure the password hash, on purpose slow). Each person's session is made here, in the database, as a finished
two-factor sign-in leaves it (`mark_session_data(..., second_factor=True)`); the server reads it like any other.
With `--serve` the server gets this process's SECRET_KEY (a random one unless set), which the sessions depend on.

Who is signed in (`people`): people of the CSPs (officers, executive group and board members) and of the force
areas (OPCC officers, decision-makers and finance officers), found in a random order (`--seed`). As many of them
as MIX needs have work besides reading (`crowd_shares`): officers with a draft plan to edit or an open return to
enter, and the people who approve: force area by force area, everyone along the way of its plans in flight (the
executive group and board of each CSP whose plan in flight has not yet passed them, then the area's OPCC officers,
decision-makers and finance officers: `approval_chains`), so that a plan one of them approves reaches the next
one's inbox within the crowd rather than someone the load never signed in. Whole areas are taken until their plans
wait for as many decisions as the run is expected to take (`expected_approvals`), up to half the crowd
(`approvers`); the rest read only. A person with work does it whenever its kind's share of the crowd's actions so
far is below MIX's and reads otherwise (`next_kind`), so the actions come out in MIX's shares while the work lasts,
under saturation too. A data set with too few people for a kind, or inboxes the run has emptied (the national data
set's plans in review wait for 13 decisions an area, 492 in all, and each run takes some), make the rest reads:
the result's "mix" gives the shares the run had beside MIX's, and how many actions found nothing left to do.

What each kind is, always through the pages and forms a person uses: a read opens one of their role's pages; an
edit saves a draft plan's details as the edit page shows them (its revision included, so a stale page is refused
as a person's would be); an approval opens their home page, follows a decision link of its inbox (what waits for
them; not "return" or "decline") and sends the form; a return saves an open quarterly return as its page shows it
(returns are set up first for the latest year's approved grants, as approval does). A form that
comes back with an error summary, or an edit or return page answered 403 (someone else moved the plan or the
return on first: the officer's draft was submitted meanwhile), counts as refused, not as an error; an error is
any other answer of 400 or more, a sign-in page, or no answer.

The client runs in this process on the same cores as gunicorn and PostgreSQL, so what it costs the server does not
get. It is kept cheap (one keep-alive connection per person, reopened when the server closes it; answers kept as
bytes; only a form's own text parsed, found by string search; no regular expressions over whole pages) and it is
measured: "client_cpu_ms_per_request" is this process's CPU over the run (all its threads, not gunicorn's) per
request, "client_share_of_cores" the same as a share of the machine. `--nice N` runs the client at niceness N so the
server and the database get the cores first; "client_nice" says which niceness was used.

Cold or warm: a run starts on pages no one has opened that day, so most of its first minute is first views, each
page made afresh (a page is kept from its second view in a day: grants/kept_pages.py). `--warm-up S` lets the
crowd work S seconds first, unmeasured, and measures the `--seconds` after: a morning already under way. Both are
worth knowing; docs/performance.md says which a figure is. Before the crowd comes in, the scheduler's job that
keeps each plan's rows, editor lines and content snapshot (grants/fragments.py `keep_fragments`, hourly in
production) runs once, as it would have overnight: a plan's fragments are kept until its content changes, not
for a day, so a morning finds them kept. `--first-day` skips it: the installation's first day, on a data set no
one has opened, each plan's rows made by its first viewer.

Bounded on purpose: loopback addresses only, at most 300 people and 120 seconds (and a warm-up of at most 120),
`--pause 0 0` for saturation.
The load changes the database (plans move along, returns are saved): run it on a benchmark database.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import ipaddress
import math
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

MAX_USERS, MAX_SECONDS = 300, 120
ROOT = Path(__file__).resolve().parent.parent
MIX = {"read": 0.70, "edit": 0.12, "approve": 0.08, "return": 0.10}
SKIPPED_ACTIONS = {"return", "decline", "withdraw"}  # decisions a load never takes: they need reasons


def _loopback(url: str) -> bool:
    host = urllib.parse.urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Person:
    session_key: str
    reads: list[str]
    edits: list[str] = field(default_factory=list)  # draft plans' details pages
    returns: list[str] = field(default_factory=list)  # open returns' edit pages
    approves: bool = False  # decisions waited for them when the load began, or reach them along a chain
    work: str = "read"  # the kind of work they do besides reading: "edit", "return" or "approve" (MIX)


# The roles whose people the load signs in: the CSP's officers, executive group and board, and the force area's
# OPCC officers, decision-makers and finance officers (the chain of approval, so that approved steps reach the next
# person's inbox).
LOADED_ROLES = ("officer", "executive", "board", "opcc", "pcc", "treasurer")
# The crowd holds as many people with work of each kind as would give MIX's share of the actions if each did their
# work one time in WORK_SHARE (`crowd_shares`); during the run they do it whenever its share of the actions so far
# is below MIX's (`next_kind`), so the shares hold whatever each kind of action costs.
WORK_SHARE = 0.5
# At most this share of the crowd is taken along the areas' approval chains (`approvers`).
APPROVERS_AT_MOST = 0.5


def crowd_shares(count: int) -> dict[str, int]:
    """How many of `count` people are to have work of each kind besides reading, so that, doing it one time in
    WORK_SHARE, the crowd's actions come out in MIX's shares."""
    return {kind: math.ceil(count * share / WORK_SHARE) for kind, share in MIX.items() if kind != "read"}


def next_kind(work: str, tally: Counter) -> str:
    """What a person whose work is `work` does next: that work while its share of the crowd's actions so far
    (`tally`: those done and under way) is below MIX's, otherwise a read. Deciding on the actions so far rather
    than at random keeps the run in MIX's shares under saturation too, where a form's two or three requests take
    longer than a read's one and people with work would otherwise do fewer actions than those who read."""
    if work != "read" and tally[work] < MIX[work] * sum(tally.values()):
        return work
    return "read"


def people(count: int, seed: int, *, approvals: int = 0) -> list[Person]:
    """Signed-in people of the roles in LOADED_ROLES, each with the addresses their work takes them to: as many
    with drafts to edit, returns to enter and decisions to take as MIX needs (`crowd_shares`): those who approve
    taken first along whole areas' approval chains (`approval_chains`), enough of them for `approvals` decisions
    (`expected_approvals`) but at most APPROVERS_AT_MOST of the crowd, then anyone with a decision waiting; the
    others found among the roles in a random order (`seed`); the rest read only. On a small data set with too few
    people for a kind of work, the rest read: the result's "mix" says which shares the run had."""
    from partnerships.models import Role

    rng = random.Random(seed)
    roles = list(
        Role.objects.filter(kind__in=LOADED_ROLES).select_related("user", "partnership", "force_area").order_by("pk")
    )
    wanted = crowd_shares(count)
    workers: list[Person] = []
    readers: list[Person | Role] = []  # signed in already while looking for work, or not yet
    chained = approvers(
        approval_chains(roles, rng),
        wanted=wanted["approve"],
        decisions=approvals,
        at_most=math.floor(count * APPROVERS_AT_MOST),
    )
    for role in chained:  # decisions wait for them, or reach them from their chain's earlier steps
        person = _signed_in(role)
        person.approves, person.work = True, "approve"
        workers.append(person)
    wanted["approve"] = max(0, wanted["approve"] - len(chained))
    taken = {role.pk for role in chained}
    for role in [role for role in rng.sample(roles, len(roles)) if role.pk not in taken]:
        open_kinds = [kind for kind in wanted if wanted[kind] and (kind != "approve") == (role.kind == "officer")]
        if not open_kinds:
            if len(workers) + len(readers) >= count and not any(wanted.values()):
                break
            readers.append(role)
            continue
        person = _signed_in(role, inbox="approve" in open_kinds)
        work = next((kind for kind in open_kinds if _can(person, kind)), None)
        if work is None:
            readers.append(person)
            continue
        person.work = work
        wanted[work] -= 1
        workers.append(person)
    workers = workers[:count]
    missing = count - len(workers) - len(readers)
    if missing > 0:  # more people than roles (a small data set): some are signed in twice, as on a second device
        readers += [roles[i % len(roles)] for i in range(missing)]
    readers = readers[: count - len(workers)]
    return workers + [r if isinstance(r, Person) else _signed_in(r) for r in readers]


@dataclass
class AreaChain:
    """A force area's people still ahead of its plans in review, and how many decisions those plans wait for (the
    most its people can take during a load: every step's person is among them)."""

    roles: list
    decisions: int


def approval_chains(roles: list, rng: random.Random) -> list[AreaChain]:
    """Of `roles`, the people along the way still ahead of the plans in review (`grants.workflow.stages_ahead`,
    each stage's role from `ACTS_AT`), force area by force area: the CSPs' people first (the executive group and
    board of each CSP whose plan has not yet passed them), then the area's (OPCC officers, decision-makers, finance
    officers). The areas come by their decisions per person, most first (ties in a random order), so
    that a crowd of a given size can take as many decisions as possible. Taken whole, an area's chain approves its
    plans step by step within the crowd: the people with a decision waiting when the load begins approve and the
    plan moves on, so an approval reaches the next step's inbox only when that person was signed in too. People
    whose step every plan of theirs has passed are left out: they would wait for nothing."""
    from grants.models import SpendingPlan
    from grants.workflow import ACTS_AT, IN_REVIEW, PARTNERSHIP_STAGES, stages_ahead

    in_review = SpendingPlan.objects.filter(status__in=IN_REVIEW, award__partnership__isnull=False).select_related(
        "award__partnership"
    )
    ahead: dict[int, set[tuple[str, int]]] = defaultdict(set)  # area: (role kind, partnership or area) ahead
    decisions: Counter = Counter()  # area: the decisions its plans in review wait for, now and later
    for plan in in_review:
        partnership = plan.award.partnership
        for stage in stages_ahead(plan):
            scope = partnership.pk if stage in PARTNERSHIP_STAGES else partnership.force_area_id
            ahead[partnership.force_area_id].add((ACTS_AT[stage], scope))
            decisions[partnership.force_area_id] += 1
    chains = []
    for area in decisions:
        chain = [r for r in roles if r.partnership_id and (r.kind, r.partnership_id) in ahead[area]]
        chain += [r for r in roles if not r.partnership_id and (r.kind, r.force_area_id) in ahead[area]]
        if chain:
            chains.append(AreaChain(chain, decisions[area]))
    return sorted(chains, key=lambda chain: (-chain.decisions / len(chain.roles), rng.random()))


def approvers(chains: list[AreaChain], *, wanted: int, decisions: int, at_most: int) -> list:
    """The roles to sign in to approve: whole areas' chains, in their order, until there are `wanted` people and
    the chains hold `decisions` decisions, but never more than `at_most` people (the last area cut short only when
    it would be the first)."""
    taken, held = [], 0
    for chain in chains:
        if len(taken) >= wanted and held >= decisions:
            break
        if len(taken) + len(chain.roles) > at_most:
            if not taken:
                taken = chain.roles[:at_most]
            break
        taken += chain.roles
        held += chain.decisions
    return taken


def expected_approvals(users: int, seconds: float, pause: tuple[float, float]) -> int:
    """About how many approvals MIX asks of a run: the actions the crowd will do (one a person every mean pause,
    plus about half a second for the action itself) at MIX's share. Without a pause (saturation), the number is
    bounded by how many approvers the crowd can hold (`APPROVERS_AT_MOST`), not by this."""
    actions = users * seconds / (sum(pause) / 2 + 0.5)
    return math.ceil(actions * MIX["approve"])


def _can(person: Person, kind: str) -> bool:
    return bool({"edit": person.edits, "return": person.returns, "approve": person.approves}[kind])


def _signed_in(role, *, inbox: bool = False) -> Person:
    """A session for the role's person, as a finished two-factor sign-in leaves it, and their addresses; whether
    decisions wait in their inbox is read only when `inbox` (the load still wants people who approve)."""
    import rules
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from grants.inbox import awaiting_decision
    from grants.models import PerformanceReturn, SpendingPlan
    from grants.services import returns as return_service
    from partnerships.accounts.policy import mark_session_data

    user = role.user
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    mark_session_data(session, user, second_factor=True)
    session.save()
    if role.partnership_id:
        plans = list(SpendingPlan.objects.filter(award__partnership=role.partnership).order_by("-pk"))
        person = Person(session.session_key, ["/", *(reverse("grants:plan-detail", args=[p.pk]) for p in plans[:3])])
        if role.kind == "officer":
            person.edits = [
                reverse("grants:plan-edit-details", args=[p.pk])
                for p in plans
                if rules.test_rule("grants.edit_plan", user, p)
            ]
            open_returns = PerformanceReturn.objects.filter(period__award__partnership=role.partnership).order_by("-pk")
            person.returns = [
                reverse("grants:return-edit", args=[r.pk])
                for r in open_returns[:10]
                if return_service.may_edit(user, r)
            ]
            person.reads += [reverse("grants:returns", args=[p.award_id]) for p in plans[:1]]
    else:
        area = role.force_area
        plan = SpendingPlan.objects.filter(award__partnership__force_area=area).order_by("-pk").first()
        year = plan.award.financial_year
        person = Person(
            session.session_key,
            [
                "/",
                reverse("grants:oversight-dashboard", args=[area.slug]) + f"?year={year}",
                reverse("grants:panel-report", args=[area.slug, year]),
                reverse("grants:plan-detail", args=[plan.pk]),
            ],
        )
    if inbox and role.kind != "officer":
        person.approves = any(
            action.name not in SKIPPED_ACTIONS for item in awaiting_decision(user) for action in item.actions
        )
    return person


def returns_set_up() -> None:
    """Quarterly returns for the approved grants of the latest year, as approval sets them up. Only the latest: the
    generator writes no history of returns, and earlier years' returns, set up now, would all be unstarted and
    late (in life they were made and accepted), which no home page would show in such numbers."""
    from grants.models import SpendingPlan
    from grants.services.returns import returns_set_up as set_up

    latest = SpendingPlan.objects.order_by("-award__financial_year").values_list("award__financial_year", flat=True)
    for plan in SpendingPlan.objects.in_force().filter(award__financial_year=latest[:1]).select_related("award"):
        set_up(award=plan.award)


class FormReader(HTMLParser):
    """The fields of a page's POST forms as a browser would send them unchanged: inputs with their values
    (checkboxes and radios only when checked), text areas, the selected option of each list."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, list[tuple[str, str]]]] = []
        self._fields: list[tuple[str, str]] | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._fields = []
            self.forms.append((a.get("action") or "", self._fields))
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image"):
                return
            self._fields.append((name, a.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                self._selected = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "textarea" and self._textarea is not None and self._fields is not None:
            self._fields.append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._fields is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            self._fields.append((self._select, chosen or ""))
            self._select = None


def form_of(page: str, path: str) -> list[tuple[str, str]] | None:
    """The page's own form (posting to itself), not the sign-out button in the header. Only the text of each POST
    form is parsed, found by plain string search, not the whole page: the client shares the server's two cores."""
    at = page.find("<form")
    while at != -1:
        tag_end = page.find(">", at)
        end = page.find("</form>", tag_end)
        if tag_end == -1 or end == -1:
            return None
        if 'method="post"' in page[at:tag_end].lower():
            reader = FormReader()
            reader.feed(page[at : end + len("</form>")])
            for action, fields in reader.forms:
                if action in ("", path) and any(name == "csrfmiddlewaretoken" for name, _ in fields):
                    return fields
        at = page.find("<form", end)
    return None


def decision_links(page: bytes) -> list[tuple[str, str]]:
    """(address, action) of each decision link on a home page (`/plans/<pk>/decide/<action>/`), by plain search for
    the links to plans rather than a regular expression over the whole page."""
    found, marker = [], b'href="/plans/'
    at = page.find(marker)
    while at != -1:
        start = at + len('href="')
        end = page.find(b'"', start)
        if end == -1:
            break
        parts = page[start:end].split(b"/")  # b"", b"plans", pk, b"decide", action, b""
        if len(parts) == 6 and parts[3] == b"decide" and parts[2].isdigit() and not parts[5]:
            found.append((page[start:end].decode(), parts[4].decode()))
        at = page.find(marker, end)
    return found


class Visitor:
    """One person's browser, kept cheap because it runs on the same cores as the server: one keep-alive connection
    (opened again when the server closes it, as gunicorn's sync workers do after every answer, or when it was
    closed while idle), their session cookie and the cookies the server sets (the CSRF token, messages), redirects
    followed. Answers are read in full, as bytes; nothing is decoded or parsed unless a form is wanted."""

    MAX_REDIRECTS = 5

    def __init__(self, url: str, session_key: str):
        parts = urllib.parse.urlsplit(url)
        self.url = url
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
        self.cookies = {"sessionid": session_key}

    def _exchange(self, method: str, path: str, body: bytes | None) -> http.client.HTTPResponse:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Referer": self.url + path}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        reused = self.connection.sock is not None
        try:
            self.connection.request(method, path, body=body, headers=headers)
            return self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()
            if not reused:
                raise
        # The server had closed the idle connection before this request reached it: send it once more, anew.
        self.connection.request(method, path, body=body, headers=headers)
        return self.connection.getresponse()

    def _keep(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or ():
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            if "max-age=0" in attributes.lower() or not value.strip('"'):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def open(self, path: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, str, bytes]:
        """(status, the address finally answered, the body) for a GET, or a POST of `fields`."""
        method, body = ("POST", urllib.parse.urlencode(fields).encode()) if fields is not None else ("GET", None)
        for _ in range(self.MAX_REDIRECTS + 1):
            response = self._exchange(method, path, body)
            page = response.read()
            self._keep(response)
            location = response.getheader("Location")
            if response.status not in (301, 302, 303, 307, 308) or not location:
                return response.status, path, page
            path = urllib.parse.urlsplit(location)._replace(scheme="", netloc="").geturl() or "/"
            if response.status in (301, 302, 303):
                method, body = "GET", None
        return response.status, path, page

    def close(self) -> None:
        self.connection.close()


@dataclass
class Outcome:
    kind: str
    ms: float
    problem: str = ""
    refused: bool = False


def _check(status: int, where: str, what: str) -> str:
    if status >= 400 or "/login" in where or "/accounts/" in where:
        return f"{what}: {status} {where}"
    return ""


def act(visitor: Visitor, person: Person, kind: str, rng: random.Random) -> tuple[str, list[Outcome]]:
    """One thing a person does: one request for a read, two or three for a form (each timed apart). Returns the
    kind of thing done ("read" when there was nothing of `kind` left to do) and the requests' outcomes."""
    outcomes: list[Outcome] = []

    def timed(kind_, path, fields=None):
        started = time.perf_counter()
        try:
            status, where, page = visitor.open(path, fields)
            problem = _check(status, where, path)
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, a broken answer
            status, where, page, problem = 0, "", b"", f"{path}: {error!r}"
        outcome = Outcome(kind_, (time.perf_counter() - started) * 1000, problem)
        if status == 403 and kind_ in ("edit", "return"):  # someone moved the plan or return on first: the app
            outcome.problem, outcome.refused = "", True  # refuses, as it would refuse a person; not an error
        outcomes.append(outcome)
        return status, page, outcome

    if kind == "approve":  # the home page's inbox lists what waits for this person, with its decision links
        status, page, _ = timed("read", "/")
        links = [link for link, action in decision_links(page) if action not in SKIPPED_ACTIONS]
        if not links:
            return "read", outcomes
        path = rng.choice(links)
    else:
        targets = {"edit": person.edits, "return": person.returns}.get(kind)
        if not targets:
            timed("read", rng.choice(person.reads))
            return "read", outcomes
        path = rng.choice(targets)
    status, page, opened = timed("read" if kind == "approve" else kind, path)
    if opened.problem:
        return kind, outcomes
    fields = form_of(page.decode("utf-8", "replace"), path) if not opened.refused else None
    if fields is None:
        return kind, outcomes
    status, answer, sent = timed(kind, path, fields)
    sent.refused = not sent.problem and b"govuk-error-summary" in answer
    return kind, outcomes


def run(
    url: str,
    crowd: list[Person],
    seconds: float,
    pause: tuple[float, float],
    seed: int,
    *,
    warm_up: float = 0.0,
    on_measure=None,
) -> dict:
    """The crowd at work for `warm_up` seconds, then `seconds` more, which alone are measured: the actions begun
    in the warm-up are left out of the figures (their errors are counted apart, "warm_up_errors"), and
    `on_measure` is called when the measured time begins (the server's CPU is read then). Without a warm-up the
    run starts on pages no one has opened that day, each made afresh; after one, on a morning already under way."""
    began = time.monotonic()
    measure_from = began + warm_up
    stop = measure_from + seconds
    outcomes: list[Outcome] = []
    warm_up_outcomes: list[Outcome] = []
    wanted, done = Counter(), Counter()  # actions by kind: chosen, and done (nothing left of a kind: a read)
    tally = Counter()  # actions by kind, done and under way (`next_kind`)
    lock = threading.Lock()

    def person(index: int, who: Person) -> None:
        rng = random.Random(seed + index)
        visitor = Visitor(url, who.session_key)
        time.sleep(rng.uniform(0, pause[1]))  # people do not all arrive in the same second
        try:
            while time.monotonic() < stop:
                measured = time.monotonic() >= measure_from
                with lock:
                    kind = next_kind(who.work, tally)
                    tally[kind] += 1
                kind_done, requests = act(visitor, who, kind, rng)
                with lock:
                    (outcomes if measured else warm_up_outcomes).extend(requests)
                    if measured:
                        wanted[kind] += 1
                        done[kind_done] += 1
                    tally[kind] -= 1
                    tally[kind_done] += 1
                time.sleep(rng.uniform(*pause))
        finally:
            visitor.close()

    threads = [threading.Thread(target=person, args=(i, p), daemon=True) for i, p in enumerate(crowd)]
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, measure_from - time.monotonic()))
    if on_measure:
        on_measure()
    measuring, measuring_cpu = time.monotonic(), time.process_time()
    for thread in threads:
        thread.join(timeout=max(0.0, stop - time.monotonic()) + 60)
    took, client_cpu = time.monotonic() - measuring, time.process_time() - measuring_cpu
    result = {
        **summary(outcomes, took, len(crowd)),
        "mix": mix(done, wanted),
        **client_cost(client_cpu, took, len(outcomes)),
    }
    if warm_up:
        result["warm_up_seconds"] = warm_up
        result["warm_up_requests"] = len(warm_up_outcomes)
        result["warm_up_errors"] = sum(1 for o in warm_up_outcomes if o.problem)
    return result


def mix(done: Counter, wanted: Counter) -> str:
    """The shares of the actions done by kind, beside MIX's; and how many chosen actions found nothing of their kind
    left to do (an inbox emptied by the run, say) and read instead."""
    actions = sum(done.values())
    if not actions:
        return "no actions"
    shares = ", ".join(f"{kind} {done[kind] * 100 / actions:.0f}% (MIX {MIX[kind] * 100:.0f}%)" for kind in MIX)
    fell_back = sum(wanted.values()) - sum(done[kind] for kind in MIX if kind != "read") - wanted["read"]
    return f"{actions} actions: {shares}; {fell_back} found nothing left to do and read instead"


def client_cost(cpu_seconds: float, took: float, requests: int) -> dict:
    """What the load's own client cost: this process's CPU (all its threads; with `--serve`, not gunicorn's, a
    separate process) per request and as a share of the machine's cores over the run. The client runs on the same
    cores as the server and PostgreSQL, so whatever it takes the server does not get; `--nice` lowers its claim."""
    cores = os.cpu_count() or 1
    return {
        "client_cpu_ms_per_request": round(cpu_seconds * 1000 / requests, 2) if requests else None,
        "client_share_of_cores": f"{cpu_seconds * 100 / (took * cores):.1f}% of {cores}" if took else None,
        "client_nice": os.nice(0),
    }


def _percentiles(times: list[float]) -> tuple[float | None, float | None]:
    if not times:
        return None, None
    ordered = sorted(times)
    return round(statistics.median(ordered), 1), round(ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)], 1)


def summary(outcomes: list[Outcome], took: float, crowd: int) -> dict:
    p50, p95 = _percentiles([o.ms for o in outcomes])
    errors = [o.problem for o in outcomes if o.problem]
    result = {
        "people": crowd,
        "seconds": round(took, 1),
        "requests": len(outcomes),
        "per_second": round(len(outcomes) / took, 1) if took else 0,
        "p50_ms": p50,
        "p95_ms": p95,
        "errors": len(errors),
        "refused": sum(o.refused for o in outcomes),
    }
    for kind in ("read", *(k for k in MIX if k != "read")):
        times = [o.ms for o in outcomes if o.kind == kind]
        k50, k95 = _percentiles(times)
        result[f"{kind}s"] = f"{len(times)} requests, p50 {k50} ms, p95 {k95} ms"
    result["first_errors"] = errors[:5]
    return result


def cpu_per_request(before: dict, after: dict, requests: int) -> dict:
    """The server's CPU per request, gunicorn's and PostgreSQL's, and what that would allow on this machine's cores
    with nothing else running: a projection, for a machine shared with other work, not a measurement."""
    spent = {part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items()) for part in after}
    total = sum(spent.values())
    if not requests or total <= 0:
        return {}
    cores = os.cpu_count() or 1
    return {
        "server_cpu_ms_per_request": round(total * 1000 / requests, 1),
        "of_which_app_ms": round(spent["app"] * 1000 / requests, 1),
        "of_which_database_ms": round(spent["database"] * 1000 / requests, 1),
        f"projected_per_second_on_{cores}_free_cores": round(cores * requests / total, 1),
    }


def free_port() -> int:
    """A TCP port free on the loopback address, for a server this process starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    url: str
    pid: int


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (Linux /proc), 0 if it has gone."""
    fields = _stat_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _reaped_cpu_seconds(pid: int) -> float:
    """The CPU time of the process's children that have ended and been waited for (Linux /proc): a PostgreSQL
    backend closed during the run (a connection older than CONN_MAX_AGE is closed and opened again) is gone from
    the process list when the run ends, and its time is only found here, in the postmaster's."""
    fields = _stat_fields(pid)
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK") if fields else 0.0


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command's name (the state is [0]); empty if the process has gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def server_cpu(server: Server) -> dict[str, dict[int, float]]:
    """CPU seconds so far of gunicorn (master and workers) and of the PostgreSQL backends serving this database
    (on this machine): the work the server does for the load, whatever else the machine is doing. Processes that
    end during the run (a backend whose connection was closed and opened again, a worker restarted) are counted
    through their parent's reaped children's time, under the parent's pid negated; for the database that is the
    postmaster's, which holds every ended backend's (run nothing else on the database server meanwhile)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
        cursor.execute("SELECT pg_backend_pid()")
        (own,) = cursor.fetchone()
    postmaster = int(fields[1]) if (fields := _stat_fields(own)) else None
    database = {pid: _cpu_seconds(pid) for pid in backends}
    if postmaster:
        database[-postmaster] = _reaped_cpu_seconds(postmaster)
    return {
        "app": {
            **{pid: _cpu_seconds(pid) for pid in [server.pid, *_children(server.pid)]},
            -server.pid: _reaped_cpu_seconds(server.pid),
        },
        "database": database,
    }


def wait_until_healthy(base: str, process: subprocess.Popen, *, timeout: float = 60) -> None:
    """Waits until the server at `base` answers its health check (the database reachable); raises RuntimeError if
    its process stops first or `timeout` seconds pass. Used here and by the scale-out test's app servers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz/", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server at {base} stopped before answering")
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server at {base} did not answer in time")
        time.sleep(0.2)


@contextlib.contextmanager
def gunicorn(
    workers: int, threads: int, *, settings: str = "bench.settings", database_url: str = "", timeout: float = 60
):
    """gunicorn on a free loopback port, over this process's DATABASE_URL (or `database_url`) and SECRET_KEY,
    DEBUG off; yields it (its address and process) and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        **({"DATABASE_URL": database_url} if database_url else {}),
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TASKS_IMMEDIATE": "0",  # e-mails are queued, as in production, not sent from the request
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    # The cache's table, in the database the server uses (bench/settings.py keeps the cache there, as production).
    subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, timeout=timeout)
        time.sleep(1)  # every worker has loaded the app, not only the one that answered
        yield Server(base, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def niced(increment: int) -> None:
    """Lowers the client's priority by `increment` (os.nice). On Linux niceness is per thread, and a thread starts
    with its creator's: called in the main thread before the people's threads start, it applies to all of them."""
    if increment:
        os.nice(increment)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="a server you started (ignored with --serve)")
    parser.add_argument("--serve", action="store_true", help="start gunicorn on a free 127.0.0.1 port and load it")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (with --serve)")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (with --serve)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pause", type=float, nargs=2, default=(5.0, 10.0), metavar=("MIN", "MAX"))
    parser.add_argument(
        "--warm-up",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="let the crowd work this long before the measured --seconds begin (a morning under way, its pages "
        "opened before; without it the run measures the day's first views, each page made afresh)",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--no-returns-set-up", action="store_true", help="do not set up returns for approved grants")
    parser.add_argument(
        "--first-day",
        action="store_true",
        help="do not run the scheduler's job that keeps plans' fragments before the crowd comes in (the "
        "installation's first day: each plan's rows made by its first viewer)",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        choices=range(20),
        metavar="N",
        help="run the load's client at this niceness (0 to 19; the server started with --serve keeps its own), so "
        "the server and PostgreSQL get the cores first; the result says which was used",
    )
    options = parser.parse_args(argv)
    if not options.serve and not _loopback(options.url):
        parser.error("the load runs against a loopback address only (127.0.0.1, ::1 or localhost)")
    if not 1 <= options.users <= MAX_USERS or not 0 < options.seconds <= MAX_SECONDS:
        parser.error(f"at most {MAX_USERS} people and {MAX_SECONDS} seconds")
    if not 0 <= options.warm_up <= MAX_SECONDS:
        parser.error(f"a warm-up of at most {MAX_SECONDS} seconds")
    if not 1 <= options.workers <= 16 or not 1 <= options.threads <= 32:
        parser.error("at most 16 workers of 32 threads")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    if options.serve:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)  # the production's cache, in the database (bench/settings.py)
    if not options.no_returns_set_up:
        returns_set_up()
    fragments = "first day: none kept beforehand"
    if not options.first_day:
        from grants.fragments import keep_fragments

        fragments = f"kept by the scheduler's job beforehand ({keep_fragments()} made now)"
    pause = tuple(options.pause)
    crowd = people(
        options.users,
        options.seed,
        approvals=expected_approvals(options.users, options.warm_up + options.seconds, pause),
    )
    if options.serve:
        with gunicorn(options.workers, options.threads) as server:
            niced(options.nice)  # after gunicorn has started: its processes keep their own niceness
            before = {}
            result = run(
                server.url,
                crowd,
                options.seconds,
                pause,
                options.seed,
                warm_up=options.warm_up,
                on_measure=lambda: before.update(server_cpu(server)),
            )
            after = server_cpu(server)
        result.update(cpu_per_request(before, after, result["requests"]))
    else:
        niced(options.nice)
        result = run(options.url.rstrip("/"), crowd, options.seconds, pause, options.seed, warm_up=options.warm_up)
    result["fragments"] = fragments
    for key, value in result.items():
        print(f"{key:>12}: {value}")
    return 1 if result["errors"] or result.get("warm_up_errors") else 0


if __name__ == "__main__":
    sys.exit(main())
