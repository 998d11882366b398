"""How long a document made in the task queue takes from queued to ready (issue 13), on the data set of
`bench/generate.py`: the board paper of the longest plan, the Police and Crime Panel report of the largest area,
and that area's 360Giving files (JSON, CSV, XLSX).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python -m bench.documents [--repeat 3]

Each document is asked for through Django's test client, signed in as the person who would ask, with the tasks
stored in the database as in production (`django_tasks_db`): the first request queues it and answers the waiting
page. A worker then runs in this process, as `manage.py db_worker --batch` would (the same `Worker`), and the time
from the request that queued the document to the end of the worker's run is "queued to ready"; "worker CPU" is
this process's CPU time over the worker's run. The next request answers the kept file ("kept file", the time of
that request). Before each round the document's kept files are removed, so each round makes it afresh.

Prints a Markdown table. Timings are noisy on a shared machine: compare the CPU column, and runs made one straight
after the other.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _worker():
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="bench-documents",
        excluded_queue_names=[],
    )


def documents(s):
    """(name, address, who asks) of each document timed."""
    from django.urls import reverse

    area, year, longest = s["big_area"], s["year"], s["longest"]
    yield (
        f"Board paper PDF, {longest.projects.count()} lines",
        reverse("grants:plan-download", args=[longest.pk, "board-paper", "pdf"]),
        "officer",
    )
    yield (
        f"Board paper Word, {longest.projects.count()} lines",
        reverse("grants:plan-download", args=[longest.pk, "board-paper", "docx"]),
        "officer",
    )
    yield (
        f"Panel report PDF, {area.partnerships.count()} CSPs",
        reverse("grants:panel-report", args=[area.slug, year]) + "?format=pdf",
        "opcc",
    )
    for fmt in ("json", "csv", "xlsx"):
        yield f"360Giving {fmt.upper()}, one area ({area})", reverse("grants:threesixty", args=[area.slug, fmt]), "opcc"


def time_one(client, url: str) -> dict:
    """One round: remove the kept files, queue, run the worker, fetch the kept file."""
    from grants.documents.rendering import _remove
    from grants.models import RenderedDocument

    before = set(RenderedDocument.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    queued = client.get(url)
    asked = time.perf_counter()
    if not queued["Content-Type"].startswith("text/html"):
        raise RuntimeError(f"{url} answered a kept file: it was not removed")
    document = RenderedDocument.objects.exclude(pk__in=before).get()
    cpu = time.process_time()
    _worker().run()
    ready = time.perf_counter()
    worker_cpu = time.process_time() - cpu
    document.refresh_from_db()
    if document.status != RenderedDocument.Status.READY:
        raise RuntimeError(f"{document} is {document.status}: {document.error}")
    fetched = time.perf_counter()
    answer = client.get(url)
    served = time.perf_counter() - fetched
    if answer["Content-Type"].startswith("text/html"):
        raise RuntimeError(f"{url} did not answer the kept file once it was ready")
    _remove([document])
    return {
        "queue_ms": (asked - started) * 1000,
        "ready_ms": (ready - started) * 1000,
        "worker_cpu_ms": worker_cpu * 1000,
        "kept_ms": served * 1000,
        "bytes": len(answer.content),
        "queries": len(document.reads.get("queries", [])),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds per document (each makes it afresh)")
    parser.add_argument("--only", default="", help="only documents whose name contains this text (comma-separated)")
    options = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789")
    os.environ["DEBUG"] = "0"
    os.environ["TASKS_IMMEDIATE"] = "0"  # tasks stored in the database, run by the worker below
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    import logging
    import warnings

    import django

    django.setup()
    from django.core.management import call_command

    call_command("createcachetable", verbosity=0)  # the production's cache, in the database (bench/settings.py)
    for name in ("weasyprint", "fontTools", "django_tasks", "django_tasks_db"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", message="No directory at")
    from django.conf import settings
    from django.test.utils import setup_test_environment

    from bench.run import machine, scenario, signed_in
    from grants.documents.rendering import _remove
    from grants.models import RenderedDocument

    setup_test_environment()
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    s = scenario()
    clients = {who: signed_in(s[who]) for who in ("officer", "opcc")}
    _worker().run()  # whatever was queued before, so that each round's worker runs one document
    print(f"Machine: {machine()}")
    print(
        "| document | queue request ms | queued to ready ms (median) | worst | worker CPU ms | kept file ms |"
        " recorded queries | size |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, url, who in documents(s):
        if options.only and not any(part.strip().lower() in name.lower() for part in options.only.split(",")):
            continue
        kind_rows = RenderedDocument.objects.all()
        _remove(list(kind_rows))  # each round makes its document afresh
        rounds = [time_one(clients[who], url) for _ in range(options.repeat)]

        def median(key, rounds=rounds):
            return statistics.median(r[key] for r in rounds)

        print(
            f"| {name} | {median('queue_ms'):.0f} | {median('ready_ms'):.0f} | "
            f"{max(r['ready_ms'] for r in rounds):.0f} | {median('worker_cpu_ms'):.0f} | {median('kept_ms'):.1f} | "
            f"{rounds[0]['queries']} | {rounds[0]['bytes'] / 1024:.0f} KiB |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
