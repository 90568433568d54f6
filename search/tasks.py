"""Background work for catalogue search (django-tasks: in-process by default, a worker in
production)."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django.utils import timezone

from django_tasks import task

from search.backends import get_backend

# The search outbox's replay (search.outbox): the first one runs when the circuit breaker closes
# again (search.backends.elasticsearch.RETRY_AFTER), then every wait twice the last, up to
# REPLAY_LONGEST_WAIT, until the cluster has taken every pending update.
REPLAY_FIRST_WAIT = 30.0  # seconds; the breaker's RETRY_AFTER
REPLAY_LONGEST_WAIT = 300.0
REPLAY_KEY = "search:outbox:replay-scheduled"
REPLAY_GRACE = 60.0  # seconds a scheduled replay may run late before another may be scheduled


@task()
def index_services(service_ids: list[int]) -> int:
    """Bring these services up to date in the configured search index (add, refresh or remove).
    Enqueued after the catalogue write commits (catalogue.events), never inside it."""
    get_backend().index_services(service_ids)
    return len(service_ids)


@task()
def replay_search_outbox(wait: float = 0.0) -> int:
    """Write the search outbox's pending updates (what `manage.py replay_search_outbox` does);
    while some are still pending, schedule the next replay after twice `wait`. Returns how
    many were written."""
    written, pending = get_backend().replay_outbox()
    cache.delete(REPLAY_KEY)
    if pending:
        schedule_outbox_replay(wait=min(max(wait * 2, REPLAY_FIRST_WAIT), REPLAY_LONGEST_WAIT))
    return written


def schedule_outbox_replay(*, wait: float) -> bool:
    """Enqueue a replay of the search outbox to run in `wait` seconds (0: now), unless one is
    already scheduled. A replay later needs a task backend that runs tasks later (the database
    worker of production and `make serve`); with tasks run in-process only `wait=0` enqueues
    (and runs at once). Returns whether a replay was enqueued."""
    backend = replay_search_outbox.get_backend()
    if wait > 0 and not backend.supports_defer:
        return False
    # One replay at a time across processes (production's cache is shared); the key lapses
    # should a worker never run it.
    if not cache.add(REPLAY_KEY, True, timeout=wait + REPLAY_GRACE):
        return False
    replay = replay_search_outbox
    if wait > 0:
        replay = replay.using(run_after=timezone.now() + timedelta(seconds=wait))
    replay.enqueue(wait=wait)
    return True
