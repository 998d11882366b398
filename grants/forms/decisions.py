"""Forms for the approval workflow's pages: a decision (with comments and conditions), a declaration of
interest, starting a variation. They only collect words; the services decide."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from grants.models import ScrutinyComment
from grants.workflow import Transition

from .fields import AmountField, DateErrorsMixin, DateField

COMMENTS_LABELS = {
    "return": ("What needs to change", "The officers see this on the plan and in their e-mail."),
    "decline": ("Why the plan is declined", "The partnership sees this on the plan and in their e-mail."),
    "submit": ("Comments for the reviewers (optional)", ""),
    "withdraw": (
        "Why you are withdrawing it (optional)",
        "The reviewers see this in the approval trail and in the e-mail telling them they need not act.",
    ),
}


class DecisionForm(DateErrorsMixin, forms.Form):
    """One decision. `expected_status` carries the status the person saw, so that a decision taken by someone
    else in the meantime is not silently overtaken. A decision taken at a minuted meeting (`meeting=True`: the
    board's) may give the meeting's date and minute reference."""

    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    conditions = forms.CharField(
        label="Conditions (optional)",
        help_text="Start each condition on a new line with “- ”, for example “- Subject to quarterly performance "
        "returns”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    meeting_date = DateField(
        label="Date of the board meeting (optional)",
        noun="the date of the board meeting",
        required=False,
        help_text="When the board took this decision at a meeting: it is then the decision's date. For example, "
        "12 3 2020.",
    )
    minute_reference = forms.CharField(
        label="Minute reference (optional)",
        required=False,
        max_length=100,
        help_text="As the minutes number it, for example 12/20.",
    )
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, transition: Transition, meeting: bool = False, **kwargs):
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
        if meeting:
            fields += [Field("meeting_date"), Field.text("minute_reference", field_width=10, label_size="s")]
        else:
            del self.fields["meeting_date"], self.fields["minute_reference"]
        button = (
            Button.warning("decide", transition.label)
            if transition.name in ("return", "decline", "withdraw")
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
    prejudicial = forms.TypedChoiceField(
        label="Is it a prejudicial interest?",
        help_text="Prejudicial: so significant that someone who knew the facts would think it likely to affect your "
        "judgement, for example you are a trustee, director or employee of the provider. You then may not act on "
        "this plan: another member with your role decides. Otherwise the interest is recorded and you may decide.",
        choices=[("yes", "Yes, it is prejudicial: I will not act on this plan"), ("no", "No, it is not prejudicial")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the interest is prejudicial."},
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
            Field.radios("prejudicial", legend_size="s"),
            Button.primary("declare", "Declare this interest"),
        )


class ScrutinyCommentForm(forms.Form):
    """An OPCC officer's comment on one funded project."""

    kind = forms.ChoiceField(
        label="What kind of comment is it?",
        choices=ScrutinyComment.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it is a question, a condition or a note."},
    )
    text = forms.CharField(
        label="Your comment",
        help_text="The partnership's officers see it on the plan and by e-mail, and can answer it. It is part of the "
        "record and of the decision notice.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your comment"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (ScrutinyComment.Kind.QUESTION, "A question for the partnership to answer"),
            (ScrutinyComment.Kind.CONDITION, "A condition the OPCC attaches to this funded project"),
            (ScrutinyComment.Kind.NOTE, "A note for the record"),
        ]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.radios("kind", legend_size="s"),
            Field.textarea("text", label_size="s", rows=5),
            Button.primary("comment", "Add the comment"),
        )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer",
        help_text="The OPCC officer is told by e-mail. Answers are part of the record and cannot be changed; to add "
        "to an answer, answer again.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter your answer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.textarea("text", label_size="s", rows=5),
            Button.primary("answer", "Send the answer"),
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
