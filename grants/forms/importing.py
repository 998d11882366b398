"""Uploading a spreadsheet of funded projects."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from grants.services.importing import ADD, REPLACE

from .fields import BoundedFileField


class ImportUploadForm(forms.Form):
    file = BoundedFileField(
        label="Spreadsheet file",
        help_text="An Excel workbook (.xlsx) or a CSV file (.csv), with a row of column headings.",
        error_messages={"required": "Choose the spreadsheet to import"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    mode = forms.ChoiceField(
        label="What should happen to the plan's funded projects?",
        widget=forms.RadioSelect,
        initial=ADD,
        choices=[
            Choice(
                ADD,
                "Add the spreadsheet's funded projects to the plan",
                hint="A line with the same number as one in the plan changes that line. The plan's other lines stay "
                "as they are.",
            ),
            Choice(
                REPLACE,
                "Replace all the plan's funded projects with the spreadsheet's",
                hint="Lines that are not in the spreadsheet are removed.",
            ),
        ],
        error_messages={"required": "Choose what should happen to the plan's funded projects"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("file"),
            Field.radios("mode", legend_size=Size.MEDIUM, legend_tag="h2"),
        )
