"""The certifier's delegation to a deputy for one plan. It only collects; grants/services/certification.py decides."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms


class DelegationForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label="Who certifies this plan's returns for you?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        help_text="People of the partnership who are not certifiers. They can never certify a return they submitted.",
        error_messages={
            "required": "Choose the person who certifies for you",
            "invalid_choice": "Choose one of the people listed",
        },
    )

    def __init__(self, *args, eligible, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = eligible
        self.fields["deputy"].label_from_instance = lambda user: (
            f"{user.display_name}{f', {user.job_title}' if user.job_title else ''}"
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("deputy", legend_size="s"), Button.primary("delegate", "Delegate certification")
        )


class RevokeForm(forms.Form):
    """Nothing to fill in: the page is the confirmation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Button.warning("revoke", "Revoke the delegation"))
