"""The arithmetic of formula allocation: pure functions, checked to the penny."""

from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError

from grants.services.formula import FormulaSettings, formula_split, indicator_shares, round_to_pennies

D = Decimal


def test_largest_remainder_rounding_sums_exactly_to_the_total():
    thirds = {"a": Fraction(100, 3), "b": Fraction(100, 3), "c": Fraction(100, 3)}
    rounded = round_to_pennies(thirds, D("100.00"))
    assert sum(rounded.values()) == D("100.00")
    assert sorted(rounded.values()) == [D("33.33"), D("33.33"), D("33.34")]


def test_the_largest_remainder_gets_the_spare_penny():
    amounts = {"a": Fraction("10.004"), "b": Fraction("10.006")}
    assert round_to_pennies(amounts, D("20.01")) == {"a": D("10.00"), "b": D("10.01")}


def test_indicator_shares_weight_each_indicator_by_its_share_of_the_area_total():
    values = {
        "north": {"population": D("100000"), "crime": D("30")},
        "south": {"population": D("300000"), "crime": D("10")},
    }
    shares = indicator_shares(values, {"population": D("1"), "crime": D("1")})
    # population: 1/4 and 3/4; crime: 3/4 and 1/4; equal weights -> a half each
    assert shares == {"north": Fraction(1, 2), "south": Fraction(1, 2)}
    shares = indicator_shares(values, {"population": D("3"), "crime": D("1")})
    assert shares["north"] == Fraction(3, 4) * Fraction(1, 4) + Fraction(1, 4) * Fraction(3, 4)


def test_top_slice_and_base_come_off_first_and_the_rest_follows_the_indicators():
    values = {"a": {"pop": D("1")}, "b": {"pop": D("3")}}
    result = formula_split(
        settings=FormulaSettings(
            pot=D("100000.00"), top_slice=D("10000.00"), base_per_partnership=D("5000.00"), weights={"pop": D("1")}
        ),
        values=values,
        previous={"a": None, "b": None},
    )
    lines = result.by_key()
    assert result.distributable == D("90000.00")
    assert lines["a"].amount == D("5000.00") + D("20000.00")
    assert lines["b"].amount == D("5000.00") + D("60000.00")
    assert result.total == D("90000.00")


def test_twelve_partnerships_share_an_awkward_pot_to_the_penny():
    values = {f"csp{i:02d}": {"pop": D(1000 + i * 137), "crime": D(i * 3 + 1)} for i in range(12)}
    result = formula_split(
        settings=FormulaSettings(
            pot=D("2300000.01"), top_slice=D("123456.78"), weights={"pop": D("2"), "crime": D("1")}
        ),
        values=values,
        previous={k: None for k in values},
    )
    assert result.total == D("2300000.01") - D("123456.78")
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in result.lines)


def test_damping_holds_every_partnership_within_the_limit_and_still_spends_the_pot():
    values = {"a": {"pop": D("1")}, "b": {"pop": D("1")}, "c": {"pop": D("8")}}
    previous = {"a": D("40000.00"), "b": D("40000.00"), "c": D("20000.00")}
    result = formula_split(
        settings=FormulaSettings(pot=D("100000.00"), weights={"pop": D("1")}, damping_percent=D("10")),
        values=values,
        previous=previous,
    )
    lines = result.by_key()
    assert result.total == D("100000.00")
    # the formula wants a and b at £10,000 and c at £80,000; c may rise only 10%, to £22,000, and a and b
    # share the rest, each within 10% of their £40,000
    assert lines["c"].amount == D("22000.00")
    assert lines["a"].amount == D("39000.00") and lines["b"].amount == D("39000.00")
    assert lines["a"].formula_amount == D("10000.00") and lines["c"].formula_amount == D("80000.00")


def test_damping_limits_increases_and_decreases_together():
    values = {k: {"pop": D(v)} for k, v in {"a": 1, "b": 1, "c": 4, "d": 4}.items()}
    previous = {k: D("25000.00") for k in values}
    result = formula_split(
        settings=FormulaSettings(pot=D("100000.00"), weights={"pop": D("1")}, damping_percent=D("5")),
        values=values,
        previous=previous,
    )
    for line in result.lines:
        assert abs(line.amount - D("25000.00")) <= D("1250.00")
    assert result.total == D("100000.00")


def test_damping_that_cannot_hold_says_so():
    values = {"a": {"pop": D("1")}, "b": {"pop": D("1")}}
    with pytest.raises(ValidationError, match="fallen too far"):
        formula_split(
            settings=FormulaSettings(pot=D("50000.00"), weights={"pop": D("1")}, damping_percent=D("10")),
            values=values,
            previous={"a": D("50000.00"), "b": D("50000.00")},
        )


def test_phasing_moves_a_third_of_the_way_in_year_one_of_three():
    values = {"a": {"pop": D("1")}, "b": {"pop": D("2")}}
    previous = {"a": D("60000.00"), "b": D("30000.00")}
    result = formula_split(
        settings=FormulaSettings(pot=D("90000.00"), weights={"pop": D("1")}, phase_year=1, phase_years=3),
        values=values,
        previous=previous,
    )
    lines = result.by_key()
    # formula: a 30,000, b 60,000; a third of the way from 60,000 to 30,000 is 50,000
    assert lines["a"].amount == D("50000.00") and lines["b"].amount == D("40000.00")
    final = formula_split(
        settings=FormulaSettings(pot=D("90000.00"), weights={"pop": D("1")}, phase_year=3, phase_years=3),
        values=values,
        previous=previous,
    )
    assert final.by_key()["a"].amount == D("30000.00")


def test_phasing_needs_last_years_awards():
    with pytest.raises(ValidationError, match="had none"):
        formula_split(
            settings=FormulaSettings(pot=D("100.00"), weights={"pop": D("1")}, phase_year=1, phase_years=2),
            values={"a": {"pop": D("1")}},
            previous={"a": None},
        )


@pytest.mark.parametrize(
    ("formula_settings", "message"),
    [
        (FormulaSettings(pot=D("100.00"), top_slice=D("200.00"), weights={"pop": D("1")}), "more than the pot"),
        (FormulaSettings(pot=D("100.00"), base_per_partnership=D("60.00"), weights={"pop": D("1")}), "needs £120.00"),
        (FormulaSettings(pot=D("100.00"), weights={}), "at least one indicator"),
    ],
)
def test_impossible_settings_are_refused_with_the_reason(formula_settings, message):
    with pytest.raises(ValidationError, match=message):
        formula_split(settings=formula_settings, values={"a": {"pop": D("1")}, "b": {"pop": D("1")}}, previous={})


def test_a_missing_figure_names_the_partnership_and_indicator():
    with pytest.raises(ValidationError, match="b has no figure for pop"):
        indicator_shares({"a": {"pop": D("1")}, "b": {}}, {"pop": D("1")})
