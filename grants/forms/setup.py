"""Forms of the OPCC administrator's set-up pages: the funder body, the order of the final sign-off, the Police
and Crime Plan and its priorities, councils, Community Safety Partnerships, and invitations. They only collect
what is typed; the services (partnerships.services, priorities.services) decide and say what is wrong."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from partnerships.models import ForceArea, FunderBody, Organisation, Partnership, Role, kind_choices

from .fields import DateErrorsMixin, DateField, GovUKFormSet, TextAreaField


class NeverCutMixin:
    """No `maxlength` in the page: a browser would silently cut what is pasted in. The length is checked on the
    server instead, with a message saying how long the text is and how long it may be."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("maxlength", None)
            limit = getattr(field, "max_length", None)
            if limit:
                field.error_messages["max_length"] = (
                    f"{field.label or name.capitalize()} can be at most {limit} characters long (it is %(show_value)d)"
                )


BODY_FIELDS = [
    "kind",
    "name",
    "org_id",
    "holder_name",
    "holder_title",
    "decision_maker_title",
    "finance_officer_title",
]


class FunderBodyForm(NeverCutMixin, DateErrorsMixin, forms.ModelForm):
    """The funder body's details; with `change=True`, also the date a new body (or name) takes over."""

    starts_on = DateField(label="From", noun="the date it takes over", required=False)

    class Meta:
        model = FunderBody
        fields = BODY_FIELDS
        labels = {"kind": "Kind of body", "name": "Name"}

    def __init__(self, *args, change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget = forms.RadioSelect(choices=FunderBody.Kind.choices)
        for name in ("holder_title", "decision_maker_title", "finance_officer_title"):
            self.fields[name].required = False
            self.fields[name].help_text += " Leave blank for the usual title of this kind of body."
        if change:
            self.fields["starts_on"].required = True
            self.fields["starts_on"].help_text = (
                "The first day the new body holds the functions, for example 1 5 2028. The body in force until then "
                "keeps its name for everything decided and published before."
            )
        else:
            del self.fields["starts_on"]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(["starts_on"] if change else []),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("name"),
            Field.text("org_id", field_width=20),
            Field.text("holder_name", field_width=20),
            Field.text("holder_title", field_width=20),
            Field.text("decision_maker_title", field_width=20),
            Field.text("finance_officer_title", field_width=20),
            Button("submit", "Record the change of funder" if change else "Save the funder's details"),
        )

    def _post_clean(self):
        """The service validates the whole body (and its period) and says what is wrong."""


class SignOffOrderForm(forms.Form):
    sign_off_order = forms.ChoiceField(
        label="How do the decision-maker and the finance officer sign off a spending plan?",
        choices=ForceArea.SignOffOrder.choices,
        widget=forms.RadioSelect,
        help_text="Both always sign off, after OPCC scrutiny. A plan keeps the order in force when it was submitted.",
        error_messages={"required": "Choose how the final sign-off is given."},
    )

    def __init__(self, *args, force_area: ForceArea, **kwargs):
        super().__init__(*args, **kwargs)
        funder = force_area.funder
        self.fields["sign_off_order"].choices = [
            (ForceArea.SignOffOrder.PARALLEL, f"Together: the {funder.decision_maker_title} and the "
             f"{funder.finance_officer_title} sign off in either order"),
            (ForceArea.SignOffOrder.FINANCE_FIRST, f"The {funder.finance_officer_title} first, then the "
             f"{funder.decision_maker_title}"),
        ]  # fmt: skip
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("sign_off_order", legend_size=Size.SMALL), Button("submit", "Save the sign-off order")
        )


class PoliceAndCrimePlanForm(NeverCutMixin, DateErrorsMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the plan's title"})
    starts_on = DateField(label="In force from", noun="the date the plan comes into force")
    ends_on = DateField(label="Until", noun="the date the plan ends")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(Field.text("title"), "starts_on", "ends_on")


class PriorityForm(NeverCutMixin, forms.Form):
    title = TextAreaField(
        rows=2,
        label="Priority",
        required=False,
        max_length=300,
        help_text="For example “Preventing and deterring crime”.",
    )
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(Field.textarea("title", rows=2), "pk", Field.checkbox("DELETE", small=True))


class PriorityFormSet(GovUKFormSet):
    noun = "priority"


def priority_formset(data=None, initial=None):
    formset_class = forms.formset_factory(PriorityForm, formset=PriorityFormSet, extra=0, can_delete=True)
    rows = initial if initial else [{}]
    return formset_class(data=data, initial=rows, prefix="priorities")


class CouncilForm(NeverCutMixin, forms.Form):
    name = forms.CharField(
        label="Council", max_length=300, help_text="For example North Devon Council.",
        error_messages={"required": "Enter the council's name"},
    )  # fmt: skip
    ons_code = forms.CharField(
        label="ONS local authority district code",
        max_length=9,
        help_text="For example E07000043. Find it on the ONS Open Geography Portal.",
        error_messages={"required": "Enter the ONS local authority district code"},
    )
    local_authority_code = forms.CharField(
        label="Local authority register code (optional)",
        max_length=10,
        required=False,
        help_text="The 3 or 4 letters of its org-id, GB-LAE-… in England or GB-PLA-… in Wales, for example NDE.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.text("ons_code", field_width=10),
            Field.text("local_authority_code", field_width=5),
            Button("submit", "Add the council"),
        )

    def clean_ons_code(self):
        return self.cleaned_data["ons_code"].strip().upper()

    def clean_local_authority_code(self):
        return self.cleaned_data["local_authority_code"].strip().upper()


def councils_for(force_area: ForceArea):
    """The councils a partnership of the area may cover: those already in the area, and those not yet covered by
    another force area's partnerships (a council's district lies in one police force area)."""
    elsewhere = Organisation.objects.filter(partnerships_covering__isnull=False).exclude(
        partnerships_covering__force_area=force_area
    )
    return (
        Organisation.objects.filter(kind=Organisation.Kind.LOCAL_AUTHORITY).exclude(pk__in=elsewhere).order_by("name")
    )


class PartnershipSetUpForm(NeverCutMixin, forms.Form):
    name = forms.CharField(
        label="Name of the partnership", max_length=200, help_text="For example Safer Plymouth.",
        error_messages={"required": "Enter the partnership's name"},
    )  # fmt: skip
    local_authorities = forms.ModelMultipleChoiceField(
        label="Councils whose areas it covers",
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose one or more. A council not listed can be added first.",
        error_messages={"required": "Choose the council or councils whose areas the partnership covers"},
    )
    has_executive_group = forms.TypedChoiceField(
        label="Does the partnership have an executive group?",
        choices=[("yes", "Yes: plans go to the executive group, then the board"), ("no", "No: straight to the board")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the partnership has an executive group"},
    )
    ons_code = forms.CharField(
        label="CSP ONS code (optional)", max_length=9, required=False, help_text="The E22… code, if it has one."
    )

    def __init__(self, *args, force_area: ForceArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["local_authorities"].queryset = councils_for(force_area)
        self.fields["local_authorities"].label_from_instance = lambda c: f"{c.name} ({c.ons_code or 'no ONS code'})"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.checkboxes("local_authorities", legend_size=Size.SMALL, small=True),
            Field.radios("has_executive_group", legend_size=Size.SMALL),
            Field.text("ons_code", field_width=10),
            Button("submit", "Save the partnership"),
        )

    def clean_ons_code(self):
        return self.cleaned_data["ons_code"].strip().upper()


class InvitationForm(NeverCutMixin, forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        error_messages={
            "required": "Enter the e-mail address of the person to invite",
            "invalid": "Enter an e-mail address in the correct format, like name@example.org",
        },
    )
    kind = forms.ChoiceField(
        label="Their role",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the role to invite them to"},
    )
    partnership = forms.ModelChoiceField(
        label="Partnership (for a partnership role)",
        queryset=Partnership.objects.none(),
        required=False,
        empty_label="Choose a partnership",
    )

    def __init__(self, *args, force_area: ForceArea, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        area_roles = kind_choices(force_area, partnership=False)
        partnership_roles = kind_choices(force_area, partnership=True)
        self.fields["kind"].choices = [(kind, f"{title} of {force_area}") for kind, title in area_roles] + [
            (kind, f"{title} of a partnership") for kind, title in partnership_roles
        ]
        self.fields["partnership"].queryset = Partnership.objects.filter(force_area=force_area).order_by("name")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("email", field_width=20),
            Field.radios("kind", legend_size=Size.SMALL),
            Field.select("partnership"),
            Button("submit", "Send the invitation"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in Role.PARTNERSHIP_KINDS and not cleaned.get("partnership"):
            self.add_error("partnership", "Choose the partnership for this role")
        return cleaned
