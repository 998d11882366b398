from contextlib import suppress

from django.core.management.base import BaseCommand

from grants import scheduler


class Command(BaseCommand):
    help = "Queue the reminder job now and every hour (see grants/scheduler.py); --once for a cron line."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue the jobs once and stop.")
        parser.add_argument("--interval", type=int, default=scheduler.INTERVAL_SECONDS, help="Seconds between runs.")

    def handle(self, *args, once=False, interval=scheduler.INTERVAL_SECONDS, **options):
        with suppress(KeyboardInterrupt):  # Ctrl+C in `make run`: stop quietly
            scheduler.run(once=once, interval=interval)
