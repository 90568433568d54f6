"""Every route to a concern: the listing page, the listing report's safety choice, a review or
reply rejected for safeguarding reasons, a provider's enquiry and a practitioner's plan. Each
makes exactly one concern and one e-mail to the team inbox, with no personal data in it."""

from decimal import Decimal

from django.core import mail
from django.urls import reverse

import pytest

from catalogue.models import ListingReport
from core.roles import Role
from marketplace.plans import services as plan_services
from ratings import services as rating_services
from ratings.models import RejectionReason
from safeguarding.models import Concern
from tests.factories import make_provider, make_user
from tests.ratings.conftest import write_review

from .conftest import SECRET, TEAM_INBOX

pytestmark = pytest.mark.django_db

CONCERN_FORM = {
    "danger_now": "no",
    "description": SECRET,
    "happened_when": "Last week",
    "person_knows": "no",
    "reporter_name": "Ann Reporter",
    "reporter_email": "ann@example.org",
    "reporter_phone": "07700 900123",
}
PERSONAL = ("Jones", "Elm Road", "food", "Ann", "ann@example.org", "07700", "Pat", "pat@")


def only_alert(concern):
    """The one e-mail to the inbox, with the reference and a link, nothing personal (and the
    reporter's acknowledgement if they gave an address, nothing else)."""
    (message,) = [m for m in mail.outbox if m.to == [TEAM_INBOX]]
    others = [m.to for m in mail.outbox if m is not message]
    assert others == ([[concern.reporter_email]] if concern.reporter_email else [])
    assert message.to == [TEAM_INBOX]
    assert concern.reference in message.subject
    assert f"/admin/safeguarding/concerns/{concern.pk}/" in message.body
    for word in PERSONAL:
        assert word not in message.subject + message.body, word
    return message


def test_a_listing_links_to_a_concern_about_it(
    client, home_page, inbox, service, django_capture_on_commit_callbacks
):
    page = client.get(service.get_absolute_url()).content.decode()
    url = reverse("catalogue:service_concern", args=[service.slug])
    assert f'href="{url}"' in page
    form = client.get(url).content.decode()
    assert service.name in form and 'name="place"' not in form  # it is about the listing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, CONCERN_FORM)
    assert response["Location"] == reverse("safeguarding:sent")
    concern = Concern.objects.get()
    assert (concern.service, concern.organisation) == (service, service.organisation)
    assert concern.source == Concern.Source.LISTING
    assert concern.reporter_phone == "07700 900123"
    only_alert(concern)


def test_an_organisation_page_links_to_a_concern_about_it(
    client, home_page, inbox, service, django_capture_on_commit_callbacks
):
    organisation = service.organisation
    url = reverse("catalogue:organisation_concern", args=[organisation.slug])
    assert f'href="{url}"' in client.get(organisation.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, CONCERN_FORM)
    concern = Concern.objects.get()
    assert (concern.service, concern.organisation) == (None, organisation)
    only_alert(concern)


def test_the_listing_reports_safety_choice_becomes_a_concern_not_a_report(
    client, home_page, inbox, service, django_capture_on_commit_callbacks
):
    make_user("moderator@council.example", Role.MODERATOR)
    report_url = reverse("catalogue:service_report", args=[service.slug])
    response = client.post(
        report_url, {"reason": "concern", "message": SECRET, "email": "ann@example.org"}
    )
    concern_url = reverse("catalogue:service_concern", args=[service.slug])
    assert response.status_code == 302 and response["Location"] == concern_url
    assert not ListingReport.objects.exists() and mail.outbox == []  # moderators not told
    form = client.get(concern_url).content.decode()
    assert SECRET in form  # what they typed is carried over
    with django_capture_on_commit_callbacks(execute=True):
        client.post(concern_url, CONCERN_FORM)
    concern = Concern.objects.get()
    assert concern.service == service and concern.description == SECRET
    assert not ListingReport.objects.exists()
    only_alert(concern)
    assert SECRET not in client.get(concern_url).content.decode()  # forgotten once sent


@pytest.mark.parametrize("reason", [RejectionReason.SAFEGUARDING, RejectionReason.ABUSIVE])
def test_a_review_rejected_for_safeguarding_reasons_becomes_a_concern(
    inbox, service, reason, django_capture_on_commit_callbacks
):
    moderator = make_user("moderator@council.example", Role.MODERATOR)
    text = f"{SECRET}. The night staff shout at her and leave her in a wet bed for hours."
    review = write_review(service, make_user("author@example.org"), text=text)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rating_services.review_reject(moderator=moderator, review=review, reason=reason)
    if reason != RejectionReason.SAFEGUARDING:
        assert not Concern.objects.exists()
        return
    concern = Concern.objects.get()
    assert concern.source == Concern.Source.REVIEW and concern.service == service
    assert SECRET in concern.description and review.title in concern.description
    assert concern.reporter is None
    alerts = [m for m in mail.outbox if m.to == [TEAM_INBOX]]
    assert len(alerts) == 1 and concern.reference in alerts[0].subject
    for word in PERSONAL:
        assert word not in alerts[0].body


def test_a_reply_rejected_for_safeguarding_reasons_becomes_a_concern(
    inbox, service, django_capture_on_commit_callbacks
):
    moderator = make_user("moderator@council.example", Role.MODERATOR)
    staff = make_provider(service.organisation, email="staff@provider.example")
    review = rating_services.review_approve(moderator=moderator, review=write_review(service))
    reply = rating_services.reply_create(user=staff, review=review, text=SECRET)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rating_services.reply_reject(
            moderator=moderator, reply=reply, reason=RejectionReason.SAFEGUARDING
        )
    concern = Concern.objects.get()
    assert concern.source == Concern.Source.REPLY and concern.description == SECRET
    assert len([m for m in mail.outbox if m.to == [TEAM_INBOX]]) == 1


@pytest.fixture
def enquiry(service):
    (enquiry,) = plan_services.enquiry_send(
        user=make_user("pat@example.org"),
        services=[service],
        sender_name="Pat Public",
        contact_email="pat@example.org",
        contact_phone="07700 900123",
        for_whom="myself",
        needs="Help at home.",
    )
    mail.outbox.clear()
    return enquiry


@pytest.fixture
def provider_staff(service):
    """A member of the provider's team from before the enquiry (members read only the
    enquiries made while they were members, issue 18)."""
    return make_provider(service.organisation, email="staff@provider.example")


def test_a_provider_raises_a_concern_from_an_enquiry(
    client, home_page, inbox, service, provider_staff, enquiry, django_capture_on_commit_callbacks
):
    url = reverse("plans:provider_enquiry_concern", args=[enquiry.uuid])
    staff = provider_staff
    client.force_login(staff)
    assert f'href="{url}"' in client.get(enquiry.get_provider_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, CONCERN_FORM)
    assert response["Location"] == reverse("safeguarding:sent")
    concern = Concern.objects.get()
    assert concern.source == Concern.Source.ENQUIRY and concern.reporter == staff
    assert "Pat Public" in concern.place and concern.service is None
    only_alert(concern)


def test_only_the_enquirys_provider_may_raise_from_it(client, home_page, enquiry):
    url = reverse("plans:provider_enquiry_concern", args=[enquiry.uuid])
    assert client.get(url).status_code == 302  # sign in first
    for person in (make_user(), make_provider(email="other@provider.example")):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, CONCERN_FORM).status_code == 404
    assert not Concern.objects.exists()


@pytest.fixture
def plan(db):
    owner = make_user("pat@example.org")
    plan = plan_services.plan_create(
        user=owner, person_name="Pat", budget=Decimal("373.53"), budget_source="council"
    )
    return plan


def share(plan, user, access="view"):
    invitation = plan_services.plan_share(
        user=plan.owner, plan=plan, name="Sam", email=user.email, access=access
    )
    plan_services.plan_share_accept(user=user, share=invitation)


def test_a_practitioner_raises_a_concern_from_a_plan(
    client, home_page, inbox, plan, django_capture_on_commit_callbacks
):
    practitioner = make_user("sam@council.example", Role.PRACTITIONER)
    share(plan, practitioner)
    mail.outbox.clear()
    url = reverse("plans:plan_concern", args=[plan.uuid])
    client.force_login(practitioner)
    assert f'href="{url}"' in client.get(plan.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, CONCERN_FORM)
    concern = Concern.objects.get()
    assert concern.source == Concern.Source.PLAN and concern.reporter == practitioner
    assert concern.place.startswith("Pat,")
    only_alert(concern)


def test_only_a_practitioner_the_plan_is_shared_with_may_raise_from_it(client, home_page, plan):
    url = reverse("plans:plan_concern", args=[plan.uuid])
    friend = make_user("friend@example.org")
    share(plan, friend)
    cases = [
        (plan.owner, 403),
        (friend, 403),
        (make_user("x@council.example", Role.PRACTITIONER), 404),  # not shared with them
    ]
    for person, status in cases:
        client.force_login(person)
        assert client.get(url).status_code == status
        assert client.post(url, CONCERN_FORM).status_code == status
        assert 'id="concern-link"' not in client.get(plan.get_absolute_url()).content.decode()
    assert not Concern.objects.exists()
