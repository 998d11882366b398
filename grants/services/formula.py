"""The arithmetic of sharing a pot between CSPs, the way OPCCs do it. Pure functions: no database.

1. An optional **top-slice** is held back for area-wide work.
2. An optional flat **base** goes to every partnership.
3. The rest is split by **weighted indicators**: each indicator is turned into each partnership's share of the
   area's total for it, and the shares are averaged with the weights (so units never matter: population and
   crimes per 1,000 can sit side by side).
4. Optional **phasing**: year N of M moves N/M of the way from last year's shares to the formula's.
5. Optional **damping**: no partnership moves more than D% from last year's award. Amounts are found by one
   common factor applied to every partnership's target, each then held within its limits, solved exactly so the
   total is still the pot (`_fit`); when no such factor exists the pot has moved too far for that damping.
6. **Rounding** to pennies by largest remainder, so the figures add up exactly to the pot less the top-slice.

Everything is exact (`Fraction`) until the final rounding; money is `Decimal`, never float.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError

PENNY = Decimal("0.01")


@dataclass(frozen=True)
class FormulaSettings:
    pot: Decimal
    top_slice: Decimal = Decimal("0.00")
    base_per_partnership: Decimal = Decimal("0.00")
    weights: Mapping[Hashable, Decimal] = field(default_factory=dict)
    damping_percent: Decimal | None = None
    phase_year: int | None = None
    phase_years: int | None = None


@dataclass
class FormulaLine:
    key: Hashable
    previous: Decimal | None
    share: Fraction  # weighted share of the indicator-driven money, 0..1
    formula_amount: Decimal  # base + share of the rest, to the penny, before phasing and damping
    amount: Decimal  # final, to the penny

    @property
    def change(self) -> Decimal | None:
        return None if self.previous is None else self.amount - self.previous


@dataclass
class FormulaResult:
    lines: list[FormulaLine]
    distributable: Decimal
    top_slice: Decimal

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def by_key(self) -> dict[Hashable, FormulaLine]:
        return {line.key: line for line in self.lines}


def _fraction(value) -> Fraction:
    return Fraction(Decimal(value))


def round_to_pennies(amounts: Mapping[Hashable, Fraction], total: Decimal) -> dict[Hashable, Decimal]:
    """Largest-remainder rounding: every amount rounded down to the penny, then the pennies left over go one each
    to the largest remainders (ties in key order), so the result adds up to `total` exactly."""
    pennies_total = int(total / PENNY)
    floors = {}
    remainders = []
    for key, amount in amounts.items():
        pennies = amount * 100
        floor = pennies.numerator // pennies.denominator
        floors[key] = floor
        remainders.append((pennies - floor, str(key), key))
    left = pennies_total - sum(floors.values())
    if left < 0 or left > len(floors):
        raise ValueError("The amounts do not add up to the total to be rounded.")
    for _, _, key in sorted(remainders, key=lambda r: (-r[0], r[1]))[:left]:
        floors[key] += 1
    return {key: (Decimal(pennies) * PENNY).quantize(PENNY) for key, pennies in floors.items()}


def indicator_shares(
    values: Mapping[Hashable, Mapping[Hashable, Decimal]], weights: Mapping[Hashable, Decimal]
) -> dict[Hashable, Fraction]:
    """Each partnership's weighted share (0..1, adding up to 1) from `values[partnership][indicator]`."""
    weights = {k: _fraction(w) for k, w in weights.items() if w}
    if not weights:
        raise ValidationError("Give at least one indicator a weight above zero.", code="no_weights")
    if any(w < 0 for w in weights.values()):
        raise ValidationError("Weights cannot be negative.", code="negative_weight")
    missing = [
        f"{partnership} has no figure for {indicator}"
        for partnership, figures in values.items()
        for indicator in weights
        if figures.get(indicator) is None
    ]
    if missing:
        raise ValidationError("; ".join(sorted(missing)) + ".", code="missing_values")
    totals = {indicator: sum(_fraction(values[p][indicator]) for p in values) for indicator in weights}
    empty = [str(indicator) for indicator, total in totals.items() if total == 0]
    if empty:
        raise ValidationError(
            f"Every partnership's figure for {', '.join(empty)} is zero: it cannot share money.", code="zero_total"
        )
    weight_total = sum(weights.values())
    return {
        partnership: sum(
            weight * _fraction(values[partnership][indicator]) / totals[indicator]
            for indicator, weight in weights.items()
        )
        / weight_total
        for partnership in values
    }


def _fit(targets: dict, low: dict, high: dict, total: Fraction) -> dict:
    """Finds λ so that Σ clip(λ·target, low, high) = total, exactly, and returns the clipped amounts.

    g(λ) is continuous, non-decreasing and piecewise linear, with corners where a partnership reaches a limit;
    we find the corner interval holding the total and solve the straight line in it.
    """

    def amounts(lam):
        result = {}
        for key, target in targets.items():
            value = lam * target
            value = max(value, low[key])
            if high[key] is not None:
                value = min(value, high[key])
            result[key] = value
        return result

    def g(lam):
        return sum(amounts(lam).values())

    corners = {Fraction(0)}
    for key, target in targets.items():
        if target > 0:
            corners.add(low[key] / target)
            if high[key] is not None:
                corners.add(high[key] / target)
    corners = sorted(corners)
    previous = corners[0]
    if g(previous) > total:
        raise ValueError("below")
    for corner in corners[1:] + [None]:
        if corner is None:
            # beyond the last corner g grows only through partnerships without an upper limit
            slope = sum(t for k, t in targets.items() if high[k] is None and t > 0)
            if slope == 0:
                if g(previous) == total:
                    return amounts(previous)
                raise ValueError("above")
            return amounts(previous + (total - g(previous)) / slope)
        at_corner = g(corner)
        if at_corner >= total:
            before = g(previous)
            if at_corner == before:
                return amounts(corner)
            lam = previous + (total - before) * (corner - previous) / (at_corner - before)
            return amounts(lam)
        previous = corner
    raise AssertionError("unreachable")


def formula_split(
    *,
    settings: FormulaSettings,
    values: Mapping[Hashable, Mapping[Hashable, Decimal]],
    previous: Mapping[Hashable, Decimal | None],
) -> FormulaResult:
    """Splits `settings.pot` between the partnerships in `values` (keys are partnerships, or anything hashable
    with a stable `str()`). `previous` holds last year's awards (None when there was none)."""
    pot, top_slice, base = (Decimal(settings.pot), Decimal(settings.top_slice), Decimal(settings.base_per_partnership))
    for label, amount in (("pot", pot), ("top-slice", top_slice), ("base", base)):
        if amount < 0:
            raise ValidationError(f"The {label} cannot be negative.", code="negative")
        if amount != amount.quantize(PENNY):
            raise ValidationError(f"The {label} must be in pounds and pence.", code="pennies")
    if not values:
        raise ValidationError("There are no partnerships to share the pot between.", code="no_partnerships")
    distributable = pot - top_slice
    if distributable < 0:
        raise ValidationError(
            f"The top-slice (£{top_slice:,.2f}) is more than the pot (£{pot:,.2f}).", code="top_slice"
        )
    bases = base * len(values)
    if bases > distributable:
        raise ValidationError(
            f"A base of £{base:,.2f} for each of {len(values)} partnerships needs £{bases:,.2f}, more than the "
            f"£{distributable:,.2f} left after the top-slice.",
            code="base",
        )
    shares = indicator_shares(values, settings.weights)
    rest = _fraction(distributable - bases)
    formula = {key: _fraction(base) + rest * shares[key] for key in values}
    targets = dict(formula)
    total = _fraction(distributable)

    if settings.phase_year or settings.phase_years:
        year, years = settings.phase_year or 0, settings.phase_years or 0
        if not (1 <= year <= years):
            raise ValidationError("Give the phasing as year N of M, with N between 1 and M.", code="phasing")
        without = sorted(str(k) for k in values if not previous.get(k))
        if without:
            raise ValidationError(
                f"Phasing moves from last year's awards, and {', '.join(without)} had none: enter them, or do "
                "without phasing.",
                code="phasing_previous",
            )
        last_total = sum(_fraction(previous[k]) for k in values)
        step = Fraction(year, years)
        # last year's shares, applied to this year's money, moved `step` of the way to the formula
        targets = {k: (1 - step) * _fraction(previous[k]) * total / last_total + step * formula[k] for k in values}

    amounts = targets
    if settings.damping_percent is not None:
        limit = _fraction(settings.damping_percent) / 100
        if limit < 0:
            raise ValidationError("Damping cannot be negative.", code="damping")
        low = {k: _fraction(previous[k]) * (1 - limit) if previous.get(k) else Fraction(0) for k in values}
        high = {k: _fraction(previous[k]) * (1 + limit) if previous.get(k) else None for k in values}
        try:
            amounts = _fit(targets, low, high, total)
        except ValueError as error:
            last = sum((Decimal(previous[k]) for k in values if previous.get(k)), Decimal("0.00"))
            moved = "fallen" if str(error) == "below" else "risen"
            raise ValidationError(
                f"With damping of {settings.damping_percent}% the partnerships cannot share £{distributable:,.2f}: "
                f"the money has {moved} too far from last year's £{last:,.2f}. Allow a larger change.",
                code="damping_infeasible",
            ) from error

    rounded = round_to_pennies(amounts, distributable)
    formula_rounded = round_to_pennies(formula, distributable)
    lines = [
        FormulaLine(
            key=key,
            previous=None if previous.get(key) is None else Decimal(previous[key]),
            share=shares[key],
            formula_amount=formula_rounded[key],
            amount=rounded[key],
        )
        for key in values
    ]
    return FormulaResult(lines=lines, distributable=distributable, top_slice=top_slice)
