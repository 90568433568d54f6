"""The catalogue search page at /search/: the site's main page for the public.

Every parameter is a plain GET value (see search/filters.py), so a search can be bookmarked and
shared. A bad value never gives an error page: it gets a message in the GOV.UK error summary and
that one filter is left out while the others still apply. Works without JavaScript (an "Apply
filters" button); static/js/search.js fetches this same URL as filters change and swaps the
results region in.

With search words, the page also shows the advice pages that match (Wagtail's own search), top 5,
with a link to all of them at /search/advice/.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, NamedTuple

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from wagtail.models import Page

from catalogue.models import PriceOption, Service
from catalogue.remembered_postcode import remember_postcode
from catalogue.templatetags.catalogue_tags import price_text
from core.caching import PAGES, cached
from core.limits import client_key
from search import understanding, vocabulary
from search.backends import get_backend
from search.filters import RATING_CHOICES, Criteria, ServiceSearchFilter
from search.forms import MAX_RADIUS_MILES, plain_words
from search.query import Hit, SearchQuery, SearchResults, Sort
from search.services import search_record_demand

ADVICE_RESULTS = 5
# Far beyond any real catalogue; keeps the SQL OFFSET of a hand-edited page=10**30 in range.
MAX_PAGE = 10_000


def page_number(raw: str | None) -> int:
    """'3' -> 3; anything that is not a whole number from 1 up -> 1; huge -> MAX_PAGE."""
    try:
        number = int((raw or "").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


@dataclass(frozen=True)
class ResultCard:
    service: Service
    hit: Hit
    # The names of its types of service, in their order.
    category_names: tuple[str, ...] = ()

    @property
    def distance_km(self) -> float | None:
        if self.hit.distance_m is None:
            return None
        return self.hit.distance_m / 1000


@dataclass(frozen=True)
class FilterLink:
    """An active filter and the address of the same search without it."""

    label: str
    url: str


def _url_without(params: QueryDict, *names: str, value: str | None = None) -> str:
    """This search's address with parameters `names` removed (only `value` of a repeated
    parameter when given), starting again at page 1."""
    kept = params.copy()
    kept.pop("page", None)
    for name in names:
        if value is None:
            kept.pop(name, None)
        else:
            kept.setlist(name, [v for v in kept.getlist(name) if v != value])
    # Empty parameters only lengthen the address.
    for key in list(kept.keys()):
        values = [v for v in kept.getlist(key) if v.strip()]
        if values:
            kept.setlist(key, values)
        else:
            kept.pop(key)
    query = kept.urlencode()
    return f"{reverse('site_search')}?{query}" if query else reverse("site_search")


def _url_with(params: QueryDict, **changes: str) -> str:
    changed = params.copy()
    changed.pop("page", None)
    for key, value in changes.items():
        changed[key] = value
    return f"{reverse('site_search')}?{changed.urlencode()}"


def active_filters(filterset: ServiceSearchFilter, criteria: Criteria) -> list[FilterLink]:
    """Each filter in use, with a link that drops it: the empty page's first suggestion."""
    # The links leave out the values that failed validation, so they do not bring errors back.
    params = filterset.data.copy()
    for name in filterset.form.errors:
        params.pop(name, None)
    query = criteria.query
    links: list[FilterLink] = []
    if query.text:
        links.append(FilterLink(f"Search words: {query.text}", _url_without(params, "q")))
    if criteria.place_words:
        # The place read from the words: removing it searches the other words everywhere.
        where = (
            f"in {criteria.locality.name}"
            if criteria.locality
            else f"near {criteria.postcode.postcode}"
            if criteria.postcode
            else f"in {criteria.place_words}"
        )
        links.append(FilterLink(where, _url_with(params, q=query.text)))
    if criteria.category:
        without_category = params
        if query.max_price is not None and not params.get("unit"):
            # The price was in the type's unit: keep it in that unit, not an error.
            without_category = params.copy()
            without_category["unit"] = criteria.price_unit
        links.append(
            FilterLink(
                f"Type of service: {criteria.category.name}",
                _url_without(without_category, "category"),
            )
        )
    for field, title, values in (
        ("client_group", "Who it is for", query.client_groups),
        ("funding", "How you will pay", query.funding),
        ("cqc", "CQC rating", query.cqc_ratings),
    ):
        for value, name in zip(values, filterset.names(field, values), strict=True):
            links.append(FilterLink(f"{title}: {name}", _url_without(params, field, value=value)))
    if criteria.postcode and not criteria.place_words:
        links.append(
            FilterLink(
                f"Near {criteria.postcode.postcode}",
                # Sorting by distance needs the postcode, so it goes with it.
                _url_without(
                    params,
                    "postcode",
                    "radius",
                    "serves",
                    *(["sort"] if query.sort == Sort.DISTANCE else []),
                ),
            )
        )
    if criteria.radius_miles:
        links.append(
            FilterLink(f"Within {criteria.radius_miles:f} miles", _url_without(params, "radius"))
        )
    if query.serves_origin and not criteria.place_words:
        links.append(FilterLink("Covers my area", _url_without(params, "serves")))
    if criteria.locality and not criteria.place_words:
        links.append(
            FilterLink(f"Area: {criteria.locality.name}", _url_without(params, "locality"))
        )
    if query.max_price is not None:
        links.append(
            FilterLink(
                f"Maximum price: {price_text(query.max_price, criteria.price_unit)}",
                _url_without(params, "max_price", "unit"),
            )
        )
    if query.min_rating is not None:
        text = dict(RATING_CHOICES).get(str(int(query.min_rating)), "")
        links.append(FilterLink(f"Review score: {text}", _url_without(params, "min_rating")))
    if query.accepting_new_clients:
        links.append(FilterLink("Taking new clients", _url_without(params, "accepting")))
    if query.on_framework:
        links.append(FilterLink("On the council's framework", _url_without(params, "framework")))
    return links


def wider_radius(filterset: ServiceSearchFilter, criteria: Criteria) -> FilterLink | None:
    """A link to the same search with twice the distance (up to the furthest we search)."""
    miles = criteria.radius_miles
    if not miles or miles >= MAX_RADIUS_MILES:
        return None
    wider = min(max(miles * 2, Decimal(5)), MAX_RADIUS_MILES).normalize()
    params = filterset.data.copy()
    for name in filterset.form.errors:
        params.pop(name, None)
    return FilterLink(
        f"Search within {wider:f} miles instead", _url_with(params, radius=f"{wider:f}")
    )


MAX_SUGGESTIONS = 3


def named_suggestions(filterset: ServiceSearchFilter, criteria: Criteria) -> list[FilterLink]:
    """For a search that finds nothing: the types of service and the groups of people its words
    name (understanding.named), each as a search for that type or group without the words, with
    how many it finds: in the place asked for when that finds some, else anywhere (a wider
    area). At most MAX_SUGGESTIONS, none that would find nothing."""
    query = criteria.query
    if not query.text:
        return []
    found = understanding.concepts(query.text, vocabulary.current())
    params = filterset.data.copy()
    for name in (*filterset.form.errors, "q", "exact"):
        params.pop(name, None)
    place: dict[str, str] = {}
    where = ""
    if criteria.locality:
        place, where = {"locality": criteria.locality.slug}, f" in {criteria.locality.name}"
    elif criteria.postcode:
        place, where = (
            {"postcode": criteria.postcode.postcode},
            f" near {criteria.postcode.postcode}",
        )
    anywhere = params.copy()
    for name in ("locality", "postcode", "radius", "serves", "sort"):
        anywhere.pop(name, None)
    everywhere = replace(
        query,
        locality=None,
        origin=None,
        origin_locality=None,
        radius_km=None,
        serves_origin=False,
    )
    backend = get_backend()
    links: list[FilterLink] = []
    for field, names in (
        ("category", {c.slug: c.name for c in filterset.categories}),
        ("client_group", {g.slug: g.name for g in filterset.client_groups}),
    ):
        for slug in understanding.named(found, names):
            if slug in (query.categories if field == "category" else query.client_groups):
                continue
            name = names[slug]
            lowered = f"{name[:1].lower()}{name[1:]}"
            label = (
                f"see {lowered} services" if field == "category" else f"see services for {lowered}"
            )

            def asking(q: SearchQuery, slug: str = slug, field: str = field) -> SearchQuery:
                q = replace(q, text="", page=1, per_page=1)
                if field == "category":
                    return replace(q, categories=(slug,))
                return replace(q, client_groups=(slug,))

            total = backend.search(asking(query)).total
            if total:
                url = _url_with(params, **{field: slug}, **place)
                links.append(FilterLink(f"{label}{where} ({total})", url))
            elif place or query.origin is not None:
                total = backend.search(asking(everywhere)).total
                if total:
                    url = _url_with(anywhere, **{field: slug})
                    links.append(FilterLink(f"{label} anywhere ({total})", url))
            if len(links) == MAX_SUGGESTIONS:
                return links
    return links


ORDERING_PAGE_SLUG = "how-results-are-ordered"


def ordering_page_url() -> str:
    """The address of the advice page "How results are ordered" (slug ORDERING_PAGE_SLUG), if
    the site publishes one; cached with the pages."""

    def find() -> str:
        page = Page.objects.live().public().filter(slug=ORDERING_PAGE_SLUG).first()
        return (page.get_url() or "") if page is not None else ""

    return cached(PAGES, "ordering-page", find)


# What a result card shows of a service (search/cards.py), and no more: a listing's description,
# opening times and the rest are not read for a card, and loading them cost more than the search.
CARD_FIELDS = (
    "slug",
    "name",
    "summary",
    "organisation__name",
    "organisation__slug",
    "locality__name",
    # Its public location (Service.public_location) and the title's town.
    "hide_exact_address",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "easting",
    "northing",
    "review_mean",
    "review_count",
    "cqc_location_id",
    "cqc_overall",
    "accepting_new_clients",
    "vacancies",
    "on_council_framework",
)


class CardPrice(NamedTuple):
    """A current price of a carded service, as card_price reads it."""

    amount: Decimal
    unit: str


def load_cards(hits: list[Hit], *, price_unit: str) -> list[ResultCard]:
    """The services of the hits in the backend's order, in a bounded number of queries (one
    for the services with their organisations, one each for category names and current
    prices), reading only what a card shows (CARD_FIELDS).

    Only services the public may see now (Service.objects.visible(): published, organisation
    active, not stale) get a card, whatever the index says: an index update can be late (the
    Elasticsearch outbox), and a listing suspended since must not show meanwhile."""
    ids = [hit.service_id for hit in hits]
    services = (
        Service.objects.visible()
        .filter(pk__in=ids)
        .select_related("organisation", "locality")
        .only(*CARD_FIELDS)
    )
    by_id = {service.pk: service for service in services}
    if not by_id:
        return []
    names: dict[int, list[str]] = {pk: [] for pk in by_id}
    through = Service.categories.through.objects.filter(service_id__in=by_id)
    # In the categories' own order (Category.Meta.ordering).
    for service_id, name in through.order_by("category__sort_order", "category__name").values_list(
        "service_id", "category__name"
    ):
        names[service_id].append(name)
    prices: dict[int, list[CardPrice]] = {pk: [] for pk in by_id}
    current = PriceOption.objects.current().filter(service_id__in=by_id)
    for service_id, amount, unit in current.order_by("sort_order", "pk").values_list(
        "service_id", "amount", "unit"
    ):
        prices[service_id].append(CardPrice(amount, unit))
    for pk, service in by_id.items():
        service.current_prices = prices[pk]
    # A hit whose service vanished or was hidden since it was indexed is left out, not an error.
    return [
        ResultCard(by_id[hit.service_id], hit, tuple(names[hit.service_id]))
        for hit in hits
        if hit.service_id in by_id
    ]


def advice_pages(text: str) -> tuple[list[Page], int]:
    """The advice pages matching `text` (Wagtail's search): the first few and how many."""
    words = plain_words(text)
    if not words:
        return [], 0

    def search() -> tuple[list[Page], int]:
        results = Page.objects.live().public().specific().search(words)
        return list(results[:ADVICE_RESULTS]), results.count()

    # The same words give the same pages until an editor publishes or unpublishes one.
    key = "advice-search:" + hashlib.sha256(words.encode()).hexdigest()
    return cached(PAGES, key, search)


def _search(criteria: Criteria) -> tuple[Criteria, SearchResults]:
    backend = get_backend()
    results = backend.search(criteria.query)
    if not results.hits and results.total and criteria.query.page > results.num_pages:
        # A page past the end (an old link, a hand-edited address) shows the last page.
        query = replace(criteria.query, page=results.num_pages)
        criteria = replace(criteria, query=query)
        results = backend.search(query)
    return criteria, results


@dataclass(frozen=True)
class Spelling:
    """ "Showing results for dementia. Search instead for dementa"."""

    corrected: str
    typed: str
    url: str


def spelling(params: QueryDict, criteria: Criteria, results: SearchResults) -> Spelling | None:
    if not results.corrections:
        return None
    typed = criteria.text_typed or criteria.query.text
    return Spelling(
        corrected=understanding.corrected_text(criteria.query.text, results.corrections),
        typed=typed,
        url=_url_with(params, q=typed, exact="1"),
    )


@require_http_methods(["GET", "HEAD"])
def search_page(request: HttpRequest) -> HttpResponse:
    filterset = ServiceSearchFilter(request.GET, request=request)
    asked = filterset.criteria(page=page_number(request.GET.get("page")))
    if request.GET.get("exact") == "1":  # "Search instead for ..." the words as typed
        asked = replace(asked, query=replace(asked.query, correct_typos=False))
    criteria, results = _search(asked)
    spelled = spelling(request.GET, criteria, results)
    query = criteria.query
    filterset.label_with_counts(results, has_origin=query.origin is not None)
    if request.method == "GET":
        search_record_demand(query=query, total=results.total, client=client_key(request))
    if criteria.postcode is not None:
        # Service pages and compare show the distance from it too.
        remember_postcode(request, criteria.postcode.postcode)
    if spelled is not None:  # the page speaks of the words searched for
        criteria = replace(criteria, query=replace(query, text=spelled.corrected))
        query = criteria.query

    page_obj = Paginator(range(results.total), query.per_page).get_page(query.page)
    advice, advice_total = advice_pages(query.text) if query.page == 1 else ([], 0)
    filters = active_filters(filterset, criteria)
    # "Filter (3 in use)": the filters behind the control on a phone (not the search words).
    filters_in_use = len(filters) - (1 if query.text else 0)
    context: dict[str, Any] = {
        "filterset": filterset,
        "form": filterset.form,
        "criteria": criteria,
        "query": query,
        "results": results,
        "cards": load_cards(results.hits, price_unit=criteria.price_unit),
        "page_obj": page_obj,
        "active_filters": filters,
        "filters_in_use": filters_in_use,
        # A filter with a mistake is shown open, so the error summary's link reaches it.
        "filters_open": any(name not in ("q", "sort") for name in filterset.form.errors),
        "wider_radius": wider_radius(filterset, criteria),
        "suggestions": named_suggestions(filterset, criteria) if not results.total else [],
        "show_unit_select": filterset.show_unit_select(),
        "category_tree": filterset.category_tree(),
        "advice_pages": advice,
        "advice_total": advice_total,
        "clear_url": reverse("site_search"),
        "spelling": spelled,
        "ordering_url": ordering_page_url(),
    }
    return render(request, "search/search_page.html", context)
