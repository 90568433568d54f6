from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "catalogue_search"
    verbose_name = "Catalogue search"

    def ready(self) -> None:
        from catalogue import events
        from search import taxonomy, vocabulary  # noqa: F401 (connect their signal receivers)

        events.on_services_changed(enqueue_index_services)

        from core import personal_data
        from search.services import low_result_searches_prune

        personal_data.register_retention(
            "low-result searches past SEARCH_DEMAND_RETENTION_DAYS",
            prune=low_result_searches_prune,
        )


def enqueue_index_services(service_ids: list[int]) -> None:
    """Receiver of catalogue.events.services_changed (called after commit): re-index later."""
    from search.tasks import index_services

    index_services.enqueue(list(service_ids))
