"""A second factor for staff (issue 18, Low: "No second factor for staff accounts (allauth's MFA
for moderators, editors, commissioners, panel, safeguarding and superusers)").

Signed in with a real password (allauth records how the person authenticated, which its
second-factor pages check), never force_login."""

import time

from django.urls import reverse

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
)

from core.roles import Role
from marketplace.accounts.adapters import MFAAdapter
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required(settings):
    settings.STAFF_MFA_REQUIRED = True


def code_for(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )


def open_set_up_page(client):
    """allauth asks for the password again before a second factor is added (even just after
    signing in); then the set-up page shows the QR code and puts a fresh secret in the session."""
    first = client.get(reverse("mfa_activate_totp"))
    assert first.status_code == 302
    assert first["Location"].startswith(reverse("account_reauthenticate"))
    client.post(first["Location"], {"password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    return page


def set_up_app(client) -> str:
    """Opens the set-up page and confirms a code from the app."""
    open_set_up_page(client)
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return secret


@pytest.mark.parametrize(
    "role",
    [
        Role.MODERATOR,
        Role.EDITOR,
        Role.COMMISSIONER,
        Role.PRACTITIONER,
        Role.SAFEGUARDING,
        Role.PANEL,
    ],
)
def test_staff_without_an_authenticator_app_are_sent_to_set_one_up_first(client, role):
    user = make_user("", role)
    sign_in(client, user)
    for url in ("/admin/", reverse("account_profile"), "/search/?q=home+care"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    page = open_set_up_page(client).content.decode()
    assert "Set up an authenticator app" in page
    assert 'src="data:image/svg+xml' in page


def test_a_superuser_is_staff_too(client):
    user = make_user("root@council.example")
    user.is_superuser = True
    user.save()
    sign_in(client, user)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")


def test_members_of_the_public_and_provider_staff_are_not_asked(client):
    for role in (Role.PUBLIC, Role.PROVIDER_STAFF):
        client.logout()
        user = make_user("", role)
        sign_in(client, user)
        assert client.get(reverse("account_profile")).status_code == 200


def test_signing_out_still_works_before_the_app_is_set_up(client):
    sign_in(client, make_user("", Role.MODERATOR))
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_after_set_up_the_sign_in_asks_for_a_code_and_a_wrong_one_is_refused(client):
    user = make_user("mo@council.example", Role.MODERATOR)
    sign_in(client, user)
    secret = set_up_app(client)
    assert client.get("/admin/").status_code == 200
    client.logout()

    response = sign_in(client, user)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # the password alone signs no one in
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/admin/").status_code == 200


def test_staff_cannot_remove_their_only_authenticator_app(client):
    user = make_user("ed@council.example", Role.EDITOR)
    sign_in(client, user)
    set_up_app(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert response.status_code in (200, 302)


def test_the_secret_is_stored_encrypted(client):
    user = make_user("", Role.COMMISSIONER)
    sign_in(client, user)
    secret = set_up_app(client)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert secret not in stored
    assert MFAAdapter().decrypt(stored) == secret


def test_with_the_setting_off_staff_are_not_redirected(client, settings):
    settings.STAFF_MFA_REQUIRED = False
    sign_in(client, make_user("", Role.MODERATOR))
    assert client.get("/admin/").status_code == 200
