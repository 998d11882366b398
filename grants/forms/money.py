"""Forms for the OPCC's money pages: funding received, awards over one or several years, allocations of any size,
claims and payments, corrections and withdrawals. They read what people type; the rules are in the services.
"""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms

from grants.models import FundingStream, GrantAward
from grants.services.allocations import recipient_choices
from partnerships.financial_years import FinancialYearFormField
from partnerships.models import Organisation, Partnership
from priorities.models import PoliceAndCrimePlan, Priority

from .fields import AmountField, DateErrorsMixin, DateField, GovUKFormSet, TextAreaField

REASON_HINT = "It is kept in the record's history with your name and the time."


def _helper(*fields, submit: str | None = None, form_tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = True
    helper.layout = Layout(*fields, *([Button("submit", submit)] if submit else []))
    return helper


def area_priorities(force_area, financial_year: str | None = None):
    """The priorities money can serve: those of the Police and Crime Plan in force for its year when the year is
    known (a correction), else of the area's newest plan (the service checks the plan covers the year typed)."""
    plans = PoliceAndCrimePlan.objects.filter(force_area=force_area)
    plan = plans.covering(force_area, financial_year).first() if financial_year else None
    plan = plan or plans.order_by("-starts_on").first()
    return Priority.objects.filter(plan=plan).select_related("plan").order_by("number")


class PrioritiesField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Police and Crime Plan priorities")
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault(
            "help_text", "Select all the priorities the money serves (from the plan in force for its year)."
        )
        super().__init__(queryset=Priority.objects.none(), **kwargs)

    def label_from_instance(self, obj):
        return f"{obj.number}. {obj.title} ({obj.plan.title})"


class ReasonForm(forms.Form):
    reason = TextAreaField(
        rows=3, label="Why?", help_text=REASON_HINT, error_messages={"required": "Say why: it is kept in the history"}
    )

    def __init__(self, *args, button: str = "Withdraw", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", rows=3), submit=button)


# --- amounts per financial year -----------------------------------------------------------------------------------


class YearAmountForm(forms.Form):
    financial_year = FinancialYearFormField(
        label="Financial year", help_text="For example 2021/22", error_messages={"required": "Enter the financial year"}
    )
    amount = AmountField(label="Amount in that year", noun="the amount in that year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("financial_year", field_width=5),
            Field.text("amount", field_width=10),
            Field.checkbox("DELETE", small=True),
        )


class YearAmountFormSet(GovUKFormSet):
    noun = "financial year"

    def years(self) -> list[tuple[str, object]]:
        return [(f.cleaned_data["financial_year"], f.cleaned_data["amount"]) for f in self.live_forms]


def year_formset(data=None, initial=None):
    formset_class = forms.formset_factory(YearAmountForm, formset=YearAmountFormSet, extra=0, can_delete=True)
    return formset_class(data=data, initial=initial or [{}], prefix="years")


# --- funding received ---------------------------------------------------------------------------------------------


class IncomeForm(DateErrorsMixin, forms.Form):
    funding_stream = forms.ModelChoiceField(
        label="Funding stream",
        queryset=FundingStream.objects.none(),
        help_text="The stream the money is received into, and granted out of.",
        error_messages={"required": "Choose the funding stream"},
    )
    funder_name = forms.CharField(
        label="Funder",
        max_length=Organisation._meta.get_field("name").max_length,
        help_text="Who pays it to the OPCC, for example Ministry of Justice.",
        error_messages={"required": "Enter who pays the money to the OPCC"},
    )
    reference = forms.CharField(label="Funder's reference (optional)", required=False, max_length=100)
    amount = AmountField(
        label="Amount received", noun="the amount received", help_text="The whole sum over the period."
    )
    starts_on = DateField(label="Period starts", noun="the date the period starts")
    ends_on = DateField(label="Period ends", noun="the date the period ends")
    agreed_on = DateField(label="Agreement signed (optional)", noun="the date the agreement was signed", required=False)
    conditions = TextAreaField(rows=3, label="Conditions of grant", required=False)
    reporting_duties = TextAreaField(
        rows=3,
        label="Reporting duties",
        required=False,
        help_text="What the OPCC reports to the funder, and when: for example quarterly returns by the 20th.",
    )
    notes = TextAreaField(rows=2, label="Notes", required=False)

    def __init__(self, *args, force_area, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_stream"].queryset = FundingStream.objects.live().filter(force_area=force_area)
        fields = [
            Field.select("funding_stream"),
            Field.text("funder_name", field_width=Fluid.TWO_THIRDS),
            Field.text("reference", field_width=20),
            Field.text("amount", field_width=10),
            Field("starts_on"),
            Field("ends_on"),
            Field("agreed_on"),
            Field.textarea("conditions", rows=3),
            Field.textarea("reporting_duties", rows=3),
            Field.textarea("notes", rows=2),
        ]
        if correcting:
            self.fields["reason"] = TextAreaField(
                rows=3,
                label="Why is it being corrected?",
                help_text=REASON_HINT,
                error_messages={"required": "Say why it is being corrected"},
            )
        self.helper = _helper(*fields)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The period must end on or after the day it starts")
        return cleaned


# --- awards (grants and contracts) ----------------------------------------------------------------------------------


class AwardForm(DateErrorsMixin, forms.ModelForm):
    """An award from a funding stream to a CSP or an organisation, for one financial year or several (the amounts
    per year are the formset beside it), or a correction of one."""

    organisation_name = forms.CharField(
        label="Or an organisation",
        required=False,
        max_length=Organisation._meta.get_field("name").max_length,
        help_text="When the money goes to an organisation directly.",
    )
    charity_number = forms.CharField(
        label="Charity number", required=False, max_length=Organisation._meta.get_field("charity_number").max_length
    )
    company_number = forms.CharField(
        label="Company number",
        required=False,
        max_length=Organisation._meta.get_field("company_number").max_length,
        help_text="8 characters, with leading zeros.",
    )
    awarded_on = DateField(label="Awarded on", noun="the date the award was made", required=False)
    starts_on = DateField(label="Starts on (optional)", noun="the date the award starts", required=False)
    ends_on = DateField(label="Ends on (optional)", noun="the date the award ends", required=False)
    pcc_priorities = PrioritiesField()

    class Meta:
        model = GrantAward
        fields = [
            "partnership",
            "kind",
            "reference",
            "purpose",
            "conditions",
            "status",
            "awarded_on",
            "starts_on",
            "ends_on",
            "payment_schedule",
        ]
        labels = {"partnership": "Community Safety Partnership", "purpose": "Purpose", "kind": "What it is"}
        widgets = {"kind": forms.RadioSelect, "status": forms.RadioSelect, "payment_schedule": forms.RadioSelect}

    def __init__(self, *args, force_area, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.filter(force_area=force_area)
        self.fields["partnership"].required = False
        self.fields["pcc_priorities"].queryset = area_priorities(
            force_area, self.instance.financial_year if self.instance.pk else None
        )
        if self.instance.pk:
            self.initial.setdefault("pcc_priorities", [p.pk for p in self.instance.pcc_priorities.all()])
            if self.instance.organisation_id:
                self.initial.setdefault("organisation_name", self.instance.organisation.name)
        fields = [
            Fieldset(
                Field.select("partnership"),
                Field.text("organisation_name", field_width=Fluid.TWO_THIRDS),
                Field.text("charity_number", field_width=10),
                Field.text("company_number", field_width=10),
                legend="Who receives it",
                legend_size=Size.MEDIUM,
                legend_tag="h2",
            ),
            Field.radios("kind", legend_size=Size.SMALL, inline=True),
            Field.text("reference", field_width=10),
            Field.textarea("purpose", rows=3),
            Field.textarea("conditions", rows=3),
            Field.radios("status", legend_size=Size.SMALL, inline=True),
            Field("awarded_on"),
            Field("starts_on"),
            Field("ends_on"),
            Field.radios("payment_schedule", legend_size=Size.SMALL),
            Field.checkboxes("pcc_priorities", legend_size=Size.SMALL, small=True),
        ]
        if correcting:
            self.fields["reason"] = TextAreaField(
                rows=3,
                label="Why is it being corrected?",
                help_text=REASON_HINT + " A made grant's publication says it was corrected, with this reason.",
                error_messages={"required": "Say why it is being corrected"},
            )
        self.helper = _helper(*fields)

    def _post_clean(self):
        """Fills the award but leaves its validation to the service, which first sets its years and recipient."""
        from django.forms.models import construct_instance

        self.instance = construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("partnership") and cleaned.get("organisation_name"):
            self.add_error("organisation_name", "Choose a partnership or name an organisation, not both")
        elif not cleaned.get("partnership") and not cleaned.get("organisation_name"):
            self.add_error("partnership", "Choose the partnership, or name the organisation, that receives the award")
        if cleaned.get("status") == GrantAward.Status.MADE and not cleaned.get("awarded_on"):
            self.add_error("awarded_on", "Enter the date the award was made")
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return cleaned


# --- allocations ----------------------------------------------------------------------------------------------------


class AllocationForm(DateErrorsMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200, help_text="For example Domestic abuse duty 2021/22.")
    funding_stream = forms.ModelChoiceField(label="Funding stream", queryset=FundingStream.objects.none())
    financial_year = FinancialYearFormField(label="Financial year", help_text="For example 2021/22")
    total = AmountField(label="Total for the year", noun="the total", help_text="The rows must add up to this exactly.")
    awarded_on = DateField(
        label="Date the allocation was decided (optional)",
        noun="the date the allocation was decided",
        required=False,
        help_text="Its rows are then grants made on that date. Leave blank while the allocation is proposed.",
    )
    pcc_priorities = PrioritiesField()
    notes = TextAreaField(rows=3, label="Notes", required=False)

    def __init__(self, *args, force_area, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_stream"].queryset = FundingStream.objects.live().filter(force_area=force_area)
        self.fields["pcc_priorities"].queryset = area_priorities(force_area, self.initial.get("financial_year"))
        fields = [
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.select("funding_stream"),
            Field.text("financial_year", field_width=5),
            Field.text("total", field_width=10),
            Field("awarded_on"),
            Field.checkboxes("pcc_priorities", legend_size=Size.SMALL, small=True),
            Field.textarea("notes", rows=3),
        ]
        if correcting:
            self.fields["reason"] = TextAreaField(
                rows=3,
                label="Why is it being changed?",
                help_text=REASON_HINT,
                error_messages={"required": "Say why it is being changed"},
            )
        self.helper = _helper(*fields)


class AllocationRowForm(forms.Form):
    recipient = forms.ChoiceField(
        label="Council or CSP", required=False, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    amount = AmountField(
        label="Amount",
        noun="the amount",
        required=False,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient"].choices = [("", "Choose a council or CSP"), *choices]


class AllocationRowFormSet(GovUKFormSet):
    noun = "row"

    def __init__(self, *args, force_area, **kwargs):
        self.choices = recipient_choices(force_area)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "choices": self.choices}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            choices=self.choices,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form

    def rows(self) -> list[tuple[str, str]]:
        """(recipient key, amount text) per row as typed; blank rows are skipped by the service."""
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            rows.append((form.data.get(form.add_prefix("recipient"), ""), form.data.get(form.add_prefix("amount"), "")))
        return rows


def allocation_row_formset(*, force_area, data=None, initial=None, blank_rows: int = 0):
    formset_class = forms.formset_factory(
        AllocationRowForm, formset=AllocationRowFormSet, extra=blank_rows, can_delete=True
    )
    return formset_class(data=data, initial=initial or [], prefix="rows", force_area=force_area)


# --- claims and payments --------------------------------------------------------------------------------------------


class ClaimForm(DateErrorsMixin, forms.Form):
    amount = AmountField(label="Amount claimed", noun="the amount claimed")
    claimed_on = DateField(label="Date of the claim", noun="the date of the claim")
    description = TextAreaField(
        rows=3,
        label="What the claim is for",
        help_text="The spend, the period, the invoice number.",
        error_messages={"required": "Say what the claim is for"},
    )
    evidence = forms.FileField(
        label="Evidence (optional)",
        required=False,
        help_text="An invoice, receipts or a statement of spend: PDF, Word, Excel or an image, smaller than 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx,.xlsx,.xls,.csv,.png,.jpg,.jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("amount", field_width=10),
            Field("claimed_on"),
            Field.textarea("description", rows=3),
            Field("evidence"),
            submit="Enter the claim",
        )


class ClaimDecisionForm(forms.Form):
    amount_approved = AmountField(
        label="Amount approved",
        noun="the amount approved",
        required=False,
        help_text="When approving: the amount claimed, or less.",
    )
    note = TextAreaField(
        rows=3, label="Reason or note", required=False, help_text="Required when rejecting or reversing. " + REASON_HINT
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("amount_approved", field_width=10), Field.textarea("note", rows=3))


class PaymentForm(DateErrorsMixin, forms.Form):
    amount = AmountField(label="Amount paid", noun="the amount paid")
    paid_on = DateField(label="Date paid", noun="the date paid")
    reference = forms.CharField(
        label="Finance system reference",
        max_length=100,
        help_text="The payment's reference in the finance system, for example a remittance number.",
        error_messages={"required": "Enter the finance system's reference"},
    )
    claim = forms.ChoiceField(label="The approved claim it pays", required=False)

    def __init__(self, *args, claims=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.claims = {str(c.pk): c for c in claims}
        self.fields["claim"].choices = [("", "No claim: paid on the award's schedule")] + [
            (str(c.pk), f"Claim of {c.claimed_on:%-d %B %Y}, {c.amount_approved:,.2f} approved") for c in claims
        ]
        self.helper = _helper(
            Field.text("amount", field_width=10),
            Field("paid_on"),
            Field.text("reference", field_width=20),
            Field.select("claim"),
            submit="Record the payment",
        )

    def chosen_claim(self):
        return self.claims.get(self.cleaned_data.get("claim") or "")


class PaymentReversalForm(DateErrorsMixin, forms.Form):
    reversed_on = DateField(label="Date of the reversal", noun="the date of the reversal")
    reason = TextAreaField(
        rows=3,
        label="Why is it reversed?",
        help_text=REASON_HINT,
        error_messages={"required": "Say why it is reversed"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("reversed_on"), Field.textarea("reason", rows=3), submit="Reverse the payment")
