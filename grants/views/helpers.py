"""What every editing page needs: finding the plan the user may change, the revision the page was opened at,
an error summary that links to each field at fault, and service errors put back beside their fields."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404

from grants.models import SpendingPlan
from grants.rules import why_cannot_edit

_ROW_KEY = re.compile(r"^(?P<prefix>[a-z_]+)-(?P<index>\d+)-(?P<field>\w+)$")


def plan_for_viewing(user, pk) -> SpendingPlan:
    """A plan the user may see; any other answers 404, so its existence is not disclosed."""
    return get_object_or_404(
        SpendingPlan.objects.visible_to(user).select_related("award__partnership__force_area", "award__funding_stream"),
        pk=pk,
    )


class PlanEditMixin:
    """Pages that change a plan: only for those the `grants.edit_plan` rule allows (with the reason otherwise)."""

    def dispatch(self, request, *args, **kwargs):
        self.plan = plan_for_viewing(request.user, kwargs["pk"])
        if reason := why_cannot_edit(request.user, self.plan):
            raise PermissionDenied(reason)
        return super().dispatch(request, *args, **kwargs)

    def posted_revision(self) -> int:
        """The plan's revision when the page was opened (a hidden field on every editing form)."""
        try:
            return int(self.request.POST.get("revision", ""))
        except ValueError:
            return 0


def field_anchor(bound_field) -> str:
    """The id the error summary links to: the first box of a group of checkboxes or radios, the day of a date."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return f"id_{bound_field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


def error_items(*parts) -> list[tuple[str, str]]:
    """(anchor, message) for every error on the page, in page order; `parts` are forms and formsets."""
    items = []
    for part in parts:
        if isinstance(part, forms.BaseFormSet):
            for message in part.non_form_errors():
                items.append((part.prefix, message))
            for form in part.forms:
                items.extend(error_items(form))
            continue
        fields = [f for f in part.visible_fields()]
        for message in part.non_field_errors():
            items.append((field_anchor(fields[0]) if fields else "", message))
        for bound_field in fields:
            for message in bound_field.errors:
                items.append((field_anchor(bound_field), message))
    return items


def apply_service_errors(error: ValidationError, form, formsets: dict | None = None) -> None:
    """Puts a service's errors (keyed `amount_allocated`, `sub_items`, `sub_items-2-amount`) beside their fields.

    Row numbers count the rows that were sent to the service, that is the formset's `live_forms`."""
    formsets = formsets or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        if match := _ROW_KEY.match(key):
            formset = formsets.get(match["prefix"])
            live = formset.live_forms if formset is not None else []
            index = int(match["index"])
            if index < len(live):
                target = live[index]
                target.add_error(match["field"] if match["field"] in target.fields else None, messages)
                continue
        if key in formsets:
            formsets[key].non_form_errors().extend(messages)
        elif form is not None and key in form.fields:
            form.add_error(key, messages)
        elif form is not None:
            form.add_error(None, messages)


def with_added_row(data, prefix: str):
    """The POST data with one more (blank) row in formset `prefix`: "Add another" without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        data[key] = "1"
    return data


def hide_errors(*parts) -> None:
    """After "Add another" the page is shown again for more typing, not checked: no errors yet."""
    for part in parts:
        for form in part.forms if isinstance(part, forms.BaseFormSet) else [part]:
            if hasattr(form, "helper"):
                form.helper.form_show_errors = False
