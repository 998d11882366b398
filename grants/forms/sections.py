"""The board paper's sections: the officer's text for each section its force area asks for, and the OPCC's choice
of sections (grants/models/sections.py)."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from grants.models import PaperSection
from grants.models.sections import SECTION_HINTS

from .editing import OUTLINE_HINT
from .fields import TextAreaField


class PlanSectionsForm(forms.Form):
    """A text box per section: those the area asks for, and any other the plan already has text for (so that
    nothing written is hidden when the OPCC changes what it asks for)."""

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = TextAreaField(
                rows=8,
                label=PaperSection(kind).label,
                required=False,
                max_length=20000,
                help_text=f"{SECTION_HINTS[kind]} {OUTLINE_HINT}",
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *(Field.textarea(kind, rows=8, label_size=Size.MEDIUM, label_tag="h2") for kind in kinds)
        )


class AreaPaperSectionsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Sections every partnership's board paper has",
        choices=PaperSection.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every paper opens with the plan's purpose and has the table of funded projects and the approvals. "
        "Partnerships see a text box for each section ticked here.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("kinds", legend_size=Size.MEDIUM, small=True),
            Submit("save", "Save the sections"),
        )
