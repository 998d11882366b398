"""`manage.py run_all 127.0.0.1:8000`: what `make run` starts, in one process group stopped by one Ctrl+C.

The development server, the scheduler that queues the reminder job, and, when tasks are queued in the database
rather than run at once (TASKS_IMMEDIATE=0), a worker that runs them.
"""

from __future__ import annotations

import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the development server with the scheduler (and a task worker when tasks are queued)."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")

    def commands(self, address: str) -> list[list[str]]:
        manage = [sys.executable, "manage.py"]
        commands = [manage + ["runserver", address], manage + ["run_scheduler"]]
        if not settings.TASKS_IMMEDIATE:
            commands.append(manage + ["db_worker"])
        return commands

    def handle(self, *args, address="127.0.0.1:8000", **options):
        processes = [subprocess.Popen(command) for command in self.commands(address)]
        try:
            while all(process.poll() is None for process in processes):
                try:
                    processes[0].wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
