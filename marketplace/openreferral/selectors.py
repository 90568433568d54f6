"""Reads behind the ORUK API and the exports.

Rules enforced here:
- Only the council's own visible listings are published: published, organisation active, not
  stale (Service.objects.visible()), and not partner listings (we do not republish another
  directory's data: its consumers read it from the source).
- Free text goes through the site's own search backend (search.backends.get_backend()), so the
  API finds what the search page finds, in the same order of relevance.
- Every page costs a bounded number of queries whatever its size: one for the candidates, one
  for the page's services, and one per prefetched relation for fully nested services.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import time

from django.db.models import Prefetch, Q, QuerySet

from catalogue.models import Category, Service
from catalogue.selectors import Place, coverages, location_of, serves
from search.backends import get_backend
from search.query import MAX_PER_PAGE, SearchQuery

from . import mapping
from .params import Paging, ServiceFilters

MAX_SEARCH_PAGES = 200  # 20,000 matches: far beyond any council's catalogue


@dataclass(frozen=True)
class ResultPage:
    total: int
    items: list[Service]
    paging: Paging


def api_services() -> QuerySet[Service]:
    """What the API publishes: our own visible listings."""
    return Service.objects.visible().own()


def with_premises(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.filter(Q(easting__isnull=False) | ~Q(postcode="") | ~Q(address_line_1=""))


def with_details(queryset: QuerySet[Service]) -> QuerySet[Service]:
    """Everything a fully nested ORUK service reads, in a fixed number of queries."""
    return queryset.select_related("organisation").prefetch_related(
        Prefetch("categories", queryset=Category.objects.select_related("parent")),
        "client_groups",
        "funding_accepted",
        "localities_served",
        "price_options",
    )


def _sql_filters(queryset: QuerySet[Service], filters: ServiceFilters) -> QuerySet[Service]:
    through_categories = Service.categories.through.objects
    through_groups = Service.client_groups.through.objects
    if filters.category_ids is not None:
        queryset = queryset.filter(
            pk__in=through_categories.filter(category_id__in=filters.category_ids).values(
                "service_id"
            )
        )
    if filters.client_group_id is not None:
        queryset = queryset.filter(
            pk__in=through_groups.filter(clientgroup_id=filters.client_group_id).values(
                "service_id"
            )
        )
    if filters.taxonomy == "categories":
        queryset = queryset.filter(pk__in=through_categories.values("service_id"))
    elif filters.taxonomy == "client-groups":
        queryset = queryset.filter(pk__in=through_groups.values("service_id"))
    if filters.on_framework or filters.taxonomy == "framework":
        queryset = queryset.filter(on_council_framework=True)
    # Ages describe the person: a service fits when its age range (from the catalogue's
    # minimum age, with no upper limit) overlaps [minimum_age, maximum_age].
    lowest = mapping.minimum_age()
    if filters.maximum_age is not None and lowest is not None and filters.maximum_age < lowest:
        queryset = queryset.none()
    return queryset


def _search_ids(text: str) -> list[int]:
    """Ids of visible services matching text, most relevant first, from the site's search."""
    backend = get_backend()
    ids: list[int] = []
    page = 1
    while page <= MAX_SEARCH_PAGES:
        results = backend.search(SearchQuery(text=text, page=page, per_page=MAX_PER_PAGE))
        ids.extend(hit.service_id for hit in results.hits)
        if not results.hits or page >= results.num_pages:
            break
        page += 1
    return ids


def _clock(value) -> time | None:
    if not isinstance(value, str):
        return None
    try:
        hours, minutes = value.split(":")[:2]
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def opening_matches(opening_times, filters: ServiceFilters) -> bool:
    """A service matches day / start_time / end_time when one of its opening entries is on
    that day, opens at or after start_time and closes at or before end_time (the standard's
    wording); a service that gives no opening times matches none of them."""
    if not isinstance(opening_times, list):
        return False
    for entry in opening_times:
        if not isinstance(entry, dict) or entry.get("closed"):
            continue
        code = mapping.DAY_CODES.get(str(entry.get("day", "")).strip().title())
        opens, closes = _clock(entry.get("opens")), _clock(entry.get("closes"))
        if code is None or opens is None or closes is None:
            continue
        if filters.day and code != filters.day:
            continue
        if filters.start_time and opens < filters.start_time:
            continue
        if filters.end_time and closes > filters.end_time:
            continue
        return True
    return False


@dataclass(frozen=True)
class _Row:
    pk: int
    opening_times: object
    easting: int | None
    northing: int | None
    hide_exact_address: bool

    @property
    def grid(self) -> tuple[int, int] | None:
        # The same point the published location (and search) uses.
        return location_of(
            hidden=self.hide_exact_address, easting=self.easting, northing=self.northing
        ).point


def _python_filters(queryset: QuerySet[Service], filters: ServiceFilters) -> list[int]:
    """The filters SQL cannot answer on both SQLite and PostgreSQL (JSON opening times) or that
    need the search backend, over one query of the candidates' values. Returns ordered ids."""
    rows = [
        _Row(*values)
        for values in queryset.values_list(
            "pk", "opening_times", "easting", "northing", "hide_exact_address"
        )
    ]
    if filters.text:
        rank = {pk: position for position, pk in enumerate(_search_ids(filters.text))}
        rows = sorted((row for row in rows if row.pk in rank), key=lambda row: rank[row.pk])
    if filters.day or filters.start_time or filters.end_time:
        rows = [row for row in rows if opening_matches(row.opening_times, filters)]
    postcode = filters.postcode
    if postcode is not None:
        origin = (postcode.easting, postcode.northing)
        if filters.proximity_m is not None:
            limit = float(filters.proximity_m)
            measured = [(math.dist(row.grid, origin), row) for row in rows if row.grid is not None]
            nearest = sorted(
                (item for item in measured if item[0] <= limit), key=lambda item: item[0]
            )
            rows = [row for _distance, row in nearest]
        else:
            rows = _serving(rows, postcode)
    return [row.pk for row in rows]


def _serving(rows: list[_Row], postcode) -> list[_Row]:
    """Services that serve the postcode, by the catalogue's one rule (catalogue.selectors:
    their own locality, a locality they serve, or within their radius of their public point;
    a service that states no area serves its own locality only), so the API and the site's
    "covers my area" agree."""
    found = coverages(Service.objects.filter(pk__in=[row.pk for row in rows]))
    place = Place.of_postcode(postcode)
    return [row for row in rows if row.pk in found and serves(found[row.pk], place)]


def _in_order(queryset: QuerySet[Service], ids: Iterable[int]) -> list[Service]:
    ids = list(ids)
    found = queryset.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def service_page(
    filters: ServiceFilters, paging: Paging, *, locations: bool = False, full: bool = False
) -> ResultPage:
    """One page of services (or of services with premises, for /service_at_locations)."""
    queryset = _sql_filters(api_services(), filters)
    if locations:
        queryset = with_premises(queryset)
    queryset = queryset.order_by("name", "pk")
    fetch = (
        with_details(Service.objects.all())
        if full
        else Service.objects.select_related("organisation")
    )
    if filters.needs_python:
        ids = _python_filters(queryset, filters)
        page_ids = ids[paging.offset : paging.offset + paging.per_page]
        return ResultPage(total=len(ids), items=_in_order(fetch, page_ids), paging=paging)
    total = queryset.count()
    queryset = with_details(queryset) if full else queryset.select_related("organisation")
    items = list(queryset[paging.offset : paging.offset + paging.per_page])
    return ResultPage(total=total, items=items, paging=paging)


def service_by_uuid(value) -> Service | None:
    return with_details(api_services()).filter(uuid=value).first()


def service_by_location_id(value: str) -> Service | None:
    """The service whose service_at_location id is `value` (ids are derived, so the few
    hundred candidates' UUIDs are read and derived again: one small query)."""
    for pk, service_uuid in with_premises(api_services()).values_list("pk", "uuid"):
        if mapping.derived_id(service_uuid, "service-at-location") == value:
            return with_details(Service.objects.all()).get(pk=pk)
    return None


def export_services() -> QuerySet[Service]:
    """Every published listing of ours, fully nested, for the data package and the CSV."""
    return with_details(api_services()).order_by("name", "pk")
