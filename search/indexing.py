"""What the catalogue search indexes about a service, read once for every backend.

`service_documents(ids)` turns services into `ServiceDocument`s (plain data, no ORM objects) with a
bounded number of queries whatever the number of services; the database backend writes them to its
index tables and the Elasticsearch backend to its `Document`s. A service that is not published (or
whose organisation is not active) yields no document, so index_services() removes it. Staleness
(12 months unconfirmed) depends on the clock, so backends also filter on `last_confirmed_at` when
they query, not only when they index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from catalogue.models import PriceOption, Service, Unit


@dataclass(frozen=True)
class ServiceDocument:
    service_id: int
    uuid: str
    slug: str
    name: str
    summary: str
    description: str
    organisation_name: str
    category_slugs: tuple[str, ...]  # each category and its parent
    client_group_slugs: tuple[str, ...]
    funding_slugs: tuple[str, ...]
    localities_served: tuple[str, ...]  # locality slugs
    locality: str | None  # where the premises are (locality slug)
    easting: int | None
    northing: int | None
    radius_km: Decimal | None
    # The lowest current price in each unit ("hour" -> 24.50); free services have "free" -> 0.
    prices: dict[str, Decimal] = field(default_factory=dict)
    headline_price: Decimal | None = None
    headline_unit: str = ""
    review_score: Decimal | None = None
    review_count: int = 0
    cqc_overall: str = ""
    accepting_new_clients: bool | None = None
    on_framework: bool = False  # on a council framework or contract (set by commissioners)
    last_confirmed_at: datetime | None = None
    published_at: datetime | None = None
    # What the service is, in words, so text search finds it by what people call it: the names
    # of its categories and their parents, of its client groups, and of its places (its town,
    # the locality it is based in and the localities it serves).
    category_names: tuple[str, ...] = ()
    client_group_names: tuple[str, ...] = ()
    place_names: tuple[str, ...] = ()

    @property
    def about(self) -> str:
        """Categories and client groups as one text (weighted like the name)."""
        return " ".join((*self.category_names, *self.client_group_names))

    @property
    def places(self) -> str:
        return " ".join(self.place_names)


def _distinct(values) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def _headline(prices: dict[str, Decimal], reference_units: list[str]) -> tuple[Decimal | None, str]:
    """The price shown on a result card: the lowest in the first category's reference unit,
    otherwise the lowest price in the most common sort of unit we have."""
    for unit in reference_units:
        if unit in prices:
            return prices[unit], unit
    for unit in Unit.values:
        if unit in prices:
            return prices[unit], unit
    return None, ""


def indexable_services():
    """Published services of active organisations, with everything a document needs."""
    today = timezone.localdate()
    return (
        Service.objects.published()
        .select_related("organisation", "locality")
        .prefetch_related(
            "categories__parent",
            "client_groups",
            "funding_accepted",
            "localities_served",
            Prefetch(
                "price_options",
                queryset=PriceOption.objects.current(on=today).only(
                    "service_id", "amount", "unit", "valid_from", "valid_to"
                ),
                to_attr="current_prices",
            ),
        )
        .order_by("pk")
    )


def service_document(service: Service) -> ServiceDocument:
    """One service as the index sees it (expects the prefetches of indexable_services())."""
    categories = list(service.categories.all())
    slugs: list[str] = []
    names: list[str] = []
    for category in categories:
        if category.parent is not None:
            names.append(category.parent.name)
        names.append(category.name)
        parent_slug = category.parent.slug if category.parent is not None else None
        for slug in (parent_slug, category.slug):
            if slug and slug not in slugs:
                slugs.append(slug)
    prices: dict[str, Decimal] = {}
    for option in getattr(service, "current_prices", None) or service.price_options.current():
        if option.unit not in prices or option.amount < prices[option.unit]:
            prices[option.unit] = option.amount
    headline_price, headline_unit = _headline(
        prices, [c.effective_unit for c in categories if c.effective_unit]
    )
    grid = service.public_location.point
    served = list(service.localities_served.all())
    places = [
        service.town,
        service.locality.name if service.locality is not None else "",
        *(loc.name for loc in served),
    ]
    groups = list(service.client_groups.all())
    return ServiceDocument(
        service_id=service.pk,
        uuid=str(service.uuid),
        slug=service.slug,
        name=service.name,
        summary=service.summary,
        description=service.description,
        organisation_name=service.organisation.name,
        category_slugs=tuple(slugs),
        client_group_slugs=tuple(g.slug for g in groups),
        funding_slugs=tuple(f.slug for f in service.funding_accepted.all()),
        localities_served=tuple(loc.slug for loc in served),
        locality=service.locality.slug if service.locality is not None else None,
        # A hidden address is indexed at the point the ORUK API publishes (its kilometre
        # square's centre), so radii and distances cannot locate it more closely.
        easting=grid[0] if grid else None,
        northing=grid[1] if grid else None,
        radius_km=service.radius_km,
        prices=prices,
        headline_price=headline_price,
        headline_unit=headline_unit,
        review_score=service.review_score,
        review_count=service.review_count,
        cqc_overall=service.cqc_overall,
        accepting_new_clients=service.accepting_new_clients,
        on_framework=service.on_council_framework,
        last_confirmed_at=service.last_confirmed_at,
        published_at=service.published_at,
        category_names=_distinct(names),
        client_group_names=_distinct(g.name for g in groups),
        place_names=_distinct(places),
    )


def service_documents(
    service_ids: Iterable[int] | None = None, *, chunk: int = 500
) -> Iterator[ServiceDocument]:
    """Documents for these services (all indexable ones when None), in primary-key order."""
    queryset = indexable_services()
    if service_ids is not None:
        queryset = queryset.filter(pk__in=list(service_ids))
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), chunk):
        for service in queryset.filter(pk__in=ids[start : start + chunk]):
            yield service_document(service)
