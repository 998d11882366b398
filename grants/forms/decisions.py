"""Forms for the approval workflow's pages: a decision (with comments and conditions), a declaration of
interest, starting a variation. They only collect words; the services decide."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from grants.workflow import Transition

from .fields import AmountField

COMMENTS_LABELS = {
    "return": ("What needs to change", "The officers see this on the plan and in their e-mail."),
    "decline": ("Why the plan is declined", "The partnership sees this on the plan and in their e-mail."),
    "submit": ("Comments for the reviewers (optional)", ""),
}


class DecisionForm(forms.Form):
    """One decision. `expected_status` carries the status the person saw, so that a decision taken by someone
    else in the meantime is not silently overtaken."""

    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    conditions = forms.CharField(
        label="Conditions (optional)",
        help_text="Start each condition on a new line with “- ”, for example “- Subject to quarterly performance "
        "returns”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transition: Transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        label, hint = COMMENTS_LABELS.get(transition.name, ("Comments (optional)", ""))
        self.fields["comments"].label = label
        self.fields["comments"].help_text = hint
        self.fields["comments"].required = transition.comments_required
        self.fields["comments"].error_messages["required"] = (
            "Say what needs to change and why: the partnership will see your comments."
            if transition.name == "return"
            else "Say why the plan is declined: the partnership will see your comments."
        )
        fields = [Field.textarea("comments", label_size="s", rows=5)]
        if transition.conditions:
            fields.append(Field.textarea("conditions", label_size="s", rows=3))
        else:
            del self.fields["conditions"]
        button = (
            Button.warning("decide", transition.label)
            if transition.name in ("return", "decline")
            else Button.primary("decide", transition.label)
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields, "expected_status", button)


class InterestForm(forms.Form):
    """A reviewer's interest in one funded project, declared before they decide."""

    project = forms.ModelChoiceField(
        queryset=None,
        label="Which funded project do you have an interest in?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the funded project you have an interest in."},
    )
    interest = forms.CharField(
        label="What is your interest?",
        help_text="For example “I am a trustee of the provider” or “A close relative works for the service”.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe your interest in the funded project."},
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = plan.projects.order_by("number")
        self.fields["project"].label_from_instance = lambda p: f"{p.number}. {p.title}"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("project", legend_size="s"),
            Field.textarea("interest", label_size="s", rows=4),
            Button.primary("declare", "Declare this interest"),
        )


class VariationThresholdForm(forms.Form):
    """The OPCC's threshold: money typed as people write it (`£25,000`), never a float."""

    minor_below = AmountField(
        label="Minor variation threshold",
        help_text="A variation that moves less money than this between funded projects is minor. Leave empty for "
        "no threshold: every variation then takes the full path.",
        required=False,
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("minor_below", field_width=10, label_size="s"),
            Field.text("note", label_size="s"),
            Button.primary("save", "Save the threshold"),
        )


class MinorVariationPathForm(forms.Form):
    path = forms.ChoiceField(
        label="Which of the partnership's stages do minor variations go through?",
        help_text="OPCC scrutiny and the final sign-off by the decision-maker and the finance officer always follow.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the path minor variations take."},
    )

    def __init__(self, *args, partnership, **kwargs):
        from partnerships.models import Partnership

        super().__init__(*args, **kwargs)
        choices = Partnership.MinorVariationPath.choices
        if not partnership.has_executive_group:
            choices = [(value, label) for value, label in choices if value != Partnership.MinorVariationPath.EXECUTIVE]
        self.fields["path"].choices = choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("path", legend_size="s"),
            Button.primary("save", "Save the path"),
        )
