"""Form fields shared by the editor's and the OPCC's pages."""

from __future__ import annotations

import calendar
import datetime
import re
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME

from grants.money import LARGEST, FigureError, format_money, parse_money, parse_number
from grants.uploads import CONTROL_CHARACTERS, LONGEST_TEXT, MAX_BYTES, too_large_message


class AmountField(forms.CharField):
    """THE money field of every form (the editor, the OPCC's pages, the decisions pages): money as people type it
    (`£12,500`, `12500.50`, `12,500`), read by `parse_money` and given back as a Decimal with pennies.

    It refuses, with a message naming the field, text that is not an amount, more than two decimal places, more
    than ten digits of pounds (the most a money column holds, so an overflow never reaches the database), a
    negative amount unless `allow_negative`, and zero when not `allow_zero`. A text input with
    `inputmode="decimal"`, the GOV.UK pattern for money (a number input would drop commas). `noun` is how the
    messages name the field ("the amount allocated"); by default "the" and the label.
    """

    def __init__(self, *, noun: str = "", allow_zero: bool = True, allow_negative: bool = False, **kwargs):
        label = kwargs.get("label") or "amount"
        self.noun = noun or f"the {label[:1].lower()}{label[1:]}"
        self.allow_zero, self.allow_negative = allow_zero, allow_negative
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter {self.noun}")
        super().__init__(**kwargs)

    @property
    def _capitalised(self) -> str:
        return self.noun[:1].upper() + self.noun[1:]

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_money(value)
        except FigureError as error:
            messages = {
                "decimals": f"Enter {self.noun} in pounds and pence, with at most 2 decimal places",
                "too_large": f"{self._capitalised} must be {format_money(LARGEST)} or less",
            }
            default = f"Enter {self.noun} in pounds, for example £12,500 or 12500.50 ('{value}' is not an amount)"
            raise ValidationError(messages.get(error.code, default), code=error.code) from error
        if amount < 0 and not self.allow_negative:
            raise ValidationError(f"Enter {self.noun} as £0.00 or more", code="negative")
        if amount == 0 and not self.allow_zero:
            raise ValidationError(f"{self._capitalised} must be more than £0.00", code="zero")
        return amount

    def prepare_value(self, value):
        if isinstance(value, Decimal | int):
            return format_money(value)
        return value


class NumberField(forms.CharField):
    """A figure that is not money (an indicator's weight, a percentage), read by the same `parse_number` as
    money and imports: `12.5`, `1,250`, `7.5%`. Between `minimum` and `maximum`, at most `decimal_places`."""

    def __init__(self, *, minimum=Decimal(0), maximum=None, decimal_places: int = 3, whole_digits: int = 6, **kwargs):
        self.minimum, self.maximum = minimum, maximum
        self.decimal_places, self.whole_digits = decimal_places, whole_digits
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        name = (self.label or "the figure").lower()
        try:
            number = parse_number(
                value, decimal_places=self.decimal_places, whole_digits=self.whole_digits, percent=True
            )
        except FigureError as error:
            if error.code == "decimals":
                raise ValidationError(
                    f"Enter {name} with at most {self.decimal_places} decimal places", code="decimals"
                ) from error
            raise ValidationError(f"Enter {name} as a number, like 12.5", code="invalid") from error
        if number < self.minimum or (self.maximum is not None and number > self.maximum):
            bounds = (
                f"between {self.minimum} and {self.maximum}" if self.maximum is not None else f"{self.minimum} or more"
            )
            raise ValidationError(f"{self.label} must be {bounds}", code="range")
        return number


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


DATE_EXAMPLE = "For example, 1 4 2021"

_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# "4", "04", "Apr", "April" and "Sept" all mean April or September: people copy dates from letters and minutes.
_MONTHS = {
    **{name.lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(_MONTH_NAMES, start=1)},
    "sept": 9,
}
_DIGITS = re.compile(r"^[0-9]+$")


def _short_number(text: str) -> int | None:
    """A box's digits as a number, when there are at most four of them: a day or month of thousands of digits is
    none, and Python refuses to read an integer of more than 4,300 digits (a 500 found by
    tests/security/test_hostile_forms.py)."""
    return int(text) if _DIGITS.match(text) and len(text) <= 4 else None


DAY, MONTH, YEAR = 0, 1, 2
_PART_NAMES = ("day", "month", "year")


class DateWidget(DateInputWidget):
    """The GOV.UK date input's day, month and year boxes (numeric keyboard on phones), with only the boxes at fault
    outlined in red and marked invalid: `parts_at_fault` is set by `DateField` (every box when the date as a whole
    is wrong)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"
        self.parts_at_fault: tuple[int, ...] = ()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for index, subwidget in enumerate(context["widget"]["subwidgets"]):
            box = subwidget["attrs"]
            classes = box.get("class", "").split()
            if index in self.parts_at_fault:
                if "govuk-input--error" not in classes:
                    box["class"] = " ".join([*classes, "govuk-input--error"])
            elif "govuk-input--error" not in classes:
                box.pop("aria-invalid", None)
        return context


class _DateProblem(Exception):
    def __init__(self, message: str, parts: tuple[int, ...], code: str = "invalid"):
        super().__init__(message)
        self.message, self.parts, self.code = message, parts, code


class DateField(DateInputField):
    """A date typed in three boxes, the GOV.UK "date input" pattern, instead of the browser's date picker (whose
    format follows the browser's locale, so a British user may be shown mm/dd/yyyy).

    Messages follow the Design System and name the part at fault: "Enter the date the round opens", "The date the
    round opens must include a month", "… must have a month from 1 to 12", "… must have a year with 4 numbers",
    "… must be a real date: April 2021 has 30 days". Months may also be typed as names ("Apr", "April"). Only the
    boxes at fault are outlined; each message is kept beside its first box so the error summary links there (see
    `DateErrorsMixin`, which does the same for errors the form or a service adds to the whole date).

    `noun` is how messages name the date, for example "the date the round opens"."""

    widget = DateWidget

    def __init__(self, *, noun: str, **kwargs):
        self.noun = noun
        kwargs.setdefault("help_text", DATE_EXAMPLE)
        super().__init__(require_all_fields=False, **kwargs)

    @property
    def _capitalised(self) -> str:
        return self.noun[:1].upper() + self.noun[1:]

    def clean(self, value):
        for part in self.fields:
            part.widget.errors = []
        self.widget.parts_at_fault = ()
        try:
            result = self._parse(value)
        except _DateProblem as problem:
            self.widget.parts_at_fault = problem.parts
            self.show_errors([problem.message])
            raise ValidationError(problem.message, code=problem.code) from None
        self.run_validators(result)
        return result

    def _parse(self, value) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        texts = [str(text).strip() if text is not None else "" for text in (list(value or []) + ["", "", ""])[:3]]
        missing = tuple(index for index, text in enumerate(texts) if not text)
        if len(missing) == 3:
            if self.required:
                raise _DateProblem(f"Enter {self.noun}", missing, code="required")
            return None
        if missing:
            names = [_PART_NAMES[index] for index in missing]
            listed = names[0] if len(names) == 1 else f"{names[0]} and {names[1]}"
            raise _DateProblem(f"{self._capitalised} must include a {listed}", missing, code="incomplete")
        day_text, month_text, year_text = texts
        day = _short_number(day_text)
        month = _short_number(month_text)
        if month is None:
            month = _MONTHS.get(month_text.lower().rstrip("."))
        year = int(year_text) if _DIGITS.match(year_text) and len(year_text) == 4 else None
        wrong = []
        if day is None or not 1 <= day <= 31:
            wrong.append(DAY)
        if month is None or not 1 <= month <= 12:
            wrong.append(MONTH)
        if year is None:
            wrong.append(YEAR)
        if len(wrong) > 1:
            raise _DateProblem(f"{self._capitalised} must be a real date", (DAY, MONTH, YEAR))
        if wrong == [DAY]:
            raise _DateProblem(f"{self._capitalised} must have a day from 1 to 31", (DAY,))
        if wrong == [MONTH]:
            raise _DateProblem(f"{self._capitalised} must have a month from 1 to 12", (MONTH,))
        if wrong == [YEAR]:
            raise _DateProblem(f"{self._capitalised} must have a year with 4 numbers, for example 2021", (YEAR,))
        days_in_month = calendar.monthrange(year, month)[1]
        if day > days_in_month:
            month_name = _MONTH_NAMES[month - 1]
            raise _DateProblem(
                f"{self._capitalised} must be a real date: {month_name} {year} has {days_in_month} days", (DAY,)
            )
        return datetime.date(year, month, day)

    def show_errors(self, messages) -> None:
        """Keeps every message on the date beside the first box at fault, which is where crispy-forms-gds's error
        summary links to; a message about the date as a whole (from the form or a service) outlines every box and
        links to the day."""
        shown = {message for part in self.fields for message in getattr(part.widget, "errors", [])}
        for message in messages:
            if message in shown:
                continue
            if not self.widget.parts_at_fault:
                self.widget.parts_at_fault = (DAY, MONTH, YEAR)
            part = self.fields[self.widget.parts_at_fault[0]]
            part.widget.errors = [*getattr(part.widget, "errors", []), message]
            shown.add(message)


class DateErrorsMixin:
    """For forms with a `DateField`: an error added to the date by the form's `clean`, the model's validation or a
    service (for example "The closing date must be on or after the opening date") is put beside the day box too,
    so the error summary links to the first box rather than to the group."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name, form_field in self.fields.items():
            if isinstance(form_field, DateField) and name in self._errors:
                form_field.show_errors([str(message) for message in self._errors[name]])


def refuse_rather_than_cut() -> None:
    """No text box on any page carries a `maxlength` attribute: a browser cuts what is typed or pasted to that
    length without a word (the financial-year box turned "2021/22-2022/23" into "2021/22"). Every field still has
    its limit on the server, which refuses a value that is too long with a message saying so (the GOV.UK Design
    System's advice for text inputs). Called once, from `GrantsConfig.ready()`, so it holds for every form, the
    admin's included; tests/test_no_silent_truncation.py hunts for any input that would still cut."""
    if getattr(forms.CharField.widget_attrs, "refuses_rather_than_cuts", False):
        return
    original = forms.CharField.widget_attrs

    def widget_attrs(self, widget):
        attrs = original(self, widget)
        attrs.pop("maxlength", None)
        return attrs

    widget_attrs.refuses_rather_than_cuts = True
    forms.CharField.widget_attrs = widget_attrs


CONTROL_CHARACTER_MESSAGE = (
    "Remove the hidden control character (such as NUL) from this text: it cannot be saved. It is usually pasted in "
    "by mistake from another program; retyping the text removes it."
)


def refuse_control_characters(value) -> None:
    """PostgreSQL cannot store NUL in text (the whole statement fails), and no other control character but tab and
    line breaks is ever typed: text holding one is refused with a message, never stored or half-stored."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_character")


def refuse_overlong_text(value) -> None:
    """A text with no limit of its own (a TextField: outlines, notes, reasons) may still not be a million
    characters: at most `LONGEST_TEXT`, what a spreadsheet cell holds, so every text can be exported and imported
    again."""
    if isinstance(value, str) and len(value) > LONGEST_TEXT:
        raise ValidationError(
            f"The text can be at most {LONGEST_TEXT:,} characters long (it is {len(value):,})", code="max_length"
        )


def clean_every_text_field() -> None:
    """Every text field of every form (the project's, the admin's, the sign-in pages') refuses control characters
    and, when it has no `max_length` of its own, text longer than `LONGEST_TEXT`, before the database sees it.
    Called once, from `GrantsConfig.ready()`, like `refuse_rather_than_cut`, so a form written tomorrow is covered
    without remembering to be; tests/security/ posts hostile text to every form to keep it true."""
    if getattr(forms.CharField.__init__, "cleans_text", False):
        return
    original = forms.CharField.__init__

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.validators.append(refuse_control_characters)
        if self.max_length is None:
            self.validators.append(refuse_overlong_text)

    __init__.cleans_text = True
    forms.CharField.__init__ = __init__


class BoundedFileField(forms.FileField):
    """Every upload's file field: a file larger than `max_bytes` (by default what the spreadsheet reader takes) is
    refused beside the field with its size and the limit, before anything reads it. Larger than the whole site's
    `UPLOAD_MAX_BYTES`, it never got past the request (grants.uploads.BoundedUploadHandler)."""

    def __init__(self, *, max_bytes: int = MAX_BYTES, **kwargs):
        self.max_bytes = max_bytes
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and getattr(upload, "size", 0) > self.max_bytes:
            raise ValidationError(too_large_message(upload.size, self.max_bytes), code="too_large")
        return upload
