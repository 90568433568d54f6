"""The Elasticsearch document: grid -> WGS84 conversion, the index mapping, and how a
ServiceDocument becomes an Elasticsearch document."""

import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from catalogue.geo import grid_to_osgb36, grid_to_wgs84
from catalogue.models import Unit
from search.documents import (
    MAX_RESULT_WINDOW,
    PRICE_UNITS,
    ServiceSearchDocument,
    from_service_document,
    price_field,
    service_index,
)
from search.indexing import ServiceDocument, service_documents
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    PriceOptionFactory,
    ServiceFactory,
)


def dms(degrees: int, minutes: int, seconds: float) -> float:
    sign = -1 if degrees < 0 else 1
    return sign * (abs(degrees) + minutes / 60 + seconds / 3600)


def metres_between(lat_a, lon_a, lat_b, lon_b) -> float:
    """Haversine distance on a 6,371 km sphere: plenty for errors of a few metres."""
    phi_a, phi_b = math.radians(lat_a), math.radians(lat_b)
    d_phi, d_lam = phi_b - phi_a, math.radians(lon_b - lon_a)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi_a) * math.cos(phi_b) * math.sin(d_lam / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


# --- inverse Transverse Mercator (OSGB36), published worked examples -----------------------------


@pytest.mark.parametrize(
    ("easting", "northing", "lat", "lon", "source"),
    [
        # Ordnance Survey, "A guide to coordinate systems in Great Britain", annex C.
        (651409.903, 313177.270, dms(52, 39, 27.2531), dms(1, 43, 4.5177), "OS annex C"),
        # EPSG Guidance Note 7-2, Transverse Mercator example on the British National Grid.
        (577274.99, 69740.50, 50.5, 0.5, "EPSG GN7-2"),
    ],
)
def test_grid_to_osgb36_reproduces_the_published_worked_examples(
    easting, northing, lat, lon, source
):
    got_lat, got_lon = grid_to_osgb36(easting, northing)
    # 1e-7 degrees is about a centimetre: the examples are given to the millimetre/centimetre.
    assert got_lat == pytest.approx(lat, abs=2e-7), source
    assert got_lon == pytest.approx(lon, abs=2e-7), source


def test_the_true_origin_of_the_grid_is_49n_2w():
    lat, lon = grid_to_osgb36(400000, -100000)
    assert (lat, lon) == (pytest.approx(49.0, abs=1e-9), pytest.approx(-2.0, abs=1e-9))


# --- OSGB36 grid -> WGS84 (with the Helmert datum shift) -----------------------------------------


@pytest.mark.parametrize(
    ("easting", "northing", "lat", "lon", "tolerance_m", "source"),
    [
        # The OS annex C point (Caister water tower) in WGS84, as the Helmert transformation gives
        # it in C. Veness's geodesy library docs: 52°39′28.723″N, 001°42′57.787″E.
        (651409.903, 313177.270, dms(52, 39, 28.723), dms(1, 42, 57.787), 1.0, "OS annex C"),
        # Ben Nevis summit, NN 16650 71250 (OS); 56°47′49″N 5°00′13″W to the nearest second.
        (216650, 771250, dms(56, 47, 49), -dms(5, 0, 13), 60.0, "Ben Nevis"),
        # Shrewsbury town centre, SJ 49 12 (to the kilometre); 52.708 N, 2.754 W.
        (349000, 312000, 52.708, -2.754, 1000.0, "Shrewsbury"),
    ],
)
def test_grid_to_wgs84_lands_on_known_points(easting, northing, lat, lon, tolerance_m, source):
    got_lat, got_lon = grid_to_wgs84(easting, northing)
    assert metres_between(got_lat, got_lon, lat, lon) < tolerance_m, source


def test_the_datum_shift_is_applied_and_is_about_a_hundred_metres():
    # Without the Helmert step the OSGB36 latitude/longitude would be ~120 m off in WGS84.
    osgb_lat, osgb_lon = grid_to_osgb36(651409.903, 313177.270)
    wgs_lat, wgs_lon = grid_to_wgs84(651409.903, 313177.270)
    assert 100 < metres_between(osgb_lat, osgb_lon, wgs_lat, wgs_lon) < 150


# --- the mapping ---------------------------------------------------------------------------------


def test_price_units_match_the_catalogue_units():
    assert tuple(Unit.values) == PRICE_UNITS
    assert price_field("one-off") == "one_off"
    assert price_field("hour") == "hour"


def test_mapping_has_english_text_keyword_facets_geo_point_and_exact_money():
    body = service_index("caremarket-services-20261202").to_dict()
    properties = body["mappings"]["properties"]

    assert body["mappings"]["dynamic"] == "strict"
    settings = dict(body["settings"])
    analysis = settings.pop("analysis")
    assert settings == {"number_of_shards": 1, "max_result_window": MAX_RESULT_WINDOW}
    # The search analyzer: English, with the care vocabulary's synonyms before stemming.
    assert analysis["analyzer"]["care_search"]["filter"] == [
        "english_possessive",
        "lowercase",
        "english_stop",
        "care_synonyms",
        "english_stemmer",
    ]
    assert analysis["filter"]["care_synonyms"]["type"] == "synonym_graph"
    for name in (
        "name",
        "summary",
        "description",
        "organisation_name",
        "category_names",
        "client_group_names",
        "places",
    ):
        assert properties[name]["type"] == "text"
        assert properties[name]["analyzer"] == "english"
        assert properties[name]["search_analyzer"] == "care_search"
    assert properties["name"]["fields"] == {"raw": {"type": "keyword"}}
    for name in (
        "categories",
        "client_groups",
        "funding",
        "localities_served",
        "locality",
        "localities",
        "cqc",
        "headline_unit",
    ):
        assert properties[name] == {"type": "keyword"}, name
    assert properties["location"] == {"type": "geo_point"}
    assert properties["easting"] == properties["northing"] == {"type": "integer"}
    assert properties["radius_m"] == {"type": "integer"}
    money = {"type": "scaled_float", "scaling_factor": 100}
    assert properties["prices"]["type"] == "object"
    assert properties["prices"]["properties"] == {price_field(u): money for u in PRICE_UNITS}
    assert properties["headline_price"] == money
    assert properties["review_score"] == money
    assert properties["review_count"] == {"type": "integer"}
    assert properties["accepting_new_clients"] == {"type": "boolean"}
    assert properties["last_confirmed_at"] == {"type": "date"}


def test_the_synonym_rules_go_into_the_index_settings():
    body = service_index("cm-services-2", ["pa, personal assistant"]).to_dict()
    synonyms = body["settings"]["analysis"]["filter"]["care_synonyms"]["synonyms"]
    assert synonyms == ["pa, personal assistant"]


def test_service_index_takes_the_run_time_name_and_keeps_the_class_placeholder():
    assert service_index("cm-services-1")._name == "cm-services-1"
    assert ServiceSearchDocument._index._name == "services"


# --- ServiceDocument -> Elasticsearch document ---------------------------------------------------


def make_service_document(**overrides) -> ServiceDocument:
    values = {
        "service_id": 42,
        "uuid": "5b0f3f4e-2f0a-4d8e-9b7a-1b2c3d4e5f60",
        "slug": "holly-home-care",
        "name": "Holly Home Care",
        "summary": "Personal care at home.",
        "description": "Carers visit <b>daily</b>.",
        "organisation_name": "Holly Homecare Services",
        "category_slugs": ("care-at-home", "home-care"),
        "client_group_slugs": ("older-people", "dementia"),
        "funding_slugs": ("self-funded", "direct-payment"),
        "localities_served": ("shrewsbury", "church-stretton"),
        "locality": "shrewsbury",
        "easting": 349000,
        "northing": 312000,
        "radius_km": Decimal("12.5"),
        "prices": {"hour": Decimal("24.5"), "one-off": Decimal("10.00")},
        "headline_price": Decimal("24.5"),
        "headline_unit": "hour",
        "review_score": Decimal("4.25"),
        "review_count": 7,
        "cqc_overall": "Good",
        "accepting_new_clients": True,
        "last_confirmed_at": datetime(2026, 11, 1, 9, 30, tzinfo=UTC),
        "published_at": datetime(2026, 1, 5, tzinfo=UTC),
        "category_names": ("Care at home", "Home care (personal care)"),
        "client_group_names": ("Older people", "Dementia"),
        "place_names": ("Shrewsbury", "Church Stretton"),
    }
    values.update(overrides)
    return ServiceDocument(**values)


def test_from_service_document_carries_every_fact_the_queries_use():
    doc = from_service_document(make_service_document())
    data = doc.to_dict(include_meta=True)
    source = data["_source"]

    assert data["_id"] == 42
    assert source["name"] == "Holly Home Care"
    assert source["categories"] == ["care-at-home", "home-care"]
    assert source["category_names"] == ["Care at home", "Home care (personal care)"]
    assert source["client_group_names"] == ["Older people", "Dementia"]
    assert source["places"] == ["Shrewsbury", "Church Stretton"]
    assert source["client_groups"] == ["older-people", "dementia"]
    assert source["funding"] == ["self-funded", "direct-payment"]
    assert source["localities_served"] == ["shrewsbury", "church-stretton"]
    assert source["localities"] == ["shrewsbury", "church-stretton"]  # based there already
    assert source["cqc"] == "Good"
    # Money as exact decimal strings in pennies, never floats.
    assert source["prices"] == {"hour": "24.50", "one_off": "10.00"}
    assert source["headline_price"] == "24.50"
    assert source["review_score"] == "4.25"
    assert source["radius_m"] == 12500
    assert (source["easting"], source["northing"]) == (349000, 312000)
    assert source["accepting_new_clients"] is True
    assert source["last_confirmed_at"] == datetime(2026, 11, 1, 9, 30, tzinfo=UTC)
    lat, lon = grid_to_wgs84(349000, 312000)
    assert source["location"] == {"lat": round(lat, 7), "lon": round(lon, 7)}


def test_from_service_document_adds_the_base_locality_and_skips_what_is_unknown():
    doc = from_service_document(
        make_service_document(
            localities_served=("ludlow",),
            locality="shrewsbury",
            easting=None,
            northing=None,
            radius_km=None,
            cqc_overall="",
            review_score=None,
            headline_price=None,
            headline_unit="",
            prices={},
            accepting_new_clients=None,
        )
    )
    source = doc.to_dict()
    assert source["localities"] == ["ludlow", "shrewsbury"]
    for absent in (
        "location",
        "easting",
        "northing",
        "radius_m",
        "cqc",
        "review_score",
        "headline_price",
        "headline_unit",
        "prices",
        "accepting_new_clients",
    ):
        assert absent not in source, absent


@pytest.mark.django_db
def test_a_published_service_from_the_database_becomes_a_document():
    parent = CategoryFactory(slug="care-at-home")
    child = CategoryFactory(slug="home-care", parent=parent)
    town = LocalityFactory(slug="oswestry")
    service = ServiceFactory(
        name="Oswestry Carers", categories=[child], easting=329000, northing=329500, locality=town
    )
    PriceOptionFactory(service=service, amount=Decimal("22.75"), unit="hour")
    PriceOptionFactory(service=service, amount=Decimal("19.00"), unit="hour")

    (document,) = service_documents([service.pk])
    source = from_service_document(document).to_dict()

    assert source["service_id"] == service.pk
    assert source["categories"] == ["care-at-home", "home-care"]
    assert source["category_names"] == [parent.name, child.name]
    assert source["places"] == [town.name]
    assert source["prices"] == {"hour": "19.00"}  # the lowest current price in the unit
    assert source["localities"] == ["oswestry"]
    assert 52.8 < source["location"]["lat"] < 52.9  # Oswestry
    assert -3.1 < source["location"]["lon"] < -3.0
