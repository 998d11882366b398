"""The plan editor's forms: plan details, a funded project with its outcome measures, sub-items and match
funding (formsets with "add another"), and the risks and watch items."""

from __future__ import annotations

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.forms.models import ModelChoiceIterator

from grants.models import OutcomeMeasure, SpendingPlan
from grants.selectors import providers_for
from grants.services.plan_content import MatchFundingInput, MeasureInput, ProjectInput, RiskInput, SubItemInput
from partnerships.models import Organisation, ThematicGroup
from priorities.models import LocalPriority, Priority

from .fields import AmountField, DateErrorsMixin, DateField, GovUKFormSet, TextAreaField

OUTLINE_HINT = (
    "Separate paragraphs with a blank line. Start a line with “- ” for a bullet point or “1. ” for a numbered "
    "item; indent a line starting “a. ” under an item for a sub-list."
)


def _helper(layout: Layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = layout
    return helper


class PlanDetailsForm(forms.Form):
    title = forms.CharField(
        label="Title of the plan",
        max_length=300,
        error_messages={"required": "Enter the title of the plan"},
        help_text="As it will head the board paper, for example “OPCC grant spending plan”.",
    )
    purpose = TextAreaField(
        rows=8,
        label="Purpose and context",
        required=False,
        help_text="Opens the board paper. The background, context and other sections have their own page, "
        "“Sections of the board paper”. " + OUTLINE_HINT,
    )
    unallocated_note = TextAreaField(
        rows=4,
        label="What the partnership proposes for money not yet allocated",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                Field.text("title"),
                Field.textarea("purpose", rows=8),
                Field.textarea("unallocated_note", rows=4),
            )
        )

    @classmethod
    def initial_for(cls, plan: SpendingPlan) -> dict:
        return {"title": plan.title, "purpose": plan.purpose, "unallocated_note": plan.unallocated_note}


class LocalPriorityIterator(ModelChoiceIterator):
    """Checkboxes for local priorities, with the kind of risk as a hint ("Emerging issue")."""

    def choice(self, obj):
        value, label = super().choice(obj)
        return Choice(value, label, hint=obj.get_risk_level_display())


class LocalPriorityField(forms.ModelMultipleChoiceField):
    iterator = LocalPriorityIterator


class ProjectForm(DateErrorsMixin, forms.Form):
    """One funded project as the board paper's row shows it: what, how much, who delivers it, why and how
    success is measured. Sub-items, measures and match funding are the formsets beside it."""

    title = forms.CharField(
        label="Project, service or pilot title",
        max_length=300,
        error_messages={"required": "Enter the title of the funded project"},
    )
    outline = TextAreaField(rows=8, label="Brief outline", required=False, help_text=OUTLINE_HINT)
    amount_allocated = AmountField(
        label="Amount allocated",
        noun="the amount allocated",
        help_text="In pounds, for example £25,000 or £12,500.50.",
    )
    provider = forms.ModelChoiceField(
        label="Provider",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="No provider, or not known yet",
        help_text="The organisation that delivers the service.",
    )
    new_provider_name = forms.CharField(
        label="Or add an organisation that is not in the list",
        required=False,
        max_length=300,
        help_text="Its full name, for example “First Light”.",
    )
    new_provider_kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        choices=[("", "Choose the kind of organisation"), *Organisation.Kind.choices],
    )
    contract_value = AmountField(
        label="Total annual contract value",
        noun="the total annual contract value",
        required=False,
        help_text="When the grant pays part of a larger contract, for example £573,300.",
    )
    contract_end_date = DateField(
        label="Contract end date",
        noun="the contract end date",
        required=False,
        help_text="For example, 30 11 2020.",
    )
    contract_notes = forms.CharField(label="Notes on the contract", required=False, max_length=300)
    thematic_group = forms.ModelChoiceField(
        label="Thematic group", queryset=ThematicGroup.objects.none(), required=False, empty_label="None"
    )
    pcc_priorities = forms.ModelMultipleChoiceField(
        label="Police and Crime Plan priorities",
        queryset=Priority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all the priorities this project serves.",
    )
    local_priorities = LocalPriorityField(
        label="Local priorities",
        queryset=LocalPriority.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the partnership's strategic assessment for the year: the high level risks it found. "
        "Select all that apply.",
    )
    outcomes_summary = TextAreaField(
        rows=5,
        label="How the outcomes will be measured",
        required=False,
        help_text="How the project is monitored, in the plan's own words, for example “ongoing contract monitoring "
        "including quarterly performance returns and review meetings”. List each outcome measure below.",
    )

    def __init__(self, *args, plan: SpendingPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        pcp = plan.police_and_crime_plan
        self.fields["pcc_priorities"].queryset = pcp.priorities.all() if pcp else Priority.objects.none()
        if pcp:
            self.fields["pcc_priorities"].help_text = (
                f"From the {pcp.title}. Tick every priority this project serves, as the board paper's “Police & "
                "Crime Plan priority?” column lists them: a domestic abuse service, for example, serves “3. "
                "Protecting people at risk of abuse” and “4. Supporting victims and witnesses”. The OPCC checks the "
                "plan's alignment with these."
            )
        else:
            self.fields[
                "pcc_priorities"
            ].help_text = f"There is no Police and Crime Plan in force for {plan.financial_year} yet."
        self.fields["local_priorities"].queryset = LocalPriority.objects.filter(
            assessment__partnership=plan.award.partnership, assessment__financial_year=plan.financial_year
        ).order_by("position", "title")
        self.fields["thematic_group"].queryset = ThematicGroup.objects.filter(partnership=plan.award.partnership)
        self.fields["provider"].queryset = providers_for(plan, current=self.initial.get("provider"))
        self.helper = _helper(
            Layout(
                Field.text("title"),
                Field.textarea("outline", rows=8),
                Field.text("amount_allocated", field_width=10),
                Fieldset(
                    Field.select("provider"),
                    Field.text("new_provider_name", field_width=Fluid.TWO_THIRDS),
                    Field.select("new_provider_kind"),
                    Field.text("contract_value", field_width=10),
                    Field("contract_end_date"),
                    Field.text("contract_notes"),
                    legend="Provider and contract",
                    legend_size=Size.MEDIUM,
                    legend_tag="h2",
                ),
                Field.select("thematic_group"),
                Field.checkboxes("pcc_priorities", legend_size=Size.MEDIUM, legend_tag="h2", small=True),
                Field.checkboxes("local_priorities", legend_size=Size.MEDIUM, legend_tag="h2", small=True),
                HTML('<h2 class="govuk-heading-m" id="outcomes">Outcomes</h2>'),
                Field.textarea("outcomes_summary", rows=5),
            )
        )

    @classmethod
    def initial_for(cls, project) -> dict:
        return {
            "title": project.title,
            "outline": project.outline,
            # A line saved unfinished without its amount holds £0.00 until given: the box shows it empty.
            "amount_allocated": None
            if project.unfinished and not project.amount_allocated
            else project.amount_allocated,
            "provider": project.provider_id,
            "contract_value": project.contract_value,
            "contract_end_date": project.contract_end_date,
            "contract_notes": project.contract_notes,
            "thematic_group": project.thematic_group_id,
            "pcc_priorities": [p.pk for p in project.pcc_priorities.all()],
            "local_priorities": [p.pk for p in project.local_priorities.all()],
            "outcomes_summary": project.outcomes_summary,
        }


class SubItemForm(forms.Form):
    label = forms.CharField(
        label="Letter", max_length=10, error_messages={"required": "Enter a letter for the sub-item, for example A"}
    )
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the sub-item's title"})
    amount = AmountField(label="Amount", noun="the sub-item's amount")
    description = TextAreaField(rows=4, label="Outline", required=False, help_text=OUTLINE_HINT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["data-sub-item-amount"] = ""
        self.helper = _helper(
            Layout(
                Field.text("label", field_width=2),
                Field.text("title"),
                Field.text("amount", field_width=10),
                Field.textarea("description", rows=4),
                Field.checkbox("DELETE", small=True),
            )
        )


class MeasureForm(forms.Form):
    description = TextAreaField(
        rows=2,
        label="Outcome measure",
        help_text="For “75% or above victims referred to the service engage with the service”, also choose “at "
        "least”, 75 and % as the numeric target.",
        error_messages={"required": "Enter the outcome measure, or tick “Remove this outcome measure”"},
    )
    sub_item_label = forms.CharField(
        label="Sub-item (optional)",
        required=False,
        max_length=10,
        help_text="Its letter, or blank",
    )
    target_comparison = forms.ChoiceField(
        label="Numeric target (optional)",
        required=False,
        choices=[("", "No numeric target"), *OutcomeMeasure.Comparison.choices],
    )
    target_value = forms.DecimalField(
        label="Target value",
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        error_messages={
            "invalid": "Enter the target as a number, for example 75",
            "min_value": "Enter the target as 0 or more",
        },
    )
    target_unit = forms.ChoiceField(
        label="Unit", required=False, choices=[("", "Choose the unit"), *OutcomeMeasure.Unit.choices]
    )
    frequency = forms.ChoiceField(
        label="How often it is reported",
        required=False,
        choices=[("", "Not given"), *OutcomeMeasure.Frequency.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                Field.textarea("description", rows=2),
                HTML('<div class="app-inline-fields">'),
                Field.text("sub_item_label", field_width=2),
                Field.select("frequency"),
                HTML('</div><div class="app-inline-fields">'),
                Field.select("target_comparison"),
                Field.text("target_value", field_width=5),
                Field.select("target_unit"),
                HTML("</div>"),
                Field.checkbox("DELETE", small=True),
            )
        )


class MatchFundingForm(forms.Form):
    source = forms.CharField(
        label="Who provides it",
        max_length=200,
        error_messages={"required": "Enter who provides the match funding"},
        help_text="For example NHS England.",
    )
    amount = AmountField(label="Amount", noun="the match funding amount")
    note = forms.CharField(label="Note (optional)", required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs["data-match-amount"] = ""
        self.helper = _helper(
            Layout(
                Field.text("source", field_width=Fluid.TWO_THIRDS),
                Field.text("amount", field_width=10),
                Field.text("note"),
                Field.checkbox("DELETE", small=True),
            )
        )


class SubItemFormSet(GovUKFormSet):
    noun = "sub-item"


class MeasureFormSet(GovUKFormSet):
    noun = "outcome measure"


class MatchFundingFormSet(GovUKFormSet):
    noun = "match funding"


class RiskFormSet(GovUKFormSet):
    noun = "risk or watch item"


def make_formset(form, base, prefix, *, data=None, initial=None, blank_row=False):
    extra = 1 if blank_row and not initial else 0
    formset_class = forms.formset_factory(form, formset=base, extra=extra, can_delete=True)
    return formset_class(data=data, initial=initial or [], prefix=prefix)


def project_formsets(data=None, project=None, *, new: bool = False) -> dict:
    """The formsets of the project page, keyed by prefix (which is also the key of their errors)."""
    sub_items, measures, matches = [], [], []
    if project is not None:
        sub_items = [
            {"label": s.label, "title": s.title, "amount": s.amount, "description": s.description}
            for s in project.sub_items.all()
        ]
        labels = {s.pk: s.label for s in project.sub_items.all()}
        measures = [
            {
                "description": m.description,
                "sub_item_label": labels.get(m.sub_item_id, ""),
                "target_comparison": m.target_comparison,
                "target_value": f"{m.target_value.normalize():f}" if m.target_value is not None else None,
                "target_unit": m.target_unit,
                "frequency": m.frequency,
            }
            for m in project.outcome_measures.all()
        ]
        matches = [{"source": m.source, "amount": m.amount, "note": m.note} for m in project.match_funding.all()]
    return {
        "measures": make_formset(MeasureForm, MeasureFormSet, "measures", data=data, initial=measures, blank_row=new),
        "sub_items": make_formset(SubItemForm, SubItemFormSet, "sub_items", data=data, initial=sub_items),
        "match_funding": make_formset(
            MatchFundingForm, MatchFundingFormSet, "match_funding", data=data, initial=matches
        ),
    }


def project_input(form: ProjectForm, formsets: dict, *, unfinished: bool = False) -> ProjectInput:
    data = form.cleaned_data
    return ProjectInput(
        unfinished=unfinished,
        title=data["title"],
        outline=data["outline"],
        amount_allocated=data["amount_allocated"],
        provider=data["provider"],
        new_provider_name=data["new_provider_name"],
        new_provider_kind=data["new_provider_kind"],
        contract_value=data["contract_value"],
        contract_end_date=data["contract_end_date"],
        contract_notes=data["contract_notes"],
        thematic_group=data["thematic_group"],
        outcomes_summary=data["outcomes_summary"],
        pcc_priorities=list(data["pcc_priorities"]),
        local_priorities=list(data["local_priorities"]),
        sub_items=[
            SubItemInput(
                label=f.cleaned_data["label"],
                title=f.cleaned_data["title"],
                amount=f.cleaned_data["amount"],
                description=f.cleaned_data["description"],
            )
            for f in formsets["sub_items"].live_forms
        ],
        measures=[
            MeasureInput(
                description=f.cleaned_data["description"],
                sub_item_label=f.cleaned_data["sub_item_label"],
                target_value=f.cleaned_data["target_value"],
                target_comparison=f.cleaned_data["target_comparison"],
                target_unit=f.cleaned_data["target_unit"],
                frequency=f.cleaned_data["frequency"],
            )
            for f in formsets["measures"].live_forms
        ],
        match_funding=[
            MatchFundingInput(
                source=f.cleaned_data["source"], amount=f.cleaned_data["amount"], note=f.cleaned_data["note"]
            )
            for f in formsets["match_funding"].live_forms
        ],
    )


class RiskForm(forms.Form):
    theme = forms.CharField(
        label="Theme", max_length=200, error_messages={"required": "Enter the theme, for example Mental Health"}
    )
    initiative = TextAreaField(
        rows=5,
        label="Initiative or concern",
        error_messages={"required": "Describe the initiative or concern"},
        help_text=OUTLINE_HINT,
    )
    budget = AmountField(label="Budget (optional)", noun="the budget", required=False)
    budget_note = forms.CharField(
        label="Note on the budget (optional)",
        required=False,
        max_length=200,
        help_text="For example “the cost for 6 months”.",
    )
    recommendation = TextAreaField(
        rows=4,
        label="Recommendation",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Layout(
                Field.text("theme", field_width=Fluid.TWO_THIRDS),
                Field.textarea("initiative", rows=5),
                Field.text("budget", field_width=10),
                Field.text("budget_note"),
                Field.textarea("recommendation", rows=4),
                Field.checkbox("DELETE", small=True),
            )
        )


def risk_formset(data=None, plan=None):
    initial = [
        {
            "theme": r.theme,
            "initiative": r.initiative,
            "budget": r.budget,
            "budget_note": r.budget_note,
            "recommendation": r.recommendation,
        }
        for r in (plan.risks.all() if plan is not None else [])
    ]
    return make_formset(RiskForm, RiskFormSet, "risks", data=data, initial=initial, blank_row=True)


def risk_inputs(formset) -> list[RiskInput]:
    return [
        RiskInput(
            theme=f.cleaned_data["theme"],
            initiative=f.cleaned_data["initiative"],
            budget=f.cleaned_data["budget"],
            budget_note=f.cleaned_data["budget_note"],
            recommendation=f.cleaned_data["recommendation"],
        )
        for f in formset.live_forms
    ]
