"""Template filters for money and outlines: one way to show each, on every page."""

from django import template

from grants.money import format_money
from grants.outline import render_outline

register = template.Library()


@register.filter
def money(value):
    """`{{ plan.allocated|money }}` → `£377,568.00`."""
    return format_money(value)


@register.filter
def outline(value):
    """Paragraphs and lists from an outline's plain text, escaped."""
    return render_outline(value)


@register.filter
def money_change(value):
    """`{{ line.amount_change|money_change }}` → `+£23,000.00`, `-£13,993.00`, `£0.00`."""
    text = format_money(value)
    return f"+{text}" if value and value > 0 else text
