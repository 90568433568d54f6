"""The arithmetic of the market figures (market_statement/stats.py): tables of worked cases."""

from decimal import Decimal

import pytest

from market_statement import stats

D = Decimal


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        (["20", "22", "24", "30"], "0.25", "21.50"),
        (["20", "22", "24", "30"], "0.5", "23"),
        (["20", "22", "24", "30"], "0.75", "25.50"),
        (["20", "22", "24", "30"], "0", "20"),
        (["20", "22", "24", "30"], "1", "30"),
        (["10"], "0.25", "10"),
        (["1", "2", "3", "4", "5"], "0.5", "3"),
        (["1", "2", "3", "4", "5"], "0.25", "2"),
        (["1", "2"], "0.5", "1.5"),
        (["15.99", "16.01", "17.50"], "0.75", "16.755"),
    ],
)
def test_quantile_interpolates_between_order_statistics(values, p, expected):
    assert stats.quantile([D(v) for v in values], D(p)) == D(expected)


@pytest.mark.parametrize("p", ["-0.1", "1.5"])
def test_quantile_refuses_p_outside_0_to_1(p):
    with pytest.raises(ValueError):
        stats.quantile([D(1)], D(p))


def test_quantile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        stats.quantile([], D("0.5"))


def test_summary_sorts_and_rounds_to_the_penny_half_up():
    summary = stats.summarise_prices([D("17.50"), D("15.99"), D("16.01")])
    assert summary == stats.PriceSummary(
        count=3,
        minimum=D("15.99"),
        lower_quartile=D("16.00"),
        median=D("16.01"),
        upper_quartile=D("16.76"),  # 16.755 rounds half up
        maximum=D("17.50"),
    )


def test_summary_of_no_prices_is_none():
    assert stats.summarise_prices([]) is None


@pytest.mark.parametrize(
    ("a", "b", "metres"),
    [((0, 0), (3000, 4000), 5000.0), ((300000, 300000), (300000, 300000), 0.0)],
)
def test_grid_distance(a, b, metres):
    assert stats.grid_distance_m(a, b) == metres


def test_nearest():
    assert stats.nearest_m((0, 0), [(0, 900), (600, 800), (5000, 0)]) == 900.0
    assert stats.nearest_m((0, 0), []) is None


@pytest.mark.parametrize(
    ("part", "whole", "expected"), [(4, 60, "6.7"), (1, 3, "33.3"), (0, 0, "0.0"), (2, 2, "100.0")]
)
def test_share(part, whole, expected):
    assert stats.share(part, whole) == D(expected)


def test_weighted_mean():
    assert stats.weighted_mean([(D("4.0"), 3), (D("5.0"), 1)]) == D("4.25")
    assert stats.weighted_mean([]) is None
    assert stats.weighted_mean([(D("4"), 0)]) is None


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [("20", "22", "10.0"), ("22", "20", "-9.1"), ("20", "20", "0.0"), ("0", "5", None)],
)
def test_percent_change(before, after, expected):
    result = stats.percent_change(D(before), D(after))
    assert result == (D(expected) if expected else None)


def test_month_ends_run_oldest_first_across_a_year_end():
    assert stats.month_ends(2026, 2, 4) == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert stats.month_ends(2026, 12, 1) == [(2026, 12)]
