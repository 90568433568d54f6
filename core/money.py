"""The one rounding rule for money: to the penny, halves away from zero (0.005 -> 0.01,
-0.005 -> -0.01), as Decimal. Every app rounds money through here."""

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def to_penny(amount: Decimal | int | str) -> Decimal:
    """An amount of money rounded to the penny, halves away from zero."""
    return Decimal(amount).quantize(PENNY, rounding=ROUND_HALF_UP)


def to_pence(amount: Decimal | int | str) -> int:
    """An amount of money as whole pence, rounded as to_penny (the search index keeps money as
    exact integers)."""
    return int(to_penny(amount) * 100)


def to_nearest(amount: Decimal | int | str, step: Decimal | int | str) -> Decimal:
    """An amount rounded to the nearest `step` (Decimal("10"): to the nearest £10), halves away
    from zero: for figures people read as "about" (a yearly estimate), never for sums."""
    step = Decimal(step)
    return (Decimal(amount) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
