"""bench/load.py stays bounded (loopback addresses only, at most 300 people and 120 seconds), and works: three
people of the demo for three seconds against gunicorn on a free loopback port, with no error."""

import os
import random
import threading
import time
from collections import Counter

import pytest

from bench.load import (
    LOADED_ROLES,
    MIX,
    WORK_SHARE,
    AreaChain,
    Person,
    Visitor,
    _loopback,
    _reaped_cpu_seconds,
    approval_chains,
    approvers,
    cpu_per_request,
    crowd_shares,
    decision_links,
    expected_approvals,
    form_of,
    gunicorn,
    main,
    mix,
    next_kind,
    niced,
    people,
    run,
    server_cpu,
)
from tests.test_scale_out import _database_url


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://10.0.0.5:8000", False),
        ("https://grants.example.org", False),
    ],
)
def test_only_loopback_addresses_are_loaded(url, allowed):
    assert _loopback(url) is allowed


@pytest.mark.parametrize(
    "arguments",
    [
        ["--url", "http://192.168.1.10:8000"],
        ["--users", "301"],
        ["--seconds", "121"],
        ["--users", "0"],
        ["--nice", "20"],
        ["--warm-up", "121"],
    ],
)
def test_the_load_refuses_to_go_beyond_its_bounds(arguments, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(arguments)
    assert stopped.value.code == 2
    error = capsys.readouterr().err
    assert any(
        words in error
        for words in ("loopback address only", "at most 300 people and 120 seconds", "--nice", "warm-up of at most")
    )


def test_a_warm_up_is_left_out_of_the_figures_and_the_measured_time_begins_after_it():
    """The actions begun in the warm-up are counted apart; `on_measure` (the server's CPU read) is called once,
    when the measured time begins; the throughput is over the measured time alone. A stub server, no database."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    started = time.monotonic()
    seen: list[float] = []

    class Page(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (http.server's name)
            seen.append(time.monotonic() - started)
            body = b"<html><body>a page</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    measured_from: list[float] = []
    crowd = [Person(session_key=f"key-{n}", reads=["/"]) for n in range(3)]
    try:
        result = run(
            f"http://127.0.0.1:{server.server_port}",
            crowd,
            seconds=1.0,
            pause=(0.05, 0.1),
            seed=13,
            warm_up=1.0,
            on_measure=lambda: measured_from.append(time.monotonic() - started),
        )
    finally:
        server.shutdown()
    assert len(measured_from) == 1 and 0.9 <= measured_from[0] <= 2.0  # room for a busy CI machine
    warm, measured = [t for t in seen if t < measured_from[0]], [t for t in seen if t >= measured_from[0]]
    assert result["warm_up_seconds"] == 1.0 and result["warm_up_errors"] == 0 and result["errors"] == 0
    assert result["warm_up_requests"] >= len(warm) - len(crowd) and result["warm_up_requests"] > 0
    assert abs(result["requests"] - len(measured)) <= len(crowd)  # an action under way at the turn goes one way
    assert 0.9 <= result["seconds"] < 2.0 + 1.0  # the measured time (and the last actions), not the warm-up's


def test_without_a_warm_up_the_result_says_nothing_of_one():
    result = run("http://127.0.0.1:9", [], seconds=0.1, pause=(0, 0), seed=13)
    assert result["requests"] == 0 and "warm_up_seconds" not in result


def test_the_form_reader_sends_a_page_form_as_it_is_shown():
    page = """
    <form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>
    <form method="post" novalidate><input type="hidden" name="csrfmiddlewaretoken" value="t">
      <input name="title" value="A &amp; B"><textarea name="purpose">
Line one</textarea>
      <input type="checkbox" name="off"><input type="checkbox" name="on" value="1" checked>
      <select name="year"><option value="a">A</option><option value="b" selected>B</option></select>
      <select name="first"><option value="1">One</option></select>
      <button type="submit" name="save">Save</button></form>"""
    assert form_of(page, "/plans/1/edit/details/") == [
        ("csrfmiddlewaretoken", "t"),
        ("title", "A & B"),
        ("purpose", "Line one"),
        ("on", "1"),
        ("year", "b"),
        ("first", "1"),
    ]


def test_the_form_reader_finds_the_page_form_after_others_and_ignores_get_forms():
    page = (
        '<form method="get" action="/search/"><input name="q" value="x"></form>'
        + "<p>" + "a long page " * 1000 + "</p>"
        + '<form method="POST" action="/plans/1/edit/details/"><input type="hidden" name="csrfmiddlewaretoken" '
        'value="t"><input name="title" value="T"></form>'
    )  # fmt: skip
    assert form_of(page, "/plans/1/edit/details/") == [("csrfmiddlewaretoken", "t"), ("title", "T")]
    assert form_of(page, "/elsewhere/") is None
    assert form_of("<p>No form</p>", "/") is None


def test_decision_links_are_found_without_parsing_the_page():
    page = (
        b'<a href="/plans/12/">plan</a><a href="/plans/12/decide/recommend/">Recommend</a>'
        b'<a href="/plans/7/decide/return/">Return</a><a href="/plans/x/decide/recommend/">bad</a>'
        b'<a href="/plans/9/decide/approve/extra/">bad</a>'
    )
    assert decision_links(page) == [("/plans/12/decide/recommend/", "recommend"), ("/plans/7/decide/return/", "return")]


def test_the_client_is_niced_for_its_threads_only():
    seen = {}

    def client():
        niced(3)
        seen["client"] = os.nice(0)
        person = threading.Thread(target=lambda: seen.setdefault("person", os.nice(0)))
        person.start()
        person.join()

    before = os.nice(0)
    thread = threading.Thread(target=client)
    thread.start()
    thread.join()
    # Linux keeps a niceness per thread, inherited by the threads it starts: the people's threads, not the rest.
    assert seen == {"client": before + 3, "person": before + 3}
    assert os.nice(0) == before


@pytest.mark.django_db(transaction=True)
def test_a_tiny_load_against_gunicorn_has_no_errors(demo):
    crowd = people(3, seed=13)
    assert len(crowd) == 3 and all(person.reads for person in crowd)
    with gunicorn(1, 2, database_url=_database_url()) as server:
        assert server.url.startswith("http://127.0.0.1:")
        before = server_cpu(server)
        result = run(server.url, crowd, seconds=3, pause=(0, 0.3), seed=13)
        cpu = cpu_per_request(before, server_cpu(server), result["requests"])
    assert result["requests"] >= 3 and result["errors"] == 0, result["first_errors"]
    assert cpu["server_cpu_ms_per_request"] > 0
    assert result["client_cpu_ms_per_request"] > 0 and result["client_nice"] == os.nice(0)


@pytest.mark.django_db(transaction=True)
def test_the_client_keeps_its_connection_and_the_cookies_it_is_given(demo):
    crowd = people(1, seed=13)
    with gunicorn(1, 2, database_url=_database_url()) as server:  # gthread: connections kept alive
        visitor = Visitor(server.url, crowd[0].session_key)
        status, where, page = visitor.open("/")
        first = visitor.connection.sock
        again = visitor.open("/")
        kept = visitor.connection.sock is first and first is not None
        time.sleep(3)  # gunicorn closes a connection idle for 2 s (its keep-alive): the next request opens another
        after_close = visitor.open("/")
        reopened = visitor.connection.sock is not first
        visitor.close()
    assert status == 200 and where == "/" and b"<html" in page.lower()
    assert again[0] == 200 and kept
    assert after_close[0] == 200 and reopened
    assert "csrftoken" in visitor.cookies  # set by the page's sign-out form, sent back with the next POST


def test_the_crowd_holds_as_many_people_with_work_as_the_mix_needs():
    shares = crowd_shares(200)
    assert shares == {"edit": 48, "approve": 32, "return": 40}
    for kind, people_with_work in shares.items():
        # each does their work one time in WORK_SHARE: the crowd's actions of that kind come out at MIX's share
        assert people_with_work * WORK_SHARE / 200 == pytest.approx(MIX[kind], abs=0.005)


def test_the_mix_says_what_the_run_did_beside_what_was_asked():
    wanted = Counter({"read": 6, "edit": 2, "approve": 2})
    done = Counter({"read": 7, "edit": 2, "approve": 1})  # one approval found an empty inbox and read instead
    assert mix(done, wanted) == (
        "10 actions: read 70% (MIX 70%), edit 20% (MIX 12%), approve 10% (MIX 8%), return 0% (MIX 10%); "
        "1 found nothing left to do and read instead"
    )
    assert mix(Counter(), Counter()) == "no actions"


@pytest.mark.django_db
def test_people_with_work_are_given_that_work_and_the_rest_read(demo):
    from grants.models import SpendingPlan

    drafts = {
        f"/plans/{pk}/edit/details/" for pk in SpendingPlan.objects.filter(status="draft").values_list("pk", flat=True)
    }
    assert drafts
    crowd = people(12, seed=13)
    assert len(crowd) == 12 and len({person.session_key for person in crowd}) == 12
    kinds = Counter(person.work for person in crowd)
    assert kinds["edit"] >= 1  # the demo's officers of partnerships with a draft plan
    for person in crowd:
        assert person.reads and person.reads[0] == "/"
        if person.work == "edit":
            assert set(person.edits) <= drafts
        elif person.work == "approve":
            assert person.approves
        elif person.work == "return":
            assert person.returns


@pytest.mark.django_db
def test_more_people_than_roles_sign_some_in_twice(demo):
    from partnerships.models import Role

    roles = Role.objects.filter(kind__in=["officer", "executive", "board", "opcc", "pcc", "treasurer"]).count()
    crowd = people(roles + 3, seed=13)
    assert len(crowd) == roles + 3 and len({person.session_key for person in crowd}) == roles + 3


def chain_users(chains) -> set[int]:
    return {role.user_id for chain in chains for role in chain.roles}


# The roles along a plan's whole route after submission (grants/workflow.py PATH and ACTS_AT), written out here so
# that the test says what it expects.
APPROVERS_OF_PARTNERSHIP = ("executive", "board")
APPROVERS_OF_AREA = ("opcc", "pcc", "treasurer")


@pytest.mark.django_db
def test_those_who_approve_are_everyone_along_the_way_of_a_plan_in_flight(demo):
    """A submitted plan's executive group and board, then its area's OPCC, decision-maker and finance officer, are
    all signed in to approve: each step's approval reaches the next step's inbox within the crowd."""
    from django.contrib.sessions.models import Session

    from grants.models import SpendingPlan
    from partnerships.models import Role, User

    plan = SpendingPlan.objects.get(award__partnership__slug="safer-plymouth", version=1)
    SpendingPlan.objects.filter(pk=plan.pk).update(status="submitted", needs_executive_group=True, needs_board=True)
    partnership, area = plan.award.partnership, plan.award.partnership.force_area
    chain = set(
        Role.objects.filter(kind__in=APPROVERS_OF_PARTNERSHIP, partnership=partnership).values_list("user", flat=True)
    ) | set(Role.objects.filter(kind__in=APPROVERS_OF_AREA, force_area=area).values_list("user", flat=True))
    assert len(chain) >= 4
    roles = list(Role.objects.filter(kind__in=LOADED_ROLES).order_by("pk"))
    assert chain_users(approval_chains(roles, random.Random(1))) == chain
    # A plan past its board: only its area's people are ahead of it, not its executive group and board.
    other = SpendingPlan.objects.get(award__partnership__slug="safer-and-stronger-south-gloucestershire", version=1)
    SpendingPlan.objects.filter(pk=other.pk).update(status="board_approved")
    other_area = set(
        Role.objects.filter(kind__in=APPROVERS_OF_AREA, force_area=other.award.partnership.force_area).values_list(
            "user", flat=True
        )
    )
    chains = approval_chains(roles, random.Random(1))
    assert other_area and chain_users(chains) == chain | other_area
    # Each area's chain with the decisions its plans wait for: the submitted plan's five (executive group, board,
    # OPCC, PCC, finance officer), the plan past its board the area's three.
    assert sorted(c.decisions for c in chains) == [3, 5]
    crowd = people(60, seed=13)  # wants ceil(60 × 8 % / 50 %) = 10 people who approve: the chains come first
    sessions = {person.session_key: person for person in crowd if person.work == "approve"}
    approving_users = {int(Session.objects.get(pk=key).get_decoded()["_auth_user_id"]) for key in sessions}
    assert chain <= approving_users, sorted(
        User.objects.filter(pk__in=chain - approving_users).values_list("username", flat=True)
    )
    assert all(person.approves for person in sessions.values())


def test_the_time_of_processes_ended_during_a_run_is_still_counted():
    """A backend closed during a load (its connection older than CONN_MAX_AGE) is gone when the run ends: its time
    is read from its parent's reaped children's, as `server_cpu` does for the postmaster and gunicorn."""
    import subprocess
    import sys

    before = _reaped_cpu_seconds(os.getpid())
    subprocess.run([sys.executable, "-c", "sum(range(30_000_000))"], check=True)
    assert _reaped_cpu_seconds(os.getpid()) - before > 0.1


def test_people_with_work_keep_the_actions_in_the_mixs_shares_however_long_their_work_takes():
    """A crowd of 30 where a form takes three times a read's time (saturation, no pause): people with work do it
    while its share is below MIX's, so the shares come out at MIX's; at random one time in two they would not."""
    crowd = ["edit"] * 8 + ["approve"] * 5 + ["return"] * 6 + ["read"] * 11
    tally, busy_until, now = Counter(), [0.0] * len(crowd), 0.0
    rng = random.Random(7)
    for _ in range(3000):
        who = min(range(len(crowd)), key=lambda i: (busy_until[i], rng.random()))  # the next person free
        now = busy_until[who]
        kind = next_kind(crowd[who], tally)
        tally[kind] += 1
        busy_until[who] = now + (1.0 if kind == "read" else 3.0)
    actions = sum(tally.values())
    for kind, share in MIX.items():
        assert tally[kind] / actions == pytest.approx(share, abs=0.01), (kind, tally)
    assert next_kind("read", Counter()) == "read"
    assert next_kind("edit", Counter({"read": 88, "edit": 12})) == "read"  # at MIX's 12 %: read
    assert next_kind("edit", Counter({"read": 89, "edit": 11})) == "edit"


def test_approvers_are_taken_area_by_area_until_the_run_has_decisions_enough():
    chains = [AreaChain(["a1", "a2", "a3"], 6), AreaChain(["b1", "b2"], 3), AreaChain(["c1", "c2", "c3", "c4"], 4)]
    assert approvers(chains, wanted=2, decisions=0, at_most=10) == ["a1", "a2", "a3"]  # a whole area, never part
    assert approvers(chains, wanted=2, decisions=8, at_most=10) == ["a1", "a2", "a3", "b1", "b2"]
    assert approvers(chains, wanted=2, decisions=100, at_most=7) == ["a1", "a2", "a3", "b1", "b2"]  # at most 7
    assert approvers(chains, wanted=5, decisions=0, at_most=2) == ["a1", "a2"]  # a crowd too small for one area
    assert approvers([], wanted=5, decisions=10, at_most=10) == []
    # 200 people pausing 5 to 10 s for 60 s do about 1,500 actions, 8 % of them approvals.
    assert expected_approvals(200, 60, (5, 10)) == 120
