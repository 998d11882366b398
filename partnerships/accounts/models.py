"""The security records, for the site administrator: every sign-in, sign-out and refused attempt, and every
request the service refused (403, and 404 to someone signed in)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class SignInEventQuerySet(models.QuerySet):
    def older_than(self, cutoff):
        return self.filter(at__lt=cutoff)

    def failures(self):
        return self.filter(kind__in=SignInEvent.FAILURES)


class SignInEvent(models.Model):
    """One sign-in, sign-out, refused attempt or change to how a person signs in.

    Written only by `partnerships.accounts.audit` (from Django's, allauth's and django-axes's signals) and never
    changed: `username` is what was typed, so attempts at accounts that do not exist are recorded too. Kept for
    SIGN_IN_EVENTS_RETENTION_DAYS (docs/retention.md), then deleted by `manage.py apply_retention`.
    """

    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGNED_OUT = "signed_out", "Signed out"
        PASSWORD_REFUSED = "password_refused", "Refused: wrong username or password"
        CODE_REFUSED = "code_refused", "Refused: wrong two-factor code"
        PAUSED = "paused", "Refused: sign-in paused after too many failures"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET = "password_reset", "Password reset by e-mail link"
        FACTOR_ADDED = "factor_added", "Two-factor method added"
        FACTOR_REMOVED = "factor_removed", "Two-factor method removed"
        RECOVERY_CODES_NEW = "recovery_codes_new", "New recovery codes made"
        ANONYMISED = "anonymised", "Account anonymised after the person left"

    FAILURES = (Kind.PASSWORD_REFUSED, Kind.CODE_REFUSED, Kind.PAUSED)

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    username = models.CharField(max_length=150, help_text="As typed, or the account's username.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sign_in_events",
        help_text="Empty when the username typed matches no account.",
    )
    ip_address = models.GenericIPAddressField("address", null=True, blank=True)
    user_agent = models.CharField("browser", max_length=300, blank=True)
    method = models.CharField(
        max_length=100, blank=True, help_text="How the person proved who they are, e.g. password and authenticator app."
    )

    objects = SignInEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "sign-in record"
        verbose_name_plural = "sign-in records"
        indexes = [models.Index(fields=["user", "-at"], name="signin_user_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username}, {timezone.localtime(self.at):%d %B %Y %H:%M}"


class RefusedRequestQuerySet(models.QuerySet):
    def older_than(self, cutoff):
        return self.filter(at__lt=cutoff)


class RefusedRequest(models.Model):
    """A request the service refused: every 403, and every 404 answered to someone signed in (a 404 is how the
    service refuses another partnership's or area's records, so a run of them is someone probing).

    Written by one middleware (`partnerships.accounts.middleware.RefusedRequestMiddleware`) with one INSERT, never
    changed; readable by site administrators in the admin and in the per-person audit export. Kept for
    REFUSED_REQUESTS_RETENTION_DAYS (docs/retention.md), then deleted by the retention job.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="refused_requests",
        help_text="Empty when nobody was signed in.",
    )
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500, help_text="The address asked for, without its query.")
    status = models.PositiveSmallIntegerField(help_text="403 refused, 404 not found (or not theirs).")
    ip_address = models.GenericIPAddressField("address", null=True, blank=True)

    objects = RefusedRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "refused request"
        verbose_name_plural = "refused requests"
        indexes = [models.Index(fields=["user", "-at"], name="refused_user_at")]

    def __str__(self) -> str:
        return f"{self.status} {self.method} {self.path}, {timezone.localtime(self.at):%d %B %Y %H:%M}"
