"""Money as the documents write it: pounds with pennies, `£1,234.50`, negative as `-£8,000.00`.

Every page, export and generated document formats money through `format_money` so they can never disagree.
Reading what people type or paste (`£1,234`, `(£8,000)`) is `parse_money`, for every form (through
`grants.forms.fields.AmountField`) and every import; other figures (indicators) go through the same
`parse_number`.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MinValueValidator
from django.db import models

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")


def to_pounds(value) -> Decimal:
    """A Decimal rounded to the penny (half up, as finance teams round)."""
    if value is None:
        return ZERO
    return Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP)


def format_money(value, *, pennies: bool = True) -> str:
    if value is None or value == "":
        return ""
    amount = to_pounds(value)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.2f}" if pennies else f"{abs(amount):,.0f}"
    return f"{sign}£{text}"


# The largest amount a money column holds (numeric(12, 2)): ten digits of pounds, then pence.
WHOLE_DIGITS = 10
LARGEST = Decimal("9999999999.99")

# `12,345.67` or `12345.67`: commas only between groups of three, so `1,5` (a European 1.5) is never £15.
_FIGURE = re.compile(r"^(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?$")
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")


class FigureError(ValueError):
    """What people typed is not a figure we can take; `code` says why (`invalid`, `decimals`, `too_large`), so a
    form can word it for its field; the message names the text, for imports that report it as it is."""

    def __init__(self, message: str, code: str = "invalid"):
        super().__init__(message)
        self.code = code


def parse_number(
    text, *, decimal_places: int, whole_digits: int, pounds: bool = False, percent: bool = False
) -> Decimal:
    """THE reader of figures as people type or paste them, for money (`parse_money`) and for other figures
    (indicators, targets): `12,345`, `12345.6`, `-3`; with `pounds`, `£1,234.50`, `£ 8,000` and `(£8,000)`
    (brackets, as the Plymouth plan writes a sub-item, give a positive amount); with `percent`, a trailing `%`
    (dropped: `7.5%` is 7.5). Refuses, with FigureError, anything else, more than `decimal_places` decimals
    or more than `whole_digits` digits before the point (so no figure can overflow its database column)."""
    original = str(text if text is not None else "").strip()
    cleaned = _SPACES.sub("", original).replace("\u2212", "-")
    if pounds and len(cleaned) > 2 and cleaned[0] == "(" and cleaned[-1] == ")":
        cleaned = cleaned[1:-1]
    negative = cleaned.startswith("-")
    cleaned = cleaned.removeprefix("-")
    if pounds:
        cleaned = cleaned.removeprefix("£")
    if percent:
        cleaned = cleaned.removesuffix("%")
    match = _FIGURE.match(cleaned)
    noun = "an amount" if pounds else "a number"
    if match is None:
        raise FigureError(f"'{original}' is not {noun}")
    fraction = match["fraction"] or ""
    if len(fraction) > decimal_places:
        raise FigureError(
            f"'{original}' has more than {decimal_places} decimal place{'s' if decimal_places != 1 else ''}"
            + (": amounts are in pounds and pence" if pounds else ""),
            code="decimals",
        )
    whole = match["whole"].replace(",", "").lstrip("0")
    if len(whole) > whole_digits:
        raise FigureError(f"'{original}' is too large: it can have at most {whole_digits} digits", code="too_large")
    value = Decimal(f"{'-' if negative else ''}{whole or '0'}" + (f".{fraction}" if fraction else ""))
    return value.quantize(Decimal(1).scaleb(-decimal_places)) if pounds else value


def parse_money(text) -> Decimal:
    """An amount as people type or paste it (`£1,234`, `1234.50`, `(£8,000)`), in pounds and pence, at most
    £9,999,999,999.99. Raises FigureError (a ValueError) naming the text. A Decimal or int given by code is
    rounded to the penny."""
    if isinstance(text, Decimal | int):
        return to_pounds(text)
    if isinstance(text, float):
        text = f"{text:.15g}"
    try:
        return parse_number(text, decimal_places=2, whole_digits=WHOLE_DIGITS, pounds=True)
    except FigureError as error:
        if error.code == "too_large":
            raise FigureError(
                f"'{str(text).strip()}' is too large: the most an amount can be is {format_money(LARGEST)}",
                code="too_large",
            ) from None
        raise


class MoneyField(models.DecimalField):
    """Pounds and pence: up to £9,999,999,999.99, never negative (a database constraint says so too)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(ZERO, "Enter an amount of £0.00 or more.")])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("validators", None)
        return name, "django.db.models.DecimalField", args, kwargs


def non_negative(*fields: str, model: str) -> list[models.CheckConstraint]:
    """One CHECK per money column: amounts are never negative."""
    return [
        models.CheckConstraint(
            condition=models.Q(**{f"{field}__gte": 0}) | models.Q(**{f"{field}__isnull": True}),
            name=f"{model}_{field}_not_negative",
            violation_error_message=f"{field.replace('_', ' ').capitalize()} cannot be negative.",
        )
        for field in fields
    ]
