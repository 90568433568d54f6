"""The safeguarding team's queue in the admin: the permissions matrix for every concern URL, the
order, the log of every opening and change."""

from django.urls import reverse

import pytest

from safeguarding import services
from safeguarding.models import Concern, ConcernEvent

from .conftest import SECRET

pytestmark = pytest.mark.django_db


def concern_urls(concern):
    return [
        ("get", reverse("safeguarding_concerns:index")),
        ("get", reverse("safeguarding_concerns:index_results")),
        ("get", reverse("safeguarding_concerns:inspect", args=[concern.pk])),
        ("post", reverse("safeguarding_concerns:inspect", args=[concern.pk])),
    ]


WHO = ["anonymous", "public", "moderator", "editor", "commissioner", "practitioner", "provider"]


@pytest.mark.parametrize("who", WHO)
def test_nobody_but_the_team_reaches_a_concern(client, people, concern, who):
    if who != "anonymous":
        client.force_login(people[who])
    for method, url in concern_urls(concern):
        response = getattr(client, method)(url, {"status": "closed", "reason": "x"})
        assert response.status_code in (302, 403), (who, url)
        if response.status_code == 302:
            assert "/login/" in response["Location"] or response["Location"] == "/admin/"
        assert SECRET not in response.content.decode()
        assert concern.reference not in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW
    assert list(concern.events.values_list("action", flat=True)) == ["created"]


@pytest.mark.parametrize("who", ["moderator", "editor", "commissioner"])
def test_other_admin_users_see_no_safeguarding_menu(client, people, concern, who):
    client.force_login(people[who])
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("safeguarding_concerns:index") not in home


def test_the_team_sees_the_queue_urgent_first_then_newest(client, team, service, concern):
    later = services.concern_create(description="Later", place="Oak Street")
    urgent = services.concern_create(description="Danger", place="Ash Lane", danger_now="yes")
    client.force_login(team)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("safeguarding_concerns:index") in home
    page = client.get(reverse("safeguarding_concerns:index")).content.decode()
    positions = [page.index(c.reference) for c in (urgent, later, concern)]
    assert positions == sorted(positions)
    assert service.name in page  # what it is about
    assert SECRET not in page  # what was written is only on the concern's own page (logged)
    assert not ConcernEvent.objects.filter(action=ConcernEvent.Action.VIEWED).exists()


def test_the_team_opens_a_concern_and_the_opening_is_logged(client, team, concern):
    client.force_login(team)
    url = reverse("safeguarding_concerns:inspect", args=[concern.pk])
    page = client.get(url).content.decode()
    assert SECRET in page and "Ann Reporter" in page and "ann@example.org" in page
    viewed = concern.events.get(action=ConcernEvent.Action.VIEWED)
    assert viewed.user == team
    client.get(url)
    assert concern.events.filter(action=ConcernEvent.Action.VIEWED).count() == 2


def test_the_team_changes_the_status_and_no_further_action_needs_a_reason(client, team, concern):
    client.force_login(team)
    url = reverse("safeguarding_concerns:inspect", args=[concern.pk])
    response = client.post(url, {"status": "no-further-action", "reason": ""})
    assert response.status_code == 200
    assert "Say why no further action is needed." in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == Concern.Status.NEW

    response = client.post(url, {"status": "section-42", "reason": "Enquiry opened"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.SECTION_42
    event = concern.events.get(action=ConcernEvent.Action.STATUS)
    assert (event.user, event.status, event.note) == (team, "section-42", "Enquiry opened")
    page = client.get(url).content.decode()
    assert "Passed to a section 42 enquiry" in page and "team@westshire.example" in page
