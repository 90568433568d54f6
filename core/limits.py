"""Abuse limits shared by every form the public can submit many times: counters in the cache.

An allowance is a count under a key (`kind` and who: an account or a client) that lives for a
window starting at its first use. Views check the allowance before they call a service and
count after it succeeded; the services themselves are not limited (the demo loader and staff
use them freely). Losing the cache (a restart with the in-memory cache) only resets the
allowances, so nothing is lost but a little protection for a day.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied


def client_key(request) -> str:
    """Who is asking: the client's IP address (proxy-aware through allauth's
    ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER), else the session."""
    try:
        return f"ip:{get_adapter(request).get_client_ip(request)}"
    except PermissionDenied:
        if not request.session.session_key:
            request.session.save()
        return f"session:{request.session.session_key}"


def used(key: str) -> int:
    """How much of the allowance under `key` has been used in its window."""
    return int(cache.get(key) or 0)


def reached(key: str, limit: int) -> bool:
    return used(key) >= limit


def count(key: str, window: int, by: int = 1) -> None:
    """Use `by` more of the allowance under `key` (its window starts at its first use)."""
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key, by)
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, by, timeout=window)
