from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from partnerships.financial_years import FinancialYear
from tests.factories import StrategicAssessmentFactory


@pytest.mark.parametrize("label", ["2020/21", "2021/22", "1999/00", "2099/00"])
def test_valid_financial_years_parse_and_print_back(label):
    assert str(FinancialYear.parse(label)) == label


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("2020/22", "the second part must be the year after 2020, as in 2020/21"),
        ("2020-21", "Enter the financial year as YYYY/YY"),
        ("2020/2021", "Enter the financial year as YYYY/YY"),
        ("20x0/21", "Enter the financial year as YYYY/YY"),
        ("", "Enter the financial year as YYYY/YY"),
    ],
)
def test_invalid_financial_years_are_refused_with_a_reason(label, message):
    with pytest.raises(ValidationError) as error:
        FinancialYear.parse(label)
    assert message in " ".join(error.value.messages)


def test_a_financial_year_runs_from_1_april_to_31_march():
    year = FinancialYear.parse("2020/21")
    assert (year.starts_on, year.ends_on) == (date(2020, 4, 1), date(2021, 3, 31))
    assert date(2021, 3, 31) in year and date(2021, 4, 1) not in year
    assert FinancialYear.containing(date(2021, 3, 31)) == year
    assert str(year.previous()) == "2019/20" and str(year.next()) == "2021/22"


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["2020/22", "2020-21", "abcd/ef"])
def test_the_database_refuses_a_malformed_financial_year(label):
    with pytest.raises(IntegrityError, match="financial_year_format"):
        StrategicAssessmentFactory(financial_year=label)
