"""Issue 18 (low): a double-clicked bulk upload "Create", and two listings of one name saved at
once. Real threads, each with its own connection, on PostgreSQL (SQLite queues every writer)."""

import threading
import time

from django.db import connection

import pytest

from catalogue import bulk_upload
from catalogue import services as catalogue_services
from catalogue.bulk_upload import read_csv
from catalogue.models import Service
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    make_provider,
)

from .test_bulk_upload import GOOD

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "sqlite" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
        reason="concurrency is tested on PostgreSQL (CI runs the suite there too)",
    ),
]


def together(count, act):
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait()
            results.append(act())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _reference_data():
    """The categories and postcodes the test file uses (as test_bulk_upload's fixture)."""
    care_at_home = CategoryFactory(name="Care at home", slug="care-at-home")
    CategoryFactory(name="Home care", slug="home-care", parent=care_at_home)
    CategoryFactory(name="Day opportunities", slug="day-opportunities", reference_unit="session")
    CategoryFactory(name="Befriending", slug="befriending", reference_unit="session")
    town = LocalityFactory(name="Shrewsbury", slug="shrewsbury")
    PostcodeFactory(postcode="SY1 1AA", district="SY1", locality=town)
    PostcodeFactory(postcode="SY1 1AB", district="SY1", locality=town)


def test_two_confirmations_of_one_upload_at_once_create_it_once(monkeypatch):
    organisation = OrganisationFactory(name="Meadow Care Ltd", slug="meadow-care")
    owner = make_provider(organisation, email="owner@meadow.example")
    _reference_data()
    rows = read_csv(GOOD)
    original = bulk_upload.validate_rows

    def slow(**kwargs):  # both requests are inside the import at once
        time.sleep(0.3)
        return original(**kwargs)

    monkeypatch.setattr(bulk_upload, "validate_rows", slow)

    results, errors = together(
        2,
        lambda: bulk_upload.services_bulk_import(
            user=owner, organisation=organisation, rows=rows, token="one-upload"
        ),
    )

    assert len(results) == 1
    assert [type(e) for e in errors] == [bulk_upload.UploadAlreadyImported]
    assert Service.objects.filter(organisation=organisation).count() == 3


def test_two_listings_of_one_name_saved_at_once_both_succeed(monkeypatch):
    organisation = OrganisationFactory(name="Sunrise Care Ltd")
    editor = make_provider(organisation, email="editor@sunrise.example")
    category = CategoryFactory()
    original = catalogue_services.unique_slug

    def slow(*args, **kwargs):  # both have chosen the slug before either saves
        slug = original(*args, **kwargs)
        time.sleep(0.3)
        return slug

    monkeypatch.setattr(catalogue_services.slugs, "unique_slug", slow)

    results, errors = together(
        2,
        lambda: catalogue_services.service_create(
            user=editor,
            organisation=organisation,
            name="Day centre",
            summary="Days out.",
            categories=[category],
        ),
    )

    assert not errors, errors
    assert sorted(s.slug for s in results) == [
        "day-centre-sunrise-care-ltd",
        "day-centre-sunrise-care-ltd-2",
    ]
