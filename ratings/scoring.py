"""The maths of reviews: means, the ranking score and the date windows. Pure Python, no Django.

The ranking score is a Bayesian average: every service starts as if it already had
PRIOR_WEIGHT reviews of PRIOR_MEAN stars, and its own reviews pull it from there:

    score = (PRIOR_WEIGHT * PRIOR_MEAN + sum of ratings) / (PRIOR_WEIGHT + number of ratings)

With the stated prior (5 reviews of 3.5 stars), one 5-star review scores
(17.5 + 5) / 6 = 3.75, while fifty 4-star reviews score (17.5 + 200) / 55 = 3.95: the many
consistent reviews rank higher, as families would expect. A fixed prior (rather than the
county's current mean) keeps a service's score stable and explainable: it changes only when
its own reviews do.

Only published reviews written in the last SCORE_WINDOW_MONTHS count towards the count, the
mean and the score; older ones stay visible on the page. People may only review care received
in the last CARE_WINDOW_MONTHS. Figures are Decimal, rounded ROUND_HALF_UP to 2 places, here only.
"""

from __future__ import annotations

import calendar
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

PRIOR_MEAN = Decimal("3.5")
PRIOR_WEIGHT = 5
SCORE_WINDOW_MONTHS = 24
CARE_WINDOW_MONTHS = 12
MIN_RATING = 1
MAX_RATING = 5
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Summary:
    """What a set of ratings adds up to: how many, their mean and their ranking score."""

    count: int
    mean: Decimal | None
    score: Decimal | None


def round_rating(value: Decimal) -> Decimal:
    """The one place ratings are rounded: to 2 places, halves up."""
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def check_rating(value: int) -> int:
    """A star rating is a whole number from 1 to 5."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"A rating is a whole number, not {value!r}.")
    if not MIN_RATING <= value <= MAX_RATING:
        raise ValueError(f"A rating is from {MIN_RATING} to {MAX_RATING}, not {value}.")
    return value


def mean(ratings: Sequence[int]) -> Decimal | None:
    """The plain mean of the ratings, or None when there are none."""
    if not ratings:
        return None
    return round_rating(Decimal(sum(check_rating(r) for r in ratings)) / Decimal(len(ratings)))


def bayesian_score(
    ratings: Sequence[int],
    *,
    prior_mean: Decimal = PRIOR_MEAN,
    prior_weight: int = PRIOR_WEIGHT,
) -> Decimal | None:
    """The ranking score (see the module docstring); None when there are no ratings, so a
    service nobody has reviewed is not ranked as if it had the prior's score."""
    if not ratings:
        return None
    total = Decimal(sum(check_rating(r) for r in ratings))
    return round_rating(
        (Decimal(prior_weight) * prior_mean + total) / Decimal(prior_weight + len(ratings))
    )


def summarise(ratings: Sequence[int]) -> Summary:
    """Count, mean and ranking score of the ratings that count (already windowed)."""
    return Summary(count=len(ratings), mean=mean(ratings), score=bayesian_score(ratings))


def category_means(
    rows: Iterable[Mapping[str, int | None]], categories: Sequence[str]
) -> dict[str, tuple[Decimal | None, int]]:
    """Per category: (mean of the answers given, number of answers). Skipped answers (None)
    neither count nor lower the mean."""
    answers: dict[str, list[int]] = {name: [] for name in categories}
    for row in rows:
        for name in categories:
            value = row.get(name)
            if value is not None:
                answers[name].append(value)
    return {name: (mean(values), len(values)) for name, values in answers.items()}


def minimum_answered(category_count: int) -> int:
    """At least half of the category questions must be answered (rounded up): 3 of 5."""
    return math.ceil(category_count / 2)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to the month's last day
    (31 March minus one month is 28 or 29 February)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def score_window_start(today: date) -> date:
    """Reviews written on or after this day count in the score."""
    return months_before(today, SCORE_WINDOW_MONTHS)


def in_score_window(written_on: date, today: date) -> bool:
    return written_on >= score_window_start(today)


def care_date_problem(care_date: date, today: date) -> str | None:
    """Why a 'when was the care received' date is refused, or None when it is allowed: it
    may not be in the future nor more than CARE_WINDOW_MONTHS ago."""
    if care_date > today:
        return "The date you received the care must be today or in the past."
    earliest = months_before(today, CARE_WINDOW_MONTHS)
    if care_date < earliest:
        return (
            f"You can only review care received in the last {CARE_WINDOW_MONTHS} months "
            f"(since {earliest.day} {earliest:%B %Y})."
        )
    return None


_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Text reduced to its words, for spotting copies that differ only in case, spacing,
    accents or punctuation."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NOT_WORD.sub(" ", folded.casefold()).split())


def text_fingerprint(text: str) -> str:
    """A fixed-length fingerprint of the normalised text (stored and indexed for look-ups)."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
