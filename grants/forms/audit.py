"""The form of the audit-trail export: whose trail, and between which dates."""

from __future__ import annotations

import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from .fields import DateErrorsMixin, DateField

LONGEST = datetime.timedelta(days=3 * 366)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class AuditExportForm(DateErrorsMixin, forms.Form):
    """Asked with GET: the page's address says whose trail for which dates, and the answer is the file."""

    person = PersonChoiceField(
        queryset=None,
        label="Person",
        empty_label="Choose a person",
        error_messages={"required": "Choose the person whose audit trail you want"},
    )
    first = DateField(label="From", noun="the first day")
    last = DateField(label="To", noun="the last day", help_text="Included. For example, 31 3 2021.")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people.order_by("last_name", "first_name", "username")
        self.fields["person"].error_messages["invalid_choice"] = "Choose one of the people listed"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("person"),
            Field("first"),
            Field("last"),
            Button("download", "Download the audit trail (CSV)"),
        )

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last:
            if last < first:
                self.add_error("last", "The last day must be the same as or after the first day")
            elif last - first > LONGEST:
                self.add_error("last", "Choose at most three years at a time")
        return data
