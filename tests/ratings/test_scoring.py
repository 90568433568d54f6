"""The maths of reviews, with worked numbers (ratings/scoring.py)."""

from datetime import date
from decimal import Decimal

import pytest

from ratings import scoring

D = Decimal


@pytest.mark.parametrize(
    ("ratings", "count", "mean", "score"),
    [
        # No reviews: no mean and no score (not ranked as if it had the prior).
        ([], 0, None, None),
        # One 5-star review: (5 * 3.5 + 5) / (5 + 1) = 22.5 / 6 = 3.75.
        ([5], 1, D("5.00"), D("3.75")),
        # Fifty 4-star reviews: (17.5 + 200) / 55 = 3.9545... -> 3.95.
        ([4] * 50, 50, D("4.00"), D("3.95")),
        # One 1-star review: (17.5 + 1) / 6 = 3.0833 -> 3.08.
        ([1], 1, D("1.00"), D("3.08")),
        # 5, 4, 3: sum 12, mean 4; (17.5 + 12) / 8 = 3.6875 -> 3.69 (half up).
        ([5, 4, 3], 3, D("4.00"), D("3.69")),
        # Ten 5-star: (17.5 + 50) / 15 = 4.5.
        ([5] * 10, 10, D("5.00"), D("4.50")),
        # Mean rounds half up: (5 + 4 + 4 + 4 + 4 + 4 + 4 + 4) / 8 = 4.125 -> 4.13;
        # score (17.5 + 33) / 13 = 3.8846 -> 3.88.
        ([5, 4, 4, 4, 4, 4, 4, 4], 8, D("4.13"), D("3.88")),
        # Exactly the prior mean gives the prior mean, whatever the count.
        ([3, 4], 2, D("3.50"), D("3.50")),
    ],
)
def test_summarise(ratings, count, mean, score):
    summary = scoring.summarise(ratings)
    assert (summary.count, summary.mean, summary.score) == (count, mean, score)


def test_one_five_star_review_does_not_outrank_fifty_four_star_ones():
    assert scoring.bayesian_score([5]) < scoring.bayesian_score([4] * 50)


def test_many_reviews_converge_on_their_mean():
    assert scoring.bayesian_score([5] * 995) == D("4.99")  # (17.5 + 4975) / 1000 = 4.9925


def test_the_prior_can_be_stated_per_call():
    # (2 * 3 + 5) / 3 = 3.666 -> 3.67
    assert scoring.bayesian_score([5], prior_mean=D("3"), prior_weight=2) == D("3.67")


@pytest.mark.parametrize("bad", [0, 6, -1, 2.5, "4", True, None])
def test_ratings_outside_one_to_five_are_refused(bad):
    with pytest.raises(ValueError):
        scoring.summarise([4, bad])


def test_category_means_ignore_skipped_answers():
    rows = [
        {"a": 5, "b": None},
        {"a": 4, "b": 2},
        {"a": 4, "b": None},
    ]
    assert scoring.category_means(rows, ["a", "b", "c"]) == {
        "a": (D("4.33"), 3),  # 13 / 3 = 4.333
        "b": (D("2.00"), 1),
        "c": (None, 0),
    }


@pytest.mark.parametrize(("questions", "needed"), [(5, 3), (4, 2), (3, 2), (1, 1), (0, 0)])
def test_at_least_half_the_categories_rounded_up(questions, needed):
    assert scoring.minimum_answered(questions) == needed


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 2), 24, date(2024, 12, 2)),
        (date(2026, 12, 2), 12, date(2025, 12, 2)),
        (date(2026, 3, 31), 1, date(2026, 2, 28)),  # clamped to the month's end
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2024, 2, 29), 24, date(2022, 2, 28)),
        (date(2026, 1, 15), 1, date(2025, 12, 15)),  # across a year
    ],
)
def test_months_before(day, months, expected):
    assert scoring.months_before(day, months) == expected


@pytest.mark.parametrize(
    ("written", "counts"),
    [
        (date(2026, 12, 2), True),
        (date(2024, 12, 2), True),  # exactly 24 months ago still counts
        (date(2024, 12, 1), False),  # a day older leaves the score
        (date(2020, 1, 1), False),
    ],
)
def test_the_24_month_window(written, counts):
    assert scoring.in_score_window(written, date(2026, 12, 2)) is counts


@pytest.mark.parametrize(
    ("care", "problem"),
    [
        (date(2026, 12, 2), None),  # today
        (date(2025, 12, 2), None),  # exactly 12 months ago
        (date(2025, 12, 1), "You can only review care received in the last 12 months"),
        (date(2026, 12, 3), "The date you received the care must be today or in the past."),
    ],
)
def test_care_date_window(care, problem):
    found = scoring.care_date_problem(care, date(2026, 12, 2))
    if problem is None:
        assert found is None
    else:
        assert found.startswith(problem)


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("Great care, thank you!", "great   CARE thank you", True),
        ("Café staff were lovely.", "cafe staff were lovely", True),
        ("Great care.", "Great carers.", False),
    ],
)
def test_duplicate_text_fingerprints(first, second, same):
    assert (scoring.text_fingerprint(first) == scoring.text_fingerprint(second)) is same
