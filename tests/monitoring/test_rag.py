"""RAG at every comparison and at each edge of the target and of the amber tolerance (grants/rag.py)."""

from decimal import Decimal as D

import pytest

from grants.rag import Rag, Target, Trend, rate, trend

G, A, R = Rag.GREEN, Rag.AMBER, Rag.RED


@pytest.mark.parametrize(
    "comparison, figure, tolerance, expected",
    [
        # at least 75: 75 meets it; 70 is amber with a tolerance of 5, 69.99 red
        ("at_least", "75", "0", G),
        ("at_least", "74.99", "0", R),
        ("at_least", "80", "5", G),
        ("at_least", "70", "5", A),
        ("at_least", "69.99", "5", R),
        # above 75: 75 itself misses; 70 is not amber with 5 (70 is not above 70), 70.01 is
        ("above", "75.01", "0", G),
        ("above", "75", "0", R),
        ("above", "75", "5", A),
        ("above", "70.01", "5", A),
        ("above", "70", "5", R),
        # no more than 75
        ("at_most", "75", "0", G),
        ("at_most", "75.01", "0", R),
        ("at_most", "80", "5", A),
        ("at_most", "80.01", "5", R),
        # below 75
        ("below", "74.99", "0", G),
        ("below", "75", "0", R),
        ("below", "75", "5", A),
        ("below", "79.99", "5", A),
        ("below", "80", "5", R),
        # exactly 75
        ("exactly", "75", "0", G),
        ("exactly", "75.01", "0", R),
        ("exactly", "70", "5", A),
        ("exactly", "80", "5", A),
        ("exactly", "80.01", "5", R),
        ("exactly", "69.99", "5", R),
    ],
)
def test_rating_at_each_edge(comparison, figure, tolerance, expected):
    assert rate(D(figure), Target(comparison, D("75")), tolerance=D(tolerance)) == expected


@pytest.mark.parametrize(
    "figure, tolerance, expected",
    [
        ("10", "0", G),
        ("20", "0", G),
        ("15", "0", G),
        ("9.99", "0", R),
        ("20.01", "0", R),
        ("8", "2", A),
        ("7.99", "2", R),
        ("22", "2", A),
        ("22.01", "2", R),
    ],
)
def test_between_and_its_amber_band_on_both_sides(figure, tolerance, expected):
    assert rate(D(figure), Target("between", D("10"), D("20")), tolerance=D(tolerance)) == expected


def test_no_figure_or_no_target_is_not_rated():
    assert rate(None, Target("at_least", D("75"))) == Rag.NONE
    assert rate(D("10"), None) == Rag.NONE


def test_the_issue_figures_with_no_amber_band():
    """Engagement 78% (75% or above) green, re-referrals 22% (below 20%) red, planned exits 91% (90% or above)."""
    assert rate(D("78"), Target("at_least", D("75"))) == G
    assert rate(D("22"), Target("below", D("20"))) == R
    assert rate(D("91"), Target("at_least", D("90"))) == G


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError):
        rate(D("1"), Target("at_least", D("2")), tolerance=D("-1"))


@pytest.mark.parametrize(
    "comparison, before, now, expected",
    [
        ("at_least", "70", "78", Trend.BETTER),
        ("at_least", "78", "70", Trend.WORSE),
        ("below", "25", "22", Trend.BETTER),
        ("below", "18", "22", Trend.WORSE),
        ("at_least", "78", "78", Trend.SAME),
        ("exactly", "70", "74", Trend.BETTER),
        ("exactly", "80", "85", Trend.WORSE),
    ],
)
def test_trend_follows_what_the_target_wants(comparison, before, now, expected):
    assert trend(D(before), D(now), Target(comparison, D("75"))) == expected


def test_no_trend_without_a_previous_figure():
    assert trend(None, D("1"), Target("at_least", D("2"))) == Trend.NONE
