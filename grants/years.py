"""Which financial years a force area's pages offer: the ONE answer every year selector uses (dashboard, awards,
grant rounds, funding, reports, publications).

Every year that holds any of the area's data, the current financial year, and the next one (the year being
planned), newest first. "Any data" is every record with a financial year that belongs to the area, listed in
`YEAR_SOURCES`; a test checks that every model with a financial-year field is listed there, so a new kind of
record cannot be left out of the selectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from grants.questions import built_once
from partnerships.financial_years import FinancialYear
from partnerships.models import ForceArea


def _sources():
    from grants.models import (
        AllocationTable,
        AwardYear,
        FormulaScenario,
        FundingReceivedYear,
        GrantAward,
        GrantRound,
        IndicatorValue,
        SubmissionDeadline,
        YearEnd,
    )
    from priorities.models import StrategicAssessment

    # model, its financial-year field, the paths from it to its force area (any of them)
    return (
        (GrantAward, "financial_year", ("partnership__force_area", "funding_stream__force_area")),
        (AwardYear, "financial_year", ("award__partnership__force_area", "award__funding_stream__force_area")),
        (FundingReceivedYear, "financial_year", ("income__force_area",)),
        (SubmissionDeadline, "financial_year", ("force_area",)),
        (YearEnd, "financial_year", ("award__partnership__force_area", "award__funding_stream__force_area")),
        (GrantRound, "financial_year", ("force_area",)),
        (AllocationTable, "financial_year", ("force_area",)),
        (FormulaScenario, "financial_year", ("force_area",)),
        (IndicatorValue, "financial_year", ("indicator__force_area",)),
        (StrategicAssessment, "financial_year", ("partnership__force_area",)),
    )


def year_sources():
    """The records whose financial years count, for the test that no model is left out."""
    return _sources()


@dataclass(frozen=True)
class Years:
    """The years to offer, newest first, and the one a page opens at when none is asked for."""

    choices: list[str]
    with_data: list[str]
    current: str
    default: str

    def __iter__(self):
        return iter(self.choices)

    def __contains__(self, year: str) -> bool:
        return year in self.choices

    def including(self, year: str) -> list[str]:
        """The choices, with a year asked for in the address even if it holds nothing yet."""
        return self.choices if year in self.choices else sorted({*self.choices, year}, reverse=True)


def force_area_years(force_area: ForceArea, *, today=None) -> Years:
    """Every year holding any of the area's data, plus the current and the next financial year. A page opens at
    the current year when it holds data, else at the newest year that does (the demo's 2020/21), else at the
    current year. One query, whatever the number of kinds of record."""
    with_data = sorted({year for year in _years_query(force_area.pk).all() if year}, reverse=True)
    current = FinancialYear.containing(today or timezone.localdate())
    newest = max([current, *(FinancialYear.parse(year) for year in with_data)])
    choices = sorted({*with_data, str(current), str(newest.next())}, reverse=True)
    if str(current) in with_data or not with_data:
        default = str(current)
    else:
        default = max((year for year in with_data if year <= str(current)), default=with_data[-1])
    return Years(choices=choices, with_data=with_data, current=str(current), default=default)


def _any(paths: tuple[str, ...], force_area_pk: int) -> Q:
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{path: force_area_pk})
    return condition


@built_once()
def _years_query(force_area_pk: int):
    """The union of every source's years for one area, as a queryset not yet run. Building its ten parts cost
    most of the selector's time (issue 13), and they are the same for an area on every request, so they are
    built once per thread and area (grants/questions.py); each call runs a copy (`.all()`), so the years are
    read afresh every time: no data is kept, only the question."""
    queries = [
        model.objects.filter(_any(paths, force_area_pk)).order_by().values_list(field, flat=True).distinct()
        for model, field, paths in _sources()
    ]
    return queries[0].union(*queries[1:]) if len(queries) > 1 else queries[0]
