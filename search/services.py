"""Writes of the catalogue search: the demand signal of searches that found little.

A search that finds fewer than `SEARCH_FEW_RESULTS` services (default 3) tells commissioners
what people look for and cannot find (the market position statement's "demand signals"). The
record holds no personal data: the free text, the category, the locality *slug* (the locality
filter, or the locality of the postcode that was typed) and the other filter values, but never
the postcode itself nor the grid reference it stands for, which would locate a home.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import limits
from search.models import LowResultSearch, SearchWord
from search.query import SearchQuery


def few_results_threshold() -> int:
    """How many results count as "few" (a search with fewer is recorded)."""
    return int(settings.SEARCH_FEW_RESULTS)


def _filters_without_personal_data(query: SearchQuery) -> dict[str, Any]:
    """The filter values worth counting, as JSON. The origin (a postcode's grid reference) is
    left out on purpose: only whether a place was given and how far people would travel."""
    filters: dict[str, Any] = {}
    if len(query.categories) > 1:
        filters["categories"] = list(query.categories)
    if query.client_groups:
        filters["client_groups"] = list(query.client_groups)
    if query.funding:
        filters["funding"] = list(query.funding)
    if query.cqc_ratings:
        filters["cqc"] = list(query.cqc_ratings)
    if query.origin is not None:
        filters["near_postcode"] = True
    if query.radius_km is not None:
        filters["radius_km"] = str(query.radius_km)
    if query.serves_origin:
        filters["serves_my_area"] = True
    if query.max_price is not None:
        filters["max_price"] = str(query.max_price)
        filters["price_unit"] = query.price_unit or ""
    if query.min_rating is not None:
        filters["min_rating"] = str(query.min_rating)
    if query.accepting_new_clients:
        filters["accepting"] = True
    if query.on_framework:
        filters["framework"] = True
    return filters


def search_is_a_demand_signal(query: SearchQuery) -> bool:
    """Only a search that asked for something says anything about demand: the bare listing of
    every service, and the second and later pages of a search, are not recorded."""
    if query.page != 1:
        return False
    return bool(
        query.text
        or query.categories
        or query.client_groups
        or query.funding
        or query.locality
        or query.origin
        or query.max_price is not None
        or query.min_rating is not None
        or query.cqc_ratings
        or query.accepting_new_clients
    )


# What a typed search can carry about a person, taken out before it is kept: e-mail addresses,
# postcodes (full, or the outward part alone), numbers of three digits or more (phones, house
# numbers) and capitalised words the index does not know (names: "Mrs Jones", "John Smith").
_EMAIL = re.compile(r"\S+@\S+")
_POSTCODE = re.compile(r"\b[a-z]{1,2}\d[a-z\d]?(?:\s*\d[a-z]{2})?\b", re.IGNORECASE)
_NUMBER = re.compile(r"\+?\d[\d\s-]{2,}\d|\d{3,}")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def demand_text(text: str) -> str:
    """The typed words worth counting as demand, without what could identify a person."""
    text = _EMAIL.sub(" ", text or "")
    text = _POSTCODE.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    words = text.split()
    capitalised = {w.lower() for w in words if w[:1].isupper()}
    known = set(
        SearchWord.objects.filter(
            word__in=[c.strip(".,;:!?'’\"") for c in capitalised]
        ).values_list("word", flat=True)
    )
    kept = []
    for word in words:
        bare = word.strip(".,;:!?'’\"()")
        if not bare or not _WORD.fullmatch(bare):
            continue
        if bare[:1].isupper() and bare.lower() not in known:
            continue
        kept.append(bare)
    return " ".join(kept)[:200]


def demand_allowed(client: str) -> bool:
    """At most SEARCH_DEMAND_PER_HOUR records an hour from one client, so one visitor cannot
    flood the market statement's demand figures."""
    return limits.reserve(f"search:demand:{client}", int(settings.SEARCH_DEMAND_PER_HOUR), 3600)


def low_result_searches_prune(*, now=None) -> int:
    """Records older than SEARCH_DEMAND_RETENTION_DAYS go (the statement counts recent years)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SEARCH_DEMAND_RETENTION_DAYS)
    deleted, _ = LowResultSearch.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def search_record_demand(
    *, query: SearchQuery, total: int, client: str | None = None
) -> LowResultSearch | None:
    """Record a search that found fewer than the threshold of results; returns the record, or
    None when the search found enough (or asked for nothing, see search_is_a_demand_signal).

    The place recorded is a locality slug: the locality filter, else the locality of the
    postcode typed (`query.origin_locality`, looked up by the search page); the postcode itself
    never reaches this function and the origin's grid reference is not stored. The typed text
    is kept without e-mail addresses, postcodes, numbers or unknown capitalised words
    (`demand_text`); with `client`, at most SEARCH_DEMAND_PER_HOUR records an hour from it.
    """
    if total >= few_results_threshold() or not search_is_a_demand_signal(query):
        return None
    if client is not None and not demand_allowed(client):
        return None
    record = LowResultSearch(
        text=demand_text(query.text),
        category=query.categories[0] if query.categories else "",
        locality=query.locality or query.origin_locality or "",
        filters=_filters_without_personal_data(query),
        total=total,
    )
    with transaction.atomic():
        record.full_clean()
        record.save()
    return record
