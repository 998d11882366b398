from decimal import Decimal

import pytest

from grants.money import format_money, parse_money


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("400568"), "£400,568.00"),
        (Decimal("341363.39"), "£341,363.39"),
        (Decimal("0"), "£0.00"),
        (Decimal("-8000"), "-£8,000.00"),
        (None, ""),
    ],
)
def test_money_is_shown_in_pounds_with_pennies(value, shown):
    assert format_money(value) == shown


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("£1,234", Decimal("1234.00")),
        ("1234.50", Decimal("1234.50")),
        ("(£8,000)", Decimal("8000.00")),
        ("£ 92,680", Decimal("92680.00")),
        ("341363.39", Decimal("341363.39")),
        (Decimal("12.345"), Decimal("12.35")),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert parse_money(typed) == amount


@pytest.mark.parametrize("typed", ["£12,5OO", "twelve", "", "1.234", "(£8,000", "£1.2.3"])
def test_text_that_is_not_an_amount_is_refused_naming_the_text(typed):
    with pytest.raises(ValueError, match="is not an amount"):
        parse_money(typed)
