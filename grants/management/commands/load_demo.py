from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from grants.demo import demo_load


class Command(BaseCommand):
    help = (
        "Loads the demo data from the seed documents (Devon & Cornwall with Safer Plymouth 2020/21, "
        "Avon & Somerset with South Gloucestershire 2021/22) and one demo user per role. Safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEMO_DATA is not set (a real installation?)."
        )
        parser.add_argument("--reset", action="store_true", help="Rewrite the demo plans from the seed data.")
        parser.add_argument(
            "--seeds-only",
            action="store_true",
            help="Leave out the illustrative data for the OPCC pages (other CSPs, indicators, a grant round).",
        )

    def handle(self, *args, force=False, reset=False, seeds_only=False, **options):
        # Asked of its own setting, not of DEBUG: manage.py turns DEBUG on whenever no settings module is named,
        # so DEBUG says nothing about whether this is someone's real installation.
        if not settings.DEMO_DATA and not force:
            raise CommandError(
                "DEMO_DATA is not set, so this may be a real installation: demo users with a published password "
                "would be created. Set DEMO_DATA=1 (make run does) or run with --force if you really mean it."
            )
        report = demo_load(password=settings.DEMO_PASSWORD, reset=reset, illustrative=not seeds_only)
        for plan in report.created_plans:
            self.stdout.write(f"Created {plan}")
        for plan in report.kept_plans:
            self.stdout.write(f"Kept {plan} (use --reset to rewrite it)")
        self.stdout.write(self.style.SUCCESS(f"Demo users: {', '.join(report.users)}"))
