"""What every OPCC record shares: it can be withdrawn (never deleted) with who, when and why, and its history is
kept (django-simple-history: who, when, before and after, with the reason given).

A withdrawn record stays readable, in its history and, for a published grant, in the publications, which say
it was withdrawn; it no longer counts in any figure (`grants/figures/money.py` reads `.live()` only).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class WithdrawableQuerySet(models.QuerySet):
    def live(self):
        """Records that count: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def withdrawn(self):
        return self.filter(withdrawn_at__isnull=False)


class Withdrawable(models.Model):
    """Withdrawn with a reason by someone, at a time; the record and its history stay."""

    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    withdrawal_reason = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def history_options(**kwargs) -> dict:
    """The same history for every OPCC record: the reason for each change is kept as text of any length."""
    return {"history_change_reason_field": models.TextField(null=True), **kwargs}


class AppendOnlyQuerySet(models.QuerySet):
    """Money records are never changed or removed in bulk either: a correction is a reversal plus a new entry."""

    def update(self, **kwargs):
        raise ValidationError(f"{self.model._meta.verbose_name_plural.capitalize()} cannot be changed once entered.")

    def delete(self):
        raise ValidationError(f"{self.model._meta.verbose_name_plural.capitalize()} cannot be removed once entered.")


class AppendOnlyMoney(models.Model):
    """A money record (a claim, a payment) written once. The only later change allowed is to the fields named in
    `DECISION_FIELDS`, by the one service that decides it (it saves with `update_fields`); never a delete."""

    DECISION_FIELDS: frozenset[str] = frozenset()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if not self._state.adding and (update_fields is None or not set(update_fields) <= self.DECISION_FIELDS):
            raise ValidationError(
                f"A {self._meta.verbose_name} cannot be changed once entered: reverse it and enter it again."
            )
        super().save(*args, update_fields=update_fields, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(f"A {self._meta.verbose_name} cannot be removed once entered: reverse it instead.")
