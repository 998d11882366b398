"""A certifier's deputy for one spending plan (issue 11, item 3): while a delegation stands, the deputy may certify
that plan's returns (never one they submitted) and gets its certifier reminders. Made and revoked only by
grants/services/certification.py; the row is never deleted, and its history records who changed it and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .plans import SpendingPlan
from .records import history_options


class CertificationDelegationQuerySet(models.QuerySet):
    def standing(self):
        """Not revoked, and both people still hold their roles in the plan's partnership: a certifier who stops
        being one, or a deputy who leaves the partnership, ends the delegation without anyone revoking it."""
        from partnerships.models import Role

        certifiers = Role.objects.filter(
            kind=Role.Kind.CERTIFIER, partnership=models.OuterRef("plan__award__partnership")
        )
        members = Role.objects.filter(partnership=models.OuterRef("plan__award__partnership"))
        return self.filter(
            models.Exists(certifiers.filter(user=models.OuterRef("certifier"))),
            models.Exists(members.filter(user=models.OuterRef("deputy"))),
            revoked_at__isnull=True,
            deputy__is_active=True,
        )

    def for_award(self, award):
        """Delegations for the award's plan, whichever version of it is in force (a variation keeps them)."""
        return self.filter(plan__award=award)


class CertificationDelegation(models.Model):
    """A certifier's delegation of certification for one plan to a named deputy of the same partnership."""

    plan = models.ForeignKey(SpendingPlan, on_delete=models.PROTECT, related_name="certification_delegations")
    certifier = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="deputyships")
    delegated_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = CertificationDelegationQuerySet.as_manager()
    history = HistoricalRecords(**history_options())

    class Meta:
        ordering = ["plan_id", "-delegated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "deputy"],
                condition=Q(revoked_at__isnull=True),
                name="delegation_one_standing_per_deputy",
                violation_error_message="This person is already the deputy for this plan.",
            ),
            models.CheckConstraint(condition=~Q(deputy=F("certifier")), name="delegation_not_to_oneself"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="delegation_revoked_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} certifies for {self.certifier}: {self.plan}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
