"""Issue 18 (low): council staff are signed out after STAFF_IDLE_MINUTES idle; the public are
not."""

import time

import pytest

from core.roles import Role
from marketplace.accounts import middleware
from marketplace.accounts.middleware import LAST_SEEN_KEY
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - minutes * 60
    session.save()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    "role",
    [
        Role.MODERATOR,
        Role.EDITOR,
        Role.COMMISSIONER,
        Role.PRACTITIONER,
        Role.PANEL,
        Role.SAFEGUARDING,
    ],
)
def test_staff_are_signed_out_after_the_idle_time(client, home_page, settings, role):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(make_user("staff@council.example", role))
    client.get("/")  # the first request notes the time
    idle_for(client, 29)
    client.get("/")
    assert signed_in(client)

    idle_for(client, 31)
    response = client.get("/")

    assert not signed_in(client)
    assert "You were signed out after 30 minutes without activity" in response.content.decode()


def test_a_superuser_is_signed_out_too(client, home_page, settings):
    settings.STAFF_IDLE_MINUTES = 30
    user = make_user("root@council.example")
    user.is_superuser = True
    user.save()
    client.force_login(user)
    client.get("/")
    idle_for(client, 31)
    client.get("/")
    assert not signed_in(client)


@pytest.mark.parametrize("role", [None, Role.PROVIDER_STAFF])
def test_the_public_and_providers_are_not_signed_out(
    client, home_page, settings, monkeypatch, role
):
    settings.STAFF_IDLE_MINUTES = 30
    client.force_login(make_user("pat@example.org", *([role] if role else [])))
    client.get("/")
    assert LAST_SEEN_KEY not in client.session

    later = time.time() + 2 * 60 * 60
    monkeypatch.setattr(middleware.time, "time", lambda: later)  # two hours idle
    client.get("/")

    assert signed_in(client)
