"""Starting a spending plan: which award it is for, and whether to roll last year's approved plan forward."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from grants.money import format_money


class AwardChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, award):
        return f"{award.partnership} {award.financial_year}: {format_money(award.amount)}"


class ChooseAwardForm(forms.Form):
    award = AwardChoiceField(
        label="Which award is the spending plan for?",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose the award the plan is for"},
    )

    def __init__(self, *args, awards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award"].queryset = awards
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.radios("award", legend_size=Size.LARGE, legend_tag="h1"))


class StartPlanForm(forms.Form):
    start = forms.ChoiceField(
        label="How do you want to start the plan?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how to start the plan"},
    )

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if source is not None:
            choices.append(
                Choice(
                    "roll_forward",
                    f"Roll forward the approved {source.financial_year} plan",
                    hint=(
                        f"Its {source.projects.count()} funded projects, with their contracts, outcome measures, "
                        "priorities, sub-items and match funding, and its risks and watch items are copied with "
                        "their amounts. You then change what is different this year."
                    ),
                )
            )
        choices.append(
            Choice(
                "blank",
                "Start with a blank plan",
                hint="Add each funded project yourself, or import them from a spreadsheet.",
            )
        )
        self.fields["start"].choices = choices
        if len(choices) == 1:
            self.fields["start"].initial = "blank"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.radios("start", legend_size=Size.MEDIUM, legend_tag="h2"))
