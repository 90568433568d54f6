"""No hard ceilings (issue 23): the database backend's index kept categories and localities as
one or two 62-bit words and stopped at 124 values; a council that plans by its 200+ wards or
parishes must work. Run on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import pytest

from search.backends import get_backend
from search.backends.database.postings import _decode, mask_of
from search.models import FacetKey, IndexedService
from search.query import GridPoint, SearchQuery
from tests.factories import CategoryFactory, LocalityFactory, ServiceFactory


def test_masks_hold_any_number_of_bits():
    assert mask_of([]) == b""
    assert mask_of([0, 9]) == b"\x01\x02"
    names = {bit: f"ward-{bit}" for bit in range(1000)}
    assert _decode(mask_of([0, 123, 124, 249, 999]), names) == [
        "ward-0",
        "ward-123",
        "ward-124",
        "ward-249",
        "ward-999",
    ]


@pytest.mark.django_db
def test_a_council_of_250_wards_and_130_types_of_service():
    wards = LocalityFactory.create_batch(250)
    kinds = CategoryFactory.create_batch(130)
    everywhere = ServiceFactory(categories=kinds)
    everywhere.localities_served.set(wards)
    first = ServiceFactory(categories=[kinds[1]])
    first.localities_served.set([wards[0]])
    last = ServiceFactory(categories=[kinds[129]])
    last.localities_served.set([wards[249]])
    based = ServiceFactory(categories=[kinds[128]], locality=wards[200])
    backend = get_backend("database")
    backend.rebuild()
    assert FacetKey.objects.filter(facet="locality").count() == 250
    assert FacetKey.objects.filter(facet="category").count() >= 130
    row = IndexedService.objects.get(service_id=everywhere.pk)
    assert len(bytes(row.locality_mask)) == 32  # 250 bits

    def found(**criteria) -> set[int]:
        return {h.service_id for h in backend.search(SearchQuery(**criteria)).hits}

    assert found(locality=wards[249].slug) == {everywhere.pk, last.pk}
    assert found(locality=wards[200].slug) == {everywhere.pk, based.pk}
    assert found(locality=wards[0].slug) == {everywhere.pk, first.pk}
    assert found(categories=(kinds[129].slug,)) == {everywhere.pk, last.pk}
    assert found(categories=(kinds[128].slug,)) == {everywhere.pk, based.pk}
    far = GridPoint(easting=100_000, northing=100_000)
    served = found(origin=far, origin_locality=wards[249].slug, serves_origin=True)
    assert served == {everywhere.pk, last.pk}  # "serves this place" reads the locality mask
    counts = {v.key: v.count for v in backend.search(SearchQuery()).facets["locality"]}
    assert counts[wards[249].slug] == 2
    assert counts[wards[200].slug] == 2
    assert len(counts) == 250

    # A write after the snapshot is patched in, with bits past the old limit.
    ward = LocalityFactory(name="Ward 251", slug="ward-251")
    later = ServiceFactory(categories=[kinds[129]])
    later.localities_served.set([ward, wards[249]])
    backend.index_services([later.pk])
    assert found(locality="ward-251") == {later.pk}
    assert found(locality=wards[249].slug) == {everywhere.pk, last.pk, later.pk}
    assert found(categories=(kinds[129].slug,)) == {everywhere.pk, last.pk, later.pk}
