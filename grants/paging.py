"""A list and its count in one query (issue 13): each home-page list was a query for its first rows and another
that built and ran the same joins again to count them. PostgreSQL counts the whole result before the cut with
`COUNT(*) OVER ()`, so the rows shown and the total beside them come from the same snapshot."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

TOTAL = "_rows_in_all"


def first_rows_and_total(queryset, limit: int) -> tuple[list, int]:
    """The first `limit` rows of `queryset` and how many rows it has in all."""
    rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[:limit])
    return rows, (getattr(rows[0], TOTAL) if rows else 0)


def counted_page(queryset, per_page: int, number) -> Page:
    """`Paginator(queryset, per_page).get_page(number)`, the page's rows and the paginator's count read in one
    query. A page past the end, or no rows at all, falls back to the paginator itself (it counts, then shows the
    last page), so every page number answers as `get_page` answers it."""
    paginator = Paginator(queryset, per_page)
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    if wanted >= 1:
        bottom = (wanted - 1) * per_page
        rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[bottom : bottom + per_page])
        if rows:
            paginator.__dict__["count"] = getattr(rows[0], TOTAL)  # the cached property, filled from the same read
            return Page(rows, wanted, paginator)
    return paginator.get_page(number)
