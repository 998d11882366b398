"""THE RAG rating of an outcome measure's figure against its target: computed, never typed.

Green: the figure meets the target as the plan states it (at least, above, no more than, below, exactly, between).
Amber: it misses, but by no more than the OPCC's amber tolerance (in the measure's own unit: percentage points for
a percentage), that is it would meet the target were the target moved by the tolerance in the figure's favour.
Red: it misses by more. With no tolerance (0) there is no amber band: a figure meets its target or it is red.
A qualitative measure has no figure to compare: it carries the OPCC reviewer's judgement, or none yet.

The trend across periods says whether the figure moved the way the target wants (up for at least/above, down for
no more than/below, towards the band for exactly/between).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

ZERO = Decimal("0")


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # no figure yet, or a qualitative measure not yet judged

    @property
    def label(self) -> str:
        return {"green": "Green", "amber": "Amber", "red": "Red", "none": "Not rated"}[self.value]


@dataclass(frozen=True)
class Target:
    comparison: str  # OutcomeMeasure.Comparison values
    value: Decimal
    upper: Decimal | None = None  # for "between"

    @classmethod
    def of(cls, measure) -> Target | None:
        if measure.target_value is None or not measure.target_comparison:
            return None
        return cls(measure.target_comparison, measure.target_value, measure.target_upper_value)


def meets(figure: Decimal, comparison: str, target: Decimal, upper: Decimal | None = None) -> bool:
    """Whether `figure` meets the target exactly as stated."""
    if comparison == "at_least":
        return figure >= target
    if comparison == "above":
        return figure > target
    if comparison == "at_most":
        return figure <= target
    if comparison == "below":
        return figure < target
    if comparison == "exactly":
        return figure == target
    if comparison == "between":
        return target <= figure <= (upper if upper is not None else target)
    raise ValueError(f"Unknown comparison {comparison!r}")


def _eased(target: Target, tolerance: Decimal) -> Target:
    """The target moved by the tolerance in the figure's favour."""
    if target.comparison in ("at_least", "above"):
        return Target(target.comparison, target.value - tolerance)
    if target.comparison in ("at_most", "below"):
        return Target(target.comparison, target.value + tolerance)
    upper = target.upper if target.upper is not None else target.value
    return Target("between", target.value - tolerance, upper + tolerance)


def rate(figure: Decimal | None, target: Target | None, *, tolerance: Decimal = ZERO) -> Rag:
    """THE rating of a numeric figure. None (no figure, or no numeric target) is not rated."""
    if figure is None or target is None:
        return Rag.NONE
    if tolerance < 0:
        raise ValueError("The amber tolerance is not negative.")
    if meets(figure, target.comparison, target.value, target.upper):
        return Rag.GREEN
    if tolerance > 0:
        eased = _eased(target, tolerance)
        if meets(figure, eased.comparison, eased.value, eased.upper):
            return Rag.AMBER
    return Rag.RED


def rate_result(result, *, tolerance: Decimal = ZERO) -> Rag:
    """A return's result for a measure: computed for a numeric target, the reviewer's judgement otherwise."""
    target = Target.of(result.measure)
    if target is None:
        return Rag(result.judgement) if result.judgement else Rag.NONE
    return rate(result.value, target, tolerance=tolerance)


class Trend(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"
    NONE = "none"

    @property
    def label(self) -> str:
        return {"better": "Improving", "worse": "Getting worse", "same": "No change", "none": "—"}[self.value]


def _distance(figure: Decimal, target: Target) -> Decimal:
    """How far the figure is from meeting the target (0 inside a band or on the right side)."""
    low = target.value
    high = target.upper if target.comparison == "between" and target.upper is not None else target.value
    if target.comparison in ("at_least", "above"):
        return max(low - figure, ZERO)
    if target.comparison in ("at_most", "below"):
        return max(figure - high, ZERO)
    if figure < low:
        return low - figure
    return max(figure - high, ZERO)


def trend(previous: Decimal | None, current: Decimal | None, target: Target | None) -> Trend:
    """Whether the figure moved the way the target wants since the previous period."""
    if previous is None or current is None or target is None or previous == current:
        return Trend.SAME if previous is not None and previous == current else Trend.NONE
    if target.comparison in ("at_least", "above"):
        return Trend.BETTER if current > previous else Trend.WORSE
    if target.comparison in ("at_most", "below"):
        return Trend.BETTER if current < previous else Trend.WORSE
    before, now = _distance(previous, target), _distance(current, target)
    if before == now:
        return Trend.SAME
    return Trend.BETTER if now < before else Trend.WORSE
