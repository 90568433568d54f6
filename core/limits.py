"""Abuse limits shared by every form the public can submit many times: counters in the cache.

An allowance is a count under a key (`kind` and who: an account or a client) that lives for a
window starting at its first use. Views reserve the allowance (an atomic increment) before they
call a service and give it back if the service refuses, so concurrent requests cannot all pass
one check; the services themselves are not limited (the demo loader and staff
use them freely). Losing the cache (a restart with the in-memory cache) only resets the
allowances, so nothing is lost but a little protection for a day.
"""

from __future__ import annotations

import contextlib
import ipaddress

from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from allauth import app_settings as allauth_settings
from allauth.account.adapter import get_adapter


def client_key(request) -> str:
    """Who is asking: the client's IP address (proxy-aware through allauth's
    ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER), else the session. An IPv6
    address counts by its network (allauth's RATE_LIMIT_IPV6_PREFIX, a /64), as allauth's own
    limits do: one household or server holds a whole /64 and could take a fresh address for
    every request."""
    try:
        ip = ipaddress.ip_address(get_adapter(request).get_client_ip(request))
    except PermissionDenied:  # allauth found no address
        if not request.session.session_key:
            request.session.save()
        return f"session:{request.session.session_key}"
    if isinstance(ip, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return f"ip:{ipaddress.IPv6Network(f'{ip}/{prefix}', strict=False)}"
    return f"ip:{ip}"


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


def reserve(key: str, limit: int, window: int, by: int = 1) -> bool:
    """Take `by` of the allowance under `key` before acting, atomically (the cache's increment:
    Redis INCR in production, a lock in the in-process cache), so concurrent requests cannot
    all pass a check made before any of them counted. Returns False, taking nothing, when the
    allowance would be exceeded. Give it back if the act fails."""
    return reserve_all([(key, limit)], window, by=by)


def reserve_all(allowances: list[tuple[str, int]], window: int, by: int = 1) -> bool:
    """Take `by` from every (key, limit) allowance, or from none: when any would pass its
    limit, what was taken is given back and the answer is False."""
    taken: list[str] = []
    for key, limit in allowances:
        cache.add(key, 0, timeout=window)
        try:
            now = cache.incr(key, by)
        except ValueError:  # expired between add and incr: start a new window
            cache.set(key, by, timeout=window)
            now = by
        taken.append(key)
        if now > limit:
            for done in taken:
                give_back(done, by)
            return False
    return True


def give_back(key: str, by: int = 1) -> None:
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
        cache.decr(key, by)


def has_verified_account(email: str) -> bool:
    """Whether `email` is a verified address of an account here: e-mails to anyone else carry
    no text typed by the sender (the site must not relay someone's words to strangers)."""
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
