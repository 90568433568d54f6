"""Index updates when Elasticsearch is unwell (issue 18, item 11), and its URL in the logs.

- A cluster that accepts connections but never answers: an update waits at most the write
  timeout, once; then the circuit breaker the searches use is open, and updates skip the cluster.
- An update that does not reach the cluster is kept in the search outbox and replayed (by a
  task the worker runs when the breaker closes, again later while the cluster is down; by the
  next update that gets through; by `manage.py replay_search_outbox`), writing each service as
  it is then: a listing suspended during the outage is deleted from the index.
- The search page shows only services visible now, whatever the index says.
- The URL is logged without its user name and password.

The real client and bulk helpers run; the HTTP node is the recording FakeCluster of
test_elasticsearch_backend, or a real socket that never answers.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from datetime import timedelta
from io import StringIO

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout

from catalogue import events
from catalogue.models import Service
from search.backends import elasticsearch as es_backend
from search.backends import get_backend
from search.backends.elasticsearch import ElasticsearchSearchBackend, redacted_url
from search.models import PendingIndexUpdate
from search.query import SearchQuery
from tests.factories import ServiceFactory
from tests.search.test_elasticsearch_backend import (
    ALIAS,
    PREFIX,
    URL,
    FakeCluster,
    bulk_answer,
    bulk_lines,
    client_for,
    fixture,
    our_records,
    rebuild_routes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cluster():
    return FakeCluster()


@pytest.fixture
def backend(cluster, settings, monkeypatch):
    """The site's backend (get_backend(), as the tasks and commands use) on the fake cluster."""
    settings.ELASTICSEARCH_URL = URL
    settings.ELASTICSEARCH_INDEX_PREFIX = PREFIX
    settings.CATALOGUE_SEARCH_BACKEND = "elasticsearch"
    monkeypatch.setattr(es_backend, "_client", lambda url, timeout: client_for(cluster))
    es_backend._unavailable_until.clear()
    yield get_backend()
    es_backend._unavailable_until.clear()


def cluster_is_up(cluster: FakeCluster) -> None:
    cluster.on("HEAD", f"/_alias/{ALIAS}", (200, None))
    cluster.on("PUT", "/_bulk", bulk_answer)
    cluster.on("POST", "/_bulk", bulk_answer)


def cluster_is_down(cluster: FakeCluster) -> None:
    failure = ConnectionTimeout("Connection timed out")
    cluster.on("HEAD", f"/_alias/{ALIAS}", failure)
    cluster.on("PUT", "/_bulk", failure)
    cluster.on("POST", "/_bulk", failure)


def breaker_closes() -> None:
    es_backend._unavailable_until.clear()  # RETRY_AFTER has passed


def pending() -> dict[int, str]:
    return dict(PendingIndexUpdate.objects.values_list("service_id", "action"))


def bulk_written(cluster: FakeCluster) -> list[tuple[str, int]]:
    """(operation, service id) of every action of every bulk request, in order."""
    return [
        (op, int(meta["_id"]))
        for request in cluster.requests
        if request.path == "/_bulk"
        for op, meta, _ in bulk_lines(request)
    ]


# --- a cluster that accepts connections but never answers ----------------------------------------


class SilentServer:
    """A TCP port that accepts connections and never says a word (a hung cluster)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.05)
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.socket.accept()
            except TimeoutError:
                continue
            self.connections.append(connection)  # held open, never answered

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()
        for connection in self.connections:
            connection.close()
        self.socket.close()


@pytest.fixture
def silent_cluster(settings):
    server = SilentServer()
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_INDEX_PREFIX = PREFIX
    settings.ELASTICSEARCH_TIMEOUT = 5  # the read timeout that made each save take 5 s
    settings.ELASTICSEARCH_WRITE_TIMEOUT = 0.5
    settings.CATALOGUE_SEARCH_BACKEND = "elasticsearch"
    es_backend._unavailable_until.clear()
    yield server
    es_backend._unavailable_until.clear()
    server.stop()


def test_a_hung_cluster_costs_one_save_the_write_timeout_then_nothing(
    silent_cluster, django_capture_on_commit_callbacks, caplog
):
    """What a provider's save does after it commits (catalogue.events -> the indexing task,
    in-process here as in a default install): the first waits for the write timeout, not the
    5 s search timeout; the next ones do not touch the cluster; searches skip it too."""
    first, second = ServiceFactory(), ServiceFactory()

    started = time.monotonic()
    with (
        caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        events.services_changed([first.pk])
    first_save = time.monotonic() - started

    assert 0.5 <= first_save < 4  # the write timeout (0.5 s), not ELASTICSEARCH_TIMEOUT (5 s)
    assert len(silent_cluster.connections) == 1
    (record,) = our_records(caplog)
    assert "search outbox" in record.getMessage()

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        events.services_changed([second.pk])
    assert time.monotonic() - started < 0.5  # the breaker is open: no wait at all
    assert get_backend().search(SearchQuery()).backend == "database"  # the same breaker
    assert len(silent_cluster.connections) == 1  # nobody asked the cluster again

    # Neither update is lost: both wait in the outbox, and the database index has them.
    assert pending() == {first.pk: "index", second.pk: "index"}
    database = get_backend("database").search(SearchQuery())
    assert {hit.service_id for hit in database.hits} == {first.pk, second.pk}


# --- the outbox ----------------------------------------------------------------------------------


def test_a_failed_update_goes_to_the_outbox_and_opens_the_breaker(backend, cluster, caplog):
    cluster_is_down(cluster)
    service = ServiceFactory()

    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        backend.index_services([service.pk])  # no error reaches the provider's save

    row = PendingIndexUpdate.objects.get()
    assert (row.service_id, row.action, row.attempts) == (service.pk, "index", 1)
    assert row.last_error.startswith("ConnectionTimeout")
    assert len(cluster.requests) == 1
    (record,) = our_records(caplog)
    assert record.levelno == logging.WARNING

    backend.index_services([service.pk])  # while the breaker is open: not sent, still kept
    assert len(cluster.requests) == 1
    row.refresh_from_db()
    assert row.attempts == 2
    assert "unavailable" in row.last_error
    assert PendingIndexUpdate.objects.count() == 1  # one row per service


def test_a_listing_suspended_during_the_outage_is_deleted_when_the_outbox_is_replayed(
    backend, cluster
):
    cluster_is_down(cluster)
    kept, suspended = ServiceFactory(), ServiceFactory()
    backend.index_services([kept.pk, suspended.pk])
    Service.objects.filter(pk=suspended.pk).update(status=Service.Status.SUSPENDED)
    backend.index_services([suspended.pk])  # the moderator's change: skipped, kept
    assert pending() == {kept.pk: "index", suspended.pk: "delete"}

    breaker_closes()
    cluster.requests.clear()
    cluster_is_up(cluster)
    out = call_replay()

    assert sorted(bulk_written(cluster)) == [("delete", suspended.pk), ("index", kept.pk)]
    assert pending() == {}
    assert "Wrote 2 pending search updates; none are left." in out


def call_replay() -> str:
    stdout = StringIO()
    call_command("replay_search_outbox", stdout=stdout)
    return stdout.getvalue()


def test_the_next_update_that_reaches_the_cluster_takes_the_pending_ones_along(backend, cluster):
    cluster_is_down(cluster)
    missed = ServiceFactory()
    backend.index_services([missed.pk])

    breaker_closes()
    cluster_is_up(cluster)
    later = ServiceFactory()
    backend.index_services([later.pk])

    assert sorted(bulk_written(cluster)) == sorted([("index", missed.pk), ("index", later.pk)])
    assert pending() == {}


# --- the replay needs no cron ---------------------------------------------------------------------


@pytest.fixture
def task_worker(settings):
    """Tasks queued in the database for a worker, as in production and `make serve`."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}


def queued_replays() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path="search.tasks.replay_search_outbox", status=TaskResultStatus.READY
        ).order_by("enqueued_at")
    )


def time_passes() -> None:
    """The scheduled tasks are due (and the breaker, RETRY_AFTER long, has closed)."""
    breaker_closes()
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))


def worker_runs() -> None:
    """The database worker runs the tasks that are due (its own run_task; not its loop, which
    closes the database connection the test's transaction is on)."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for result in DBTaskResult.objects.ready().order_by("run_after"):
        result.claim(worker.worker_id)
        worker.run_task(result)
        result.refresh_from_db()
        assert result.status == TaskResultStatus.SUCCESSFUL, result.traceback


def test_a_failed_update_schedules_a_replay_for_when_the_breaker_closes(
    backend, cluster, task_worker
):
    """Issue 18, item 11: the outbox was replayed only by cron or by the next catalogue change.
    A failed update now queues one replay for when the breaker closes; the worker writes the
    pending updates then, with no catalogue change and no cron."""
    cluster_is_down(cluster)
    first, second = ServiceFactory(), ServiceFactory()
    before = timezone.now()
    backend.index_services([first.pk])
    backend.index_services([second.pk])  # skipped by the open breaker: no second replay

    (replay,) = queued_replays()
    assert replay.run_after is not None
    expected = before + timedelta(seconds=es_backend.RETRY_AFTER)
    assert expected <= replay.run_after <= expected + timedelta(seconds=5)
    worker_runs()  # not due yet: nothing runs
    assert queued_replays() == [replay] and len(cluster.requests) == 1

    cluster_is_up(cluster)
    time_passes()
    cluster.requests.clear()
    worker_runs()

    assert sorted(bulk_written(cluster)) == sorted([("index", first.pk), ("index", second.pk)])
    assert pending() == {}
    assert queued_replays() == []


def test_a_replay_while_the_cluster_is_still_down_tries_again_later_and_later(
    backend, cluster, task_worker
):
    cluster_is_down(cluster)
    service = ServiceFactory()
    backend.index_services([service.pk])
    waits = []
    for _ in range(5):
        time_passes()
        worker_runs()
        (replay,) = queued_replays()  # one at a time
        assert replay.run_after is not None
        waits.append(round((replay.run_after - replay.enqueued_at).total_seconds()))
    assert waits == [60, 120, 240, 300, 300]
    assert PendingIndexUpdate.objects.get().attempts == 6

    cluster_is_up(cluster)
    time_passes()
    worker_runs()
    assert pending() == {} and queued_replays() == []


def test_in_process_tasks_write_the_rest_of_a_long_outbox_with_the_next_update(
    backend, cluster, monkeypatch
):
    """Without a worker nothing can wait for the breaker: the next update that gets through
    takes BULK_CHUNK pending updates along and, when there may be more, replays the rest."""
    monkeypatch.setattr(es_backend, "BULK_CHUNK", 2)
    cluster_is_down(cluster)
    missed = [ServiceFactory() for _ in range(5)]
    backend.index_services([service.pk for service in missed])
    assert len(pending()) == 5

    breaker_closes()
    cluster_is_up(cluster)
    later = ServiceFactory()
    backend.index_services([later.pk])

    assert sorted(pk for _, pk in bulk_written(cluster)) == sorted(
        [later.pk, *(service.pk for service in missed)]
    )
    assert pending() == {}


def test_replaying_while_the_cluster_is_still_down_fails_and_keeps_the_updates(backend, cluster):
    cluster_is_down(cluster)
    service = ServiceFactory()
    backend.index_services([service.pk])

    with pytest.raises(CommandError, match="1 are still pending"):
        call_replay()

    row = PendingIndexUpdate.objects.get()
    assert row.attempts == 2  # the command tried, even with the breaker open


def test_documents_the_cluster_refuses_stay_in_the_outbox_without_opening_the_breaker(
    backend, cluster
):
    good, bad = ServiceFactory(), ServiceFactory()

    def refusing_bad(request):
        status, body = bulk_answer(request)
        for item in body["items"]:
            if int(item["index"]["_id"]) == bad.pk:
                item["index"].update(
                    status=400, error={"type": "mapper_parsing_exception", "reason": "bad"}
                )
                body["errors"] = True
        return status, body

    cluster.on("HEAD", f"/_alias/{ALIAS}", (200, None))
    cluster.on("PUT", "/_bulk", refusing_bad)
    cluster.on("POST", "/_bulk", refusing_bad)

    backend.index_services([good.pk, bad.pk])

    assert pending() == {bad.pk: "index"}
    assert "mapper_parsing_exception" in PendingIndexUpdate.objects.get().last_error
    assert not backend._breaker_open()  # the cluster answered: searches still use it


def test_a_rebuild_writes_everything_so_it_empties_the_outbox(backend, cluster):
    cluster_is_down(cluster)
    service = ServiceFactory()
    backend.index_services([service.pk])
    assert pending()

    cluster.routes.clear()
    rebuild_routes(cluster)
    backend.rebuild()

    assert pending() == {}


def test_the_database_backend_never_needs_the_outbox(settings):
    settings.CATALOGUE_SEARCH_BACKEND = "database"
    service = ServiceFactory()
    get_backend().index_services([service.pk])

    assert pending() == {}
    assert get_backend().replay_outbox() == (0, 0)
    assert "Wrote 0 pending search updates" in call_replay()


# --- the search page shows only what is visible now ----------------------------------------------


def search_answer(*service_ids: int) -> dict:
    """An Elasticsearch answer whose hits are these services (the index may be behind)."""
    answer = fixture("es_search_empty.json")
    answer["hits"]["total"]["value"] = len(service_ids)
    answer["hits"]["hits"] = [
        {"_index": ALIAS, "_id": str(pk), "_score": 1.0} for pk in service_ids
    ]
    return answer


def test_result_cards_leave_out_listings_hidden_since_they_were_indexed(
    home_page, client, backend, cluster
):
    shown = ServiceFactory(name="Still Listed Care")
    suspended = ServiceFactory(name="Suspended Care", status=Service.Status.SUSPENDED)
    stale = ServiceFactory(
        name="Stale Care", last_confirmed_at=timezone.now() - timedelta(days=400)
    )
    cluster.on("POST", f"/{ALIAS}/_search", (200, search_answer(suspended.pk, shown.pk, stale.pk)))

    response = client.get("/search/")

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    titles = [a.get_text(strip=True) for a in page.select(".app-card__title a .app-card__name")]
    assert titles == ["Still Listed Care"]
    assert "Suspended Care" not in response.content.decode()


# --- the URL in the logs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://elastic:s3cret@es.example:9243", "https://es.example:9243"),
        ("http://user:p@ss@es.example:9200/prefix", "http://es.example:9200/prefix"),
        ("http://127.0.0.1:9200", "http://127.0.0.1:9200"),
        ("admin:s3cret@es.example:9200", "es.example:9200"),
    ],
)
def test_redacted_url_drops_the_user_name_and_password(url, shown):
    assert redacted_url(url) == shown


def test_the_url_is_logged_without_its_credentials(settings, caplog):
    """A real connection to a closed port, with credentials in the URL: a search and an
    update both log the failure, and neither log line holds the password."""
    settings.ELASTICSEARCH_URL = "http://elastic:s3cret@127.0.0.1:9"
    settings.ELASTICSEARCH_INDEX_PREFIX = PREFIX
    es_backend._unavailable_until.clear()
    service = ServiceFactory()
    backend = ElasticsearchSearchBackend(timeout=0.5, write_timeout=0.5)

    with caplog.at_level(logging.DEBUG):  # the client library's request lines too
        backend.index_services([service.pk])
        breaker_closes()
        backend.search(SearchQuery())
    es_backend._unavailable_until.clear()

    ours = our_records(caplog)
    assert len(ours) == 2
    for record in ours:
        assert "http://127.0.0.1:9" in record.getMessage()
    assert "s3cret" not in caplog.text
    assert "s3cret" not in PendingIndexUpdate.objects.get().last_error


def test_the_transport_error_of_a_refused_connection_is_handled_like_a_timeout(backend, cluster):
    cluster.on("HEAD", f"/_alias/{ALIAS}", TransportConnectionError("Connection refused"))
    service = ServiceFactory()

    backend.index_services([service.pk])

    assert pending() == {service.pk: "index"}
    assert backend._breaker_open()


def test_a_failed_search_logs_the_url_without_its_credentials(backend, cluster, settings, caplog):
    settings.ELASTICSEARCH_URL = "https://elastic:s3cret@es.test:9200"
    cluster.on("POST", f"/{ALIAS}/_search", TransportConnectionError("Connection refused"))
    with_password = get_backend()

    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        assert with_password.search(SearchQuery()).backend == "database"

    (record,) = our_records(caplog)
    assert "https://es.test:9200" in record.getMessage()
    assert "s3cret" not in record.getMessage()
