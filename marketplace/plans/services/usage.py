"""Usage figures: each listing's weekly views, shortlists and enquiries, each visitor counted
once a week."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ..models import ListingWeek


def week_start(day: date) -> date:
    return date.fromordinal(day.toordinal() - day.weekday())


def usage_visitor(*, user=None, session=None, client: str = "") -> str:
    """Who is counted, as a keyed hash (never an address or account id in the cache or the task
    queue): the account when signed in, else the session, else the client's address."""
    if getattr(user, "is_authenticated", False):
        who = f"user:{user.pk}"
    elif session is not None and getattr(session, "session_key", None):
        who = f"session:{session.session_key}"
    else:
        who = client
    if not who:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:usage:{who}".encode()).hexdigest()[:32]


def listing_usage_record(
    *, service_id: int, kind: str, count: int = 1, on=None, visitor: str = ""
) -> None:
    """Add to a listing's weekly counter (`views`, `shortlists` or `enquiries`). Safe when two
    requests count at once: the increment happens in the database.

    With a `visitor` (usage_visitor()), each visitor counts once a listing a week for each
    counter, so reloading a page or adding and removing a service again and again cannot
    inflate the figures providers and commissioners read (the shared cache remembers who was
    counted until the week is over)."""
    if kind not in ("views", "shortlists", "enquiries"):
        raise ValueError(f"Unknown usage counter {kind!r}.")
    week = week_start(timezone.localdate(on))
    if visitor and not cache.add(
        f"plans:usage:{kind}:{service_id}:{week.isoformat()}:{visitor}", 1, timeout=8 * 86400
    ):
        return
    with transaction.atomic():
        updated = ListingWeek.objects.filter(service_id=service_id, week=week).update(
            **{kind: F(kind) + count}
        )
        if updated:
            return
        try:
            with transaction.atomic():
                ListingWeek.objects.create(service_id=service_id, week=week, **{kind: count})
        except IntegrityError:  # another request created this week's row first
            ListingWeek.objects.filter(service_id=service_id, week=week).update(
                **{kind: F(kind) + count}
            )
