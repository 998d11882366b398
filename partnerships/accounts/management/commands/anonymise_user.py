from django.core.management.base import BaseCommand, CommandError

from partnerships.accounts.services import former_user_name, user_anonymise
from partnerships.models import User


class Command(BaseCommand):
    help = (
        "Anonymises a person who has left: their name becomes 'Former user <id>' everywhere (decisions included), "
        "their e-mail, job title, password and two-factor methods are removed and the account is switched off. "
        "Decisions keep their role, date and content. See docs/retention.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--by", help="Username of the administrator doing this, for the record.")
        parser.add_argument("--yes", action="store_true", help="Do it without asking.")

    def handle(self, *args, username, by=None, yes=False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        actor = User.objects.filter(username=by).first() if by else None
        if by and actor is None:
            raise CommandError(f"No user is called {by!r}.")
        if not yes:
            answer = input(f"Anonymise {user.get_full_name() or username} ({username})? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing was changed.")
        user_anonymise(user=user, by=actor)
        self.stdout.write(
            self.style.SUCCESS(f"{username} is now {former_user_name(user)}; the account is switched off.")
        )
