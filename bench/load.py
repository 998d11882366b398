"""A bounded load on an app server over the national data set (issue 13): N signed-in people, each opening the
pages their role uses with a pause between requests, for a fixed time; reports throughput, p50, p95 and errors.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench SECRET_KEY=… \\
        .venv/bin/python -m bench.load --url http://127.0.0.1:8000 --users 50 --seconds 60 --pause 5 10

The server must be started with the same DATABASE_URL and SECRET_KEY (the sessions are made here, in the
database, as a sign-in would leave them, past two-factor sign-in). Bounded on purpose: loopback addresses only, at
most 300 people and 120 seconds, `--pause 0 0` for saturation. Only reads for now (home and inbox, plan pages,
the dashboard, the Panel report page); edits, approvals and returns are not yet in the mix.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import random
import statistics
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

MAX_USERS, MAX_SECONDS = 300, 120


def _loopback(url: str) -> bool:
    host = urllib.parse.urlparse(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def people(count: int, seed: int):
    """(session key, the addresses this person opens): officers and board members of CSPs, OPCC officers."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from grants.models import SpendingPlan
    from partnerships.accounts.policy import mark_session_data
    from partnerships.models import Role

    rng = random.Random(seed)
    roles = list(
        Role.objects.filter(kind__in=["officer", "board", "opcc"])
        .select_related("user", "partnership", "force_area")
        .order_by("pk")
    )
    chosen = rng.sample(roles, min(count, len(roles)))
    result = []
    for role in chosen:
        user = role.user
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        mark_session_data(session, user, second_factor=True)
        session.save()
        if role.partnership_id:
            plans = SpendingPlan.objects.filter(award__partnership=role.partnership).values_list("pk", flat=True)
            pages = ["/", *(reverse("grants:plan-detail", args=[pk]) for pk in list(plans)[:3])]
        else:
            area = role.force_area
            plan = SpendingPlan.objects.filter(award__partnership__force_area=area).order_by("-pk").first()
            year = plan.award.financial_year
            pages = [
                "/",
                reverse("grants:oversight-dashboard", args=[area.slug]) + f"?year={year}",
                reverse("grants:panel-report", args=[area.slug, year]),
                reverse("grants:plan-detail", args=[plan.pk]),
            ]
        result.append((session.session_key, pages))
    return result


def run(url: str, crowd, seconds: float, pause: tuple[float, float], seed: int) -> dict:
    stop = time.monotonic() + seconds
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def person(index: int, session_key: str, pages: list[str]) -> None:
        rng = random.Random(seed + index)
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"sessionid={session_key}")]
        time.sleep(rng.uniform(0, pause[1]))  # people do not all arrive in the same second
        while time.monotonic() < stop:
            page = rng.choice(pages)
            started = time.perf_counter()
            try:
                with opener.open(url + page, timeout=30) as answer:
                    answer.read()
                    ok = answer.status == 200 and "/login" not in answer.geturl()
                    problem = "" if ok else f"{answer.status} {answer.geturl()}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
                problem = f"{page}: {error}"
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                times.append(elapsed)
                if problem:
                    errors.append(problem)
            time.sleep(rng.uniform(*pause))

    threads = [threading.Thread(target=person, args=(i, *p), daemon=True) for i, p in enumerate(crowd)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    took = time.monotonic() - began
    ordered = sorted(times)
    return {
        "people": len(crowd),
        "seconds": round(took, 1),
        "requests": len(times),
        "per_second": round(len(times) / took, 1) if took else 0,
        "p50_ms": round(statistics.median(ordered), 1) if ordered else None,
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1) if ordered else None,
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pause", type=float, nargs=2, default=(5.0, 10.0), metavar=("MIN", "MAX"))
    parser.add_argument("--seed", type=int, default=13)
    options = parser.parse_args(argv)
    if not _loopback(options.url):
        parser.error("the load runs against a loopback address only (127.0.0.1, ::1 or localhost)")
    if not 1 <= options.users <= MAX_USERS or not 0 < options.seconds <= MAX_SECONDS:
        parser.error(f"at most {MAX_USERS} people and {MAX_SECONDS} seconds")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    crowd = people(options.users, options.seed)
    result = run(options.url.rstrip("/"), crowd, options.seconds, tuple(options.pause), options.seed)
    for key, value in result.items():
        print(f"{key:>12}: {value}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
