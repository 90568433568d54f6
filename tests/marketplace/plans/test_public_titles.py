"""Names people can tell apart (issue 23: "Results show eight services all called 'Home care
in Shrewsbury'; the provider is small grey text"): wherever a service is named to the public it
is Service.public_title, "Provider: Service name in Town"; the open-data API keeps the name."""

from decimal import Decimal

from django.core import mail

from marketplace.plans import services
from marketplace.plans.models import Enquiry
from search.backends import get_backend

from .conftest import soup, text_of

TITLE = "Holly Homecare: Home care in Ludlow"
OTHER = "Oak Care: Oak home support"


def test_search_cards_lead_with_the_provider_and_mark_the_words_in_the_name(
    client, home_page, service, other_service
):
    get_backend().rebuild()
    page = soup(client.get("/search/?q=ludlow"))
    titles = [text_of(h) for h in page.select(".app-card__title")]
    assert titles == [TITLE]
    assert page.select_one(".app-card__title mark").get_text() == "Ludlow"
    everything = soup(client.get("/search/"))
    assert sorted(text_of(h) for h in everything.select(".app-card__title")) == [TITLE, OTHER]


def test_the_service_page_title_and_heading(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))
    assert text_of(page.select_one("h1")) == TITLE
    assert text_of(page.select_one("title")).startswith(TITLE)


def test_shortlist_and_compare(client, home_page, service, other_service, hourly):
    response = client.post("/shortlist/add/", {"service": service.pk}, follow=True)
    assert f"{TITLE} has been added to your shortlist." in response.content.decode()
    client.post("/shortlist/add/", {"service": other_service.pk})
    shortlist = soup(client.get("/shortlist/"))
    assert sorted(text_of(h) for h in shortlist.select("#shortlist h2")) == [TITLE, OTHER]
    table = soup(client.get("/shortlist/compare/")).select_one("#compare-table")
    headings = [text_of(a) for a in table.select("thead th a")]
    assert sorted(headings) == [TITLE, OTHER]


def test_a_plan_line_is_described_by_the_public_title(person, service, hourly):
    plan = services.plan_create(user=person, person_name="Jane")
    line = services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=Decimal(2)
    )
    assert line.description == TITLE
    assert line.provided_by == "Holly Homecare"


def test_enquiry_emails_and_pages(
    sign_in, home_page, person, service, django_capture_on_commit_callbacks
):
    client = sign_in(person)
    data = {
        "services": [service.pk],
        "needs": "Help getting up each morning.",
        "for_whom": "myself",
        "start": "asap",
        "sender_name": "Pat Public",
        "contact_email": "pat@example.org",
        "contact_phone": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enquiries/new/", data)
    subjects = [m.subject for m in mail.outbox]
    assert f"New enquiry about {TITLE}" in subjects
    sent = next(m for m in mail.outbox if m.to == ["pat@example.org"])
    assert f"- {TITLE}\n" in sent.body
    enquiry = Enquiry.objects.get()
    page = soup(client.get(enquiry.get_absolute_url()))
    assert text_of(page.select_one("h1")) == f"Enquiry about {TITLE}"
    listing = soup(client.get("/enquiries/"))
    assert TITLE in text_of(listing.select_one("#enquiries"))


def test_the_open_referral_api_keeps_the_raw_name(client, home_page, service):
    response = client.get(f"/api/openreferral/v3/services/{service.uuid}")
    assert response.status_code == 200
    assert response.json()["name"] == "Home care in Ludlow"
