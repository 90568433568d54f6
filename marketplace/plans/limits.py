"""Abuse limits on enquiries (core.limits): every enquiry e-mails a provider, so one
account or one address must not be able to flood the providers' inboxes.

- One account may ask at most PLANS_ENQUIRIES_PER_ACCOUNT services (an enquiry to five
  services counts five) per PLANS_ENQUIRY_WINDOW_SECONDS (default 20 a day);
- one address (IP) at most PLANS_ENQUIRIES_PER_ADDRESS (default 60 a day), so one person with
  many accounts cannot either.

Replies in a thread already started are not limited: they go to one provider who is answering.
"""

from __future__ import annotations

from django.conf import settings

from core import limits


def per_account() -> int:
    return int(settings.PLANS_ENQUIRIES_PER_ACCOUNT)


def per_address() -> int:
    return int(settings.PLANS_ENQUIRIES_PER_ADDRESS)


def window() -> int:
    return int(settings.PLANS_ENQUIRY_WINDOW_SECONDS)


def _keys(user_id: int, client: str) -> tuple[str, str]:
    return f"plans:enquiries:account:{user_id}", f"plans:enquiries:address:{client}"


def enquiries_left(*, user_id: int, client: str) -> int:
    """How many more services this account, from this address, may ask in the window."""
    account, address = _keys(user_id, client)
    return max(0, min(per_account() - limits.used(account), per_address() - limits.used(address)))


def enquiries_reserve(*, user_id: int, client: str, services: int) -> bool:
    """Take `services` from the account's and the address's allowances before sending, or
    nothing (False) when either would pass its limit: concurrent requests cannot all pass."""
    account, address = _keys(user_id, client)
    return limits.reserve_all(
        [(account, per_account()), (address, per_address())], window(), by=services
    )


def enquiries_give_back(*, user_id: int, client: str, services: int) -> None:
    """The enquiry was not sent after all: what was reserved goes back."""
    for key in _keys(user_id, client):
        limits.give_back(key, services)
