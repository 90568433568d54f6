"""The care vocabulary in the admin: council editors keep it; nobody else may; a saved rule
changes what search finds."""

from __future__ import annotations

import pytest

from core.roles import Role
from search.backends import get_backend
from search.models import SynonymGroup
from search.query import SearchQuery
from tests.factories import ServiceFactory, make_user

pytestmark = pytest.mark.django_db

ADD = "/admin/search_synonyms/new/"
INDEX = "/admin/search_synonyms/"


def test_the_packaged_vocabulary_is_loaded_by_the_migration():
    assert SynonymGroup.objects.filter(rule__startswith="advocate, advocacy").exists()
    assert SynonymGroup.objects.count() >= 20


def test_an_editor_adds_a_rule_and_search_uses_it_at_once(client):
    service = ServiceFactory(name="Tuesday lunch club", summary="Soup.")
    backend = get_backend("database")
    backend.index_services([service.pk])
    assert backend.search(SearchQuery(text="luncheon")).total == 0

    client.force_login(make_user("editor@example.com", Role.EDITOR))
    assert client.get(INDEX).status_code == 200
    response = client.post(ADD, {"rule": "luncheon => lunch", "note": "Older word"})

    assert response.status_code == 302
    assert SynonymGroup.objects.filter(rule="luncheon => lunch").exists()
    assert [h.service_id for h in backend.search(SearchQuery(text="luncheon")).hits] == [service.pk]


def test_a_rule_of_one_word_is_refused_with_a_message(client):
    client.force_login(make_user("editor@example.com", Role.EDITOR))
    response = client.post(ADD, {"rule": "lonely", "note": ""})
    assert response.status_code == 200
    assert "Give at least two words or phrases" in response.content.decode()
    assert not SynonymGroup.objects.filter(rule="lonely").exists()


@pytest.mark.parametrize("role", [Role.PROVIDER_STAFF, Role.PUBLIC, Role.COMMISSIONER])
def test_others_may_not_change_the_vocabulary(client, role):
    client.force_login(make_user("someone@example.com", role))
    before = SynonymGroup.objects.count()
    response = client.post(ADD, {"rule": "a, b", "note": ""})
    assert response.status_code in (302, 403)
    assert SynonymGroup.objects.count() == before


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.post(ADD, {"rule": "a, b", "note": ""})
    assert response.status_code == 302
    assert not SynonymGroup.objects.filter(rule="a, b").exists()


def test_load_synonyms_adds_what_is_missing_and_keeps_editors_rules():
    from django.core.management import call_command

    SynonymGroup.objects.filter(rule__startswith="advocate").delete()
    SynonymGroup.objects.create(rule="luncheon => lunch")
    call_command("load_synonyms", verbosity=0)
    assert SynonymGroup.objects.filter(rule__startswith="advocate").count() == 1
    assert SynonymGroup.objects.filter(rule="luncheon => lunch").exists()
