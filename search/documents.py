"""The Elasticsearch side of a catalogue service: its mapping.

`ServiceSearchDocument` is the elasticsearch-dsl `Document` for one published service; it is
always built from a `search.indexing.ServiceDocument` (`from_service_document()`), never from the
ORM, so both backends index exactly the same facts. The index name is chosen at run time
(`service_index(name)`), because the prefix comes from settings and a rebuild writes to a new,
timestamped index behind an alias.

Elasticsearch measures distance on the WGS84 ellipsoid, while the catalogue stores British
National Grid (OSGB36) eastings and northings, so `catalogue.geo.grid_to_wgs84()` converts them
(about 5 metres, far below what matters for "how far away is this care service"). This module
imports nothing from Django.
"""

from __future__ import annotations

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

from catalogue.geo import grid_to_wgs84, radius_m
from search import ranking

if TYPE_CHECKING:  # pragma: no cover
    from search.indexing import ServiceDocument

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


# The analyzer of search words (search_analyzer of every text field): the English chain of the
# indexed text with the care vocabulary's synonym rules (search/understanding.py) in the middle,
# after stop words and before stemming, so "meals on wheels" and "alzheimer's" read as in the
# rules. The rules are data editors change; service_index() writes the current ones into a new
# index's settings (a rebuild picks up edits; query-time expansion applies them at once).
SEARCH_ANALYZER = "care_search"


def analysis(synonym_rules: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """The index's analysis settings, with these synonym rules (Solr format)."""
    return {
        "filter": {
            "english_possessive": {"type": "stemmer", "language": "possessive_english"},
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "care_synonyms": {
                "type": "synonym_graph",
                "synonyms": list(synonym_rules),
                "lenient": True,
            },
            "english_stemmer": {"type": "stemmer", "language": "english"},
        },
        "analyzer": {
            SEARCH_ANALYZER: {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "english_possessive",
                    "lowercase",
                    "english_stop",
                    "care_synonyms",
                    "english_stemmer",
                ],
            }
        },
    }


def _text(**kwargs: Any) -> Text:
    return Text(analyzer="english", search_analyzer=SEARCH_ANALYZER, **kwargs)


class ServiceSearchDocument(Document):
    """One published service, as Elasticsearch indexes it (the id is the service's pk)."""

    service_id = Integer()
    uuid = Keyword()
    slug = Keyword()
    # English-analysed text (stemming, stop words, possessives): "carers" finds "carer".
    name = _text(fields={"raw": Keyword()})
    summary = _text()
    description = _text()
    organisation_name = _text()
    # What the service is, in words (search.indexing.ServiceDocument): category and client-group
    # names weigh like the name; its places (town, locality, localities served) like the
    # description.
    category_names = _text()
    client_group_names = _text()
    places = _text()
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
    # search.ranking.standing(): the first key of the order of relevance ties and of searches
    # without words (Inadequate last, bare imported entries after complete listings).
    standing = Integer()
    accepting_new_clients = Boolean()
    on_framework = Boolean()
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


def service_index(name: str, synonym_rules: list[str] | tuple[str, ...] = ()) -> Index:
    """The services index called `name`, with the document's mapping and settings, and the
    care vocabulary's synonym rules in its search analyzer."""
    index = ServiceSearchDocument._index.clone(name=name)
    index.settings(analysis=analysis(synonym_rules))
    return index


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
        "category_names": list(doc.category_names),
        "client_group_names": list(doc.client_group_names),
        "places": list(doc.place_names),
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
        "radius_m": radius_m(doc.radius_km),  # whole metres, as catalogue.selectors.serves
        "prices": {price_field(unit): _money(amount) for unit, amount in doc.prices.items()},
        "headline_price": _money(doc.headline_price),
        "headline_unit": doc.headline_unit or None,
        "review_score": _money(doc.review_score),
        "review_count": doc.review_count,
        "standing": ranking.standing(
            doc.cqc_overall or "",
            priced=any(unit in PRICE_UNITS for unit in doc.prices),
            availability_known=doc.accepting_new_clients is not None,
            reviewed=doc.review_count > 0,
        ),
        "accepting_new_clients": doc.accepting_new_clients,
        "on_framework": doc.on_framework,
        "last_confirmed_at": doc.last_confirmed_at,
        "published_at": doc.published_at,
    }
    return ServiceSearchDocument(meta={"id": doc.service_id}, **fields)
