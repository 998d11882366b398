"""Forms for the OPCC's pages: awards, formula scenarios, imports, funding streams, grant rounds, allocations.

Money is typed in `AmountField` (grants/forms/fields.py, the one money field), so `£1,234.50` and `1234.5` both
work; every figure is Decimal.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Layout, Size
from django import forms

from grants.models import FundingStream, GrantApplication, GrantRound
from partnerships.models import Organisation, Partnership

from .fields import DATE_EXAMPLE, AmountField, BoundedFileField, DateErrorsMixin, DateField, NumberField


class AwardsForm(DateErrorsMixin, forms.Form):
    """One amount per partnership (fields `amount-<id>`), and the date the awards are made."""

    awarded_on = DateField(
        label="Date the awards are made",
        noun="the date the awards are made",
        required=False,
        help_text=f"{DATE_EXAMPLE}. Leave blank to save the figures as proposed awards, not yet made.",
    )

    def __init__(self, *args, partnerships: list[Partnership], **kwargs):
        super().__init__(*args, **kwargs)
        self.partnerships = partnerships
        for partnership in partnerships:
            self.fields[f"amount-{partnership.pk}"] = AmountField(
                label=f"Award for {partnership}", noun=f"the award for {partnership}", required=False
            )
        self.helper = FormHelper()  # the page lays the fields out in a table; the helper drives the error summary

    def amounts(self) -> dict[Partnership, Decimal | None]:
        return {p: self.cleaned_data.get(f"amount-{p.pk}") for p in self.partnerships}

    def rows(self):
        return [(p, self[f"amount-{p.pk}"]) for p in self.partnerships]


class UploadForm(forms.Form):
    file = BoundedFileField(
        label="Upload a file",
        help_text="A CSV file or an Excel workbook (.xlsx).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"), Button("submit", "Upload and check"))


class ScenarioForm(forms.Form):
    name = forms.CharField(
        label="Scenario name", max_length=100, help_text="For example Population and crime, 5% damping."
    )
    pot = AmountField(label="Pot", allow_zero=False, help_text="The whole sum for the year, before any top-slice.")
    top_slice = AmountField(label="Top-slice", required=False, help_text="Held back for area-wide work. Optional.")
    top_slice_purpose = forms.CharField(label="What the top-slice is for", required=False, max_length=200)
    base_per_partnership = AmountField(
        label="Base per partnership", required=False, help_text="A flat amount every partnership receives first."
    )
    damping_percent = NumberField(
        label="Damping (%)",
        required=False,
        maximum=Decimal(100),
        decimal_places=2,
        help_text="No partnership moves more than this percentage from last year's award. Leave blank for none.",
    )
    phase_year = forms.IntegerField(label="Phasing: year", required=False, min_value=1, max_value=10)
    phase_years = forms.IntegerField(
        label="of (years)",
        required=False,
        min_value=1,
        max_value=10,
        help_text="Phase the new formula in: year 1 of 3 moves a third of the way from last year's shares.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        weight_fields = []
        for indicator in indicators:
            name = f"weight-{indicator.pk}"
            self.fields[name] = NumberField(
                label=f"Weight for {indicator.name}",
                required=False,
                whole_digits=4,
                help_text="Leave blank or 0 to leave it out.",
            )
            weight_fields.append(Field.text(name, field_width=5))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Fieldset(
                Field.text("pot", field_width=10),
                Field.text("top_slice", field_width=10),
                Field.text("top_slice_purpose", field_width=20),
                Field.text("base_per_partnership", field_width=10),
                legend="The money",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(*weight_fields, legend="Indicator weights", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("damping_percent", field_width=5),
                Field.text("phase_year", field_width=2),
                Field.text("phase_years", field_width=2),
                legend="Damping and phasing",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("notes"),
            Button("submit", "Work out and save the scenario"),
        )

    def clean(self):
        cleaned = super().clean()
        year, years = cleaned.get("phase_year"), cleaned.get("phase_years")
        if bool(year) != bool(years):
            self.add_error(
                "phase_years" if year else "phase_year", "Give both the phasing year and the number of years"
            )
        elif year and years and year > years:
            self.add_error("phase_year", "The phasing year cannot be after the last year")
        if self.indicators and not any(cleaned.get(f"weight-{i.pk}") for i in self.indicators):
            self.add_error(f"weight-{self.indicators[0].pk}", "Give at least one indicator a weight above 0")
        return cleaned

    def weights(self):
        return {i: self.cleaned_data.get(f"weight-{i.pk}") or Decimal(0) for i in self.indicators}


class ConfirmScenarioForm(DateErrorsMixin, forms.Form):
    awarded_on = DateField(label="Date the awards are made", noun="the date the awards are made")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("awarded_on"), Button("submit", "Confirm these as the year's awards"))


class FundingStreamForm(forms.ModelForm):
    funder_name = forms.CharField(
        label="Funder",
        required=False,
        max_length=300,
        help_text="The body the money comes from, for example Ministry of Justice. Leave blank for the PCC's own.",
    )

    class Meta:
        model = FundingStream
        fields = ["name", "kind", "awarded_directly", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.select("kind"),
            Field.text("funder_name", field_width=20),
            Field.checkbox("awarded_directly"),
            Field.textarea("description", rows=3),
            Button("submit", "Save funding stream"),
        )


class GrantRoundForm(DateErrorsMixin, forms.ModelForm):
    pot = AmountField(label="Pot", allow_zero=False, help_text="The most the round can award in total.")
    opens_on = DateField(label="Opens on", noun="the date the round opens")
    closes_on = DateField(label="Closes on", noun="the date the round closes")

    class Meta:
        model = GrantRound
        fields = ["name", "funding_stream", "financial_year", "opens_on", "closes_on", "purpose", "conditions"]

    def __init__(self, *args, force_area, **kwargs):
        from .money import PrioritiesField, area_priorities

        super().__init__(*args, **kwargs)
        self.fields["funding_stream"].queryset = FundingStream.objects.live().filter(force_area=force_area)
        self.fields["pcc_priorities"] = PrioritiesField(
            help_text="Select all the priorities the round serves; its awards serve them too."
        )
        self.fields["pcc_priorities"].queryset = area_priorities(
            force_area, self.instance.financial_year if self.instance.pk else None
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.select("funding_stream"),
            Field.text("financial_year", field_width=5),
            Field.text("pot", field_width=10),
            Field("opens_on"),
            Field("closes_on"),
            Field.textarea("purpose", rows=3),
            Field.textarea("conditions", rows=3),
            Field.checkboxes("pcc_priorities", legend_size=Size.SMALL, small=True),
            Button("submit", "Save grant round"),
        )


class ApplicationForm(DateErrorsMixin, forms.ModelForm):
    organisation_name = forms.CharField(label="Applicant organisation", max_length=300)
    charity_number = forms.CharField(label="Charity number", required=False, max_length=20)
    company_number = forms.CharField(
        label="Company number", required=False, max_length=8, help_text="8 characters, with leading zeros."
    )
    amount_requested = AmountField(label="Amount requested", allow_zero=False)
    received_on = DateField(label="Received on", noun="the date the application was received")

    class Meta:
        model = GrantApplication
        fields = ["project_title", "purpose", "received_on"]
        labels = {"purpose": "What the money is for and how it will reduce crime and disorder"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("organisation_name", field_width=20),
            Field.text("charity_number", field_width=10),
            Field.text("company_number", field_width=10),
            Field.text("project_title", field_width=20),
            Field.textarea("purpose", rows=4),
            Field.text("amount_requested", field_width=10),
            Field("received_on"),
            Button("submit", "Save application"),
        )

    def organisation(self) -> Organisation:
        data = self.cleaned_data
        organisation, _ = Organisation.objects.get_or_create(
            name=data["organisation_name"].strip(),
            defaults={
                "charity_number": data.get("charity_number", ""),
                "company_number": data.get("company_number", ""),
                "kind": Organisation.Kind.CHARITY if data.get("charity_number") else Organisation.Kind.OTHER,
            },
        )
        return organisation


class DecisionForm(DateErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approved", "Approve"), ("declined", "Decline")],
        widget=forms.RadioSelect,
    )
    amount_awarded = AmountField(
        label="Amount awarded", required=False, help_text="When approving: up to the amount requested."
    )
    decided_on = DateField(label="Date of the decision", noun="the date of the decision")
    decision_notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.SMALL, inline=True),
            Field.text("amount_awarded", field_width=10),
            Field("decided_on"),
            Field.textarea("decision_notes"),
            Button("submit", "Record the decision"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approved" and not cleaned.get("amount_awarded"):
            self.add_error("amount_awarded", "Enter the amount awarded")
        return cleaned
