"""URL converters: a financial year `2020/21` is written `2020-21` in addresses (a slash would split the path)."""

from django.core.exceptions import ValidationError

from partnerships.financial_years import FinancialYear


class FinancialYearConverter:
    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str) -> str:
        try:
            return str(FinancialYear.parse(value.replace("-", "/")))
        except ValidationError as error:
            raise ValueError(str(error)) from error

    def to_url(self, value) -> str:
        return str(value).replace("/", "-")


class DownloadFormatConverter:
    """The formats 360Giving data is offered in."""

    regex = "json|csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
