"""Background work for catalogue search (django-tasks: in-process by default, a worker in
production)."""

from __future__ import annotations

from django_tasks import task

from search.backends import get_backend


@task()
def index_services(service_ids: list[int]) -> int:
    """Bring these services up to date in the configured search index (add, refresh or remove).
    Enqueued after the catalogue write commits (catalogue.events), never inside it."""
    get_backend().index_services(service_ids)
    return len(service_ids)
