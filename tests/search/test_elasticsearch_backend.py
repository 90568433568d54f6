"""The Elasticsearch backend end to end, without a cluster.

The real `Elasticsearch` client, elasticsearch-dsl and the bulk helpers run as in production;
only the HTTP node underneath is replaced by `FakeCluster`, which records each request (method,
path, query string, decoded body) and answers with Elasticsearch 8 shaped JSON. So these tests
check which requests a search, an update and a rebuild send, in which order, and what the
backend does with the answers; the fallback test also tries a real, closed port.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch, NotFoundError

from catalogue.models import Service
from search import vocabulary
from search.backends import elasticsearch as es_backend
from search.backends import get_backend
from search.backends.elasticsearch import ElasticsearchSearchBackend, build_search
from search.documents import service_index
from search.query import GridPoint, SearchQuery, Sort
from tests.factories import PriceOptionFactory, ServiceFactory

DATA = Path(__file__).parent / "data"
NOW = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)
URL = "http://es.test:9200"
PREFIX = "cm-test"
ALIAS = "cm-test-services"
NEW_INDEX = re.compile(r"^/cm-test-services-\d{20}$")


# --- a recording stand-in for the HTTP layer -----------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, str]
    body: Any


class FakeCluster:
    """Answers requests by (method, path pattern); records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.routes: list[tuple[str, re.Pattern[str], Any]] = []

    def on(self, method: str, path: str | re.Pattern[str], answer: Any) -> None:
        """answer: (status, json-able body), or a function(Request) returning one, or an
        exception to raise (a network failure)."""
        pattern = path if isinstance(path, re.Pattern) else re.compile("^" + re.escape(path) + "$")
        self.routes.insert(0, (method, pattern, answer))

    def handle(self, method: str, target: str, body: bytes | None) -> tuple[int, bytes]:
        url = urlsplit(target)
        decoded: Any = None
        if body:
            text = body.decode()
            if url.path.endswith("/_bulk"):
                decoded = [json.loads(line) for line in text.splitlines() if line]
            else:
                decoded = json.loads(text)
        request = Request(method, url.path, dict(parse_qsl(url.query)), decoded)
        self.requests.append(request)
        for route_method, pattern, answer in self.routes:
            if route_method == method and pattern.match(url.path):
                if isinstance(answer, Exception):
                    raise answer
                status, payload = answer(request) if callable(answer) else answer
                return status, (b"" if payload is None else json.dumps(payload).encode())
        raise AssertionError(f"unexpected request {method} {target}")

    def calls(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.requests]


def client_for(cluster: FakeCluster) -> Elasticsearch:
    class Node(BaseNode):
        def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
            status, payload = cluster.handle(method, target, body)
            headers = HttpHeaders(
                {"content-type": "application/json", "x-elastic-product": "Elasticsearch"}
            )
            meta = ApiResponseMeta(
                status=status, http_version="1.1", headers=headers, duration=0.0, node=self.config
            )
            return NodeApiResponse(meta, payload)

    return Elasticsearch(URL, node_class=Node, max_retries=0)


def bulk_answer(request: Request) -> tuple[int, dict]:
    """What _bulk says when every action works (deleting a missing document: 404)."""
    items = []
    for op, meta, _ in bulk_lines(request):
        status, result = (201, "created") if op == "index" else (404, "not_found")
        item = {"_index": meta["_index"], "_id": str(meta["_id"]), "status": status}
        items.append({op: {**item, "result": result}})
    return 200, {"took": 4, "errors": False, "items": items}


def bulk_lines(request: Request) -> list[tuple[str, dict, dict | None]]:
    """(operation, metadata, source) for each action of a _bulk body."""
    lines, actions = list(request.body), []
    while lines:
        ((op, meta),) = lines.pop(0).items()
        source = lines.pop(0) if op == "index" else None
        actions.append((op, meta, source))
    return actions


@pytest.fixture
def cluster():
    return FakeCluster()


@pytest.fixture
def backend(cluster, settings):
    settings.ELASTICSEARCH_URL = URL
    settings.ELASTICSEARCH_INDEX_PREFIX = PREFIX
    es_backend._unavailable_until.clear()
    yield ElasticsearchSearchBackend(client=client_for(cluster))
    es_backend._unavailable_until.clear()


def our_records(caplog) -> list[logging.LogRecord]:
    # The transport logs its own lines too; these are the backend's.
    return [r for r in caplog.records if r.name == "search.backends.elasticsearch"]


def fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text())


# --- searching -----------------------------------------------------------------------------------


def test_a_search_posts_the_built_body_to_the_alias_and_parses_the_answer(
    backend, cluster, monkeypatch, db
):
    monkeypatch.setattr(es_backend.timezone, "now", lambda: NOW)
    cluster.on("POST", f"/{ALIAS}/_search", (200, fixture("es_search_distance.json")))
    query = SearchQuery(text="carers", origin=GridPoint(349000, 312000), sort=Sort.DISTANCE)

    results = backend.search(query)

    (request,) = cluster.requests
    assert (request.method, request.path) == ("POST", f"/{ALIAS}/_search")
    assert request.body == build_search(query, now=NOW).body
    assert results.backend == "elasticsearch"
    assert [hit.service_id for hit in results.hits] == [17, 4, 9]
    assert results.hits[0].distance_m == pytest.approx(813.94, abs=0.01)  # grid metres
    assert results.total == 3


# --- falling back to the database ----------------------------------------------------------------


def make_visible_service(**kwargs) -> Service:
    service = ServiceFactory(**kwargs)
    get_backend("database").index_services([service.pk])
    return service


@pytest.mark.django_db
def test_an_unreachable_cluster_answers_from_the_database_and_logs_a_warning(settings, caplog):
    """A real connection to a closed port: nothing mocked."""
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"
    es_backend._unavailable_until.clear()
    service = make_visible_service(name="Riverside Carers")
    backend = ElasticsearchSearchBackend(timeout=0.5)

    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        results = backend.search(SearchQuery(text="carers"))

    assert results.backend == "database"
    assert [hit.service_id for hit in results.hits] == [service.pk]
    (record,) = our_records(caplog)
    assert record.levelno == logging.WARNING
    assert "http://127.0.0.1:9" in record.getMessage()
    assert "answering with the database backend" in record.getMessage()
    es_backend._unavailable_until.clear()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    [
        TransportConnectionError("Connection refused"),
        (404, fixture("es_error_index_not_found.json")),
        (503, {"error": {"type": "cluster_block_exception", "reason": "blocked"}, "status": 503}),
    ],
    ids=["connection refused", "index missing", "cluster blocked"],
)
def test_any_failure_of_the_cluster_falls_back_to_the_database(backend, cluster, caplog, answer):
    cluster.on("POST", f"/{ALIAS}/_search", answer)
    service = make_visible_service()

    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        results = backend.search(SearchQuery())

    assert results.backend == "database"
    assert [hit.service_id for hit in results.hits] == [service.pk]
    assert len(our_records(caplog)) == 1


@pytest.mark.django_db
def test_after_a_failure_searches_skip_the_cluster_for_a_while(backend, cluster, caplog):
    cluster.on("POST", f"/{ALIAS}/_search", TransportConnectionError("Connection refused"))
    make_visible_service()

    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        backend.search(SearchQuery())
        backend.search(SearchQuery())
        backend.search(SearchQuery())
    assert len(cluster.requests) == 1  # the dead cluster was asked once
    assert len(our_records(caplog)) == 1  # and the log says so once

    es_backend._unavailable_until[URL] = 0.0  # RETRY_AFTER has passed
    cluster.on("POST", f"/{ALIAS}/_search", (200, fixture("es_search_empty.json")))
    assert backend.search(SearchQuery(text="zzzz")).backend == "elasticsearch"
    assert len(cluster.requests) == 2


@pytest.mark.django_db
def test_an_answer_of_an_unexpected_shape_is_logged_and_answered_by_the_database(
    backend, cluster, caplog
):
    cluster.on("POST", f"/{ALIAS}/_search", (200, {"took": 1, "timed_out": False}))
    service = make_visible_service()

    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        results = backend.search(SearchQuery())

    assert [hit.service_id for hit in results.hits] == [service.pk]
    (record,) = our_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None  # the traceback is in the log


def test_without_fallback_the_error_reaches_the_caller(cluster, settings):
    settings.ELASTICSEARCH_URL = URL
    settings.ELASTICSEARCH_INDEX_PREFIX = PREFIX
    cluster.on("POST", f"/{ALIAS}/_search", (404, fixture("es_error_index_not_found.json")))
    strict = ElasticsearchSearchBackend(client=client_for(cluster), fallback=False)

    with pytest.raises(NotFoundError):
        strict.search(SearchQuery())
    assert es_backend._unavailable_until.get(URL) is None  # and no pause was started


def test_the_backend_refuses_to_start_without_a_url(settings):
    settings.ELASTICSEARCH_URL = None
    with pytest.raises(ImproperlyConfigured, match="ELASTICSEARCH_URL"):
        ElasticsearchSearchBackend()


# --- keeping the index up to date ----------------------------------------------------------------


@pytest.mark.django_db
def test_index_services_indexes_the_visible_and_deletes_the_others(backend, cluster):
    cluster.on("HEAD", f"/_alias/{ALIAS}", (200, None))
    cluster.on("PUT", "/_bulk", bulk_answer)
    cluster.on("POST", "/_bulk", bulk_answer)
    shown = ServiceFactory(name="Oak House")
    PriceOptionFactory(service=shown, unit="week")
    hidden = ServiceFactory(status=Service.Status.SUSPENDED)

    backend.index_services([hidden.pk, shown.pk, shown.pk])

    assert cluster.calls()[0] == ("HEAD", f"/_alias/{ALIAS}")
    (bulk,) = [r for r in cluster.requests if r.path == "/_bulk"]
    assert bulk.params["refresh"] == "wait_for"  # searchable when the task ends
    assert bulk.params["require_alias"] == "true"  # never auto-creates an index
    actions = bulk_lines(bulk)
    assert [(op, meta) for op, meta, _ in actions] == [
        ("index", {"_index": ALIAS, "_id": shown.pk}),
        ("delete", {"_index": ALIAS, "_id": hidden.pk}),
    ]
    source = actions[0][2]
    assert source["name"] == "Oak House"
    assert source["prices"] == {"week": "28.50"}
    # The database fallback index follows, so a fallback answer is never stale.
    database = get_backend("database").search(SearchQuery())
    assert [hit.service_id for hit in database.hits] == [shown.pk]


def test_index_services_with_nothing_to_do_sends_nothing(backend, cluster):
    backend.index_services([])
    assert cluster.requests == []


def test_the_first_write_creates_an_index_behind_the_alias(backend, cluster, db):
    cluster.on("HEAD", f"/_alias/{ALIAS}", (404, None))
    cluster.on("PUT", NEW_INDEX, (200, {"acknowledged": True, "shards_acknowledged": True}))
    cluster.on(
        "GET", f"/_alias/{ALIAS}", (404, {"error": f"alias [{ALIAS}] missing", "status": 404})
    )
    cluster.on("HEAD", f"/{ALIAS}", (404, None))
    cluster.on("POST", "/_aliases", (200, {"acknowledged": True}))

    backend.ensure_index()

    methods = [m for m, _ in cluster.calls()]
    assert methods == ["HEAD", "PUT", "GET", "HEAD", "POST"]
    create = cluster.requests[1]
    assert NEW_INDEX.match(create.path)
    # The mapping and settings, with the care vocabulary's synonym rules in the search analyzer.
    assert create.body == service_index("x", vocabulary.rules()).to_dict()
    synonyms = create.body["settings"]["analysis"]["filter"]["care_synonyms"]["synonyms"]
    assert "advocate, advocacy, advocates" in synonyms
    new_name = create.path.lstrip("/")
    assert cluster.requests[-1].body == {"actions": [{"add": {"index": new_name, "alias": ALIAS}}]}


def test_a_concrete_index_squatting_on_the_alias_name_is_replaced_atomically(backend, cluster, db):
    cluster.on("HEAD", f"/_alias/{ALIAS}", (404, None))
    cluster.on("PUT", NEW_INDEX, (200, {"acknowledged": True}))
    cluster.on("GET", f"/_alias/{ALIAS}", (404, {"error": "missing", "status": 404}))
    cluster.on("HEAD", f"/{ALIAS}", (200, None))
    cluster.on("POST", "/_aliases", (200, {"acknowledged": True}))

    backend.ensure_index()

    actions = cluster.requests[-1].body["actions"]
    assert actions[0] == {"remove_index": {"index": ALIAS}}
    assert actions[1]["add"]["alias"] == ALIAS


def test_an_existing_alias_is_left_alone(backend, cluster):
    cluster.on("HEAD", f"/_alias/{ALIAS}", (200, None))
    backend.ensure_index()
    assert cluster.calls() == [("HEAD", f"/_alias/{ALIAS}")]


# --- rebuilding with no downtime -----------------------------------------------------------------


def rebuild_routes(cluster: FakeCluster, bulk=bulk_answer) -> None:
    cluster.on("PUT", NEW_INDEX, (200, {"acknowledged": True, "shards_acknowledged": True}))
    cluster.on("PUT", "/_bulk", bulk)
    cluster.on("POST", "/_bulk", bulk)
    cluster.on(
        "PUT", re.compile(r"^/cm-test-services-\d{20}/_settings$"), (200, {"acknowledged": True})
    )
    cluster.on("POST", re.compile(r"^/cm-test-services-\d{20}/_refresh$"), (200, {"_shards": {}}))
    cluster.on(
        "GET",
        f"/_alias/{ALIAS}",
        (200, {"cm-test-services-20261101000000000000": {"aliases": {ALIAS: {}}}}),
    )
    cluster.on("POST", "/_aliases", (200, {"acknowledged": True}))
    cluster.on("DELETE", re.compile(r"^/cm-test-services-\d{20}$"), (200, {"acknowledged": True}))


@pytest.mark.django_db
def test_rebuild_fills_a_new_index_then_swaps_the_alias_and_drops_the_old_one(backend, cluster):
    rebuild_routes(cluster)
    first, second = ServiceFactory(), ServiceFactory()
    ServiceFactory(status=Service.Status.DRAFT)
    progress: list[tuple[int, int]] = []

    indexed = backend.rebuild(progress=lambda done, total: progress.append((done, total)))

    assert indexed == 2
    assert progress == [(2, 2)]
    calls = cluster.calls()
    new_index = calls[0][1]
    assert calls == [
        ("PUT", new_index),
        (calls[1][0], "/_bulk"),
        ("PUT", f"{new_index}/_settings"),
        ("POST", f"{new_index}/_refresh"),
        ("GET", f"/_alias/{ALIAS}"),
        ("POST", "/_aliases"),
        ("DELETE", "/cm-test-services-20261101000000000000"),
    ]
    create = cluster.requests[0]
    assert create.body["settings"]["refresh_interval"] == "-1"  # no refreshes while loading
    assert create.body["mappings"] == service_index("x").to_dict()["mappings"]
    actions = bulk_lines(cluster.requests[1])
    assert [(op, meta["_index"], meta["_id"]) for op, meta, _ in actions] == [
        ("index", new_index.lstrip("/"), first.pk),
        ("index", new_index.lstrip("/"), second.pk),
    ]
    assert cluster.requests[2].body == {"refresh_interval": None}
    # One atomic alias update: searches see the old index, then the new one, never nothing.
    assert cluster.requests[5].body == {
        "actions": [
            {"remove": {"index": "cm-test-services-20261101000000000000", "alias": ALIAS}},
            {"add": {"index": new_index.lstrip("/"), "alias": ALIAS}},
        ]
    }
    # The database fallback index was rebuilt too.
    database = get_backend("database").search(SearchQuery())
    assert {hit.service_id for hit in database.hits} == {first.pk, second.pk}


@pytest.mark.django_db
def test_a_failed_rebuild_deletes_its_new_index_and_leaves_the_alias_alone(backend, cluster):
    def rejecting_bulk(request):
        items = [
            {
                "index": {
                    "_index": meta["_index"],
                    "_id": str(meta["_id"]),
                    "status": 400,
                    "error": {"type": "mapper_parsing_exception", "reason": "failed to parse"},
                }
            }
            for op, meta, _ in bulk_lines(request)
        ]
        return 200, {"took": 2, "errors": True, "items": items}

    rebuild_routes(cluster, bulk=rejecting_bulk)
    ServiceFactory()

    with pytest.raises(Exception, match="failed to index"):
        backend.rebuild()

    calls = cluster.calls()
    assert calls[-1] == ("DELETE", calls[0][1])  # the half-built index is dropped
    assert ("POST", "/_aliases") not in calls


@pytest.mark.django_db
def test_rebuild_reports_progress_per_chunk_and_at_the_end(backend, cluster, monkeypatch):
    monkeypatch.setattr(es_backend, "BULK_CHUNK", 2)
    rebuild_routes(cluster)
    services = [ServiceFactory() for _ in range(3)]
    progress: list[tuple[int, int]] = []

    assert backend.rebuild(progress=lambda done, total: progress.append((done, total))) == 3

    assert progress == [(2, 3), (3, 3)]
    bulks = [r for r in cluster.requests if r.path == "/_bulk"]
    assert [[meta["_id"] for _, meta, _ in bulk_lines(bulk)] for bulk in bulks] == [
        [services[0].pk, services[1].pk],
        [services[2].pk],
    ]


@pytest.mark.django_db
def test_rebuilding_an_empty_catalogue_reports_zero_of_zero(backend, cluster):
    rebuild_routes(cluster)
    progress: list[tuple[int, int]] = []

    assert backend.rebuild(progress=lambda done, total: progress.append((done, total))) == 0
    assert progress == [(0, 0)]
    assert ("POST", "/_aliases") in cluster.calls()


@pytest.mark.django_db
def test_a_rebuild_with_the_cluster_down_still_rebuilds_the_fallback_and_then_fails(
    backend, cluster
):
    cluster.on("PUT", NEW_INDEX, TransportConnectionError("Connection refused"))
    service = ServiceFactory()

    with pytest.raises(TransportConnectionError):
        backend.rebuild()

    database = get_backend("database").search(SearchQuery())
    assert [hit.service_id for hit in database.hits] == [service.pk]
