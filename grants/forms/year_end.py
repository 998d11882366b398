"""Forms for the year end: the OPCC's proposal and an approval. They only collect; grants/services/year_end.py
decides."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from grants.models import YearEnd

from .fields import AmountField


class YearEndProposalForm(forms.Form):
    treatment = forms.ChoiceField(
        label="What happens to the underspend",
        choices=YearEnd.Treatment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the underspend is returned or carried forward"},
    )
    carried_forward = AmountField(
        label="Amount to carry forward",
        noun="the amount to carry forward",
        required=False,
        help_text="Only when carrying forward: at most the underspend. Any rest is returned to the OPCC.",
    )
    comments = forms.CharField(label="Comments (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("treatment", legend_size="s"),
            Field.text("carried_forward", field_width=10),
            Field.textarea("comments", label_size="s", rows=4),
            Button.primary("propose", "Propose the year end"),
        )


class YearEndApprovalForm(forms.Form):
    comments = forms.CharField(label="Comments (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, button: str = "Approve the year end", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("comments", label_size="s", rows=4), Button.primary("approve", button)
        )


class YearEndWithdrawalForm(forms.Form):
    reason = forms.CharField(
        label="Why is the proposal withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say why the proposal is withdrawn"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("reason", label_size="s", rows=4), Button.warning("withdraw", "Withdraw the proposal")
        )
