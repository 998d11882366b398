"""THE working-day arithmetic: returns are due a number of working days after a period ends, and reminders go a
number of working days before. A working day is Monday to Friday and not a bank holiday in England and Wales
(the `holidays` library's United Kingdom calendar for England, which Wales shares: Easter Monday, the early May,
spring and summer bank holidays, Christmas and Boxing Day with their substitute days, and one-off days such as
the 2022 and 2023 coronation and funeral holidays).
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.UnitedKingdom(subdiv="ENG", years=year))


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days after `day` (before it, for a negative count). `day` itself is not
    counted: 0 gives `day` back unchanged, 1 the next working day."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += datetime.timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days after `start` `end` is (negative when before): the inverse of `add_working_days`
    for a working day `end`."""
    if end == start:
        return 0
    step = 1 if end > start else -1
    count, day = 0, start
    while day != end:
        day += datetime.timedelta(days=step)
        if is_working_day(day):
            count += step
    return count
