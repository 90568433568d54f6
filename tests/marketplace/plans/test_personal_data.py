"""'Download my data' and 'delete my account' (marketplace.accounts.personal_data), with the
plans app's part: shortlist, enquiries (kept for the provider, sender anonymised), plans."""

import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

import pytest

from core import personal_data
from marketplace.plans import services
from marketplace.plans.models import Enquiry, PlanShare, ShortlistItem, SupportPlan
from tests.factories import DEFAULT_PASSWORD, make_user

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def history(person, provider, service, hourly):
    """Everything a person can leave behind: a shortlist, an enquiry with a reply, a plan with
    a line and a share, and a place on someone else's plan."""
    services.shortlist_add(user=person, session={}, service=service)
    (enquiry,) = services.enquiry_send(
        user=person,
        services=[service],
        sender_name="Pat Public",
        contact_email="pat@example.org",
        contact_phone="07700 900123",
        for_whom="family",
        person_name="Mum",
        needs="Help at home for Mum.",
    )
    services.enquiry_follow_up(user=person, enquiry=enquiry, body="Any news?")
    services.enquiry_reply(user=provider, enquiry=enquiry, body="Yes, we can help.")
    plan = services.plan_create(
        user=person, person_name="Mum", budget=Decimal("373.53"), budget_source="own"
    )
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=Decimal("24")
    )
    services.plan_share(
        user=person, plan=plan, name="Hana", email="hana@example.org", access="view"
    )
    other_owner = make_user("owner@example.org")
    theirs = services.plan_create(user=other_owner, person_name="Theirs")
    share = services.plan_share(
        user=other_owner, plan=theirs, name="Pat", email=person.email, access="edit"
    )
    services.plan_share_accept(user=person, share=share)
    return {"enquiry": enquiry, "plan": plan, "theirs": theirs}


def test_the_registry_has_every_source():
    assert {"account", "shortlist", "enquiries", "support_plans"} <= set(personal_data.registered())


def test_the_export_holds_everything_and_is_json(person, history):
    data = personal_data.export_user_data(person)
    json.dumps(data)  # plain JSON all the way down
    assert data["account"]["email"] == "pat@example.org"
    assert [item["service"] for item in data["shortlist"]] == ["Home care in Ludlow"]
    (enquiry,) = data["enquiries"]
    assert enquiry["contact_phone"] == "07700 900123"
    assert [(m["from"], m["text"]) for m in enquiry["messages"]] == [
        ("you", "Any news?"),
        ("provider", "Yes, we can help."),
    ]
    (plan,) = data["support_plans"]["your_plans"]
    assert plan["lines"][0]["weekly_cost"] == "373.44"
    assert plan["shared_with"] == [
        {"name": "Hana", "email": "hana@example.org", "access": "See the plan"}
    ]
    assert data["support_plans"]["plans_shared_with_you"] == [
        {"plan_for": "Theirs", "access": "See and change the plan"}
    ]


def test_erasing_keeps_the_enquiry_for_the_provider_without_the_sender(person, history):
    personal_data.erase_user(person)

    assert not User.objects.filter(email="pat@example.org").exists()
    assert not ShortlistItem.objects.exists()
    assert list(SupportPlan.objects.values_list("person_name", flat=True)) == ["Theirs"]
    assert not PlanShare.objects.filter(user__isnull=False).exists()
    enquiry = Enquiry.objects.get()
    assert enquiry.sender is None and enquiry.anonymised_at
    assert (
        enquiry.sender_name,
        enquiry.contact_email,
        enquiry.contact_phone,
        enquiry.person_name,
    ) == ("Deleted account", "", "", "")
    assert enquiry.needs == "Help at home for Mum."  # the provider's record of what was asked
    assert [m.body for m in enquiry.messages.all()] == ["Any news?", "Yes, we can help."]
    assert enquiry.messages.filter(from_provider=False, author__isnull=False).count() == 0


def test_erasing_is_all_or_nothing(person, history, monkeypatch):
    def failing(user):
        raise RuntimeError("a store that cannot be erased")

    monkeypatch.setitem(
        personal_data._sources,
        "broken",
        personal_data.Source(name="broken", export=lambda user: None, erase=failing),
    )
    with pytest.raises(RuntimeError):
        personal_data.erase_user(person)
    assert User.objects.filter(pk=person.pk).exists()
    assert Enquiry.objects.get().sender == person
    assert ShortlistItem.objects.exists()


def test_the_account_page_lists_my_things(sign_in, home_page, person, history):
    page = soup(sign_in(person).get("/accounts/profile/"))
    sections = text_of(page.select_one("#account-plans"))
    assert "Your shortlist (1 service)" in sections
    assert "Your enquiries (1, 1 with a reply)" in sections
    assert "Your support plans (2)" in sections


def test_download_my_data(client, home_page, person, history):
    assert client.get("/accounts/profile/my-data/").status_code == 302
    client.force_login(person)
    response = client.get("/accounts/profile/my-data/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["account"]["email"] == person.email


def test_delete_my_account_needs_confirmation_and_the_password(client, home_page, person, history):
    assert client.get("/accounts/profile/delete/").status_code == 302
    client.force_login(person)
    response = client.post("/accounts/profile/delete/", {"password": DEFAULT_PASSWORD})
    assert "Confirm that you want to delete your account" in response.content.decode()
    response = client.post("/accounts/profile/delete/", {"confirm": "on", "password": "wrong"})
    assert "The password is not right" in response.content.decode()
    assert User.objects.filter(pk=person.pk).exists()

    response = client.post(
        "/accounts/profile/delete/", {"confirm": "on", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert not User.objects.filter(pk=person.pk).exists()
    assert Enquiry.objects.get().sender_name == "Deleted account"
    assert client.get("/accounts/profile/").status_code == 302  # signed out


def test_the_only_owner_of_an_organisation_with_colleagues_must_hand_over_first(
    client, home_page, organisation, provider
):
    """provider owns `organisation`; with an editor there too, deleting would leave nobody
    able to manage its people: the page says whom to hand over to and offers no form."""
    from catalogue.models import Membership
    from catalogue.services import ownership_transfer
    from tests.factories import make_provider

    editor = make_provider(organisation, role=Membership.Role.EDITOR, email="ed@holly.example")
    client.force_login(provider)
    page = soup(client.get("/accounts/profile/delete/"))
    assert "You cannot delete your account yet" in text_of(page.select_one("main"))
    link = page.select_one("#handover a")
    assert link["href"] == f"/provider/organisations/{organisation.slug}/people/"
    assert not page.select("main form[method=post]")
    response = client.post(
        "/accounts/profile/delete/", {"confirm": "on", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 409
    assert User.objects.filter(pk=provider.pk).exists()
    with pytest.raises(ValidationError):  # and not by another way in either
        personal_data.erase_user(provider)
    assert User.objects.filter(pk=provider.pk).exists()

    # An editor may go at any time; after a handover, so may the former owner.
    client.force_login(editor)
    assert soup(client.get("/accounts/profile/delete/")).select("main form[method=post]")
    ownership_transfer(user=provider, organisation=organisation, to=editor.memberships.get())
    client.force_login(provider)
    response = client.post(
        "/accounts/profile/delete/", {"confirm": "on", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert not User.objects.filter(pk=provider.pk).exists()
    assert organisation.memberships.get().user == editor


def test_the_only_member_may_go_and_the_organisation_can_be_claimed_again(
    client, home_page, organisation, provider
):
    client.force_login(provider)
    page = soup(client.get("/accounts/profile/delete/"))
    assert organisation.name in text_of(page.select_one("#unmanaged"))
    response = client.post(
        "/accounts/profile/delete/", {"confirm": "on", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert not organisation.memberships.exists()
    # Nobody manages it now, so a colleague can claim it (the claim is refused while managed).
    from catalogue.services import claim_create

    claim = claim_create(
        user=make_user("new@holly.example"),
        organisation=organisation,
        job_title="Registered manager",
        evidence="I run the Ludlow office.",
    )
    assert claim.organisation == organisation
