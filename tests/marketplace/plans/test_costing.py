"""Plan costing: Decimal to the penny, ROUND_HALF_UP once per line, annual = weekly x 52."""

from decimal import Decimal

import pytest

from marketplace.plans import costing

D = Decimal


@pytest.mark.parametrize(
    ("amount", "unit", "quantity", "weekly"),
    [
        # The worked figure from the source papers: 6 hours a day, 4 days a week.
        ("15.56", "hour", "24", "373.44"),
        ("28.50", "hour", "10.5", "299.25"),
        ("18.00", "hour", "0.25", "4.50"),
        ("12.345", "hour", "1", "12.35"),  # halves round up
        ("0.005", "hour", "1", "0.01"),
        ("0.004", "hour", "1", "0.00"),
        ("950.00", "week", "1", "950.00"),
        ("120.00", "night", "3", "360.00"),
        ("45.00", "session", "2", "90.00"),
        ("26.00", "month", "1", "6.00"),  # 26 x 12 / 52
        ("30.00", "month", "1", "6.92"),  # 6.923... -> 6.92
        ("520.00", "year", "1", "10.00"),
        ("0.00", "free", "3", "0.00"),
        ("8.75", "visit", "14", "122.50"),
    ],
)
def test_line_weekly_cost(amount, unit, quantity, weekly):
    assert costing.line_weekly_cost(D(amount), unit, D(quantity)) == D(weekly)


@pytest.mark.parametrize(
    ("lines", "weekly", "annual"),
    [
        (["373.44"], "373.44", "19418.88"),
        (["373.44", "0.00", "45.00"], "418.44", "21758.88"),
        ([], "0.00", "0.00"),
        # Each line is rounded before adding, so the lines shown add up to the total shown.
        (["0.005", "0.005"], "0.02", "1.04"),
    ],
)
def test_plan_totals(lines, weekly, annual):
    totals = costing.plan_totals(D(cost) for cost in lines)
    assert totals.weekly == D(weekly)
    assert totals.annual == D(annual)
    assert totals.weekly.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("budget", "weekly", "difference"),
    [("373.53", "373.44", "0.09"), ("300.00", "373.44", "-73.44"), (None, "10.00", None)],
)
def test_budget_difference(budget, weekly, difference):
    result = costing.budget_difference(D(budget) if budget else None, D(weekly))
    assert result == (D(difference) if difference else None)


@pytest.mark.parametrize(
    ("quantity", "unit", "message"),
    [
        ("0", "hour", "must be more than 0"),
        ("-3", "hour", "must be more than 0"),
        ("169", "hour", "168 hours or fewer"),
        ("8", "night", "7 nights or fewer"),
        ("2", "week", "1 week or fewer"),
        ("1.005", "hour", "at most 2 decimal places"),
        ("NaN", "hour", "as a number"),
        ("Infinity", "hour", "as a number"),
        ("1", "one-off", "one-off price cannot be part of a weekly plan"),
    ],
)
def test_quantities_that_cannot_be_on_a_plan(quantity, unit, message):
    with pytest.raises(costing.QuantityError, match=message):
        costing.check_quantity(D(quantity), unit)


@pytest.mark.parametrize(
    ("quantity", "unit"),
    [("168", "hour"), ("0.01", "hour"), ("7", "day"), ("1", "week"), ("2.50", "session")],
)
def test_quantities_that_can(quantity, unit):
    assert costing.check_quantity(D(quantity), unit) == D(quantity)
