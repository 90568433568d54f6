"""What every catalogue search backend provides."""

from __future__ import annotations

from collections.abc import Iterable

from search.query import SearchQuery, SearchResults


class BaseSearchBackend:
    name = "base"

    def search(self, query: SearchQuery) -> SearchResults:
        """Visible services (published, organisation active, not stale) matching query."""
        raise NotImplementedError

    def index_services(self, service_ids: Iterable[int]) -> None:
        """Bring these services up to date in the index: add, refresh, or remove the ones that
        are no longer visible (or no longer exist)."""
        raise NotImplementedError

    def rebuild(self, *, progress=None) -> int:
        """Rebuild the whole index; returns how many services were indexed."""
        raise NotImplementedError

    def replay_outbox(self) -> tuple[int, int]:
        """Write the updates that failed to reach the index (search.outbox); returns (written,
        still pending). A backend whose index lives in the catalogue's own database (the
        database backend) never leaves any behind."""
        return 0, 0
