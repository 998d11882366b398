"""The form for attaching a supporting document to a plan or one of its funded projects. It only collects the
file and what it is for: `grants.services.attachments` checks the file and stores it."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from grants.services.attachments import ACCEPT, ALLOWED_TYPES_TEXT, max_size_text


class DocumentForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )
    project = forms.ChoiceField(label="What does it support?", required=False)
    description = forms.CharField(
        label="What is it? (optional)",
        required=False,
        max_length=300,
        help_text="For example “Trauma informed training evaluation form” or “Provider's funding proposal”.",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["file"].help_text = (
            f"It must be {ALLOWED_TYPES_TEXT}, and smaller than {max_size_text()}. Everyone who can see the plan can "
            "download it."
        )
        self.fields["file"].widget.attrs["accept"] = ACCEPT
        self.projects = {str(p.pk): p for p in plan.projects.order_by("number")}
        self.fields["project"].choices = [("", "The plan as a whole")] + [
            (pk, f"Funded project {p.number}: {p.title}") for pk, p in self.projects.items()
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("file"),
            Field.select("project"),
            Field.text("description"),
            Button.primary("upload", "Add the document"),
        )

    def clean_project(self):
        value = self.cleaned_data.get("project") or ""
        return self.projects.get(value)
