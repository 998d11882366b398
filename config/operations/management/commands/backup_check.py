from django.core.management.base import BaseCommand, CommandError

from config.operations.backup import backup_check


class Command(BaseCommand):
    help = (
        "Proves the backup works: dumps the database with pg_dump, restores the dump into an empty database on the "
        "same server and checks every table's rows and every plan's figures, decision, notice and award are "
        "identical. Run it when the service is quiet (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", help="Name of the scratch database to restore into (default: <name>_restore_check)."
        )
        parser.add_argument("--keep", action="store_true", help="Keep the restored copy afterwards, to look at it.")

    def handle(self, *args, database=None, keep=False, **options):
        report = backup_check(database=database, keep=keep)
        self.stdout.write(f"Compared {report.tables} tables holding {report.rows} rows.")
        if not report.identical:
            for difference in report.differences:
                self.stderr.write(difference)
            raise CommandError("The restored copy differs from the database: the backup cannot be trusted.")
        self.stdout.write(self.style.SUCCESS("The restored copy is identical: the backup works."))
