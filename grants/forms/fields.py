"""Form fields shared by the editor's pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME

from grants.money import format_money, parse_money


class AmountField(forms.CharField):
    """Money as people type it (`£12,500`, `12500.50`, `12,500`), given back as a Decimal with pennies.

    A text input with `inputmode="decimal"`, the GOV.UK pattern for money (a number input would drop commas).
    """

    def __init__(self, *, noun: str = "the amount", **kwargs):
        self.noun = noun
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter {noun}")
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value)
        except ValueError as error:
            raise ValidationError(
                f"Enter {self.noun} in pounds, for example £12,500 or 12500.50 ('{value}' is not an amount)",
                code="invalid",
            ) from error
        if amount < 0:
            raise ValidationError(f"Enter {self.noun} as £0.00 or more", code="negative")
        return amount

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return format_money(value)
        return value


class GovUKFormSet(forms.BaseFormSet):
    """A formset whose "remove" checkbox says what it removes (`Remove this sub-item`)."""

    noun = "row"

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = f"Remove this {self.noun}"

    @property
    def live_forms(self) -> list:
        """The rows to save, in order: not ticked for removal, and not an added row left blank."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            kept.append(form)
        return kept


class TextAreaField(forms.CharField):
    """Multi-line text (outlines, measures): browsers send CRLF line endings; stored text uses LF, so the
    same words typed in a page or imported from a spreadsheet are the same text."""

    def __init__(self, *, rows: int = 5, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value
