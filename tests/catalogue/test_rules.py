from datetime import datetime

import pytest

from catalogue import rules


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 23, 9, 30), 6, datetime(2026, 5, 23, 9, 30)),
        (datetime(2026, 11, 23), 12, datetime(2025, 11, 23)),
        (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
        (datetime(2024, 3, 31), 1, datetime(2024, 2, 29)),
        (datetime(2026, 1, 15), 1, datetime(2025, 12, 15)),
        (datetime(2026, 8, 31), 6, datetime(2026, 2, 28)),
    ],
)
def test_months_before_counts_calendar_months(moment, months, expected):
    assert rules.months_before(moment, months) == expected


def test_reminder_at_six_months_and_stale_at_twelve():
    now = datetime(2026, 11, 23, 12, 0)
    assert rules.reminder_cutoff(now) == datetime(2026, 5, 23, 12, 0)
    assert rules.stale_cutoff(now) == datetime(2025, 11, 23, 12, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SY1 1AA", "SY1 1AA"),
        ("sy11aa", "SY1 1AA"),
        ("  sy1   1aa ", "SY1 1AA"),
        ("SY10 7XY", "SY10 7XY"),
        ("W1A 1AA", "W1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("SY1", None),
        ("12345", None),
        ("", None),
        ("SY1 1AA; DROP TABLE", None),
    ],
)
def test_postcodes_are_normalised_or_refused(text, expected):
    assert rules.normalise_postcode(text) == expected


def test_postcode_district_is_the_outward_code():
    assert rules.postcode_district("SY10 7XY") == "SY10"


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((349000, 312500), (349000, 312500), 0.0),
        ((349000, 312500), (352000, 316500), 5.0),  # a 3-4-5 triangle
        ((0, 0), (0, 100_000), 100.0),
    ],
)
def test_grid_distance(a, b, km):
    assert rules.grid_distance_km(*a, *b) == pytest.approx(km)
