"""Abuse limits on writing reviews and reports, counted in the cache.

- One account may submit (write or edit) at most RATINGS_SUBMISSIONS_PER_ACCOUNT reviews or
  replies per RATINGS_SUBMISSION_WINDOW_SECONDS (default 5 a day).
- One address (IP) may submit at most RATINGS_SUBMISSIONS_PER_ADDRESS (default 20 a day), so
  one person with many accounts cannot flood a service.
- One address may send at most RATINGS_REPORTS_PER_ADDRESS reports per hour (default 10).

Views reserve one of the allowance before they call a service (atomically, so concurrent
requests cannot all pass) and give it back if the service refuses; the services
themselves are not limited (the demo loader and moderators use them freely). Losing the cache
(a restart with the in-memory cache) only resets the allowances.
"""

from __future__ import annotations

from django.conf import settings

from core.limits import give_back, reached, reserve, reserve_all

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


def submission_reserve(*, user_id: int, client: str) -> bool:
    """Take one submission from the account's and the address's allowances before acting, or
    nothing (False) when either is used up: concurrent requests cannot all pass."""
    return reserve_all(
        [
            (_key("account", str(user_id)), submissions_per_account()),
            (_key("address", client), submissions_per_address()),
        ],
        submission_window(),
    )


def submission_give_back(*, user_id: int, client: str) -> None:
    give_back(_key("account", str(user_id)))
    give_back(_key("address", client))


def report_limit_reached(*, client: str) -> bool:
    return reached(_key("report", client), reports_per_address())


def report_reserve(*, client: str) -> bool:
    return reserve(_key("report", client), reports_per_address(), HOUR)


def report_give_back(*, client: str) -> None:
    give_back(_key("report", client))
