"""CSV/XLSX import and export of plan lines (django-import-export), as officers write them.

Priorities may be given as numbers (`2, 3`) or as the plan writes them (`2. Preventing and deterring crime`),
one per line or separated by commas or semicolons. Numbers are looked up in the Police and Crime Plan that
covers the line's plan, so `3` always means that plan's priority 3.
"""

from __future__ import annotations

import re

from import_export import fields, resources, widgets

from partnerships.models import Organisation, ThematicGroup
from priorities.models import LocalPriority, Priority

from .models import FundedProject, SpendingPlan
from .money import parse_money

_CHUNKS = re.compile(r"[;\n]|,(?=\s*\d)")
_NUMBERED = re.compile(r"^\s*(\d+)\s*[.)]?(?:\s+.*)?$")


def parse_priority_numbers(text, titles: dict[str, int] | None = None) -> list[int]:
    """`"2, 3"` → [2, 3]; `"2. Preventing and deterring crime"` → [2]; a bare title when `titles` maps it.

    Raises ValueError naming the part that is neither a number nor a known title.
    """
    if text is None or str(text).strip() == "":
        return []
    if isinstance(text, int | float):
        return [int(text)]
    numbers: list[int] = []
    for chunk in _CHUNKS.split(str(text)):
        chunk = chunk.strip().rstrip("?").strip()
        if not chunk:
            continue
        if match := _NUMBERED.match(chunk):
            number = int(match.group(1))
        elif titles and chunk.lower() in titles:
            number = titles[chunk.lower()]
        else:
            raise ValueError(f"'{chunk}' is not a Police and Crime Plan priority number")
        if number not in numbers:
            numbers.append(number)
    return numbers


# A plan line's own fields, in the order of the board paper: the admin's form and the import/export share them.
LINE_FIELDS = (
    "number",
    "title",
    "outline",
    "amount_allocated",
    "provider",
    "contract_value",
    "contract_end_date",
    "contract_notes",
    "thematic_group",
    "outcomes_summary",
    "pcc_priorities",
    "local_priorities",
)


class MoneyWidget(widgets.DecimalWidget):
    """Reads `£1,234`, `1234.50` and `(£8,000)`; writes plain pounds and pence for spreadsheets."""

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        return parse_money(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class PlanPriorityWidget(widgets.ManyToManyWidget):
    """Police and Crime Plan priorities by number, within the plan covering the row's spending plan."""

    def __init__(self, **kwargs):
        super().__init__(Priority, separator=", ", field="number", **kwargs)

    def clean(self, value, row=None, **kwargs):
        plan = SpendingPlan.objects.filter(pk=(row or {}).get("plan")).first()
        pcp = plan.police_and_crime_plan if plan else None
        if pcp is None:
            if value not in (None, ""):
                raise ValueError("There is no Police and Crime Plan in force for this plan's year")
            return Priority.objects.none()
        titles = {p.title.lower(): p.number for p in pcp.priorities.all()}
        numbers = parse_priority_numbers(value, titles)
        found = pcp.priorities.filter(number__in=numbers)
        missing = sorted(set(numbers) - {p.number for p in found})
        if missing:
            raise ValueError(f"{pcp.title} has no priority {', '.join(str(n) for n in missing)}")
        return found


class LocalPriorityWidget(widgets.ManyToManyWidget):
    """Local priorities by title, within the partnership's strategic assessment for the plan's year."""

    def __init__(self, **kwargs):
        super().__init__(LocalPriority, separator="; ", field="title", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return LocalPriority.objects.none()
        plan = SpendingPlan.objects.filter(pk=(row or {}).get("plan")).first()
        titles = [t.strip() for t in re.split(r"[;\n]", str(value)) if t.strip()]
        found = LocalPriority.objects.filter(
            assessment__partnership=plan.partnership if plan else None,
            assessment__financial_year=plan.financial_year if plan else None,
            title__in=titles,
        )
        missing = [t for t in titles if t not in {p.title for p in found}]
        if missing:
            raise ValueError(f"No local priority called {', '.join(repr(t) for t in missing)} for this year")
        return found


class ThematicGroupWidget(widgets.ForeignKeyWidget):
    """A thematic group by name, among the groups of the row's partnership (names repeat across CSPs)."""

    def __init__(self, **kwargs):
        super().__init__(ThematicGroup, "name", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        plan = SpendingPlan.objects.filter(pk=(row or {}).get("plan")).first()
        return ThematicGroup.objects.filter(partnership=plan.partnership if plan else None)


class FundedProjectResource(resources.ModelResource):
    """A plan's lines, one row each; matched on (plan, number) so re-importing updates rather than duplicates."""

    plan = fields.Field(attribute="plan", column_name="plan", widget=widgets.ForeignKeyWidget(SpendingPlan))
    amount_allocated = fields.Field(attribute="amount_allocated", column_name="amount_allocated", widget=MoneyWidget())
    contract_value = fields.Field(attribute="contract_value", column_name="contract_value", widget=MoneyWidget())
    provider = fields.Field(
        attribute="provider", column_name="provider", widget=widgets.ForeignKeyWidget(Organisation, "name")
    )
    thematic_group = fields.Field(
        attribute="thematic_group", column_name="thematic_group", widget=ThematicGroupWidget()
    )
    pcc_priorities = fields.Field(attribute="pcc_priorities", column_name="pcc_priorities", widget=PlanPriorityWidget())
    local_priorities = fields.Field(
        attribute="local_priorities", column_name="local_priorities", widget=LocalPriorityWidget()
    )

    class Meta:
        model = FundedProject
        import_id_fields = ("plan", "number")
        fields = ("plan", *LINE_FIELDS)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
