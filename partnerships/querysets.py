"""Read paths for partnerships and roles, named in the users' terms."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class RoleQuerySet(models.QuerySet):
    def in_partnerships(self):
        return self.filter(partnership__isnull=False)

    def in_force_areas(self):
        return self.filter(force_area__isnull=False)


class PartnershipQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partnerships whose work the user may see.

        CSP roles see their own partnership. OPCC officers, the PCC and the Treasurer see every partnership in
        their force area (they fund and scrutinise them). Site administrators (staff) see all.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff:
            return self.all()
        # From the roles read once per request, as the ids themselves (issue 13): with the roles as a subquery
        # PostgreSQL could not tell how many partnerships it would get (it guessed 225 of 300 for an OPCC's 30)
        # and scanned every plan and award for the home page's latest decisions, 37 ms at national size; with the
        # ids it reads the area's own, 4 ms.
        from .rules import scope_held

        partnerships, areas = scope_held(user)
        if not partnerships and not areas:
            return self.none()
        seen = Q()
        if partnerships:
            seen |= Q(pk__in=partnerships)
        if areas:
            seen |= Q(force_area_id__in=areas)
        return self.filter(seen)

    def in_force_area(self, force_area):
        return self.filter(force_area=force_area)


class ForceAreaQuerySet(models.QuerySet):
    def overseen_by(self, user):
        """Force areas where the user is OPCC staff, the decision-maker (PCC or successor), the finance officer or
        an OPCC administrator: the areas whose CSPs they fund and oversee (dashboard, awards, grant rounds,
        reports). Site administrators are not included: oversight is a role, not a technical privilege."""
        from .rules import overseen_areas

        return self.filter(pk__in=[area.pk for area in overseen_areas(user)])

    def set_up_by(self, user):
        """Force areas where the user is an OPCC administrator: they set the area up (its funder body, Police and
        Crime Plan, CSPs and their councils, funding streams) and invite its people."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(roles__user=user, roles__kind="opcc_admin").distinct()


class InvitationQuerySet(models.QuerySet):
    def waiting(self):
        """Sent, not yet accepted, withdrawn or expired."""
        from django.utils import timezone

        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now())

    def for_force_area(self, force_area):
        """Invitations to the area's own roles and to its partnerships' roles."""
        return self.filter(Q(force_area=force_area) | Q(partnership__force_area=force_area))
