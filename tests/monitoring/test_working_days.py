"""Working days over England and Wales bank holidays (grants/working_days.py)."""

import datetime as dt

import pytest

from grants.working_days import add_working_days, is_working_day, working_days_between


@pytest.mark.parametrize(
    "start, count, expected",
    [
        (dt.date(2020, 6, 30), 0, dt.date(2020, 6, 30)),  # nothing added
        (dt.date(2020, 6, 30), 1, dt.date(2020, 7, 1)),
        (dt.date(2020, 6, 30), 20, dt.date(2020, 7, 28)),  # Q1 2020/21 due, no holidays in July
        (dt.date(2020, 7, 3), 1, dt.date(2020, 7, 6)),  # Friday to Monday
        (dt.date(2020, 12, 24), 1, dt.date(2020, 12, 29)),  # over Christmas, Boxing Day observed on Monday 28th
        (dt.date(2021, 3, 31), 2, dt.date(2021, 4, 6)),  # Good Friday 2 April and Easter Monday 5 April 2021
        (dt.date(2020, 5, 7), 1, dt.date(2020, 5, 11)),  # VE Day bank holiday moved to Friday 8 May 2020
        (dt.date(2023, 5, 5), 1, dt.date(2023, 5, 9)),  # the coronation bank holiday, Monday 8 May 2023
        (dt.date(2020, 7, 28), -5, dt.date(2020, 7, 21)),  # five working days before the due date
        (dt.date(2020, 12, 29), -1, dt.date(2020, 12, 24)),
    ],
)
def test_add_working_days(start, count, expected):
    assert add_working_days(start, count) == expected


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(dt.date(2020, 8, 31))  # summer bank holiday
    assert not is_working_day(dt.date(2020, 7, 4))  # Saturday
    assert is_working_day(dt.date(2020, 7, 6))


def test_between_is_the_inverse_of_add():
    assert working_days_between(dt.date(2020, 12, 24), dt.date(2020, 12, 29)) == 1
    assert working_days_between(dt.date(2020, 7, 28), dt.date(2020, 7, 21)) == -5
