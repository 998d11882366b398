"""The one rule a model's `clean()` cannot hold: priorities are many-to-many, set after the project is saved.

This guard refuses, wherever the change comes from (forms, admin, imports, shell), a Police and Crime Plan
priority from a plan that does not cover the award's force area and year, or a local priority from another
partnership's or another year's strategic assessment.
"""

from django.core.exceptions import ValidationError
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from priorities.models import LocalPriority, Priority

from .models import FundedProject


@receiver(m2m_changed, sender=FundedProject.pcc_priorities.through)
@receiver(m2m_changed, sender=FundedProject.local_priorities.through)
def refuse_priorities_from_elsewhere(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if reverse:
        # priority.funded_projects.add(project, ...): check each project against this one priority.
        projects, priorities = FundedProject.objects.filter(pk__in=pk_set), [instance]
    else:
        projects, priorities = [instance], list(model.objects.filter(pk__in=pk_set))
    for project in projects:
        errors = project.priority_errors(
            pcc_priorities=[p for p in priorities if isinstance(p, Priority)],
            local_priorities=[p for p in priorities if isinstance(p, LocalPriority)],
        )
        if errors:
            raise ValidationError(errors)
