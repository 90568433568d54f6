from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction

import pytest

from tests.snapshots import restore_or_load

API = "/api/openreferral/v3"


@pytest.fixture(scope="package")
def oruk_demo(django_db_setup, django_db_blocker):
    """The small demo catalogue, loaded once for this package by the real demo command inside a
    transaction that is rolled back afterwards (or put back from the process's snapshot of that
    load, tests/snapshots.py); each test runs in a savepoint within it."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_or_load(
            "demo-small", lambda: call_command("load_demo_data", "--catalogue=small", verbosity=0)
        )
        yield
        transaction.set_rollback(True)


@pytest.fixture
def api(oruk_demo, db, client):
    """A client for the API with the demo catalogue: api("/services", page=2) -> response."""

    def get(path: str, **query):
        return client.get(API + path, query)

    return get


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches the site's root paths; each test's pages are rolled back, so start clean."""
    cache.clear()
    yield
    cache.clear()
