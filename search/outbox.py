"""The search outbox: Elasticsearch updates that failed, or were skipped while the cluster was
unavailable, kept until they reach the cluster (search.models.PendingIndexUpdate).

Rules:
- One pending row per service. An update re-reads the service when it is written, so replaying
  a service writes what it is *now* (indexed if visible, deleted otherwise), never an old state.
- A row is removed only by a write that started after the row's last failure, so a failure
  recorded while a replay was in flight is never lost.
- Only the Elasticsearch backend uses it: the database backend's index is written in the same
  database as the catalogue, so it cannot fall behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from search.models import PendingIndexUpdate

ERROR_LENGTH = 500


def outbox_record(actions: Mapping[int, str], *, error: str) -> None:
    """Keep these updates (service id -> "index" or "delete") until they reach the cluster:
    a new row for a service without one, otherwise the row's action, failure time, attempts and
    error are brought up to date."""
    if not actions:
        return
    now = timezone.now()
    message = error[:ERROR_LENGTH]
    with transaction.atomic():
        existing = set(
            PendingIndexUpdate.objects.filter(service_id__in=list(actions)).values_list(
                "service_id", flat=True
            )
        )
        for action in set(actions.values()):
            PendingIndexUpdate.objects.filter(
                service_id__in=[pk for pk in existing if actions[pk] == action]
            ).update(action=action, failed_at=now, attempts=F("attempts") + 1, last_error=message)
        PendingIndexUpdate.objects.bulk_create(
            [
                PendingIndexUpdate(
                    service_id=pk, action=action, created_at=now, failed_at=now, last_error=message
                )
                for pk, action in actions.items()
                if pk not in existing
            ],
            ignore_conflicts=True,  # another process recorded it meanwhile: one row is enough
        )


def outbox_pending(*, limit: int | None = None) -> list[int]:
    """The ids of the services with a pending update, the longest waiting first."""
    ids = PendingIndexUpdate.objects.order_by("failed_at", "service_id").values_list(
        "service_id", flat=True
    )
    return list(ids[:limit] if limit is not None else ids)


def outbox_count() -> int:
    return PendingIndexUpdate.objects.count()


def outbox_done(service_ids: Iterable[int] | None, *, started: datetime) -> int:
    """Forget the pending updates of these services (all when None) that a write which
    started at `started` has now written; returns how many were forgotten."""
    rows = PendingIndexUpdate.objects.filter(failed_at__lt=started)
    if service_ids is not None:
        rows = rows.filter(service_id__in=list(service_ids))
    deleted, _ = rows.delete()
    return deleted
