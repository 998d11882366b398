from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from grants.forms.fields import AmountField
from grants.money import FigureError, format_money, parse_money, parse_number


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


@pytest.mark.parametrize("typed", ["£12,5OO", "twelve", "", "(£8,000", "£1.2.3", "1,5", "12,50", "£-5", "1e5"])
def test_text_that_is_not_an_amount_is_refused_naming_the_text(typed):
    with pytest.raises(ValueError, match="is not an amount"):
        parse_money(typed)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1.234", "decimals"),
        ("£12,500.505", "decimals"),
        ("10000000000", "too_large"),
        ("£12,345,678,901", "too_large"),
    ],
)
def test_more_pence_or_pounds_than_a_money_column_holds_are_refused(typed, code):
    with pytest.raises(FigureError) as refused:
        parse_money(typed)
    assert refused.value.code == code and f"'{typed}'" in str(refused.value)


def test_the_largest_amount_fits_and_negatives_are_read_for_the_caller_to_refuse():
    assert parse_money("£9,999,999,999.99") == Decimal("9999999999.99")
    assert parse_money("-£8,000") == Decimal("-8000.00")


def test_other_figures_go_through_the_same_reader():
    assert parse_number("7.5%", decimal_places=4, whole_digits=12, percent=True) == Decimal("7.5")
    assert parse_number("264,000", decimal_places=4, whole_digits=12) == Decimal("264000")
    with pytest.raises(FigureError, match="is not a number"):
        parse_number("£5", decimal_places=4, whole_digits=12)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("lots", "Enter the amount allocated in pounds, for example £12,500 or 12500.50 ('lots' is not an amount)"),
        ("12.345", "Enter the amount allocated in pounds and pence, with at most 2 decimal places"),
        ("12345678901", "The amount allocated must be £9,999,999,999.99 or less"),
        ("-5", "Enter the amount allocated as £0.00 or more"),
        ("", "Enter the amount allocated"),
    ],
)
def test_the_money_field_says_what_is_wrong_in_the_fields_own_words(typed, message):
    field = AmountField(label="Amount allocated")
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert refused.value.messages == [message]


def test_the_money_field_can_refuse_zero_and_allow_negatives():
    with pytest.raises(ValidationError, match="The pot must be more than £0.00"):
        AmountField(label="Pot", allow_zero=False).clean("0")
    assert AmountField(label="Correction", allow_negative=True).clean("-£1,234.5") == Decimal("-1234.50")


# --- through the pages: an amount too large for its column is a message, never a database error ---------------


@pytest.mark.django_db
def test_the_editor_refuses_an_amount_too_large_for_the_database_beside_the_field(client, demo_user, plymouth_plan):
    from django.urls import reverse

    from tests.grants.editor_helpers import project_data, sub_item

    client.force_login(demo_user("officer.plymouth"))
    data = project_data(plymouth_plan, amount_allocated="£12,345,678,901", sub_items=[sub_item("A", "Part", "1.234")])
    response = client.post(reverse("grants:project-add", args=[plymouth_plan.pk]), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "The amount allocated must be £9,999,999,999.99 or less" in content
    assert "Enter the sub-item&#x27;s amount in pounds and pence, with at most 2 decimal places" in content
    assert plymouth_plan.projects.count() == 6


@pytest.mark.django_db
def test_opcc_forms_refuse_an_amount_too_large_for_the_database(client, demo_user, demo):
    from django.urls import reverse

    client.force_login(demo_user("opcc.devon"))
    url = reverse("grants:round-new", kwargs={"area": "devon-and-cornwall"})
    response = client.post(url, {"name": "Big", "pot": "99999999999", "financial_year": "2021/22"})
    assert response.status_code == 200
    assert "The pot must be £9,999,999,999.99 or less" in response.content.decode()
