"""The one rounding rule for money (core.money): the cases the plans, RAS, Open Referral and
market statement tests each had for their own copy, now against the one function."""

from decimal import Decimal as D

import pytest

from core.money import to_pence, to_penny


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("373.44", "373.44"),
        ("1.005", "1.01"),  # halves up, not to even (banker's rounding would give 1.00)
        ("1.015", "1.02"),
        ("2.675", "2.68"),
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("3.333", "3.33"),
        ("3.335", "3.34"),
        ("0.004", "0.00"),
        ("0.005", "0.01"),
        ("2.5", "2.50"),
        ("7", "7.00"),
        ("-1.005", "-1.01"),  # halves away from zero
        ("-0.125", "-0.13"),
    ],
)
def test_money_is_rounded_to_the_penny_halves_away_from_zero(amount, expected):
    assert to_penny(D(amount)) == D(expected)
    assert str(to_penny(D(amount))) == expected


def test_whole_numbers_and_text_are_money_too():
    assert to_penny(7) == D("7.00")
    assert to_penny("12.345") == D("12.35")


@pytest.mark.parametrize(("amount", "pence"), [("12.50", 1250), ("0.005", 1), ("19.994", 1999)])
def test_pence_for_the_search_index_round_the_same_way(amount, pence):
    assert to_pence(D(amount)) == pence
