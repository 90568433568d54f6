"""Provider self-service for organisations and people: register, claim, edit details, invite,
accept, remove, hand over, leave; and who may do each of them."""

import re
from datetime import timedelta

from django.core import mail
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from catalogue import services
from catalogue.models import Claim, Invitation, Membership, Organisation
from core.roles import Role
from tests.factories import (
    OrganisationFactory,
    ServiceFactory,
    make_provider,
    make_user,
)

pytestmark = pytest.mark.django_db

REGISTER = "/provider/register/"
CLAIM_SEARCH = "/provider/claim/"


@pytest.fixture(autouse=True)
def _site(home_page):
    """The page chrome needs a Wagtail site."""


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Sunrise Care Ltd", slug="sunrise-care", email="office@sunrise.example"
    )


@pytest.fixture
def owner(organisation):
    return make_provider(organisation, email="owner@sunrise.example")


@pytest.fixture
def editor(organisation):
    return make_provider(organisation, Membership.Role.EDITOR, email="editor@sunrise.example")


@pytest.fixture
def colleague(organisation):
    return make_provider(organisation, Membership.Role.EDITOR, email="colleague@sunrise.example")


@pytest.fixture
def outsider():
    return make_provider(OrganisationFactory(), email="other@elsewhere.example")


@pytest.fixture
def public():
    return make_user("someone@public.example")


@pytest.fixture
def invitation(organisation, owner):
    return services.invitation_create(
        user=owner, organisation=organisation, email="new@sunrise.example"
    )


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def h1(response) -> str:
    headings = soup(response).find_all("h1")
    assert len(headings) == 1, "every page has exactly one <h1>"
    return " ".join(headings[0].get_text().split())


def error_summary(response) -> list[str]:
    summary = soup(response).select_one(".govuk-error-summary")
    if summary is None:
        return []
    return [" ".join(li.get_text().split()) for li in summary.select("li")]


def field_error(response, field: str) -> str:
    message = soup(response).select_one(f"#id_{field}_error")
    return " ".join(message.get_text().split()) if message else ""


def banner(response) -> str:
    found = soup(response).select_one(".govuk-notification-banner--success")
    return " ".join(found.get_text().split()) if found else ""


def text(response) -> str:
    return " ".join(soup(response).select_one("main").get_text().split())


def is_sign_in_redirect(response, path: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        f"/accounts/login/?next={path}"
    )


def is_refused(response) -> bool:
    return response.status_code == 403 and h1(response) == "You cannot see this page"


def org_details(**overrides) -> dict:
    data = {
        "name": "Meadow Home Care",
        "kind": "company",
        "description": "Home care in the market towns.",
        "companies_house_number": "sc 123456",
        "charity_number": "",
        "cqc_provider_id": "1-101634567",
        "website": "www.meadow.example",
        "email": "hello@meadow.example",
        "phone": "01632 960 001",
    }
    return {**data, **overrides}


def state(organisation) -> dict:
    """Everything a refused write must leave untouched."""
    organisation = Organisation.objects.get(pk=organisation.pk)
    return {
        "details": {f: getattr(organisation, f) for f in services.ORGANISATION_FIELDS},
        "members": sorted(organisation.memberships.values_list("user__email", "role")),
        "invitations": sorted(
            organisation.invitations.values_list("email", "role", "accepted_at", "cancelled_at")
        ),
    }


# --- registering an organisation --------------------------------------------------------------


def test_register_page_asks_for_the_details_with_radios_in_a_fieldset(client, public):
    client.force_login(public)

    response = client.get(REGISTER)

    assert response.status_code == 200
    assert h1(response) == "Register your organisation"
    page = soup(response)
    legend = page.select_one("fieldset legend")
    assert legend.get_text(strip=True) == "What kind of organisation is it?"
    assert len(page.select("input[type=radio][name=kind]")) == len(Organisation.Kind.choices)
    for field in ["name", "companies_house_number", "charity_number", "cqc_provider_id"]:
        assert page.select_one(f"label[for=id_{field}]")
    assert page.select_one("a[href='/provider/claim/']")


def test_anyone_signed_in_registers_an_organisation_that_waits_for_a_moderator(client, public):
    client.force_login(public)

    response = client.post(REGISTER, org_details())

    organisation = Organisation.objects.get(name="Meadow Home Care")
    assert response.status_code == 302
    assert response["Location"] == "/provider/organisations/meadow-home-care/registered/"
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.companies_house_number == "SC123456"
    assert organisation.website == "https://www.meadow.example"
    assert organisation.memberships.get().user == public
    assert organisation.memberships.get().role == Membership.Role.OWNER
    assert public.has_role(Role.PROVIDER_STAFF)

    confirmation = client.get(response["Location"])
    assert h1(confirmation) == "Organisation registered"
    assert "Meadow Home Care is waiting for approval" in text(confirmation)
    assert "A moderator at the council will check" in text(confirmation)
    assert "someone@public.example" in text(confirmation)
    assert soup(confirmation).select_one("a[href='/provider/']")
    dashboard = text(client.get("/provider/"))
    assert "Meadow Home Care" in dashboard
    assert "The council is checking Meadow Home Care" in dashboard


def test_the_registered_page_is_only_for_the_organisations_staff(client, organisation, outsider):
    client.force_login(outsider)

    assert is_refused(client.get(f"/provider/organisations/{organisation.slug}/registered/"))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "   ", "Enter the name of the organisation"),
        ("kind", "", "Select what kind of organisation it is"),
        ("kind", "duke", "Select what kind of organisation it is"),
        ("companies_house_number", "1234567", "Companies House number with 8 characters"),
        ("companies_house_number", "ABC12345", "Companies House number with 8 characters"),
        ("companies_house_number", "123456789", "Companies House number with 8 characters"),
        ("charity_number", "12AB34", "charity number using numbers only"),
        ("cqc_provider_id", "123456", "CQC provider ID in the correct format"),
        ("website", "not a web address", "Enter a web address in the correct format"),
        ("email", "hello@", "Enter an email address in the correct format"),
        ("phone", "call us", "Enter a phone number"),
        ("description", "x" * 5001, "5,000 characters or fewer"),
    ],
)
def test_bad_registration_details_are_shown_against_their_field_and_nothing_is_saved(
    client, public, field, value, message
):
    client.force_login(public)

    response = client.post(REGISTER, org_details(**{field: value}))

    assert response.status_code == 200
    assert h1(response) == "Register your organisation"
    assert soup(response).title.get_text().startswith("Error: ")
    assert any(message in error for error in error_summary(response))
    assert message in field_error(response, field)
    assert not Organisation.objects.exists()
    # What was typed in the other fields is kept.
    assert soup(response).select_one("#id_email")["value"] == (
        "hello@meadow.example" if field != "email" else "hello@"
    )


def test_an_organisation_already_listed_with_the_cqc_id_is_sent_to_claim_it(client, public):
    OrganisationFactory(cqc_provider_id="1-101634567")
    client.force_login(public)

    response = client.post(REGISTER, org_details())

    assert "Another organisation on Care Market has this CQC provider ID" in field_error(
        response, "cqc_provider_id"
    )
    assert not Organisation.objects.filter(name="Meadow Home Care").exists()


def test_anonymous_visitors_are_asked_to_sign_in_before_registering(client):
    assert is_sign_in_redirect(client.get(REGISTER), REGISTER)

    response = client.post(REGISTER, org_details())

    assert is_sign_in_redirect(response, REGISTER)
    assert not Organisation.objects.exists()


# --- claiming an organisation loaded from CQC data --------------------------------------------


def test_claim_search_finds_unclaimed_organisations_by_name_or_cqc_id(client, public, owner):
    OrganisationFactory(name="Riverside Care", slug="riverside", cqc_provider_id="1-555000111")
    OrganisationFactory(
        name="Riverside Homes", slug="riverside-homes", status=Organisation.Status.PENDING
    )
    OrganisationFactory(name="Riverside Gone", status=Organisation.Status.SUSPENDED)
    OrganisationFactory(name="Riverside Rejected", status=Organisation.Status.REJECTED)
    managed = OrganisationFactory(name="Riverside Managed")
    make_provider(managed)
    ServiceFactory(organisation=Organisation.objects.get(slug="riverside"), town="Ludlow")
    client.force_login(public)

    by_name = client.get(CLAIM_SEARCH, {"q": "riverside"})
    by_id = client.get(CLAIM_SEARCH, {"q": " 1-555000111 "})

    names = [h.get_text(strip=True) for h in soup(by_name).select(".app-card__title")]
    assert names == ["Riverside Care", "Riverside Homes"]
    assert "Based in Ludlow" in text(by_name)
    assert soup(by_name).select_one("a[href='/provider/claim/riverside/']")
    assert [h.get_text(strip=True) for h in soup(by_id).select(".app-card__title")] == [
        "Riverside Care"
    ]
    assert soup(client.get(CLAIM_SEARCH)).select(".app-card") == []


def test_claim_search_says_when_nothing_matches(client, public):
    client.force_login(public)

    response = client.get(CLAIM_SEARCH, {"q": "Nowhere"})

    assert "0 organisations found" in text(response)
    assert soup(response).select_one("a[href='/provider/register/']")


def test_claim_search_pages_results_in_a_bounded_number_of_queries(
    client, public, django_assert_max_num_queries
):
    for number in range(45):
        organisation = OrganisationFactory(name=f"Valley Care {number:02}")
        ServiceFactory(organisation=organisation, town="Bishop's Castle")
    client.force_login(public)
    client.get(CLAIM_SEARCH, {"q": "valley"})  # warm the session and site caches

    with django_assert_max_num_queries(12):
        first = client.get(CLAIM_SEARCH, {"q": "valley"})
    with django_assert_max_num_queries(12):
        third = client.get(CLAIM_SEARCH, {"q": "valley", "page": 3})

    assert len(soup(first).select(".app-card")) == 20
    assert "45 organisations found" in text(first)
    assert len(soup(third).select(".app-card")) == 5
    assert soup(first).select_one("a[rel=next]")["href"] == "?q=valley&page=2"


def test_a_signed_in_person_asks_to_manage_an_unclaimed_organisation(client, public):
    organisation = OrganisationFactory(name="Riverside Care", slug="riverside")
    client.force_login(public)
    path = "/provider/claim/riverside/"

    form = client.get(path)
    response = client.post(path, {"job_title": "Registered manager", "evidence": "Call Sam."})

    assert h1(form) == "Ask to manage this organisation"
    assert response.status_code == 302
    assert response["Location"] == "/provider/claim/riverside/sent/"
    claim = Claim.objects.get()
    assert (claim.organisation, claim.user, claim.job_title) == (
        organisation,
        public,
        "Registered manager",
    )
    assert claim.status == Claim.Status.PENDING
    assert not organisation.memberships.exists()
    confirmation = client.get(response["Location"])
    assert h1(confirmation) == "Request sent"
    assert "A moderator at the council will check that you work for Riverside Care" in text(
        confirmation
    )
    searched = client.get(CLAIM_SEARCH, {"q": "riverside"})
    assert "You have asked to manage it" in text(searched)


def test_claim_form_errors_are_shown_and_nothing_is_saved(client, public):
    OrganisationFactory(slug="riverside")
    client.force_login(public)

    response = client.post("/provider/claim/riverside/", {"job_title": " ", "evidence": "x" * 2001})

    assert error_summary(response) == [
        "Enter your job title",
        "This must be 2,000 characters or fewer",
    ]
    assert soup(response).select_one("#id_evidence").get_text().strip() == "x" * 2001
    assert not Claim.objects.exists()


def test_asking_twice_shows_the_services_refusal(client, public):
    organisation = OrganisationFactory(slug="riverside")
    services.claim_create(user=public, organisation=organisation, job_title="A", evidence="B")
    client.force_login(public)

    response = client.post(
        "/provider/claim/riverside/", {"job_title": "Manager", "evidence": "Call me"}
    )

    assert error_summary(response) == ["You have already asked to manage this organisation."]
    assert Claim.objects.count() == 1


def test_an_organisation_already_managed_cannot_be_claimed(client, public, organisation, owner):
    client.force_login(public)
    path = f"/provider/claim/{organisation.slug}/"

    page = client.get(path)
    response = client.post(path, {"job_title": "Manager", "evidence": "Call me"})

    assert "already manages it on this site. Ask them to invite you" in text(page)
    assert not soup(page).select("form[method=post]")
    assert error_summary(response) == [
        "This organisation is already managed by its staff on Care Market."
    ]
    assert not Claim.objects.exists()


@pytest.mark.parametrize("status", [Organisation.Status.SUSPENDED, Organisation.Status.REJECTED])
def test_suspended_or_rejected_organisations_cannot_be_claimed(client, public, status):
    OrganisationFactory(slug="riverside", status=status)
    client.force_login(public)

    response = client.post(
        "/provider/claim/riverside/", {"job_title": "Manager", "evidence": "Call me"}
    )

    assert response.status_code == 404
    assert not Claim.objects.exists()


def test_claim_confirmation_is_only_for_the_claimant(client, public, outsider):
    OrganisationFactory(slug="riverside")
    client.force_login(outsider)

    assert client.get("/provider/claim/riverside/sent/").status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in_before_claiming(client):
    OrganisationFactory(slug="riverside")
    path = "/provider/claim/riverside/"

    assert is_sign_in_redirect(client.get(CLAIM_SEARCH), CLAIM_SEARCH)
    response = client.post(path, {"job_title": "Manager", "evidence": "Call me"})

    assert is_sign_in_redirect(response, path)
    assert not Claim.objects.exists()


# --- the organisation's details -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_owners_and_editors_change_the_details(client, request, organisation, who):
    client.force_login(request.getfixturevalue(who))
    path = f"/provider/organisations/{organisation.slug}/"

    form = client.get(path)
    response = client.post(path, org_details(name="Sunrise Care and Support"), follow=True)

    assert soup(form).select_one("#id_name")["value"] == "Sunrise Care Ltd"
    assert soup(form).select_one("#id_email")["value"] == "office@sunrise.example"
    organisation.refresh_from_db()
    assert organisation.name == "Sunrise Care and Support"
    assert organisation.slug == "sunrise-care"  # addresses stay stable
    assert organisation.cqc_provider_id == "1-101634567"
    assert response.redirect_chain == [(path, 302)]
    assert "The organisation's details have been saved." in banner(response)


def test_the_details_page_shows_the_status_and_why(client, owner, organisation):
    organisation.status = Organisation.Status.SUSPENDED
    organisation.status_reason = "Your CQC registration has lapsed."
    organisation.save()
    client.force_login(owner)

    response = client.get(f"/provider/organisations/{organisation.slug}/")

    assert h1(response) == "Organisation details"
    assert soup(response).select_one(".govuk-tag").get_text(strip=True) == "Suspended"
    assert "Your CQC registration has lapsed." in text(response)
    assert soup(response).select_one(
        f"a[href='/provider/organisations/{organisation.slug}/people/']"
    )


def test_bad_details_are_refused_and_nothing_changes(client, owner, organisation):
    client.force_login(owner)
    before = state(organisation)

    response = client.post(
        f"/provider/organisations/{organisation.slug}/",
        org_details(name="", companies_house_number="12", website="nope", email="a@"),
    )

    assert error_summary(response) == [
        "Enter the name of the organisation",
        "Enter a Companies House number with 8 characters, like 01234567 or SC123456",
        "Enter a web address in the correct format, like www.example.org.uk",
        "Enter an email address in the correct format, like name@example.com",
    ]
    assert soup(response).select_one("#id_description").get_text().strip() == (
        "Home care in the market towns."
    )
    assert state(organisation) == before


def test_keeping_its_own_cqc_id_is_not_a_clash(client, owner, organisation):
    organisation.cqc_provider_id = "1-101634567"
    organisation.save()
    client.force_login(owner)

    response = client.post(f"/provider/organisations/{organisation.slug}/", org_details())

    assert response.status_code == 302


# --- people ---------------------------------------------------------------------------------------


def test_owners_see_people_and_invitations_with_the_actions(
    client, organisation, owner, editor, invitation
):
    client.force_login(owner)

    response = client.get(f"/provider/organisations/{organisation.slug}/people/")

    page = soup(response)
    assert h1(response) == "People"
    rows = [
        [" ".join(c.get_text().split()) for c in row.select("th, td")]
        for row in page.select("table")[0].select("tbody tr")
    ]
    assert [row[1:3] for row in rows] == [
        ["owner@sunrise.example", "Owner"],
        ["editor@sunrise.example", "Editor"],
    ]
    assert "Leave" in rows[0][3]
    assert "Make owner" in rows[1][3] and "Remove" in rows[1][3]
    invitations = page.select("table")[1].select("tbody tr")
    assert "new@sunrise.example" in invitations[0].get_text()
    assert invitations[0].select_one("button").get_text(" ", strip=True).startswith("Cancel")
    assert page.select_one("a[href$='/people/invite/']")
    assert page.select_one("table caption")


def test_editors_see_people_but_not_the_owners_actions(
    client, organisation, owner, editor, invitation
):
    client.force_login(editor)

    response = client.get(f"/provider/organisations/{organisation.slug}/people/")

    page = soup(response)
    assert "owner@sunrise.example" in text(response)
    assert "new@sunrise.example" in text(response)
    assert not page.select_one("a[href$='/people/invite/']")
    assert not page.select("a[href$='/remove/'], a[href$='/make-owner/']")
    assert not page.select("form[action$='/cancel/']")
    assert page.select_one("a[href$='/leave/']")


def test_the_people_page_does_a_bounded_number_of_queries(
    client, organisation, owner, django_assert_max_num_queries, settings
):
    settings.CATALOGUE_INVITATIONS_PER_DAY = 30
    for number in range(30):
        make_provider(organisation, Membership.Role.EDITOR, email=f"staff{number}@sunrise.example")
        services.invitation_create(
            user=owner, organisation=organisation, email=f"invitee{number}@sunrise.example"
        )
    client.force_login(owner)
    client.get(f"/provider/organisations/{organisation.slug}/people/")

    with django_assert_max_num_queries(12):
        response = client.get(f"/provider/organisations/{organisation.slug}/people/")

    assert len(soup(response).select("table")[0].select("tbody tr")) == 31
    assert len(soup(response).select("table")[1].select("tbody tr")) == 30


@pytest.mark.parametrize("who", ["outsider", "public"])
def test_people_page_is_refused_to_anyone_else(client, request, organisation, owner, who):
    client.force_login(request.getfixturevalue(who))

    assert is_refused(client.get(f"/provider/organisations/{organisation.slug}/people/"))


def test_inviting_shows_errors_and_sends_nothing(client, organisation, owner, editor):
    client.force_login(owner)
    path = f"/provider/organisations/{organisation.slug}/people/invite/"

    bad = client.post(path, {"email": "not-an-address", "role": "boss"})
    member = client.post(path, {"email": "Editor@Sunrise.example", "role": "editor"})

    assert error_summary(bad) == [
        "Enter an email address in the correct format, like name@example.com",
        "Select what they will be able to do",
    ]
    assert soup(bad).select_one("#id_email")["value"] == "not-an-address"
    assert error_summary(member) == ["This person is already a member of the organisation."]
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_invite_email_accept_flow(client, organisation, owner, django_capture_on_commit_callbacks):
    client.force_login(owner)
    invite_path = f"/provider/organisations/{organisation.slug}/people/invite/"

    assert h1(client.get(invite_path)) == "Invite a colleague"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_path, {"email": "Sam@Sunrise.example", "role": "owner"}, follow=True
        )

    assert "We have sent an invitation to sam@sunrise.example." in banner(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@sunrise.example"]
    # Sam has no account yet: the e-mail carries none of the owners' text, not even the
    # organisation's name (owners may rename it); the invitation page names it once signed in.
    assert "Sunrise Care Ltd" not in message.subject + message.body
    assert "help manage a provider's listings" in message.subject
    link = re.search(r"https?://\S+(/provider/invitations/[0-9a-f-]+/)", message.body)
    assert link, message.body
    accept_path = link.group(1)

    # The invitee is not signed in: they are sent to sign in (or create an account) and back.
    client.logout()
    response = client.get(accept_path)
    assert is_sign_in_redirect(response, accept_path)
    login_page = client.get(response["Location"])
    assert "/accounts/signup/?next=" in login_page.content.decode()

    sam = make_user("sam@sunrise.example")
    client.force_login(sam)
    page = client.get(accept_path)
    assert h1(page) == "Join Sunrise Care Ltd"
    assert "Owner" in text(page)
    assert soup(page).select_one("form[method=post] button").get_text(strip=True) == (
        "Accept invitation"
    )

    response = client.post(accept_path, follow=True)

    membership = Membership.objects.get(user=sam, organisation=organisation)
    assert membership.role == Membership.Role.OWNER
    assert sam.has_role(Role.PROVIDER_STAFF)
    assert response.redirect_chain == [(f"/provider/organisations/{organisation.slug}/", 302)]
    assert "You now help manage Sunrise Care Ltd." in banner(response)
    people = client.get(f"/provider/organisations/{organisation.slug}/people/")
    assert "sam@sunrise.example" in text(people)
    assert "There are no invitations waiting for an answer." in text(people)

    used = client.get(accept_path)
    assert h1(used) == "This invitation has already been used"


def test_an_invitation_for_another_address_is_not_accepted(client, invitation, public):
    client.force_login(public)
    path = invitation.accept_path

    page = client.get(path)
    response = client.post(path)

    assert h1(page) == "Sign in with the address the invitation was sent to"
    # Whoever holds the link sees a hint of the address, never the address.
    assert "new@sunrise.example" not in page.content.decode()
    assert "new@sunrise.example" not in response.content.decode()
    assert (
        "was sent to another email address: n•••@s•••.example (we show only its first letters)."
        " You are signed in as someone@public.example"
    ) in text(page)
    assert (
        soup(page).select_one("form[action='/accounts/logout/'] input[name=next]")["value"] == path
    )
    assert response.status_code == 200
    assert error_summary(response) == [
        "This invitation was sent to another email address (n•••@s•••.example). Sign in with that"
        " address to accept it."
    ]
    assert not Membership.objects.filter(user=public).exists()


def test_an_expired_invitation_says_so(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    invitee = make_user("new@sunrise.example")
    client.force_login(invitee)

    page = client.get(invitation.accept_path)
    response = client.post(invitation.accept_path)

    assert page.status_code == 200
    assert h1(page) == "This invitation has expired"
    assert "Ask owner@sunrise.example to send you a new invitation" in text(page)
    assert error_summary(response) == ["This invitation has expired or has already been used."]
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_cancelled_invitation_says_so(client, invitation, owner):
    services.invitation_cancel(user=owner, invitation=invitation)
    client.force_login(make_user("new@sunrise.example"))

    assert h1(client.get(invitation.accept_path)) == "This invitation has been cancelled"


# A well-formed token that no invitation has (a fixed value: parallel workers must collect
# the same test ids).
@pytest.mark.parametrize("token", ["not-a-token", "6f1c2a52-0d4e-4b57-9a51-3c8e1b0f7d21"])
def test_a_bad_invitation_link_gets_a_friendly_page(client, public, token):
    client.force_login(public)

    response = client.get(f"/provider/invitations/{token}/")

    assert response.status_code == 404
    assert h1(response) == "This invitation link is not valid"


def test_anonymous_cannot_accept_an_invitation(client, invitation):
    response = client.post(invitation.accept_path)

    assert is_sign_in_redirect(response, invitation.accept_path)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_last_owner_cannot_leave(client, organisation, owner, editor):
    client.force_login(owner)
    path = f"/provider/organisations/{organisation.slug}/leave/"
    before = state(organisation)

    page = client.get(path)
    response = client.post(path)

    assert h1(page) == "Are you sure you want to leave Sunrise Care Ltd?"
    assert response.status_code == 200
    assert error_summary(response) == [
        "Hand over ownership to a colleague before the last owner leaves."
    ]
    assert state(organisation) == before


def test_an_owner_cannot_remove_themselves_through_the_remove_page(client, organisation, owner):
    client.force_login(owner)
    mine = owner.memberships.get()

    response = client.get(f"/provider/organisations/{organisation.slug}/people/{mine.pk}/remove/")

    assert response["Location"] == f"/provider/organisations/{organisation.slug}/leave/"


def test_confirmation_pages_name_the_person(client, organisation, owner, colleague):
    client.force_login(owner)
    target = colleague.memberships.get()
    base = f"/provider/organisations/{organisation.slug}/people/{target.pk}"

    assert h1(client.get(f"{base}/remove/")) == (
        "Are you sure you want to remove colleague@sunrise.example?"
    )
    assert h1(client.get(f"{base}/make-owner/")) == "Make colleague@sunrise.example an owner?"
    assert "You will become an editor" in text(client.get(f"{base}/make-owner/"))


def test_cancelling_an_invitation_needs_a_post(client, organisation, owner, invitation):
    client.force_login(owner)

    response = client.get(
        f"/provider/organisations/{organisation.slug}/invitations/{invitation.pk}/cancel/"
    )

    assert response.status_code == 405
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


# --- the permissions matrix: every write URL ------------------------------------------------------


def _edit(ctx):
    return f"/provider/organisations/{ctx['org'].slug}/", org_details(name="Changed Name")


def _invite(ctx):
    path = f"/provider/organisations/{ctx['org'].slug}/people/invite/"
    return path, {"email": "friend@sunrise.example", "role": "editor"}


def _cancel(ctx):
    return (
        f"/provider/organisations/{ctx['org'].slug}/invitations/{ctx['invitation'].pk}/cancel/",
        {},
    )


def _remove(ctx):
    target = ctx["colleague"].memberships.get()
    return f"/provider/organisations/{ctx['org'].slug}/people/{target.pk}/remove/", {}


def _make_owner(ctx):
    target = ctx["colleague"].memberships.get()
    return f"/provider/organisations/{ctx['org'].slug}/people/{target.pk}/make-owner/", {}


def _leave(ctx):
    return f"/provider/organisations/{ctx['org'].slug}/leave/", {}


def _edited(ctx, actor):
    return Organisation.objects.get(pk=ctx["org"].pk).name == "Changed Name"


def _invited(ctx, actor):
    return ctx["org"].invitations.filter(email="friend@sunrise.example").exists()


def _cancelled(ctx, actor):
    return Invitation.objects.get(pk=ctx["invitation"].pk).cancelled_at is not None


def _removed(ctx, actor):
    return not ctx["colleague"].memberships.exists()


def _promoted(ctx, actor):
    return (
        ctx["colleague"].memberships.get().role == Membership.Role.OWNER
        and actor.memberships.get(organisation=ctx["org"]).role == Membership.Role.EDITOR
    )


def _left(ctx, actor):
    return not actor.memberships.filter(organisation=ctx["org"]).exists()


OWNER, EDITOR, OUTSIDER, PUBLIC, ANONYMOUS = "owner", "editor", "outsider", "public", "anonymous"
# (write, who may) — everybody else is refused.
WRITES = {
    "edit details": (_edit, _edited, {OWNER, EDITOR}),
    "invite": (_invite, _invited, {OWNER}),
    "cancel invitation": (_cancel, _cancelled, {OWNER}),
    "remove member": (_remove, _removed, {OWNER}),
    "hand over ownership": (_make_owner, _promoted, {OWNER}),
    # There is a second owner here; the last owner's refusal has its own test.
    "leave": (_leave, _left, {OWNER, EDITOR}),
}


@pytest.fixture
def ctx(organisation, owner, editor, colleague, outsider, public, invitation):
    make_provider(organisation, email="co-owner@sunrise.example")
    return {
        "org": organisation,
        "invitation": invitation,
        "colleague": colleague,
        OWNER: owner,
        EDITOR: editor,
        OUTSIDER: outsider,
        PUBLIC: public,
        ANONYMOUS: None,
    }


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", [OWNER, EDITOR, OUTSIDER, PUBLIC, ANONYMOUS])
def test_permissions_matrix(client, ctx, write, who):
    build, happened, allowed = WRITES[write]
    path, data = build(ctx)
    actor = ctx[who]
    if actor is not None:
        client.force_login(actor)
    before = state(ctx["org"])

    if write != "cancel invitation":
        page = client.get(path)
        if who == ANONYMOUS:
            assert is_sign_in_redirect(page, path)
        elif who in allowed:
            assert page.status_code == 200
        else:
            assert is_refused(page), (write, who, page.status_code)
    response = client.post(path, data)

    if who in allowed:
        assert response.status_code == 302, (write, who, error_summary(response))
        assert happened(ctx, actor)
    else:
        if who == ANONYMOUS:
            assert is_sign_in_redirect(response, path)
        else:
            assert is_refused(response), (write, who, response.status_code)
        assert state(ctx["org"]) == before


@pytest.mark.parametrize("path", [REGISTER, CLAIM_SEARCH])
@pytest.mark.parametrize("who", [OWNER, EDITOR, OUTSIDER, PUBLIC])
def test_anyone_signed_in_may_register_or_claim(client, ctx, path, who):
    client.force_login(ctx[who])

    assert client.get(path).status_code == 200


def test_an_owner_cannot_reach_another_organisations_people_through_their_own(
    client, organisation, owner, outsider
):
    elsewhere = outsider.memberships.get()
    other_invitation = services.invitation_create(
        user=outsider, organisation=elsewhere.organisation, email="x@elsewhere.example"
    )
    client.force_login(owner)
    base = f"/provider/organisations/{organisation.slug}"

    removed = client.post(f"{base}/people/{elsewhere.pk}/remove/")
    promoted = client.post(f"{base}/people/{elsewhere.pk}/make-owner/")
    cancelled = client.post(f"{base}/invitations/{other_invitation.pk}/cancel/")

    assert [removed.status_code, promoted.status_code, cancelled.status_code] == [404, 404, 404]
    elsewhere.refresh_from_db()
    other_invitation.refresh_from_db()
    assert elsewhere.role == Membership.Role.OWNER
    assert other_invitation.cancelled_at is None
    assert owner.memberships.get().role == Membership.Role.OWNER


def test_an_editor_who_leaves_goes_back_to_the_dashboard(client, organisation, owner, editor):
    client.force_login(editor)

    response = client.post(f"/provider/organisations/{organisation.slug}/leave/", follow=True)

    assert response.redirect_chain == [("/provider/", 302)]
    assert "You no longer manage Sunrise Care Ltd." in banner(response)
    assert not editor.memberships.exists()
    assert owner.memberships.get().role == Membership.Role.OWNER
