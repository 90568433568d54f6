"""Catalogue changes reach the search index after commit, through the background task."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

import pytest

from catalogue import events
from search.apps import enqueue_index_services
from search.backends import get_backend
from search.indexing import service_documents
from search.models import IndexedService
from search.query import SearchQuery
from search.tasks import index_services
from tests.factories import PriceOptionFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_search_app_listens_to_catalogue_changes():
    assert enqueue_index_services in events._receivers


def test_a_change_is_indexed_after_commit(django_capture_on_commit_callbacks):
    service = ServiceFactory(name="Evening sitting service")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.services_changed([service.pk])
        assert not IndexedService.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()

    assert IndexedService.objects.filter(service_id=service.pk).exists()
    assert get_backend().search(SearchQuery(text="sitting")).total == 1


def test_a_rolled_back_change_is_not_indexed(django_capture_on_commit_callbacks):
    service = ServiceFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                events.services_changed([service.pk])
                raise RuntimeError("the write failed")
        except RuntimeError:
            pass

    assert callbacks == []
    assert not IndexedService.objects.exists()


def test_the_task_indexes_and_removes():
    service = ServiceFactory()
    index_services.call([service.pk])
    assert IndexedService.objects.filter(service_id=service.pk).exists()

    type(service).objects.filter(pk=service.pk).update(status="suspended")
    index_services.call([service.pk])
    assert not IndexedService.objects.filter(service_id=service.pk).exists()


def test_documents_are_read_in_a_bounded_number_of_queries(django_assert_max_num_queries):
    for service in ServiceFactory.create_batch(30):
        PriceOptionFactory(service=service, amount=Decimal("12.00"))

    with django_assert_max_num_queries(10):
        documents = list(service_documents(None))

    assert len(documents) == 30
    assert all(d.prices == {"hour": Decimal("12.00")} for d in documents)
