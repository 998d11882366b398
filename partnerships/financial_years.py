"""Financial years as councils and OPCCs write them: `2020/21`, running 1 April 2020 to 31 March 2021.

Awards, spending plans and strategic assessments are all for a financial year, so the rule lives here, in the
app every other app already depends on. The database enforces the same rule with `financial_year_check()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast, Mod, Substr
from django.db.models.lookups import Exact, Regex

PATTERN = r"^[0-9]{4}/[0-9]{2}$"
_FORMAT = re.compile(PATTERN)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK public-sector financial year, identified by the calendar year it starts in."""

    start_year: int

    @classmethod
    def parse(cls, label: str) -> FinancialYear:
        label = (label or "").strip()
        if not _FORMAT.match(label):
            raise ValidationError(
                "Enter the financial year as YYYY/YY, for example 2020/21.", code="financial_year_format"
            )
        start, end = int(label[:4]), int(label[5:])
        if (start + 1) % 100 != end:
            raise ValidationError(
                "%(label)s is not a financial year: the second part must be the year after %(start)s, "
                "as in %(example)s.",
                code="financial_year_consecutive",
                params={"label": label, "start": start, "example": str(cls(start))},
            )
        return cls(start)

    @classmethod
    def containing(cls, day: date) -> FinancialYear:
        return cls(day.year if day >= date(day.year, 4, 1) else day.year - 1)

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def is_covered_by(self, end: date) -> bool:
        """THE rule for "runs to the end of the year": something ending on `end` (a contract) covers the year when
        it ends on its last day or later. A contract ending on 31 March 2021 covers 2020/21."""
        return end >= self.ends_on

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"


def validate_financial_year(value: str) -> None:
    FinancialYear.parse(value)


_SEVERAL = re.compile(r"[0-9]{4}/[0-9]{2}.*[0-9]{4}/[0-9]{2}")


class FinancialYearFormField(forms.CharField):
    """One financial year as people type it. Whatever is typed is read in full and refused with a message when it
    is not one year (never cut to fit: "2021/22-2022/23" is not silently taken as 2021/22)."""

    def __init__(self, *, max_length=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"spellcheck": "false"}))
        super().__init__(**kwargs)  # no max_length: the year's own rule is stricter, and says what is wrong

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        if _SEVERAL.search(value):
            raise ValidationError(
                f"Enter one financial year, like 2021/22 ('{value}' is more than one). For money over more than one "
                "year, give an amount for each financial year.",
                code="financial_year_several",
            )
        try:
            return str(FinancialYear.parse(value))
        except ValidationError as error:
            raise ValidationError(
                f"{' '.join(error.messages)} ('{value}' is not a financial year.)", code="financial_year_format"
            ) from error


class FinancialYearField(models.CharField):
    """A `YYYY/YY` financial year stored as its label, which sorts correctly as text."""

    default_validators = [validate_financial_year]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", "For example 2020/21 (1 April 2020 to 31 March 2021).")
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FinancialYearFormField, **kwargs})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


def financial_year_check(field: str, name: str) -> models.CheckConstraint:
    """Database form of the rule: `YYYY/YY` and the second year follows the first (1999/00 included)."""
    consecutive = Exact(
        Mod(Cast(Substr(field, 1, 4), models.IntegerField()) + 1, 100),
        Cast(Substr(field, 6, 2), models.IntegerField()),
    )
    return models.CheckConstraint(
        condition=models.Q(
            models.Case(
                models.When(Regex(models.F(field), PATTERN), then=consecutive),
                default=models.Value(False),
                output_field=models.BooleanField(),
            )
        ),
        name=name,
        violation_error_message="Enter the financial year as YYYY/YY, for example 2020/21.",
    )
