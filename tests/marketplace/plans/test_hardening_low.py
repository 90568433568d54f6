"""Issue 18, low items: ids too long for the database, the names of listings the public
cannot find, and a double-clicked enquiry."""

from django.core import mail

import pytest

from catalogue.models import Service
from marketplace.plans.models import Enquiry
from tests.factories import ServiceFactory

from .conftest import soup
from .test_views import enquiry_data

pytestmark = pytest.mark.django_db

HUGE = "1" * 25


@pytest.mark.parametrize("value", [HUGE, "9223372036854775808", "²", "-1", "0", "1e3"])
def test_an_id_too_long_or_not_an_id_is_ignored_not_a_server_error(
    sign_in, home_page, person, service, value
):
    client = sign_in(person)
    response = client.get(f"/enquiries/new/?service={value}")
    assert response.status_code == 200
    response = client.post("/shortlist/remove/", {"service": value})
    assert response.status_code == 400
    response = client.post("/shortlist/add/", {"service": value})
    assert response.status_code == 400


def test_the_largest_id_is_still_an_id(sign_in, home_page, person):
    client = sign_in(person)
    assert client.get("/enquiries/new/?service=9223372036854775807").status_code == 200


@pytest.mark.parametrize(
    "status", [Service.Status.PENDING, Service.Status.REJECTED, Service.Status.SUSPENDED]
)
def test_the_enquiry_form_does_not_name_a_listing_the_public_cannot_find(
    sign_in, home_page, person, organisation, status
):
    hidden = ServiceFactory(organisation=organisation, name="Secret Respite House", status=status)
    client = sign_in(person)
    response = client.get(f"/enquiries/new/?service={hidden.pk}")
    assert response.status_code == 200
    assert "Secret Respite House" not in response.content.decode()


def test_a_listing_on_my_shortlist_hidden_since_is_still_offered_so_i_see_why(
    sign_in, home_page, person, service
):
    client = sign_in(person)
    client.post("/shortlist/add/", {"service": service.pk})
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)
    page = soup(client.get(f"/enquiries/new/?service={service.pk}"))
    assert service.name in page.get_text()


def test_a_double_clicked_enquiry_is_sent_once(
    sign_in, home_page, person, provider, service, django_capture_on_commit_callbacks
):
    client = sign_in(person)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/enquiries/new/", enquiry_data(service))
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post("/enquiries/new/", enquiry_data(service), follow=True)

    enquiry = Enquiry.objects.get()  # one enquiry
    assert first["Location"] == enquiry.get_absolute_url()
    assert second.redirect_chain == [(enquiry.get_absolute_url(), 302)]
    banners = [b.get_text() for b in soup(second).select(".govuk-notification-banner__heading")]
    sent = f"Your enquiry has been sent to {service.public_title}. It was sent once, just now."
    assert sent in banners
    to_provider = [m for m in mail.outbox if provider.email in m.to]
    to_person = [m for m in mail.outbox if person.email in m.to]
    assert (len(to_provider), len(to_person)) == (1, 1)  # one e-mail each

    # Other words are another enquiry.
    client.post("/enquiries/new/", enquiry_data(service, needs="And help on Sundays."))
    assert Enquiry.objects.count() == 2
