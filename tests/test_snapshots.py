"""tests/snapshots.py, which gives the `demo` fixture its data: a restore must leave the database
and the media folder exactly as the real load left them, on SQLite and on PostgreSQL, with the
append-only price history's triggers back in force and the search index readable."""

from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction

import pytest

from catalogue import services
from catalogue.models import Membership, PriceRecord, Service
from search.backends import get_backend
from search.query import SearchQuery
from tests import snapshots
from tests.factories import OrganisationFactory, ServiceFactory, make_provider

pytestmark = pytest.mark.django_db


def rows(tables):
    return {name: Counter(map(repr, table.rows)) for name, table in tables.items()}


def test_a_restore_gives_the_database_and_files_the_load_left():
    loads = []

    def load():
        loads.append(1)
        organisation = OrganisationFactory(name=f"Snapshot Care {len(loads)}")
        email = f"snap{len(loads)}@example.com"
        editor = make_provider(organisation, Membership.Role.EDITOR, email=email)
        service = ServiceFactory(organisation=organisation, name="Snapshot home care")
        services.price_option_save(
            user=editor, service=service, label="Weekday", amount=Decimal("26.00"), unit="hour"
        )
        get_backend("database").index_services([service.pk])
        photo = Path(settings.MEDIA_ROOT) / "photos" / "snap.txt"
        photo.parent.mkdir(parents=True, exist_ok=True)
        photo.write_text("a photo")
        return service.pk

    key = f"test-{connection.vendor}-restore"
    with transaction.atomic():
        service_id = snapshots.restore_or_load(key, load)
        loaded = rows(snapshots._read_tables())
        transaction.set_rollback(True)
    (Path(settings.MEDIA_ROOT) / "photos" / "snap.txt").unlink()
    assert not Service.objects.filter(pk=service_id).exists()

    assert snapshots.restore_or_load(key, load) == service_id
    assert loads == [1]  # restored, not loaded again
    assert rows(snapshots._read_tables()) == loaded
    assert (Path(settings.MEDIA_ROOT) / "photos" / "snap.txt").read_text() == "a photo"
    found = get_backend("database").search(SearchQuery(text="snapshot"))
    assert [hit.service_id for hit in found.hits] == [service_id]
    # The history's triggers are back: it still refuses to be rewritten.
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM catalogue_pricerecord WHERE service_id = %s", [service_id])
    assert PriceRecord.objects.filter(service_id=service_id).count() == 1
    # Ids go on from the restored ones.
    assert ServiceFactory().pk > service_id

    # The tables now hold what the load left, not what it started from: a snapshot would not
    # give the real load's result, so the load runs.
    snapshots.restore_or_load(key, load)
    assert loads == [1, 1]
