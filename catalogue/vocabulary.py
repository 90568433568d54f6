"""The names of the catalogue's vocabularies (types of service, groups of people, ways to pay,
areas), read from the shared cache, and the ones a service is listed under, in one query.

The vocabularies change only when an editor edits the taxonomy or an area. Every save or delete
of one makes every cached copy of them stale at once, in every process: this module's signal
handlers invalidate the topic core.caching.TAXONOMY, which the service page's names here and
search's vocabularies (search.taxonomy) are both cached under. A change made behind the ORM's back
(bulk writes, SQL) shows within core.caching.CACHE_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from core.caching import TAXONOMY, cached, invalidate

from .models import Category, ClientGroup, FundingType, Locality, Service

TAXONOMY_MODELS = (Category, ClientGroup, FundingType, Locality)


class Names(NamedTuple):
    """id -> name of each vocabulary, in its display order (the models' Meta.ordering)."""

    categories: dict[int, str]
    client_groups: dict[int, str]
    funding_types: dict[int, str]
    localities: dict[int, str]


@dataclass(frozen=True)
class ServiceTerms:
    """The names a service is listed under, each in its vocabulary's display order."""

    categories: list[str]
    client_groups: list[str]
    funding_types: list[str]
    localities_served: list[str]


def _read() -> Names:
    def names(model) -> dict[int, str]:
        # pk last in the order, so that equal names come out the same way every time.
        ordering = [*model._meta.ordering, "pk"]
        return dict(model.objects.order_by(*ordering).values_list("pk", "name"))

    return Names(
        categories=names(Category),
        client_groups=names(ClientGroup),
        funding_types=names(FundingType),
        localities=names(Locality),
    )


def names() -> Names:
    """Every vocabulary's names (cached until one of them changes)."""
    return cached(TAXONOMY, "vocabulary-names", _read)


# The four join tables of a service's terms (and the column naming the term), in the order of
# Names' and ServiceTerms' fields.
_LINKS = (
    (Service.categories.through, "category"),
    (Service.client_groups.through, "clientgroup"),
    (Service.funding_accepted.through, "fundingtype"),
    (Service.localities_served.through, "locality"),
)


@cache
def _links_sql() -> str:
    """(which vocabulary, term id) rows of one service, from the four tables at once. Written
    out once from the models' metadata: built by the ORM it cost a millisecond a page, 25
    times the query."""
    quote = connection.ops.quote_name
    return " UNION ALL ".join(
        f"SELECT {which}, {quote(through._meta.get_field(term).column)} "  # noqa: S608 (quoted names; the id is a parameter)
        f"FROM {quote(through._meta.db_table)} "
        f"WHERE {quote(through._meta.get_field('service').column)} = %s"
        for which, (through, term) in enumerate(_LINKS)
    )


def service_terms(service: Service) -> ServiceTerms:
    """What `service` is listed under: its categories, client groups, ways to pay and areas
    served, by name (one query for the four join tables, names from the cache)."""
    chosen: list[set[int]] = [set() for _ in _LINKS]
    with connection.cursor() as cursor:
        cursor.execute(_links_sql(), [service.pk] * len(_LINKS))
        for which, pk in cursor.fetchall():
            chosen[which].add(pk)
    vocabularies = names()
    if any(not ids <= known.keys() for ids, known in zip(chosen, vocabularies, strict=True)):
        # A term added since the names were cached (a moment's race with the invalidation).
        vocabularies = _read()
    return ServiceTerms(
        *(
            [name for pk, name in known.items() if pk in ids]
            for ids, known in zip(chosen, vocabularies, strict=True)
        )
    )


def category_names(service_pks) -> dict[int, list[str]]:
    """Service pk -> the names of its categories, in display order, for a list of services
    (one query, names from the cache)."""
    chosen: dict[int, set[int]] = {pk: set() for pk in service_pks}
    links = Service.categories.through.objects.filter(service_id__in=chosen)
    for service_pk, category_pk in links.values_list("service_id", "category_id"):
        chosen[service_pk].add(category_pk)
    known = names().categories
    if not set().union(*chosen.values()) <= known.keys():
        known = _read().categories  # added since they were cached, as in service_terms
    return {
        pk: [name for category_pk, name in known.items() if category_pk in ids]
        for pk, ids in chosen.items()
    }


def _changed(**_kwargs) -> None:
    # At once, for what this transaction renders next; and again after the commit, in case
    # another request cached the old names in between.
    invalidate(TAXONOMY)
    transaction.on_commit(lambda: invalidate(TAXONOMY))


def connect_signals() -> None:
    """Called from CatalogueConfig.ready()."""
    for model in TAXONOMY_MODELS:
        name = model.__name__
        post_save.connect(_changed, sender=model, dispatch_uid=f"taxonomy-save-{name}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"taxonomy-delete-{name}")
