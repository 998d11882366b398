"""Money as the documents write it: pounds with pennies, `£1,234.50`, negative as `-£8,000.00`.

Every page, export and generated document formats money through `format_money` so they can never disagree.
Parsing of what people type or paste (`£1,234`, `(£8,000)`) lives here too.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

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


_MONEY = re.compile(r"^\(?-?£?\s*[0-9][0-9,]*(\.[0-9]{1,2})?\)?$")


def parse_money(text) -> Decimal:
    """Reads an amount as people type it: `£1,234`, `1234.50`, `£ 8,000`, `(£8,000)` (brackets kept as a
    positive sub-item amount, as in the Plymouth plan). Raises ValueError with the text at fault."""
    if isinstance(text, Decimal | int):
        return to_pounds(text)
    if isinstance(text, float):
        return to_pounds(Decimal(str(text)))
    cleaned = str(text or "").strip().replace(" ", "")
    if not cleaned or not _MONEY.match(cleaned) or cleaned.count("(") != cleaned.count(")"):
        raise ValueError(f"'{text}' is not an amount")
    digits = cleaned.strip("()").replace("£", "").replace(",", "")
    try:
        return to_pounds(Decimal(digits))
    except InvalidOperation as error:
        raise ValueError(f"'{text}' is not an amount") from error


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
