"""Posting what the OPCC pages send: a GOV.UK date input (day, month and year in three boxes), amounts per
financial year, an allocation's rows."""

import datetime


def date_boxes(name: str, day: datetime.date | str) -> dict[str, str]:
    """`{"<name>_0": day, "<name>_1": month, "<name>_2": year}` for a date or an ISO `YYYY-MM-DD` string."""
    if isinstance(day, str):
        day = datetime.date.fromisoformat(day)
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def year_rows(*rows: tuple[str, str], prefix: str = "years") -> dict[str, str]:
    """The amounts per financial year as the page posts them: `year_rows(("2021/22", "£100,000"), ...)`."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, (year, amount) in enumerate(rows):
        data[f"{prefix}-{index}-financial_year"] = year
        data[f"{prefix}-{index}-amount"] = amount
    return data


def allocation_rows(*rows: tuple[str, str]) -> dict[str, str]:
    """The rows of an allocation as the page posts them: (recipient key like `la-12`, amount text)."""
    data = {"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0"}
    for index, (key, amount) in enumerate(rows):
        data[f"rows-{index}-recipient"] = key
        data[f"rows-{index}-amount"] = amount
    return data
