"""Geometry of the calibration scatter and its data table."""

from decimal import Decimal as D

from marketplace.ras import calculator as c
from marketplace.ras import charts


def cases(n, group="A"):
    return [c.Case(group, D(i % 50 + 1), D(i % 50 + 1) * 15) for i in range(n)]


def test_every_dot_is_inside_the_plot_and_the_ras_line_starts_at_the_origin():
    chart = charts.scatter(cases(100), rate=D("15.00"), fitted=c.Line(D(15), D(0)))
    left, right = chart.left, chart.left + chart.plot_width
    top, bottom = chart.top, chart.top + chart.plot_height
    assert chart.shown == chart.total == 100
    assert all(left <= x <= right and top <= y <= bottom for x, y in chart.dots)
    assert (chart.ras_line.x1, chart.ras_line.y1) == (left, bottom)
    assert chart.fitted_line == chart.ras_line  # the same line drawn twice
    assert chart.x_ticks[0].label == "0" and chart.y_ticks[0].label == "£0"
    assert chart.max_points >= 50 and chart.max_cost >= 750


def test_many_cases_are_sampled_evenly_but_counted_in_full():
    chart = charts.scatter(cases(5000), rate=D("15.00"), fitted=None)
    assert chart.total == 5000
    assert chart.shown <= charts.MAX_DOTS
    assert chart.fitted_line is None


def test_a_fitted_line_outside_the_box_is_not_drawn():
    chart = charts.scatter(cases(10), rate=D("15.00"), fitted=c.Line(D(1), D(100000)))
    assert chart.fitted_line is None


def test_bands_hold_every_case_with_the_mean_cost_and_mid_band_figures():
    data = [c.Case("A", D(p), D(cost)) for p, cost in [(10, 100), (10, 200), (40, 600), (80, 1000)]]
    bands = charts.bands(data, current=D("10.00"), proposed=D("12.00"), count=4)
    # Bands of 20 points, each including its lower edge: 40 points falls in 40 to 60.
    assert [b.count for b in bands] == [2, 0, 1, 1]
    assert bands[0].mean_cost == D("150.00")
    assert bands[1].mean_cost is None
    assert (bands[0].low, bands[0].high) == (D("0.0"), D("20.0"))
    assert (bands[0].ras_current, bands[0].ras_proposed) == (D("100.00"), D("120.00"))
    assert charts.bands([], current=D(1), proposed=D(1)) == []
