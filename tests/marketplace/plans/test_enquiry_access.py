"""Issue 18, item 8: a new claimant of an abandoned organisation must not read the enquiries
(names, phone numbers, health needs) sent to the staff before them; a colleague a member
invites carries the member's inbox on; enquiries have a retention period."""

import io
from datetime import timedelta

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from catalogue.models import Membership
from catalogue.services import claim_approve, claim_create, invitation_accept, invitation_create
from core.roles import Role
from marketplace.plans.models import Enquiry, EnquiryMessage
from marketplace.plans.services import enquiries_expire, enquiry_send
from tests.factories import make_user

from .conftest import soup

pytestmark = pytest.mark.django_db


def send(person, service, needs="Help with washing after a stroke; call 07700 900123"):
    return enquiry_send(
        user=person,
        services=[service],
        sender_name="Pat Jones",
        contact_email="pat@example.org",
        contact_phone="07700 900123",
        for_whom=Enquiry.ForWhom.MYSELF,
        needs=needs,
    )[0]


def abandon_and_claim(organisation, provider):
    """The only member deletes their account; someone else claims the organisation."""
    provider.delete()
    assert not organisation.memberships.exists()
    claimant = make_user("new.owner@holly.example")
    claim = claim_create(
        user=claimant, organisation=organisation, job_title="Manager", evidence="I run it now."
    )
    claim_approve(moderator=make_user("mod@council.example", Role.MODERATOR), claim=claim)
    return claimant


def test_a_claimant_of_an_abandoned_organisation_does_not_read_its_old_enquiries(
    client, home_page, person, provider, organisation, service
):
    old = send(person, service)
    claimant = abandon_and_claim(organisation, provider)
    client.force_login(claimant)

    inbox = client.get("/provider/enquiries/?status=all")
    assert inbox.status_code == 200
    assert "Pat Jones" not in inbox.content.decode()
    assert "07700 900123" not in inbox.content.decode()
    assert client.get(old.get_provider_url()).status_code == 404
    response = client.post(old.get_provider_url(), {"body": "Hello"})
    assert response.status_code == 404
    assert not EnquiryMessage.objects.filter(enquiry=old).exists()
    assert list(Enquiry.objects.for_provider(claimant)) == []

    # What people send after the claim is theirs to read and answer.
    new = send(person, service, needs="Morning calls")
    assert list(Enquiry.objects.for_provider(claimant)) == [new]
    page = client.get(new.get_provider_url())
    assert page.status_code == 200 and "Morning calls" in page.content.decode()


def test_the_dashboard_counts_only_what_the_claimant_may_read(
    client, home_page, person, provider, organisation, service
):
    send(person, service)
    claimant = abandon_and_claim(organisation, provider)
    from marketplace.plans import selectors

    counts = selectors.inbox_counts_by_organisation([organisation], user=claimant)
    assert counts.get(organisation.pk, {"new": 0})["new"] == 0
    assert selectors.inbox_figures([organisation], user=claimant).received == 0
    # The organisation's own figures (no person) still count it.
    assert selectors.inbox_counts_by_organisation([organisation])[organisation.pk]["new"] == 1


def test_a_follow_up_to_an_old_enquiry_is_not_mailed_to_the_claimant(
    person, provider, organisation, service
):
    from marketplace.plans.services import enquiry_follow_up

    old = send(person, service)
    claimant = abandon_and_claim(organisation, provider)
    mail.outbox.clear()
    enquiry_follow_up(user=person, enquiry=old, body="Any news?")
    recipients = {address for message in mail.outbox for address in message.to}
    assert claimant.email not in recipients


def test_a_colleague_invited_by_a_member_reads_the_member_s_inbox(
    client, home_page, person, provider, organisation, service
):
    old = send(person, service)
    colleague = make_user("cara@holly.example")
    invitation = invitation_create(user=provider, organisation=organisation, email=colleague.email)
    membership = invitation_accept(user=colleague, token=invitation.token)
    assert membership.enquiries_from == Membership.objects.get(user=provider).enquiries_from
    client.force_login(colleague)
    assert client.get(old.get_provider_url()).status_code == 200


def test_a_claimant_s_invited_colleague_does_not_read_the_old_enquiries_either(
    client, home_page, person, provider, organisation, service
):
    old = send(person, service)
    claimant = abandon_and_claim(organisation, provider)
    colleague = make_user("cara@holly.example")
    invitation = invitation_create(user=claimant, organisation=organisation, email=colleague.email)
    invitation_accept(user=colleague, token=invitation.token)
    client.force_login(colleague)
    assert client.get(old.get_provider_url()).status_code == 404


# --- retention ---------------------------------------------------------------------------------


def test_enquiries_past_the_retention_period_are_emptied(settings, person, provider, service):
    settings.ENQUIRY_RETENTION_DAYS = 730
    now = timezone.now()
    old = send(person, service)
    EnquiryMessage.objects.create(enquiry=old, body="Still need help, 07700 900123")
    Enquiry.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=731))
    EnquiryMessage.objects.filter(enquiry=old).update(created_at=now - timedelta(days=731))
    # An old enquiry with a recent message is still in use.
    talking = send(person, service)
    Enquiry.objects.filter(pk=talking.pk).update(created_at=now - timedelta(days=800))
    EnquiryMessage.objects.create(enquiry=talking, body="Thank you")
    recent = send(person, service)

    assert enquiries_expire(now=now) == 1

    old.refresh_from_db()
    assert old.sender is None and old.expired_at == now
    assert old.contact_email == old.contact_phone == old.person_name == old.needs == ""
    assert "Pat" not in old.sender_name
    assert old.status == Enquiry.Status.CLOSED
    assert not old.messages.exists()
    # Kept for the response times and the statement's counts.
    assert old.service == service and old.created_at == now - timedelta(days=731)
    talking.refresh_from_db()
    recent.refresh_from_db()
    assert talking.needs and recent.needs and talking.expired_at is None
    # Run again: nothing more to do.
    assert enquiries_expire(now=now) == 0


def test_prune_personal_data_runs_the_enquiry_retention(settings, person, service):
    settings.ENQUIRY_RETENTION_DAYS = 30
    old = send(person, service)
    Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    out = io.StringIO()
    call_command("prune_personal_data", stdout=out)
    assert "enquiries past ENQUIRY_RETENTION_DAYS: 1" in out.getvalue()
    old.refresh_from_db()
    assert old.needs == "" and old.expired_at


def test_an_expired_enquiry_still_renders_for_the_provider(
    client, home_page, person, provider, service
):
    old = send(person, service)
    Enquiry.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2000))
    enquiries_expire()
    client.force_login(provider)
    page = soup(client.get(old.get_provider_url()))
    assert "07700 900123" not in page.get_text()
    assert client.get("/provider/enquiries/?status=all").status_code == 200
