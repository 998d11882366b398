"""Posting a date as the GOV.UK date input sends it: day, month and year in three boxes."""

import datetime


def date_boxes(name: str, day: datetime.date | str) -> dict[str, str]:
    """`{"<name>_0": day, "<name>_1": month, "<name>_2": year}` for a date or an ISO `YYYY-MM-DD` string."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}
