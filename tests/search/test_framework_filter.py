"""The "on the council's framework" filter (issue 17), in every backend: only listings a
commissioner marked are found, the facet counts them, and the search page offers it."""

import pytest
from bs4 import BeautifulSoup

from catalogue import services as catalogue_services
from core.roles import Role
from search.documents import from_service_document
from search.indexing import service_documents
from search.query import SearchQuery
from tests.factories import make_user

from .test_contract import letters


def mark(catalogue, *services, on=True):
    commissioner = make_user("", Role.COMMISSIONER)
    for service in services:
        catalogue_services.service_framework_set(
            user=commissioner, service=service, on_framework=on
        )


def test_the_filter_finds_only_framework_listings(
    backend, catalogue, django_capture_on_commit_callbacks
):
    assert letters(catalogue, backend.search(SearchQuery(on_framework=True))) == set()
    with django_capture_on_commit_callbacks(execute=True):
        mark(catalogue, catalogue.b, catalogue.d)
    results = backend.search(SearchQuery(on_framework=True))
    assert letters(catalogue, results) == {"B", "D"}
    assert results.facet_counts("framework") == {"yes": 2}
    # With another filter: only D is home care on the framework (A is home care, not on it).
    both = backend.search(SearchQuery(on_framework=True, categories=("home-care",)))
    assert letters(catalogue, both) == {"D"}
    # Unset, or False: no filter at all; the facet still counts what the filter would give.
    everything = backend.search(SearchQuery(on_framework=False))
    assert letters(catalogue, everything) == {"A", "B", "C", "D"}
    assert everything.facet_counts("framework") == {"yes": 2}
    # Taken off the framework, the listing leaves the filter's results.
    with django_capture_on_commit_callbacks(execute=True):
        mark(catalogue, catalogue.b, on=False)
    assert letters(catalogue, backend.search(SearchQuery(on_framework=True))) == {"D"}


def test_the_search_page_offers_the_filter(
    client, home_page, backend, catalogue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mark(catalogue, catalogue.c)
    page = BeautifulSoup(client.get("/search/?framework=1").content, "html.parser")
    found = {card["data-service-id"] for card in page.select("li.app-card")}
    assert found == {str(catalogue.c.pk)}
    label = page.select_one("label[for=id_framework]").get_text(" ", strip=True)
    assert label == "Only services on the council's framework (1)"
    card = page.select_one(f"#service-{catalogue.c.pk}").get_text(" ", strip=True)
    assert "On the council's framework" in card


# --- Elasticsearch: what is indexed (the query: test_elasticsearch_query's FACET_CASES) ----------


@pytest.mark.django_db
def test_elasticsearch_documents_carry_the_flag(backend, catalogue):
    mark(catalogue, catalogue.a)
    by_id = {doc.service_id: doc for doc in service_documents()}
    assert from_service_document(by_id[catalogue.a.pk]).to_dict()["on_framework"] is True
    assert from_service_document(by_id[catalogue.b.pk]).to_dict()["on_framework"] is False
