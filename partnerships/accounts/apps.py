from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: two-factor sign-in and who must use it, the record of sign-ins, personal data of people who left.

    The flows themselves (password, authenticator app, passkeys, recovery codes, password reset and change) are
    django-allauth's; this app decides policy, styles the pages and keeps the records.
    """

    name = "partnerships.accounts"
    label = "accounts"
    verbose_name = "Sign-in and accounts"

    def ready(self):
        from . import audit  # noqa: F401  (connects the sign-in record's receivers)
