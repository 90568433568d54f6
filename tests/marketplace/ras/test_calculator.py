"""The RAS maths, case by case, with the worked numbers of the source papers."""

from decimal import Decimal as D

import pytest

from marketplace.ras import calculator as c


@pytest.mark.parametrize(
    "part, whole, expected",
    [
        (27, 30, D("90.0")),
        (17, 24, D("70.8")),
        (1, 3, D("33.3")),
        (2, 3, D("66.7")),
        (0, 0, D("0.0")),
    ],
)
def test_share_as_a_percentage(part, whole, expected):
    assert c.percent(part, whole) == expected


# --- scoring ----------------------------------------------------------------------------------

WASHING = c.Question(
    key="washing",
    domain="Personal care",
    options=(c.Option("none", D(0)), c.Option("some", D(3)), c.Option("all", D(9))),
    informal_reduction_percent=D(50),
)
DRESSING = c.Question(
    key="dressing",
    domain="Personal care",
    options=(c.Option("none", D(0)), c.Option("all", D(5))),
)
SAFETY = c.Question(
    key="risk",
    domain="Keeping safe",
    options=(c.Option("none", D(0)), c.Option("always", D(14))),
    informal_reduction_percent=D(25),
)
CARER = c.Question(
    key="carer_hours",
    domain="Your carer",
    options=(c.Option("none", D(0)), c.Option("high", D(9))),
    carer=True,
    informal_reduction_percent=D(50),  # ignored: carer points are never reduced
)
QUESTIONS = (WASHING, DRESSING, SAFETY, CARER)


@pytest.mark.parametrize(
    "choices, informal, agrees, by_domain, carer_points",
    [
        (
            {"washing": "all", "dressing": "all", "risk": "always", "carer_hours": "none"},
            set(),
            False,
            {"Personal care": D(14), "Keeping safe": D(14)},
            D(0),
        ),
        # Informal support halves washing and takes a quarter off safety, with consent.
        (
            {"washing": "all", "dressing": "all", "risk": "always", "carer_hours": "high"},
            {"washing", "risk"},
            True,
            {"Personal care": D("9.50"), "Keeping safe": D("10.50")},
            D(9),
        ),
        # The same help without the carer's agreement reduces nothing.
        (
            {"washing": "all", "dressing": "all", "risk": "always", "carer_hours": "high"},
            {"washing", "risk"},
            False,
            {"Personal care": D(14), "Keeping safe": D(14)},
            D(9),
        ),
        # Informal support on a question with no reduction rule changes nothing.
        (
            {"washing": "some", "dressing": "all", "risk": "none", "carer_hours": "none"},
            {"dressing", "carer_hours"},
            True,
            {"Personal care": D(8), "Keeping safe": D(0)},
            D(0),
        ),
        # 3 points less 50% = 1.5 exactly.
        (
            {"washing": "some", "dressing": "none", "risk": "none", "carer_hours": "none"},
            {"washing"},
            True,
            {"Personal care": D("1.50"), "Keeping safe": D(0)},
            D(0),
        ),
    ],
)
def test_scoring_points_by_domain(choices, informal, agrees, by_domain, carer_points):
    score = c.score(
        QUESTIONS,
        c.Answers(choices=choices, informal_support=frozenset(informal), carer_agrees=agrees),
    )
    assert dict(score.points_by_domain) == by_domain
    assert score.points == sum(by_domain.values())
    assert score.carer_points == carer_points
    assert [name for name, _ in score.points_by_domain] == ["Personal care", "Keeping safe"]


@pytest.mark.parametrize(
    "choices, message",
    [
        (
            {"dressing": "all", "risk": "none", "carer_hours": "none"},
            "Question 'washing' is not answered.",
        ),
        (
            {"washing": "", "dressing": "all", "risk": "none", "carer_hours": "none"},
            "Question 'washing' is not answered.",
        ),
        (
            {"washing": "lots", "dressing": "all", "risk": "none", "carer_hours": "none"},
            "'lots' is not an answer to question 'washing'.",
        ),
        (
            {
                "washing": "all",
                "dressing": "all",
                "risk": "none",
                "carer_hours": "none",
                "pets": "dog",
            },
            "'pets' is not a question in this scheme.",
        ),
    ],
)
def test_missing_or_out_of_range_answers_are_refused(choices, message):
    with pytest.raises(c.CalculatorError) as error:
        c.score(QUESTIONS, c.Answers(choices=choices))
    assert message in error.value.messages


def test_every_problem_is_listed_at_once():
    with pytest.raises(c.CalculatorError) as error:
        c.score(QUESTIONS, c.Answers(choices={"washing": "x"}))
    assert len(error.value.messages) == 4


# --- market rate ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, p, expected",
    [
        ([D(1)], D("0.5"), D(1)),
        ([D(1), D(2)], D("0.5"), D("1.5")),
        ([D(10), D(20), D(30), D(40)], D("0.25"), D("17.5")),
        ([D(10), D(20), D(30), D(40)], D("0.75"), D("32.5")),
        ([D(1), D(2), D(3), D(4), D(5)], D("0.5"), D(3)),
        ([D(1), D(2), D(3), D(4), D(5)], D(1), D(5)),
    ],
)
def test_quantiles_interpolate_between_ranks(values, p, expected):
    assert c.quantile(values, p) == expected


@pytest.mark.parametrize(
    "prices, multiple, rate, count, q1, q3, trimmed",
    [
        (["15.56"], D("1.5"), "15.56", 1, "15.56", "15.56", 0),
        (["14", "16"], D("1.5"), "15.00", 2, "14.50", "15.50", 0),
        # 100 is beyond 1.5 x IQR above the upper quartile: dropped, the median is of the rest.
        (["10", "12", "14", "15", "100"], D("1.5"), "13.00", 4, "11.50", "14.25", 1),
        # The same prices with no trimming.
        (["10", "12", "14", "15", "100"], None, "14.00", 5, "12.00", "15.00", 0),
        (["10", "12", "14", "15", "100"], D(0), "14.00", 5, "12.00", "15.00", 0),
        # Three prices are never trimmed (too few to judge outliers).
        (["1", "20", "500"], D("1.5"), "20.00", 3, "10.50", "260.00", 0),
        # Order does not matter.
        (["30.50", "28.00", "35.00", "29.00"], D("1.5"), "29.75", 4, "28.75", "31.63", 0),
    ],
)
def test_market_rate_is_the_trimmed_median(prices, multiple, rate, count, q1, q3, trimmed):
    summary = c.market_rate([D(p) for p in prices], iqr_multiple=multiple)
    assert summary == c.RateSummary(
        rate=D(rate), count=count, lower_quartile=D(q1), upper_quartile=D(q3), trimmed=trimmed
    )


def test_no_prices_no_market_rate():
    assert c.market_rate([]) is None


def _summary(count, rate="10"):
    return c.RateSummary(rate=D(rate), count=count, lower_quartile=D(rate), upper_quartile=D(rate))


@pytest.mark.parametrize(
    "local, minimum, use_local",
    [
        (_summary(10, "12"), 10, True),
        (_summary(9, "12"), 10, False),
        (None, 10, False),
        (_summary(50, "12"), 0, False),  # 0 switches local rates off
    ],
)
def test_locality_rate_only_with_enough_prices(local, minimum, use_local):
    overall = _summary(100, "10")
    used, was_local = c.local_or_overall(overall, local, min_prices=minimum)
    assert was_local is use_local
    assert used is (local if use_local else overall)


@pytest.mark.parametrize(
    "components, expected",
    [
        ([c.RateComponent("Home care", D(1), D("15.56"))], D("15.56")),
        (
            [
                c.RateComponent("Home care", D("0.4"), D("33.50")),
                c.RateComponent("Domestic help", D("0.05"), D("23.00")),
                c.RateComponent("Befriending", D("0.03"), D("23.00")),
            ],
            D("15.24"),  # 13.40 + 1.15 + 0.69
        ),
        ([c.RateComponent("Day centre", D("0.125"), D("45.00"))], D("5.63")),  # 5.625 up
    ],
)
def test_money_per_point_is_the_weighted_sum_of_market_rates(components, expected):
    assert c.money_per_point(components) == expected


@pytest.mark.parametrize(
    "components, message",
    [
        ([], "The scheme has no reference services, so there is no rate."),
        (
            [c.RateComponent("Home care", D(1), D(15)), c.RateComponent("Day centre", D(1), None)],
            "There are no current market prices for Day centre.",
        ),
    ],
)
def test_no_reference_prices_is_a_clear_refusal_not_zero(components, message):
    with pytest.raises(c.CalculatorError) as error:
        c.money_per_point(components)
    assert message in error.value.messages


@pytest.mark.parametrize(
    "mode, market, fixed, expected",
    [
        (c.RateMode.MARKET, D("15.56"), D("20"), D("15.56")),
        (c.RateMode.FROZEN, D("15.56"), D("14.00"), D("14.00")),
        (c.RateMode.MANUAL, None, D("16.00"), D("16.00")),
        (c.RateMode.MARKET, None, D("16.00"), None),
    ],
)
def test_effective_rate(mode, market, fixed, expected):
    assert c.effective_rate(mode=mode, market=market, fixed=fixed) == expected


# --- budget -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "points, rate, carer_points, carer_rate, floor, ceiling, weekly, at_floor, at_ceiling",
    [
        # 24 hours a week of one-to-one support at £15.56 an hour.
        (D(24), D("15.56"), D(0), D(0), None, None, D("373.44"), False, False),
        (D(24), D("15.56"), D(5), D("6.00"), None, None, D("403.44"), False, False),
        (D("10.5"), D("13.33"), D(0), D(0), None, None, D("139.97"), False, False),  # 139.965 up
        (D(1), D("15.00"), D(0), D(0), D("25.00"), None, D("25.00"), True, False),
        (D(0), D("15.00"), D(0), D(0), D("25.00"), None, D("0.00"), False, False),  # no needs
        (D(120), D("15.00"), D(0), D(0), D(25), D("1500.00"), D("1500.00"), False, True),
        (D(100), D("15.00"), D(0), D(0), D(25), D("1500.00"), D("1500.00"), False, False),
    ],
)
def test_weekly_budget(
    points, rate, carer_points, carer_rate, floor, ceiling, weekly, at_floor, at_ceiling
):
    budget = c.weekly_budget(
        points=points,
        money_per_point=rate,
        carer_points=carer_points,
        carer_rate=carer_rate,
        floor=floor,
        ceiling=ceiling,
    )
    assert (budget.weekly, budget.at_floor, budget.at_ceiling) == (weekly, at_floor, at_ceiling)


@pytest.mark.parametrize("rate", [D(0), D("-1")])
def test_a_budget_needs_a_positive_rate(rate):
    with pytest.raises(c.CalculatorError):
        c.weekly_budget(points=D(10), money_per_point=rate)


# --- tolerance --------------------------------------------------------------------------------

FIVE = c.Tolerance(below_percent=D(5), above_percent=D(5))
CAPPED = c.Tolerance(below_percent=D(5), above_percent=D(10), cap=D("20.00"))


@pytest.mark.parametrize(
    "budget, cost, tolerance, within, gap, gap_percent, lower, upper",
    [
        # The papers' plan: £373.53 against a budget of £373.44, within 5%.
        (D("373.44"), D("373.53"), FIVE, True, D("0.09"), D("0.0"), D("354.77"), D("392.11")),
        # Instead of a £580 placement: well outside.
        (D("373.44"), D("580.00"), FIVE, False, D("206.56"), D("55.3"), D("354.77"), D("392.11")),
        # Exactly on the edges is within.
        (D("100.00"), D("105.00"), FIVE, True, D("5.00"), D("5.0"), D("95.00"), D("105.00")),
        (D("100.00"), D("95.00"), FIVE, True, D("-5.00"), D("-5.0"), D("95.00"), D("105.00")),
        (D("100.00"), D("105.01"), FIVE, False, D("5.01"), D("5.0"), D("95.00"), D("105.00")),
        (D("100.00"), D("94.99"), FIVE, False, D("-5.01"), D("-5.0"), D("95.00"), D("105.00")),
        # The cap limits overspend more tightly than 10% of a big budget ...
        (D("400.00"), D("425.00"), CAPPED, False, D("25.00"), D("6.3"), D("380.00"), D("420.00")),
        (D("400.00"), D("420.00"), CAPPED, True, D("20.00"), D("5.0"), D("380.00"), D("420.00")),
        # ... but not a small one, and it never limits underspend.
        (D("100.00"), D("110.00"), CAPPED, True, D("10.00"), D("10.0"), D("95.00"), D("110.00")),
        (D("400.00"), D("381.00"), CAPPED, True, D("-19.00"), D("-4.8"), D("380.00"), D("420.00")),
        # No budget: only a zero-cost plan is within; the percentage is not divided by zero.
        (D("0.00"), D("0.00"), FIVE, True, D("0.00"), D("0.0"), D("0.00"), D("0.00")),
        (D("0.00"), D("10.00"), FIVE, False, D("10.00"), D("0.0"), D("0.00"), D("0.00")),
    ],
)
def test_tolerance_verdict(budget, cost, tolerance, within, gap, gap_percent, lower, upper):
    verdict = c.tolerance_verdict(budget=budget, weekly_cost=cost, tolerance=tolerance)
    assert (verdict.within, verdict.gap, verdict.gap_percent, verdict.lower, verdict.upper) == (
        within,
        gap,
        gap_percent,
        lower,
        upper,
    )
    assert verdict.label == (
        "Within tolerance: can be signed off" if within else "Outside tolerance: goes to panel"
    )


# --- calibration ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "xs, ys, slope, intercept, r_squared",
    [
        ([1, 2, 3], [2, 4, 6], D(2), D(0), D(1)),
        ([0, 10, 20], [50, 150, 250], D(10), D(50), D(1)),
        # y = 1, 3, 2, 4 against x = 1..4: slope 0.8, intercept 0.5, R squared 0.64.
        ([1, 2, 3, 4], [1, 3, 2, 4], D("0.8"), D("0.5"), D("0.64")),
        ([1, 2, 3], [5, 5, 5], D(0), D(5), D(1)),
    ],
)
def test_least_squares(xs, ys, slope, intercept, r_squared):
    line, r2 = c.least_squares([D(x) for x in xs], [D(y) for y in ys])
    assert line.slope == slope
    assert line.intercept == intercept
    assert r2 == r_squared


@pytest.mark.parametrize("xs, ys", [([], []), ([5], [10]), ([3, 3, 3], [1, 2, 3])])
def test_no_line_without_two_distinct_points(xs, ys):
    assert c.least_squares([D(x) for x in xs], [D(y) for y in ys]) is None


def test_rate_through_the_origin():
    cases = [c.Case("A", D(10), D(150)), c.Case("A", D(20), D(310))]
    # (10*150 + 20*310) / (100 + 400) = 7700 / 500 = 15.40
    assert c.rate_through_origin(cases) == D("15.40")
    assert c.rate_through_origin([c.Case("A", D(0), D(10))]) is None


def _pilot_cases():
    """30 new referrals at 24 points, 27 of which cost within 5% of 24 x £15.56 = £373.44."""
    within = [c.Case("Learning disability", D(24), D("373.53"))] * 27
    outside = [c.Case("Learning disability", D(24), D("580.00"))] * 3
    return within + outside


def test_calibration_share_within_tolerance_27_of_30_is_90_percent():
    result = c.calibrate(
        _pilot_cases(), current_rate=D("15.56"), proposed_rate=D("20.00"), tolerance=FIVE
    )
    group = result.groups[0]
    assert group.count == 30
    assert group.within_current == 27
    assert group.share_within_current == D("90.0")
    # At £20 a point the figure is £480: £373.53 is under 95% of it, £580 over 105%.
    assert group.within_proposed == 0
    assert group.spend_current == D("373.44") * 30
    assert group.spend_proposed == D("480.00") * 30
    assert group.actual_spend == D("373.53") * 27 + D("580.00") * 3
    assert result.overall.share_within_current == D("90.0")
    assert result.spend_change == (D("480.00") - D("373.44")) * 30


def test_calibration_groups_and_fitted_lines():
    cases = [
        c.Case("Older people", D(10), D("150.00")),
        c.Case("Older people", D(20), D("300.00")),
        c.Case("Autism", D(10), D("200.00")),
        c.Case("Autism", D(30), D("400.00")),
        c.Case("Autism", D(20), D("300.00")),
    ]
    result = c.calibrate(
        cases, current_rate=D("15.00"), proposed_rate=D("10.00"), tolerance=FIVE, floor=D("25")
    )
    assert [g.client_group for g in result.groups] == ["Autism", "Older people"]
    autism, older = result.groups
    assert (autism.line.slope, autism.line.intercept, autism.r_squared) == (D(10), D(100), D(1))
    assert (older.line.slope, older.line.intercept) == (D(15), D(0))
    assert older.within_current == 2
    assert autism.within_current == 1  # 300 against 300; 200 vs 150 and 400 vs 450 are out
    assert autism.spend_proposed == D("600.00")
    assert result.overall.count == 5
    assert result.overall.spend_current == D("1350.00")


def test_calibration_applies_floor_and_ceiling():
    cases = [c.Case("A", D(1), D("25.00")), c.Case("A", D(200), D("1500.00"))]
    result = c.calibrate(
        cases,
        current_rate=D("10.00"),
        proposed_rate=D("10.00"),
        tolerance=FIVE,
        floor=D("25.00"),
        ceiling=D("1500.00"),
    )
    assert result.overall.spend_current == D("1525.00")
    assert result.overall.within_current == 2


@pytest.mark.parametrize("proposed", [D(0), D("-5.00")])
def test_calibration_refuses_a_proposed_rate_of_zero_or_less(proposed):
    with pytest.raises(c.CalculatorError, match="proposed rate must be more than zero"):
        c.calibrate(_pilot_cases(), current_rate=D("15.56"), proposed_rate=proposed, tolerance=FIVE)


def test_a_whole_assessment():
    rules = c.Rules(
        questions=QUESTIONS,
        money_per_point=D("15.56"),
        carer_rate=D("6.00"),
        floor=D("25.00"),
        ceiling=D("1500.00"),
    )
    result = c.assess(
        rules,
        c.Answers(
            choices={"washing": "all", "dressing": "none", "risk": "always", "carer_hours": "high"},
            informal_support=frozenset({"washing"}),
            carer_agrees=True,
        ),
    )
    # 4.5 + 0 + 14 = 18.5 points x £15.56 = £287.86, plus 9 carer points x £6 = £54.
    assert result.score.points == D("18.50")
    assert result.budget.weekly == D("341.86")
