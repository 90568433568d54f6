"""The search form's vocabularies come from the cache (search/taxonomy.py): one read for many
pages, and a change to the taxonomy or the areas shows on the next page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from catalogue.models import Category, ClientGroup, FundingType, Locality
from search.filters import ServiceSearchFilter
from tests.factories import CategoryFactory, LocalityFactory

pytestmark = pytest.mark.django_db


def test_the_vocabularies_are_read_once_for_many_forms():
    CategoryFactory(name="Day centres", slug="day-centres")
    ServiceSearchFilter({})
    with CaptureQueriesContext(connection) as queries:
        ServiceSearchFilter({})
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for model in (Category, ClientGroup, FundingType, Locality):
        assert model._meta.db_table not in tables


def test_a_renamed_type_of_service_shows_on_the_next_page(client):
    category = CategoryFactory(name="Day centres", slug="day-centres")
    assert "Day centres" in client.get("/search/").content.decode()
    category.name = "Day opportunities"
    category.save()
    html = client.get("/search/").content.decode()
    assert "Day opportunities" in html
    assert "Day centres" not in html


def test_a_new_area_and_a_deleted_type_show_on_the_next_page(client):
    category = CategoryFactory(name="Day centres", slug="day-centres")
    client.get("/search/")
    LocalityFactory(name="Much Wenlock", slug="much-wenlock")
    category.delete()
    html = client.get("/search/").content.decode()
    assert "Much Wenlock" in html
    assert "Day centres" not in html
    # The new area is searchable at once, not refused as unknown.
    response = client.get("/search/", {"locality": "much-wenlock"})
    assert "Area: Much Wenlock" in response.content.decode()


def test_a_new_group_of_people_and_way_to_pay_show_on_the_next_page(client):
    client.get("/search/")
    ClientGroup.objects.create(name="Veterans", slug="veterans")
    FundingType.objects.create(name="Armed forces fund", slug="armed-forces-fund")
    html = client.get("/search/").content.decode()
    assert "Veterans" in html
    assert "Armed forces fund" in html
