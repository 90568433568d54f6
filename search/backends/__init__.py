"""Choose the catalogue search backend from settings (CATALOGUE_SEARCH_BACKEND).

Callers only ever call get_backend(); the shape follows django-modelsearch's backends package.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings

from .base import BaseSearchBackend

BACKENDS = {
    "database": "search.backends.database.DatabaseSearchBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchSearchBackend",
}


def get_backend(name: str | None = None) -> BaseSearchBackend:
    chosen: str = name or settings.CATALOGUE_SEARCH_BACKEND or "database"
    dotted = BACKENDS[chosen]
    module_name, class_name = dotted.rsplit(".", 1)
    return getattr(import_module(module_name), class_name)()
