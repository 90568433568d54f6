"""Shortlists: a signed-in person's in the database, an anonymous visitor's in their session."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from catalogue.models import Service
from core.ids import as_ids

from ..models import Shortlist, ShortlistItem
from .usage import listing_usage_record, usage_visitor

SESSION_KEY = "plans:shortlist"


SHORTLIST_MAX = 30


Session = MutableMapping[str, Any]


def _session_ids(session: Session) -> list[int]:
    value = session.get(SESSION_KEY) or []
    return as_ids(value)


def shortlist_service_ids(*, user, session: Session) -> list[int]:
    """The service ids on the current shortlist, in the order they were added: the signed-in
    person's, or the anonymous session's."""
    if getattr(user, "is_authenticated", False):
        return list(
            ShortlistItem.objects.filter(shortlist__user=user)
            .order_by("added_at", "pk")
            .values_list("service_id", flat=True)
        )
    return _session_ids(session)


def _require_shortlistable(service: Service) -> None:
    if not Service.objects.visible().filter(pk=service.pk).exists():
        raise ValidationError("This service is not listed at the moment, so it cannot be added.")


@transaction.atomic
def shortlist_add(*, user, session: Session, service: Service) -> bool:
    """Add a listing the public can find to the shortlist; True if it was not there already."""
    _require_shortlistable(service)
    if getattr(user, "is_authenticated", False):
        shortlist, _ = Shortlist.objects.get_or_create(user=user)
        if shortlist.items.filter(service=service).exists():
            return False
        if shortlist.items.count() >= SHORTLIST_MAX:
            raise ValidationError(
                f"Your shortlist is full ({SHORTLIST_MAX} services). Remove one to add another."
            )
        ShortlistItem.objects.create(shortlist=shortlist, service=service)
    else:
        ids = _session_ids(session)
        if service.pk in ids:
            return False
        if len(ids) >= SHORTLIST_MAX:
            raise ValidationError(
                f"Your shortlist is full ({SHORTLIST_MAX} services). Remove one to add another."
            )
        session[SESSION_KEY] = [*ids, service.pk]
    listing_usage_record(
        service_id=service.pk,
        kind="shortlists",
        visitor=usage_visitor(user=user, session=session),
    )
    return True


@transaction.atomic
def shortlist_remove(*, user, session: Session, service_id: int) -> bool:
    """Take a service off the shortlist; True if it was there."""
    if getattr(user, "is_authenticated", False):
        deleted, _ = ShortlistItem.objects.filter(
            shortlist__user=user, service_id=service_id
        ).delete()
        return bool(deleted)
    ids = _session_ids(session)
    if service_id not in ids:
        return False
    session[SESSION_KEY] = [pk for pk in ids if pk != service_id]
    return True


@transaction.atomic
def shortlist_merge(*, user, session: Session) -> int:
    """On sign-in, move what the visitor shortlisted before signing in into their account's
    shortlist (no repeats, up to SHORTLIST_MAX, listings the public can still find); the
    session's list is then emptied. Returns how many were added. Not counted again as usage."""
    ids = _session_ids(session)
    session.pop(SESSION_KEY, None)
    if not ids:
        return 0
    shortlist, _ = Shortlist.objects.get_or_create(user=user)
    existing = set(shortlist.items.values_list("service_id", flat=True))
    visible = set(Service.objects.visible().filter(pk__in=ids).values_list("pk", flat=True))
    room = SHORTLIST_MAX - len(existing)
    new = [pk for pk in ids if pk in visible and pk not in existing][: max(room, 0)]
    ShortlistItem.objects.bulk_create(
        [ShortlistItem(shortlist=shortlist, service_id=pk) for pk in new]
    )
    return len(new)
