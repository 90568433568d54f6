import re

from django.contrib.auth.models import Group
from django.core import mail

import pytest
from bs4 import BeautifulSoup

from core.roles import ADMIN_ROLES, Role, user_revoke_role
from marketplace.accounts.models import User
from marketplace.settings import base
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "new.person@example.org", "password1": "correct-horse-42", "password2": ""}


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_every_role_exists_with_admin_access_only_for_council_staff():
    for role in Role:
        group = Group.objects.get(name=role.value)
        has_admin = group.permissions.filter(codename="access_admin").exists()
        assert has_admin is (role in ADMIN_ROLES), role


def test_sign_up_sends_a_verification_email_whose_link_signs_the_person_in(client, home_page):
    response = client.post("/accounts/signup/", {**SIGNUP, "password2": SIGNUP["password1"]})

    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert user.has_role(Role.PUBLIC) and not user.has_role(Role.MODERATOR)
    assert "_auth_user_id" not in client.session  # not signed in until verified
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    confirm_url = link_in(mail.outbox[0])

    confirm_page = client.get(confirm_url)
    assert confirm_page.status_code == 200
    assert soup(confirm_page).select_one("form button[type=submit]")
    response = client.post(confirm_url)

    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.session["_auth_user_id"] == str(user.pk)
    account = soup(client.get("/accounts/profile/"))
    assert "new.person@example.org" in account.get_text()
    assert "Member of the public" in account.get_text()


def test_a_bad_sign_up_shows_the_error_summary_and_keeps_what_was_typed(client, home_page):
    response = client.post("/accounts/signup/", {**SIGNUP, "password2": "something-else"})

    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    assert summary.h2.get_text() == "There is a problem"
    links = summary.select("a")
    assert links and links[0]["href"] == "#id_password2"
    field = page.select_one("#id_password2")
    assert "govuk-input--error" in field["class"]
    assert "id_password2_error" in field["aria-describedby"]
    assert page.select_one("#id_password2_error.govuk-error-message")
    assert page.select_one("#id_email")["value"] == "new.person@example.org"
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert not mail.outbox


def test_an_unverified_account_cannot_sign_in_but_is_sent_a_new_link(client, home_page):
    make_user("slow@example.org", verified=False)

    response = client.post(
        "/accounts/login/", {"login": "slow@example.org", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert mail.outbox[0].to == ["slow@example.org"]


def test_sign_in_and_sign_out(client, home_page):
    user = make_user("pat@example.org")

    wrong = client.post("/accounts/login/", {"login": "pat@example.org", "password": "nope"})
    assert wrong.status_code == 200
    assert soup(wrong).select_one(".govuk-error-summary")

    response = client.post(
        "/accounts/login/", {"login": "pat@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_emailed_link(client, home_page):
    make_user("forgetful@example.org")

    client.post("/accounts/password/reset/", {"email": "forgetful@example.org"})

    assert mail.outbox[0].to == ["forgetful@example.org"]
    key_url = link_in(mail.outbox[0])
    form_url = client.get(key_url)["Location"]  # allauth swaps the key for a session token
    response = client.post(
        form_url, {"password1": "brand-new-secret-9", "password2": "brand-new-secret-9"}
    )
    assert response.status_code == 302
    assert client.login(username="forgetful@example.org", password="brand-new-secret-9")


def test_password_reset_for_an_unknown_address_reveals_nothing(client, home_page):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_account_page_needs_sign_in(client, home_page):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/profile/")


# Each role, and whether it reaches the council's tools in the Wagtail admin.
ROLE_ADMIN_ACCESS = [
    ((), False),
    ((Role.PROVIDER_STAFF,), False),
    ((Role.PRACTITIONER,), False),
    ((Role.MODERATOR,), True),
    ((Role.EDITOR,), True),
    ((Role.COMMISSIONER,), True),
]


@pytest.mark.parametrize(("roles", "sees_council_tools"), ROLE_ADMIN_ACCESS)
def test_account_page_shows_roles_and_admin_link(client, home_page, roles, sees_council_tools):
    user = make_user("", *roles)
    client.force_login(user)

    page = soup(client.get("/accounts/profile/"))

    for role in roles:
        assert role.label in page.get_text()
    assert bool(page.select('a[href="/admin/"]')) is sees_council_tools


@pytest.mark.parametrize(("roles", "allowed"), ROLE_ADMIN_ACCESS)
def test_wagtail_admin_is_for_moderators_editors_and_commissioners(
    client, home_page, roles, allowed
):
    client.force_login(make_user("", *roles))

    response = client.get("/admin/")

    if allowed:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_anonymous_people_are_sent_to_sign_in_for_the_admin(client, home_page):
    response = client.get("/admin/pages/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/admin/pages/")


def test_every_account_keeps_the_public_role():
    user = make_user("")

    with pytest.raises(ValueError, match="cannot be removed"):
        user_revoke_role(user=user, role=Role.PUBLIC)
    user_revoke_role(user=user, role=Role.MODERATOR)  # not held: no error
    assert user.has_role(Role.PUBLIC)


def test_sign_in_page_uses_plain_labels_and_no_placeholders(client, home_page):
    page = soup(client.get("/accounts/login/"))

    assert page.h1.get_text(strip=True) == "Sign in"
    labels = [label.get_text(strip=True) for label in page.select("form label")]
    assert labels == ["Email address", "Password", "Keep me signed in on this device"]
    assert not page.select("input[placeholder]")
    assert page.select_one('a[href="/accounts/password/reset/"]')
    assert page.select_one('a[href="/accounts/signup/"]')


def test_verification_email_names_the_service_and_the_link(client, home_page):
    client.post("/accounts/signup/", {**SIGNUP, "password2": SIGNUP["password1"]})

    message = mail.outbox[0]
    assert message.subject == "Confirm your email address for Care Market"
    assert "create an account on Care Market" in message.body
    assert "http://testserver/accounts/confirm-email/" in message.body
    assert message.body.rstrip().endswith("Care Market\nWestshire Council")


def test_an_empty_sign_in_says_what_to_enter_at_the_top_of_the_page(client, home_page):
    page = soup(client.post("/accounts/login/", {"login": "", "password": ""}))

    main = page.select_one("main")
    assert main.select_one(".govuk-error-summary") == main.select_one(
        ".govuk-grid-column-two-thirds > *"
    )
    summary = [a.get_text(strip=True) for a in page.select(".govuk-error-summary a")]
    assert summary == ["Enter your email address", "Enter your password"]


def test_account_page_leads_provider_staff_to_their_dashboard(client, home_page):
    from tests.factories import make_provider

    client.force_login(make_user())
    page = soup(client.get("/accounts/profile/"))
    assert page.select_one('a[href="/provider/register/"]')
    assert not page.select_one('a[href="/provider/"]')

    client.force_login(make_provider())
    page = soup(client.get("/accounts/profile/"))
    assert page.select_one('a[href="/provider/"]')


def test_provider_staff_land_on_their_dashboard_and_the_header_offers_it(client, home_page):
    # Issue 20: providers landed on "Your account" with the dashboard link at the bottom.
    from tests.factories import make_provider

    provider = make_provider(email="priya@holly.example")

    response = client.post(
        "/accounts/login/", {"login": "priya@holly.example", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == "/provider/"
    header = soup(client.get("/")).select_one(".govuk-service-navigation__list")
    link = header.select_one("#organisation-link")
    assert link.get_text(strip=True) == "Your organisation" and link["href"] == "/provider/"
    nav = [a.get_text(strip=True) for a in header.select("a")]
    assert nav.index("Your organisation") == nav.index("Your account") - 1
    current = soup(client.get("/provider/")).select_one("#organisation-link")
    assert current["aria-current"] == "page"
    assert provider.memberships.exists()


def test_a_next_address_still_wins_over_the_dashboard(client, home_page):
    from tests.factories import make_provider

    make_provider(email="priya@holly.example")

    response = client.post(
        "/accounts/login/?next=/shortlist/",
        {"login": "priya@holly.example", "password": DEFAULT_PASSWORD, "next": "/shortlist/"},
    )

    assert response["Location"] == "/shortlist/"


def test_people_without_an_organisation_see_no_organisation_link(client, home_page):
    make_user("pat@example.org")
    client.post("/accounts/login/", {"login": "pat@example.org", "password": DEFAULT_PASSWORD})

    assert not soup(client.get("/")).select("#organisation-link")
    client.post("/accounts/logout/")
    assert not soup(client.get("/")).select("#organisation-link")


# --- issue 18, item 6: limits behind the load balancer ---------------------------------------


def _visitor(address: str):
    """A browser at `address`, reaching the site through the one proxy (10.0.0.2)."""
    from django.test import Client

    return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)


def _fail_sign_in(client, number: int) -> str:
    """'wrong' for a refused password, 'locked' once allauth's login_failed limit is reached."""
    response = client.post(
        "/accounts/login/", {"login": f"nobody{number}@example.org", "password": "wrong-pw-42"}
    )
    assert response.status_code == 200
    return "locked" if "Too many failed login attempts" in response.content.decode() else "wrong"


def test_behind_the_proxy_one_visitors_failed_sign_ins_lock_out_only_that_visitor(
    settings, home_page
):
    """Security review (issue 18, item 6): every visitor had the proxy's address, so ten wrong
    passwords a minute from one visitor locked everyone out of sign-in. Production is told the
    proxy setup (TRUSTED_PROXY_COUNT, required: tests/test_settings.py); here, one proxy."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS  # the test settings turn them off
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker, neighbour = _visitor("198.51.100.7"), _visitor("203.0.113.40")

    answers = [_fail_sign_in(attacker, n) for n in range(11)]

    assert answers == ["wrong"] * 10 + ["locked"]  # "login_failed": "10/m/ip"
    assert _fail_sign_in(neighbour, 99) == "wrong"  # the neighbour may still try


def test_without_the_proxy_setup_the_lockout_is_site_wide(settings, home_page):
    """Why production refuses to start without it: the proxy's address is everyone's."""
    settings.ACCOUNT_RATE_LIMITS = base.ACCOUNT_RATE_LIMITS
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    attacker, neighbour = _visitor("198.51.100.7"), _visitor("203.0.113.40")
    for n in range(10):
        _fail_sign_in(attacker, n)

    assert _fail_sign_in(neighbour, 99) == "locked"


def test_the_sites_own_per_address_limits_count_the_client_not_the_proxy(settings, rf):
    from core.limits import client_key

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    behind = [
        rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)
        for address in ("198.51.100.7", "203.0.113.40")
    ]
    # A client cannot choose its address by sending its own X-Forwarded-For: the proxy appends
    # the real one, and only the last entry is trusted.
    spoofed = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")

    assert [client_key(request) for request in behind] == ["ip:198.51.100.7", "ip:203.0.113.40"]
    assert client_key(spoofed) == "ip:198.51.100.7"


def test_an_ipv6_client_counts_by_its_network_not_each_address(rf):
    """A /64 is one household's or server's: a fresh address in it for every request must not
    mean a fresh allowance (allauth's own sign-in limits count a /64 the same way)."""
    from core.limits import client_key

    one, other_in_same_64, elsewhere = (
        client_key(rf.get("/", REMOTE_ADDR=address))
        for address in ("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:3::1")
    )

    assert one == other_in_same_64 == "ip:2001:db8:1:2::/64"
    assert elsewhere == "ip:2001:db8:1:3::/64"
    assert client_key(rf.get("/", REMOTE_ADDR="198.51.100.7")) == "ip:198.51.100.7"
