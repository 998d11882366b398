from django.core.management.base import BaseCommand, CommandError

from partnerships.accounts.demo import DEMO_TOTP_SECRET, totp_code_now, totp_secret
from partnerships.models import User


class Command(BaseCommand):
    help = (
        "Prints the current two-factor code of a demo user (pcc.devon, opcc.avon, admin, ...), whose authenticator "
        "app uses the demo key published in the README. Refuses for anyone else."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        if totp_secret(user) != DEMO_TOTP_SECRET:
            raise CommandError(f"{username} has no demo authenticator app: this only prints demo users' codes.")
        self.stdout.write(totp_code_now(DEMO_TOTP_SECRET))
