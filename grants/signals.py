"""Signal receivers of the grants app: the rules a model's `clean()` and `save()` cannot hold on their own,
and the snapshot kept with each history record.

Priorities are many-to-many, set after the project is saved: the first guard refuses, wherever the change comes
from (forms, admin, imports, shell), a Police and Crime Plan priority from a plan that does not cover the
award's force area and year, or a local priority from another partnership's or another year's strategic
assessment; and any change of priorities on a plan that is not editable (submitted, approved or declined).

Deletes do not go through `save()`, and queryset deletes not even through `delete()`: a `pre_delete` guard
refuses deleting any part of a plan that is not editable.
"""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from priorities.models import LocalPriority, Priority

from .models import (
    FundedProject,
    MatchFunding,
    OutcomeMeasure,
    PlanSection,
    RiskItem,
    SpendingPlan,
    SubItem,
    SupportingDocument,
)
from .services.comparison import plan_snapshot


@receiver(m2m_changed, sender=FundedProject.pcc_priorities.through)
@receiver(m2m_changed, sender=FundedProject.local_priorities.through)
def refuse_priority_changes_on_frozen_plans(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    for plan_id in _plans_whose_links_change(instance, action, reverse, pk_set):
        SpendingPlan.refuse_changes_unless_editable(plan_id)


def _plans_whose_links_change(instance, action, reverse, pk_set) -> set[int]:
    if not reverse:
        return {instance.plan_id}
    if action == "pre_clear":
        return set(instance.funded_projects.values_list("plan_id", flat=True))
    return set(FundedProject.objects.filter(pk__in=pk_set or ()).values_list("plan_id", flat=True))


@receiver(pre_delete, sender=FundedProject)
@receiver(pre_delete, sender=SubItem)
@receiver(pre_delete, sender=OutcomeMeasure)
@receiver(pre_delete, sender=MatchFunding)
@receiver(pre_delete, sender=RiskItem)
@receiver(pre_delete, sender=PlanSection)
@receiver(pre_delete, sender=SupportingDocument)
def refuse_deleting_parts_of_frozen_plans(sender, instance, **kwargs):
    if SpendingPlan.content_being_written() is not None:
        return  # the one writer of plan content deletes only rows of the plan it has locked and checked
    SpendingPlan.refuse_changes_unless_editable(instance.owning_plan_id)


@receiver(post_delete, sender=SupportingDocument)
def forget_the_stored_file(sender, instance, **kwargs):
    """After the commit (a rolled-back removal keeps its file), and only when no other version shares it."""
    from .services.attachments import forget_stored_file

    name, storage = instance.file.name, instance.file.storage
    transaction.on_commit(lambda: forget_stored_file(name, storage))


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


@receiver(pre_create_historical_record, sender=SpendingPlan.history.model)
def keep_a_snapshot_with_each_history_record(sender, instance, history_instance, **kwargs):
    """Each record of a plan's history carries the plan's whole content, so the history page can show what
    every save changed line by line (see grants/services/history.py). The editor passes the snapshot it has
    just taken; any other save (a status change, the admin) takes one here."""
    snapshot = getattr(instance, "_history_snapshot", None)
    history_instance.snapshot = snapshot if snapshot is not None else plan_snapshot(instance)


# --- the content stamp (`SpendingPlan.content_stamp`): a new one after every write of a plan's content -------------


@receiver(m2m_changed, sender=FundedProject.pcc_priorities.through)
@receiver(m2m_changed, sender=FundedProject.local_priorities.through)
def new_stamp_when_priority_links_change(sender, instance, action, reverse, model, pk_set, **kwargs):
    """Django changes links inside a transaction that also sends the `pre_` and `post_` signals, so a new stamp
    given at `pre_` (the only moment a `clear()` from the priority's side still knows its lines) is committed
    with the change, never before it."""
    if action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    for plan_id in _plans_whose_links_change(instance, action, reverse, pk_set):
        SpendingPlan.content_changed(plan_id)


def new_stamp_when_content_is_saved(sender, instance, **kwargs):
    """Every save of a content row, whoever makes it (the admin and its inlines, a shell): after the row is
    written, so the stamp never changes before the content does. The one writer of plan content gives one stamp
    for all its rows instead (`SpendingPlan.writing_content`)."""
    plan_id = instance.owning_plan_id
    if plan_id is not None and plan_id != SpendingPlan.content_being_written():
        SpendingPlan.content_changed(plan_id)


def new_stamp_when_content_is_deleted(sender, instance, **kwargs):
    """Every delete of a content row, also by a queryset or a cascade, after the row is gone. Within the one
    writer's block the row is its plan's (see `refuse_deleting_parts_of_frozen_plans`), which gets its stamp
    when the block ends; a line whose own delete is being cascaded gets the plan's stamp with the line's."""
    if SpendingPlan.content_being_written() is not None:
        return
    try:
        plan_id = instance.owning_plan_id
    except ObjectDoesNotExist:
        return  # its line is gone already, and the line's own delete gives the new stamp
    SpendingPlan.content_changed(plan_id)


# What a plan's content is made of: a save or delete of any of these rows gives its plan a new stamp. Their bulk
# writes, which send no signal (`update()`, `bulk_update()`, `bulk_create()`), give theirs through their queryset
# (`PlanContentQuerySet`, grants/querysets.py); a queryset's `delete()` sends `post_delete` for each row.
PLAN_CONTENT_MODELS = (FundedProject, SubItem, OutcomeMeasure, MatchFunding, RiskItem, PlanSection, SupportingDocument)
for _model in PLAN_CONTENT_MODELS:
    post_save.connect(new_stamp_when_content_is_saved, sender=_model, dispatch_uid=f"stamp-saved-{_model.__name__}")
    post_delete.connect(new_stamp_when_content_is_deleted, sender=_model, dispatch_uid=f"stamp-gone-{_model.__name__}")
