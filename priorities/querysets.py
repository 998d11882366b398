"""Read paths for priorities."""

from __future__ import annotations

from django.db import models

from partnerships.financial_years import FinancialYear


class PoliceAndCrimePlanQuerySet(models.QuerySet):
    def covering(self, force_area, financial_year):
        """The plan(s) in force for a force area on the first day of a financial year (1 April)."""
        year = financial_year if isinstance(financial_year, FinancialYear) else FinancialYear.parse(financial_year)
        return self.filter(force_area=force_area, starts_on__lte=year.starts_on, ends_on__gte=year.starts_on)
