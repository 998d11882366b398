"""A certifier's deputy for one plan (issue 11, item 3), and the one writer of `CertificationDelegation`.

A certifier of a partnership names another person of the same partnership to certify one plan's returns for them
(while they are away, say). While the delegation stands the deputy certifies that plan's returns, never one they
submitted themselves (grants/services/returns.py asks `is_deputy`), and gets that plan's certifier reminders
(grants/services/reminders.py asks `deputies`). The certifier or the OPCC revokes it; it is never deleted.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from grants.models import CertificationDelegation, GrantAward, SpendingPlan
from grants.workflow import Verdict  # one answer to "may they?", with the reason
from partnerships.models import Role, User


def _roles(user, **scope):
    if not user.is_authenticated or not user.is_active:
        return Role.objects.none()
    return Role.objects.filter(user=user, **scope)


def is_deputy(user, award: GrantAward) -> bool:
    """Does a delegation for the award's plan stand for `user`?"""
    if not user.is_authenticated or not user.is_active or award.partnership_id is None:
        return False
    return CertificationDelegation.objects.standing().for_award(award).filter(deputy=user).exists()


def deputies(award: GrantAward):
    """The people certifying the award's plan as deputies now."""
    return User.objects.filter(pk__in=CertificationDelegation.objects.standing().for_award(award).values("deputy"))


def may_delegate(user, plan: SpendingPlan) -> Verdict:
    partnership = plan.award.partnership
    if partnership is None or not _roles(user, kind=Role.Kind.CERTIFIER, partnership=partnership).exists():
        return Verdict(False, f"Only {partnership}'s certifiers delegate the certification of its returns.")
    return Verdict(True)


def eligible_deputies(plan: SpendingPlan, by):
    """People of the plan's partnership who could be the deputy: not the certifier, not a certifier already (they
    certify anyway), not already the plan's deputy."""
    partnership = plan.award.partnership
    standing = CertificationDelegation.objects.standing().for_award(plan.award).values("deputy")
    return (
        User.objects.filter(roles__partnership=partnership, is_active=True)
        .exclude(pk=by.pk)
        .exclude(roles__partnership=partnership, roles__kind=Role.Kind.CERTIFIER)
        .exclude(pk__in=standing)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def may_revoke(user, delegation: CertificationDelegation) -> Verdict:
    partnership = delegation.plan.award.partnership
    if delegation.is_revoked:
        return Verdict(False, "This delegation has already been revoked.")
    certifier = _roles(user, kind=Role.Kind.CERTIFIER, partnership=partnership).exists()
    opcc = _roles(user, kind=Role.Kind.OPCC, force_area_id=partnership.force_area_id).exists()
    if not (certifier or opcc):
        return Verdict(False, f"Only {partnership}'s certifiers or the OPCC revoke a delegation.")
    return Verdict(True)


@transaction.atomic
def delegation_make(*, plan: SpendingPlan, by, deputy) -> CertificationDelegation:
    """Names `deputy` to certify the plan's returns for `by`, a certifier of its partnership."""
    if not (verdict := may_delegate(by, plan)):
        raise ValidationError(verdict.reason)
    partnership = plan.award.partnership
    if plan.status != SpendingPlan.Status.APPROVED:
        raise ValidationError("Certification is delegated for an approved plan: its returns start then.")
    if deputy is None:
        raise ValidationError({"deputy": "Choose the person who certifies for you."})
    if deputy.pk == by.pk:
        raise ValidationError({"deputy": "You cannot be your own deputy: choose another person of the partnership."})
    if not deputy.is_active or not Role.objects.filter(user=deputy, partnership=partnership).exists():
        raise ValidationError({"deputy": f"The deputy must be a person of {partnership}."})
    if Role.objects.filter(user=deputy, partnership=partnership, kind=Role.Kind.CERTIFIER).exists():
        raise ValidationError({"deputy": f"{deputy.display_name} is a certifier already."})
    if CertificationDelegation.objects.standing().for_award(plan.award).filter(deputy=deputy).exists():
        raise ValidationError({"deputy": f"{deputy.display_name} is already a deputy for this plan."})
    # A delegation that lapsed (a role given up) without being revoked is closed now, so the new one can stand.
    for lapsed in CertificationDelegation.objects.for_award(plan.award).filter(deputy=deputy, revoked_at__isnull=True):
        lapsed.revoked_at, lapsed.revoked_by = timezone.now(), by
        lapsed.save(update_fields=["revoked_at", "revoked_by"])
    return CertificationDelegation.objects.create(plan=plan, certifier=by, deputy=deputy)


@transaction.atomic
def delegation_revoke(*, delegation: CertificationDelegation, by) -> CertificationDelegation:
    delegation = CertificationDelegation.objects.select_for_update(of=("self",)).get(pk=delegation.pk)
    if not (verdict := may_revoke(by, delegation)):
        raise ValidationError(verdict.reason)
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = by
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    return delegation
