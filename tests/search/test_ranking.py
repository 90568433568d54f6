"""The order people can trust (issue 23), one rule for both backends: search.ranking. The
database backend sorts by it; the Elasticsearch request encodes it (checked here on the
request body and the indexed documents, without a cluster)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from search import ranking
from search.backends import get_backend
from search.backends.elasticsearch import build_search
from search.documents import from_service_document
from search.indexing import service_documents
from search.query import SearchQuery
from search.vocabulary import file_vocabulary
from tests.factories import PriceOptionFactory, ServiceFactory


@pytest.mark.parametrize(
    ("cqc", "priced", "known", "reviewed", "expected"),
    [
        ("Good", True, True, True, 0),
        ("", True, True, True, 0),
        ("Outstanding", True, True, True, 0),
        ("Requires improvement", True, True, True, 1),
        ("Good", True, True, False, 2),
        ("Good", False, False, False, 6),  # a bare imported entry
        ("Requires improvement", False, False, False, 7),
        ("Inadequate", True, True, True, 8),  # after every other, however complete
        ("Inadequate", False, False, False, 14),
    ],
)
def test_standing(cqc, priced, known, reviewed, expected):
    assert (
        ranking.standing(cqc, priced=priced, availability_known=known, reviewed=reviewed)
        == expected
    )


def _by_spec(rows: list[dict], order=ranking.TRUST_ORDER) -> list[int]:
    """Rows sorted key by key as a search engine sorts on fields (missing values last)."""
    rows = list(rows)
    for key in reversed(order):
        present = [r for r in rows if r[key.field] is not None]
        missing = [r for r in rows if r[key.field] is None]
        present.sort(key=lambda r, f=key.field: r[f], reverse=key.descending)
        rows = present + missing
    return [r["service_id"] for r in rows]


def test_trust_key_is_the_trust_order():
    rng = random.Random(23)
    rows = [
        {
            "service_id": pk,
            "standing": rng.choice([0, 1, 2, 6, 8, 14]),
            "review_score": rng.choice([None, 300, 350, 490]),
            "review_count": rng.randint(0, 3),
        }
        for pk in rng.sample(range(1, 1000), 300)
    ]
    by_key = sorted(
        rows,
        key=lambda r: ranking.trust_key(
            r["standing"], r["review_score"], r["review_count"], r["service_id"]
        ),
    )
    assert [r["service_id"] for r in by_key] == _by_spec(rows)


def test_the_elasticsearch_sort_is_the_trust_order():
    assert ranking.elasticsearch_sort() == [
        {"standing": {"order": "asc", "missing": "_last"}},
        {"review_score": {"order": "desc", "missing": "_last"}},
        {"review_count": {"order": "desc", "missing": "_last"}},
        {"service_id": {"order": "asc", "missing": "_last"}},
    ]


def _catalogue():
    def listing(name, *, cqc="", complete=True, score=None):
        service = ServiceFactory(
            name=name,
            cqc_overall=cqc,
            accepting_new_clients=True if complete else None,
            review_count=3 if complete else 0,
            review_score=Decimal(score) if complete and score else None,
        )
        if complete:
            PriceOptionFactory(service=service)
        return service

    return {
        "inadequate": listing("Garden club Inadequate", cqc="Inadequate", score="4.90"),
        "stub": listing("Garden club stub", cqc="Good", complete=False),
        "improve": listing("Garden club improving", cqc="Requires improvement", score="4.50"),
        "good": listing("Garden club good", cqc="Good", score="3.00"),
        "unrated": listing("Garden club unrated", score="3.50"),
    }


def _elasticsearch_order(sources: dict[int, dict], sort: list) -> list[int]:
    """The order Elasticsearch gives documents of equal score for this sort."""
    rows = list(sources.values())
    for spec in reversed(sort):
        if spec == "_score":
            continue  # every document here is in the same tier
        ((field, options),) = spec.items()
        present = [r for r in rows if r.get(field) is not None]
        missing = [r for r in rows if r.get(field) is None]
        present.sort(key=lambda r, f=field: float(r[f]), reverse=options["order"] == "desc")
        rows = present + missing
    return [r["service_id"] for r in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "garden"])
def test_elasticsearch_orders_as_the_database_backend(text):
    """Contract: the Elasticsearch request's sort over the indexed documents gives the
    database backend's order: complete listings first, Inadequate last, never first."""
    services = _catalogue()
    backend = get_backend("database")
    backend.rebuild()
    database = [h.service_id for h in backend.search(SearchQuery(text=text)).hits]
    s = services
    assert database == [s[k].pk for k in ("unrated", "good", "improve", "stub", "inadequate")]

    sources = {
        doc.service_id: from_service_document(doc).to_dict()
        for doc in service_documents([x.pk for x in services.values()])
    }
    body = build_search(
        SearchQuery(text=text), now=services["good"].last_confirmed_at, words=file_vocabulary()
    ).body
    assert _elasticsearch_order(sources, body["sort"]) == database
    assert sources[s["inadequate"].pk]["standing"] == 8
    assert sources[s["stub"].pk]["standing"] == 6
