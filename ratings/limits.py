"""Abuse limits on writing reviews and reports, counted in the cache.

- One account may submit (write or edit) at most RATINGS_SUBMISSIONS_PER_ACCOUNT reviews or
  replies per RATINGS_SUBMISSION_WINDOW_SECONDS (default 5 a day).
- One address (IP) may submit at most RATINGS_SUBMISSIONS_PER_ADDRESS (default 20 a day), so
  one person with many accounts cannot flood a service.
- One address may send at most RATINGS_REPORTS_PER_ADDRESS reports per hour (default 10).

Views check the limit before they call a service and count after it succeeded; the services
themselves are not limited (the demo loader and moderators use them freely). Losing the cache
(a restart with the in-memory cache) only resets the allowances.
"""

from __future__ import annotations

from django.conf import settings

from core.limits import count, reached

HOUR = 60 * 60


def submissions_per_account() -> int:
    return int(settings.RATINGS_SUBMISSIONS_PER_ACCOUNT)


def submissions_per_address() -> int:
    return int(settings.RATINGS_SUBMISSIONS_PER_ADDRESS)


def submission_window() -> int:
    return int(settings.RATINGS_SUBMISSION_WINDOW_SECONDS)


def reports_per_address() -> int:
    return int(settings.RATINGS_REPORTS_PER_ADDRESS)


def _key(kind: str, who: str) -> str:
    return f"ratings:{kind}:{who}"


def submission_limit_reached(*, user_id: int, client: str) -> bool:
    """True when the account or the address has used its allowance of submissions."""
    return reached(_key("account", str(user_id)), submissions_per_account()) or reached(
        _key("address", client), submissions_per_address()
    )


def submission_count(*, user_id: int, client: str) -> None:
    window = submission_window()
    count(_key("account", str(user_id)), window)
    count(_key("address", client), window)


def report_limit_reached(*, client: str) -> bool:
    return reached(_key("report", client), reports_per_address())


def report_count(*, client: str) -> None:
    count(_key("report", client), HOUR)
