from django.core.management.base import BaseCommand

from config.operations.retention import retention_apply


class Command(BaseCommand):
    help = "Deletes what the retention schedule (docs/retention.md) says has been kept long enough. Run daily."

    def handle(self, *args, **options):
        for removed in retention_apply():
            self.stdout.write(f"{removed.what}: {removed.count} deleted")
