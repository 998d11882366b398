"""Building the POST data the editor's pages send, as a browser would (formset management fields included)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from grants.models import SpendingPlan

FORMSETS = ("measures", "sub_items", "match_funding")


def formset_data(prefix: str, rows: list[dict], *, initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        for name, value in row.items():
            if isinstance(value, list | tuple):
                data[f"{prefix}-{index}-{name}"] = list(value)
            else:
                data[f"{prefix}-{index}-{name}"] = value
    return data


def project_data(plan: SpendingPlan, *, measures=(), sub_items=(), match_funding=(), **fields) -> dict:
    """A project page's POST: `fields` override a minimal valid project; rows are dicts of their form fields."""
    data = {
        "revision": str(SpendingPlan.objects.get(pk=plan.pk).revision),
        "title": "Youth diversion pilot",
        "outline": "",
        "amount_allocated": "£10,000",
        "provider": "",
        "new_provider_name": "",
        "new_provider_kind": "",
        "contract_value": "",
        "contract_end_date_0": "",
        "contract_end_date_1": "",
        "contract_end_date_2": "",
        "contract_notes": "",
        "thematic_group": "",
        "outcomes_summary": "",
        "save": "1",
    }
    data.update(fields)
    data.update(formset_data("measures", list(measures)))
    data.update(formset_data("sub_items", list(sub_items)))
    data.update(formset_data("match_funding", list(match_funding)))
    return data


def measure(description: str, **fields) -> dict:
    return {
        "description": description,
        "sub_item_label": "",
        "target_comparison": "",
        "target_value": "",
        "target_unit": "",
        "frequency": "",
        **fields,
    }


def sub_item(label: str, title: str, amount: str, description: str = "") -> dict:
    return {"label": label, "title": title, "amount": amount, "description": description}


def add_project_url(plan) -> str:
    return reverse("grants:project-add", args=[plan.pk])


def money(text: str) -> Decimal:
    return Decimal(text)
