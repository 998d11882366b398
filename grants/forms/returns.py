"""Forms for performance returns: the officer's return (a field per outcome measure, by its type and unit; spend
in the period; a forecast for each later period; risks and narrative), a step on the return (comments and, before
submission, the personal-data confirmation), and the OPCC's reporting rules. They only collect; the services
decide (grants/services/returns.py)."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout
from django import forms

from grants.models import MeasureResult, PerformanceReturn, ReportingRules

from .fields import AmountField, BoundedFileField, NumberField

AGGREGATE_ONLY = (
    "Aggregate figures only: the conditions of grant forbid anything that could identify a service user (names, "
    "dates of birth, addresses, postcodes, e-mail addresses or phone numbers)."
)


class ReturnForm(forms.Form):
    """The return. Field names: `measure_<id>` (figure or words), `forecast_<period id>`."""

    spend_in_period = AmountField(label="Spend in the period", noun="the spend in the period", required=False)
    risks = forms.CharField(label="Risks and issues", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    went_well = forms.CharField(label="What went well", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    issues = forms.CharField(
        label="What did not go well, and what is being done", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    case_study = forms.CharField(
        label="Case study (optional)",
        required=False,
        help_text="A short account of the difference the service made, with nothing that could identify the person.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, performance_return: PerformanceReturn, **kwargs):
        self.performance_return = performance_return
        results = {r.measure_id: r for r in performance_return.results.all()}
        forecasts = {f.period_id: f.amount for f in performance_return.forecasts.all()}
        initial = {
            "spend_in_period": performance_return.spend_in_period,
            "risks": performance_return.risks,
            "went_well": performance_return.went_well,
            "issues": performance_return.issues,
            "case_study": performance_return.case_study,
        }
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(*args, initial=initial, **kwargs)
        project = performance_return.project
        self.measures = list(project.outcome_measures.all()) if project else []  # a direct award's: none
        measure_fields = []
        for measure in self.measures:
            name = f"measure_{measure.pk}"
            result: MeasureResult | None = results.get(measure.pk)
            if measure.is_numeric:
                unit = measure.get_target_unit_display()
                self.fields[name] = NumberField(
                    label=measure.description,
                    required=False,
                    decimal_places=2,
                    whole_digits=10,
                    maximum=Decimal(100) if measure.target_unit == measure.Unit.PERCENT else None,
                    help_text=f"Target: {measure.target_display}. Enter the figure for the period"
                    + (" as a percentage." if measure.target_unit == measure.Unit.PERCENT else f" ({unit})."),
                )
                self.initial[name] = result.value if result and result.value is not None else ""
                measure_fields.append(Field.text(name, field_width=5, label_size="s"))
            else:
                self.fields[name] = forms.CharField(
                    label=measure.description,
                    required=False,
                    help_text="A qualitative measure: say what happened in the period. The OPCC reviewer judges it.",
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
                self.initial[name] = result.narrative if result else ""
                measure_fields.append(Field.textarea(name, label_size="s", rows=3))
        self.later_periods = list(
            performance_return.period.award.reporting_periods.filter(number__gt=performance_return.period.number)
        )
        forecast_fields = []
        for period in self.later_periods:
            name = f"forecast_{period.pk}"
            self.fields[name] = AmountField(
                label=f"Forecast spend in {period.name}",
                noun=f"the forecast spend in {period.short_name}",
                required=False,
            )
            self.initial[name] = forecasts.get(period.pk)
            forecast_fields.append(Field.text(name, field_width=10, label_size="s"))
        self.helper = FormHelper()
        self.helper.form_tag = False
        parts = [Fieldset(*measure_fields, legend="Outcome measures", legend_size="m")] if measure_fields else []
        parts.append(
            Fieldset(
                Field.text("spend_in_period", field_width=10, label_size="s"),
                *forecast_fields,
                legend="Spend and forecast",
                legend_size="m",
            )
        )
        parts.append(
            Fieldset(
                Field.textarea("risks", label_size="s", rows=4),
                Field.textarea("went_well", label_size="s", rows=4),
                Field.textarea("issues", label_size="s", rows=4),
                Field.textarea("case_study", label_size="s", rows=5),
                legend="Risks and narrative",
                legend_size="m",
            )
        )
        parts.append(Button.primary("save", "Save the return"))
        self.helper.layout = Layout(*parts)

    def results(self) -> dict[int, tuple[Decimal | None, str]]:
        data = {}
        for measure in self.measures:
            value = self.cleaned_data.get(f"measure_{measure.pk}")
            if measure.is_numeric:
                data[measure.pk] = (value, "")
            else:
                data[measure.pk] = (None, value or "")
        return data

    def forecasts(self) -> dict[int, Decimal | None]:
        return {p.pk: self.cleaned_data.get(f"forecast_{p.pk}") for p in self.later_periods}


STEP_COMMENTS = {
    "submit": ("Comments for the certifier and the OPCC (optional)", "When answering a query, say what you changed."),
    "certify": ("Comments (optional)", ""),
    "query": ("What the officer needs to answer or change", "The officer sees this on the return and by e-mail."),
    "accept": ("Comments (optional)", ""),
    "reopen": ("Why the return is reopened", "The officer and the certifier see this on the return and by e-mail."),
}


class ReturnStepForm(forms.Form):
    comments = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    no_personal_data = forms.BooleanField(
        label="I have checked: the return gives aggregate figures only and identifies nobody",
        required=True,
        error_messages={"required": "Check the text flagged above, then confirm that it identifies nobody."},
    )

    def __init__(self, *args, transition, warnings: list[str], qualitative=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.qualitative = list(qualitative)  # the return's results for qualitative measures, judged by the OPCC
        label, hint = STEP_COMMENTS[transition.action]
        self.fields["comments"].label, self.fields["comments"].help_text = label, hint
        self.fields["comments"].required = transition.comments_required
        self.fields["comments"].error_messages["required"] = f"Enter {label[:1].lower()}{label[1:]}"
        fields = []
        for result in self.qualitative:
            name = f"judgement_{result.measure_id}"
            self.fields[name] = forms.ChoiceField(
                label=f"Your judgement of “{result.measure.description}”",
                choices=MeasureResult.Judgement.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=result.judgement,
                help_text=f"The partnership wrote: {result.narrative}" if result.narrative else "",
            )
            fields.append(Field.radios(name, legend_size="s", inline=True))
        fields.append(Field.textarea("comments", label_size="s", rows=4))
        if warnings:
            fields.append(Field.checkbox("no_personal_data"))
        else:
            del self.fields["no_personal_data"]
        self.helper = FormHelper()
        self.helper.layout = Layout(*fields, Button.primary("act", transition.button))


def judgements(form: ReturnStepForm) -> dict[int, str]:
    return {r.measure_id: form.cleaned_data.get(f"judgement_{r.measure_id}", "") for r in form.qualitative}


class ReportingRulesForm(forms.ModelForm):
    amber_tolerance = NumberField(
        label="Amber tolerance",
        minimum=Decimal(0),
        decimal_places=2,
        help_text="How far a figure may miss its target and still be amber rather than red, in the measure's unit "
        "(percentage points for a percentage). 0 means no amber band.",
    )

    class Meta:
        model = ReportingRules
        fields = ["months_per_period", "working_days_to_report", "reminder_working_days", "amber_tolerance"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("months_per_period", legend_size="s"),
            Field.text("working_days_to_report", field_width=3, label_size="s"),
            Field.text("reminder_working_days", field_width=3, label_size="s"),
            Field.text("amber_tolerance", field_width=5, label_size="s"),
            Button.primary("save", "Save the reporting rules"),
        )


class MoneyMoveForm(forms.Form):
    """Money moved between two funded projects of the return's plan. The service decides (move_record)."""

    from_project = forms.ChoiceField(label="Moved from")
    to_project = forms.ChoiceField(label="Moved to")
    amount = AmountField(label="Amount moved", noun="the amount moved", allow_zero=False)
    reason = forms.CharField(label="Why the money was moved", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, performance_return: PerformanceReturn, **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {str(p.pk): p for p in performance_return.project.plan.projects.order_by("number")}
        choices = [("", "Choose a funded project")] + [(k, f"{p.number}. {p.title}") for k, p in self.projects.items()]
        for name in ("from_project", "to_project"):
            self.fields[name].choices = choices
            moved = self.fields[name].label.lower()
            self.fields[name].error_messages["required"] = f"Choose the project the money was {moved}"
            self.fields[name].error_messages["invalid_choice"] = "Choose a funded project of the plan"
        self.fields["reason"].error_messages["required"] = "Say why the money was moved"
        self.initial.setdefault("from_project", str(performance_return.project.pk))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.select("from_project", label_size="s"),
            Field.select("to_project", label_size="s"),
            Field.text("amount", field_width=10, label_size="s"),
            Field.textarea("reason", label_size="s", rows=3),
            Button.primary("record", "Record the move"),
        )

    def project(self, name: str):
        return self.projects.get(self.cleaned_data.get(name) or "")


class ReturnImportForm(forms.Form):
    """The return's spreadsheet, as the product's template gives it."""

    file = BoundedFileField(
        label="Return spreadsheet",
        help_text="The return template (.xlsx) with the figures filled in, or the same as a CSV file.",
        error_messages={"required": "Choose the filled-in return spreadsheet"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field("file"), Button.primary("upload", "Upload and check"))


class AwardReportingForm(forms.Form):
    """How often an award made directly to an organisation reports (grants/services/returns.py decides)."""

    reports_every_months = forms.TypedChoiceField(
        label="How often does the organisation report?",
        choices=[("", "No returns"), (1, "Monthly"), (3, "Quarterly"), (6, "Six-monthly"), (12, "Annually")],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text="Each return is due the number of working days after its period ends that the area's reporting "
        "rules set. The OPCC records what the provider reports; another OPCC officer accepts it.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("reports_every_months", legend_size="s"), Button.primary("save", "Save")
        )
