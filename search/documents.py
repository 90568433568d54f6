"""The Elasticsearch side of a catalogue service: its mapping, and grid -> WGS84 conversion.

`ServiceSearchDocument` is the elasticsearch-dsl `Document` for one published service; it is
always built from a `search.indexing.ServiceDocument` (`from_service_document()`), never from the
ORM, so both backends index exactly the same facts. The index name is chosen at run time
(`service_index(name)`), because the prefix comes from settings and a rebuild writes to a new,
timestamped index behind an alias.

Elasticsearch measures distance on the WGS84 ellipsoid, while the catalogue stores British
National Grid (OSGB36) eastings and northings, so `grid_to_wgs84()` converts them: an inverse
Transverse Mercator projection on the Airy 1830 ellipsoid (the Ordnance Survey's formulas), then
the OS's 7-parameter Helmert transformation OSGB36 -> WGS84. The Helmert step is the limit of
accuracy: about 5 metres anywhere in Great Britain, which is far below what matters for "how far
away is this care service". This module imports nothing from Django.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    GeoPoint,
    Index,
    Integer,
    Keyword,
    MetaField,
    Object,
    ScaledFloat,
    Text,
)

if TYPE_CHECKING:  # pragma: no cover
    from search.indexing import ServiceDocument

# --- British National Grid -> WGS84 --------------------------------------------------------------

# Airy 1830 ellipsoid and the National Grid's Transverse Mercator projection (OS guide, annex A).
_AIRY_A = 6377563.396
_AIRY_B = 6356256.909
_F0 = 0.9996012717  # scale factor on the central meridian
_LAT0 = math.radians(49)
_LON0 = math.radians(-2)
_E0 = 400000.0
_N0 = -100000.0

# GRS80 / WGS84 ellipsoid.
_WGS84_A = 6378137.0
_WGS84_B = 6356752.314245

# OSGB36 -> WGS84 Helmert parameters (the OS's published WGS84 -> OSGB36 set, negated):
# translations in metres, scale in parts per million, rotations in arcseconds.
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S_PPM = -20.4894
_RX, _RY, _RZ = 0.1502, 0.2470, 0.8421


def _meridional_arc(lat: float) -> float:
    """The developed arc of the meridian from the true origin to lat, scaled by F0 (OS C2)."""
    a, b = _AIRY_A, _AIRY_B
    n = (a - b) / (a + b)
    n2, n3 = n * n, n * n * n
    d, s = lat - _LAT0, lat + _LAT0
    return (
        b
        * _F0
        * (
            (1 + n + 1.25 * n2 + 1.25 * n3) * d
            - (3 * n + 3 * n2 + 21 / 8 * n3) * math.sin(d) * math.cos(s)
            + (15 / 8 * n2 + 15 / 8 * n3) * math.sin(2 * d) * math.cos(2 * s)
            - 35 / 24 * n3 * math.sin(3 * d) * math.cos(3 * s)
        )
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """Latitude and longitude (degrees) on the OSGB36 datum of a National Grid reference.

    The inverse Transverse Mercator series of the OS guide (annex C); exact to well under a
    millimetre within the grid's extent.
    """
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - (b * b) / (a * a)
    lat = _LAT0
    arc = 0.0
    # Iterate the latitude until the meridional arc reaches the northing (to 0.01 mm).
    while True:
        lat = (northing - _N0 - arc) / (a * _F0) + lat
        arc = _meridional_arc(lat)
        if abs(northing - _N0 - arc) < 0.00001:
            break
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_lat**2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_lat**2) ** 1.5
    eta2 = nu / rho - 1
    tan_lat = math.tan(lat)
    t2, t4, t6 = tan_lat**2, tan_lat**4, tan_lat**6
    sec_lat = 1 / cos_lat
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu**3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan_lat / (720 * rho * nu**5) * (61 + 90 * t2 + 45 * t4)
    x = sec_lat / nu
    xi = sec_lat / (6 * nu**3) * (nu / rho + 2 * t2)
    xii = sec_lat / (120 * nu**5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec_lat / (5040 * nu**7) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = easting - _E0
    latitude = lat - vii * de**2 + viii * de**4 - ix * de**6
    longitude = _LON0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    return math.degrees(latitude), math.degrees(longitude)


def _to_cartesian(lat: float, lon: float, a: float, b: float) -> tuple[float, float, float]:
    e2 = 1 - (b * b) / (a * a)
    phi, lam = math.radians(lat), math.radians(lon)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    return (
        nu * math.cos(phi) * math.cos(lam),
        nu * math.cos(phi) * math.sin(lam),
        nu * (1 - e2) * math.sin(phi),
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    phi = math.atan2(z, p * (1 - e2))
    # Fixed-point iteration; converges to well under a millimetre in a few rounds.
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
        new_phi = math.atan2(z + e2 * nu * math.sin(phi), p)
        if abs(new_phi - phi) < 1e-12:
            phi = new_phi
            break
        phi = new_phi
    return math.degrees(phi), math.degrees(math.atan2(y, x))


def _helmert(x: float, y: float, z: float) -> tuple[float, float, float]:
    s = _S_PPM / 1e6
    rx, ry, rz = (math.radians(r / 3600) for r in (_RX, _RY, _RZ))
    return (
        _TX + x * (1 + s) - y * rz + z * ry,
        _TY + x * rz + y * (1 + s) - z * rx,
        _TZ - x * ry + y * rx + z * (1 + s),
    )


def grid_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """WGS84 (latitude, longitude) in degrees of a British National Grid reference in metres.

    Accurate to about 5 m (the Helmert transformation's limit), which is what Elasticsearch's
    geo_point needs; it is not a survey-grade OSTN15 transformation.
    """
    lat, lon = grid_to_osgb36(easting, northing)
    x, y, z = _to_cartesian(lat, lon, _AIRY_A, _AIRY_B)
    return _from_cartesian(*_helmert(x, y, z), _WGS84_A, _WGS84_B)


# --- the Document --------------------------------------------------------------------------------

# Elasticsearch's default cap on from + size; set explicitly on the index so the backend's own
# cap (search.backends.elasticsearch) and the cluster agree.
MAX_RESULT_WINDOW = 10_000

# The price units of catalogue.models.Unit. Listed here, not imported, so this module stays free
# of Django; tests/search/test_elasticsearch_documents.py checks the two lists agree.
PRICE_UNITS = (
    "hour",
    "visit",
    "session",
    "day",
    "night",
    "week",
    "month",
    "year",
    "one-off",
    "free",
)


def price_field(unit: str) -> str:
    """The sub-field of `prices` holding the lowest current price in this unit."""
    return unit.replace("-", "_")


def _money(value: Decimal | None) -> str | None:
    # Sent as a decimal string: Elasticsearch coerces it into the scaled_float (pennies) exactly,
    # and no binary float ever stands between the database and the index.
    return None if value is None else f"{value:.2f}"


class ServiceSearchDocument(Document):
    """One published service, as Elasticsearch indexes it (the id is the service's pk)."""

    service_id = Integer()
    uuid = Keyword()
    slug = Keyword()
    # English-analysed text (stemming, stop words, possessives): "carers" finds "carer".
    name = Text(analyzer="english", fields={"raw": Keyword()})
    summary = Text(analyzer="english")
    description = Text(analyzer="english")
    organisation_name = Text(analyzer="english")
    # Keyword facets.
    categories = Keyword()  # each category and its parent, so a top-level slug matches all
    client_groups = Keyword()
    funding = Keyword()
    localities_served = Keyword()
    locality = Keyword()  # where the premises are
    localities = Keyword()  # localities_served plus locality: the "locality" filter and facet
    cqc = Keyword()
    # Where: the grid reference (distances are measured on the grid, as in the database
    # backend) and the same place as a geo_point (indexed distance filters, sort and decay).
    easting = Integer()
    northing = Integer()
    location = GeoPoint()
    radius_m = Integer()  # the service's own radius from its premises, in metres
    # Money in pennies: scaled_float with a factor of 100 keeps every price exact.
    prices = Object(
        properties={price_field(unit): ScaledFloat(scaling_factor=100) for unit in PRICE_UNITS}
    )
    headline_price = ScaledFloat(scaling_factor=100)
    headline_unit = Keyword()
    review_score = ScaledFloat(scaling_factor=100)
    review_count = Integer()
    accepting_new_clients = Boolean()
    last_confirmed_at = Date()
    published_at = Date()

    class Meta:
        # A typo in a field name fails loudly at index time instead of growing the mapping.
        dynamic = MetaField("strict")

    class Index:
        # Replaced at run time by service_index(); the placeholder keeps elasticsearch-dsl's
        # class-level index usable in tests.
        name = "services"
        settings = {
            "number_of_shards": 1,  # a council's catalogue is small; one shard scores evenly
            "max_result_window": MAX_RESULT_WINDOW,
        }


def service_index(name: str) -> Index:
    """The services index called `name`, with the document's mapping and settings."""
    return ServiceSearchDocument._index.clone(name=name)


def from_service_document(doc: ServiceDocument) -> ServiceSearchDocument:
    """The Elasticsearch document for one ServiceDocument."""
    location: dict[str, float] | None = None
    if doc.easting is not None and doc.northing is not None:
        lat, lon = grid_to_wgs84(doc.easting, doc.northing)
        location = {"lat": round(lat, 7), "lon": round(lon, 7)}
    localities = list(doc.localities_served)
    if doc.locality and doc.locality not in localities:
        localities.append(doc.locality)
    fields: dict[str, Any] = {
        "service_id": doc.service_id,
        "uuid": doc.uuid,
        "slug": doc.slug,
        "name": doc.name,
        "summary": doc.summary,
        "description": doc.description,
        "organisation_name": doc.organisation_name,
        "categories": list(doc.category_slugs),
        "client_groups": list(doc.client_group_slugs),
        "funding": list(doc.funding_slugs),
        "localities_served": list(doc.localities_served),
        "locality": doc.locality,
        "localities": localities,
        "cqc": doc.cqc_overall or None,
        "easting": doc.easting,
        "northing": doc.northing,
        "location": location,
        "radius_m": int(doc.radius_km * 1000) if doc.radius_km is not None else None,
        "prices": {price_field(unit): _money(amount) for unit, amount in doc.prices.items()},
        "headline_price": _money(doc.headline_price),
        "headline_unit": doc.headline_unit or None,
        "review_score": _money(doc.review_score),
        "review_count": doc.review_count,
        "accepting_new_clients": doc.accepting_new_clients,
        "last_confirmed_at": doc.last_confirmed_at,
        "published_at": doc.published_at,
    }
    return ServiceSearchDocument(meta={"id": doc.service_id}, **fields)
