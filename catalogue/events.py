"""Domain events the catalogue emits, for the apps that depend on it to subscribe to.

The catalogue imports none of its dependants (DESIGN.md, "Layout"): search re-indexing, review
aggregates and the market statement's caches register a receiver here in their AppConfig.ready().
Receivers run after the transaction commits, so they never see, or index, a rolled-back write.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger(__name__)

ServicesChanged = Callable[[list[int]], None]

_receivers: list[ServicesChanged] = []


def on_services_changed(receiver: ServicesChanged) -> ServicesChanged:
    """Register receiver(service_ids) for "these services (or their prices, availability,
    reviews or organisation) changed". Usable as a decorator; registering twice is a no-op."""
    if receiver not in _receivers:
        _receivers.append(receiver)
    return receiver


def services_changed(service_ids: Iterable[int]) -> None:
    """Tell every receiver, once the current transaction commits, that these services changed."""
    ids = sorted({int(pk) for pk in service_ids if pk is not None})
    if not ids:
        return

    def notify() -> None:
        for receiver in list(_receivers):
            receiver(ids)

    transaction.on_commit(notify)
