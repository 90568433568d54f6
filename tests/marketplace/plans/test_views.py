"""The pages: who may open them (the permissions matrix), what they show, and bad input."""

from datetime import timedelta
from decimal import Decimal

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest

from catalogue.models import Service
from core.roles import Role
from marketplace.plans import services
from marketplace.plans.models import Enquiry, PlanLine, PlanShare, ShortlistItem, SupportPlan
from marketplace.ras.models import SchemeVersion
from tests.factories import DEFAULT_PASSWORD, PriceOptionFactory, ServiceFactory, make_user

from .conftest import soup, text_of

pytestmark = pytest.mark.django_db

D = Decimal


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def error_summary(response) -> str:
    return text_of(soup(response).select_one(".govuk-error-summary"))


# --- shortlist --------------------------------------------------------------------------------


def test_the_service_page_offers_shortlist_and_enquiry(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))
    button = page.select_one("#plans-actions form button")
    assert text_of(button) == f"Add to shortlist : {service.public_title}"
    assert page.select_one("#plans-actions input[name=csrfmiddlewaretoken]")
    assert page.select_one("#enquiry-link")["href"] == f"/enquiries/new/?service={service.pk}"


def test_shortlist_without_javascript_or_an_account(client, home_page, service, other_service):
    response = client.post(
        "/shortlist/add/", {"service": service.pk, "next": service.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == service.get_absolute_url()

    page = soup(client.get(service.get_absolute_url()))
    assert "Remove from shortlist" in text_of(page.select_one("#plans-actions"))
    assert text_of(page.select_one("#shortlist-link")) == "Shortlist (1)"

    client.post("/shortlist/add/", {"service": other_service.pk})
    shortlist = soup(client.get("/shortlist/"))
    names = [text_of(h) for h in shortlist.select("#shortlist h2")]
    assert names == [service.public_title, other_service.public_title]


def test_shortlist_js_gets_what_changed_without_a_flashed_message(client, home_page, service):
    # static/js/shortlist.js updates the button and the header's count in place (issue 20).
    fetch = {"headers": {"X-Requested-With": "fetch"}}

    added = client.post("/shortlist/add/", {"service": service.pk}, **fetch)
    assert added.status_code == 200
    assert added.json() == {
        "in_shortlist": True,
        "count": 1,
        "message": f"{service.public_title} has been added to your shortlist.",
    }
    removed = client.post("/shortlist/remove/", {"service": service.pk}, **fetch)
    assert removed.json()["in_shortlist"] is False and removed.json()["count"] == 0

    # Nothing waits to be shown on the next page the person opens.
    page = soup(client.get(service.get_absolute_url()))
    assert not page.select(".govuk-notification-banner")


def test_shortlist_js_hears_why_a_service_cannot_be_added(client, home_page, service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)
    response = client.post(
        "/shortlist/add/", {"service": service.pk}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 400 and "cannot be added" in response.json()["error"]


def test_next_must_be_on_this_site(client, home_page, service):
    response = client.post(
        "/shortlist/add/", {"service": service.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/shortlist/"


@pytest.mark.parametrize("value", ["", "abc", "99999999"])
def test_adding_nonsense_is_a_clear_answer_not_a_500(client, home_page, value):
    response = client.post("/shortlist/add/", {"service": value})
    assert response.status_code in (400, 404)


def test_a_hidden_listing_cannot_be_shortlisted(client, home_page, service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)
    response = client.post("/shortlist/add/", {"service": service.pk}, follow=True)
    assert "cannot be added" in response.content.decode()
    assert services.SESSION_KEY not in client.session


def test_the_shortlist_joins_the_account_on_sign_in(client, home_page, person, service):
    client.post("/shortlist/add/", {"service": service.pk})
    response = client.post(
        "/accounts/login/", {"login": person.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert list(
        ShortlistItem.objects.filter(shortlist__user=person).values_list("service", flat=True)
    ) == [service.pk]


def test_compare_side_by_side(client, home_page, service, other_service, hourly, other_hourly):
    from tests.factories import PostcodeFactory

    PostcodeFactory(postcode="SY8 1AA", district="SY8", easting=351100, northing=274500)
    Service.objects.filter(pk=service.pk).update(
        cqc_location_id="1-1",
        cqc_overall="Good",
        review_count=12,
        review_score=D("4.20"),
        review_mean=D("4.25"),
        accepting_new_clients=True,
    )
    for listing in (service, other_service):
        client.post("/shortlist/add/", {"service": listing.pk})

    page = soup(client.get("/shortlist/compare/?postcode=sy81aa"))

    table = page.select_one("#compare-table")
    headers = [text_of(th) for th in table.select("thead th")]
    assert headers[0].startswith(service.public_title)
    assert headers[1].startswith(other_service.public_title)
    rows = {
        text_of(tr.th): [text_of(td) for td in tr.select("td")] for tr in table.select("tbody tr")
    }
    assert rows["Price"] == ["£15.56 per hour", "£22 per hour"]
    # The average people see everywhere, not the ranking score (issue 20: compare said 4.20).
    assert rows["Rating from reviews"][0] == "★★★★☆ 4.3 out of 5 stars, from 12 reviews"
    assert rows["CQC rating"][0].startswith("Good")
    assert rows["Distance from SY8 1AA"][0] == "0.1 miles (0.1 km)"
    assert rows["Accepting new clients"][0] == "Yes"
    # Issue 20: compare had no way to get in touch, and "Listed now: Yes" was jargon.
    assert "Listed now" not in rows
    enquiry = table.select("tbody tr")[-1].select("td a.govuk-button")
    assert [text_of(a) for a in enquiry] == [
        f"Send an enquiry to {service.public_title}",
        f"Send an enquiry to {other_service.public_title}",
    ]
    assert enquiry[0]["href"] == f"/enquiries/new/?service={service.pk}"


def test_compare_says_when_a_shortlisted_service_has_left_and_offers_no_enquiry(
    client, home_page, service, other_service
):
    for listing in (service, other_service):
        client.post("/shortlist/add/", {"service": listing.pk})
    Service.objects.filter(pk=other_service.pk).update(status=Service.Status.SUSPENDED)

    table = soup(client.get("/shortlist/compare/")).select_one("#compare-table")

    headers = table.select("thead th")
    assert not headers[0].select(".govuk-tag")
    assert text_of(headers[1].select_one(".govuk-tag")) == "No longer on the site"
    contact = table.select("tbody tr")[-1].select("td")
    assert contact[0].select_one("a.govuk-button")
    assert not contact[1].select("a") and text_of(contact[1]) == (
        "You can no longer send an enquiry"
    )


def test_the_postcode_given_in_search_shows_distances_on_service_pages_and_compare(
    client, home_page, service
):
    # Issue 20: the postcode was forgotten between search, the service page and compare.
    from tests.factories import PostcodeFactory

    PostcodeFactory(postcode="SY8 2ZZ", district="SY8", easting=350234, northing=317678)
    client.post("/shortlist/add/", {"service": service.pk})
    assert not soup(client.get(service.get_absolute_url())).select("#distance-result")

    assert client.get("/search/", {"postcode": "sy8 2zz"}).status_code == 200

    page = soup(client.get(service.get_absolute_url()))
    assert "from SY8 2ZZ" in text_of(page.select_one("#distance-result"))
    assert page.select_one("#how-far ~ form input[name=postcode]")["value"] == "SY8 2ZZ"
    compare = soup(client.get("/shortlist/compare/"))
    assert compare.select_one("input[name=postcode]")["value"] == "SY8 2ZZ"
    distance = next(
        tr for tr in compare.select("#compare-table tbody tr") if "Distance" in text_of(tr.th)
    )
    assert text_of(distance.th) == "Distance from SY8 2ZZ"
    assert "Enter your postcode" not in text_of(distance)

    # Clearing the box on compare forgets it.
    client.get("/shortlist/compare/", {"postcode": ""})
    assert not soup(client.get(service.get_absolute_url())).select("#distance-result")


def test_compare_with_an_unknown_postcode_says_so(client, home_page, service):
    client.post("/shortlist/add/", {"service": service.pk})
    response = client.get("/shortlist/compare/?postcode=ZZ99+9ZZ")
    assert response.status_code == 200
    assert "cannot find ZZ99 9ZZ" in error_summary(response)


def test_shortlist_and_compare_queries_do_not_grow_with_the_list(
    client, home_page, organisation, home_care, django_assert_max_num_queries
):
    listings = ServiceFactory.create_batch(8, organisation=organisation, categories=[home_care])
    counts = {}
    for number, listing in enumerate(listings, 1):
        PriceOptionFactory(service=listing)
        client.post("/shortlist/add/", {"service": listing.pk})
        if number in (1, 8):
            client.get("/shortlist/")  # shows (and so clears) the "added" message first
            for url in ("/shortlist/", "/shortlist/compare/"):
                with django_assert_max_num_queries(16) as captured:
                    assert client.get(url).status_code == 200
                counts[number, url] = len(captured)
    assert counts[1, "/shortlist/"] == counts[8, "/shortlist/"]
    assert counts[1, "/shortlist/compare/"] == counts[8, "/shortlist/compare/"]


# --- enquiries --------------------------------------------------------------------------------


def enquiry_data(*listings, **overrides):
    data = {
        "services": [s.pk for s in listings],
        "needs": "Help getting up each morning.",
        "for_whom": "myself",
        "start": "asap",
        "sender_name": "Pat Public",
        "contact_email": "pat@example.org",
        "contact_phone": "",
    }
    data.update(overrides)
    return data


def test_enquiry_emails_link_to_the_host_and_port_the_person_used(
    sign_in, home_page, person, service, settings, django_capture_on_commit_callbacks
):
    # Issue 20: every notice linked to http://127.0.0.1:8000/ whatever port the site ran on.
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    client = sign_in(person)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/enquiries/new/", enquiry_data(service), headers={"host": "localhost:8123"})

    enquiry = Enquiry.objects.get(service=service)
    bodies = [m.body for m in mail.outbox]
    assert len(bodies) == 2  # the provider's notice and the sender's receipt
    assert [b for b in bodies if f"http://localhost:8123{enquiry.get_provider_url()}" in b]
    assert [b for b in bodies if "http://localhost:8123/enquiries/" in b]
    assert not [b for b in bodies if "8000" in b]


def test_sending_an_enquiry_needs_sign_in(client, home_page, service):
    response = client.get(f"/enquiries/new/?service={service.pk}")
    assert is_sign_in_redirect(response)
    response = client.post("/enquiries/new/", enquiry_data(service))
    assert is_sign_in_redirect(response)
    assert not Enquiry.objects.exists()


def test_one_enquiry_to_two_shortlisted_services_end_to_end(
    sign_in, home_page, person, provider, service, other_service, django_capture_on_commit_callbacks
):
    client = sign_in(person)
    client.post("/shortlist/add/", {"service": service.pk})
    client.post("/shortlist/add/", {"service": other_service.pk})

    form = soup(client.get(f"/enquiries/new/?service={service.pk}&service={other_service.pk}"))
    assert len(form.select("input[name=services][checked]")) == 2
    assert form.select_one("input[name=contact_email]")["value"] == person.email

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enquiries/new/", enquiry_data(service, other_service))
    assert response["Location"] == "/enquiries/"
    assert Enquiry.objects.count() == 2

    # the provider replies from the inbox
    enquiry = Enquiry.objects.get(service=service)
    client.force_login(provider)
    inbox = soup(client.get("/provider/enquiries/"))
    assert [text_of(a) for a in inbox.select("#inbox th a")] == ["Pat Public"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(enquiry.get_provider_url(), {"body": "We can start on Monday."})
    assert "replied to your enquiry" in mail.outbox[-1].subject

    # the person sees the reply
    client.force_login(person)
    page = soup(client.get(enquiry.get_absolute_url()))
    assert "We can start on Monday." in text_of(page.select_one("#thread"))
    listing = soup(client.get("/enquiries/"))
    assert "Replied" in text_of(listing.select_one("#enquiries"))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"contact_email": "", "contact_phone": ""}, "so the provider can reply"),
        ({"needs": "x" * 3001}, "3,000 characters or fewer"),
        ({"contact_phone": "12", "contact_email": ""}, "at least 10 digits"),
        ({"contact_email": "not-an-email"}, "right format"),
        ({"start": "date", "start_date": "31/02/2027"}, "real date"),
        ({"services": []}, "Choose at least one service"),
    ],
)
def test_bad_enquiries_keep_what_was_typed(sign_in, home_page, person, service, overrides, message):
    client = sign_in(person)
    data = enquiry_data(service, **overrides)
    response = client.post(f"/enquiries/new/?service={service.pk}", data)
    assert response.status_code == 200
    assert message in error_summary(response)
    page = soup(response)
    assert page.select_one("textarea[name=needs]").get_text().strip() == data["needs"]
    assert page.select_one("title").get_text().startswith("Error:")
    assert not Enquiry.objects.exists()


def test_a_service_of_someone_elses_choice_cannot_be_slipped_in(
    sign_in, home_page, person, service
):
    hidden = ServiceFactory(status=Service.Status.DRAFT)
    client = sign_in(person)
    response = client.post("/enquiries/new/", enquiry_data(service, hidden))
    assert response.status_code == 200
    # Refused without naming it: a draft's name is not the public's to read.
    assert "Choose services from the list" in error_summary(response)
    assert hidden.name not in response.content.decode()
    assert not Enquiry.objects.exists()


@pytest.fixture
def enquiry(person, service, provider):
    # The provider is staff before the enquiry is sent: staff read only what came while they were.
    (enquiry,) = services.enquiry_send(
        user=person,
        services=[service],
        sender_name="Pat Public",
        contact_email="pat@example.org",
        contact_phone="07700 900123",
        for_whom="myself",
        needs="Help at home.",
    )
    return enquiry


def test_enquiry_permissions(
    client, home_page, enquiry, person, stranger, provider, other_provider
):
    person_url = enquiry.get_absolute_url()
    provider_url = enquiry.get_provider_url()
    close_url = reverse("plans:provider_enquiry_close", args=[enquiry.uuid])
    assert is_sign_in_redirect(client.get(person_url))
    assert is_sign_in_redirect(client.get(provider_url))
    assert is_sign_in_redirect(client.post(close_url))

    expectations = [
        (person, person_url, 200),
        (person, provider_url, 404),
        (stranger, person_url, 404),
        (stranger, provider_url, 404),
        (provider, provider_url, 200),
        (provider, person_url, 404),
        (other_provider, provider_url, 404),
    ]
    for user, url, status in expectations:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, (user.email, url)
        if status == 404:
            assert b"07700 900123" not in response.content

    client.force_login(other_provider)
    assert client.post(close_url).status_code == 404
    assert client.post(provider_url, {"body": "Hi"}).status_code == 404
    client.force_login(stranger)
    assert client.post(person_url, {"body": "Hi"}).status_code == 404
    assert not enquiry.messages.exists()


def test_contact_details_are_shown_to_the_provider_and_the_sender(
    client, home_page, enquiry, person, provider
):
    for user, url in ((provider, enquiry.get_provider_url()), (person, enquiry.get_absolute_url())):
        client.force_login(user)
        details = text_of(soup(client.get(url)).select_one("#contact-details"))
        assert "pat@example.org" in details and "07700 900123" in details


def test_the_inbox_shows_only_the_providers_own(sign_in, home_page, enquiry, other_provider):
    client = sign_in(other_provider)
    page = soup(client.get("/provider/enquiries/"))
    assert page.select_one("#inbox") is None
    assert "Pat Public" not in page.get_text()


def test_the_person_sees_only_their_own_enquiries(sign_in, home_page, enquiry, stranger):
    page = soup(sign_in(stranger).get("/enquiries/"))
    assert page.select_one("#enquiries") is None


def test_closing_from_the_inbox(sign_in, home_page, enquiry, provider):
    client = sign_in(provider)
    response = client.post(reverse("plans:provider_enquiry_close", args=[enquiry.uuid]))
    assert response["Location"] == "/provider/enquiries/"
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.CLOSED
    page = soup(client.get(enquiry.get_provider_url()))
    assert page.select_one("textarea[name=body]") is None
    assert "closed on" in page.get_text()


def test_an_over_long_reply_is_kept(sign_in, home_page, enquiry, provider):
    client = sign_in(provider)
    text = "z" * 3001
    response = client.post(enquiry.get_provider_url(), {"body": text})
    assert response.status_code == 200
    assert "3,000 characters or fewer" in error_summary(response)
    assert soup(response).select_one("textarea[name=body]").get_text().strip() == text


def test_the_inbox_and_my_enquiries_do_not_grow_in_queries(
    sign_in, home_page, person, provider, organisation, home_care, django_assert_max_num_queries
):
    listings = ServiceFactory.create_batch(6, organisation=organisation, categories=[home_care])
    services.enquiry_send(
        user=person,
        services=listings,
        sender_name="Pat",
        contact_email="p@example.org",
        contact_phone="",
        for_whom="myself",
        needs="Help",
    )
    client = sign_in(provider)
    # About nine queries are the site's chrome and the session; six enquiries with an N+1
    # would pass these limits by far.
    with django_assert_max_num_queries(16):
        assert client.get("/provider/enquiries/?status=all").status_code == 200
    client.force_login(person)
    with django_assert_max_num_queries(14):
        assert client.get("/enquiries/").status_code == 200


def test_the_dashboard_links_the_inbox_with_counts_and_shows_usage(
    sign_in, home_page, enquiry, provider, service
):
    page = soup(sign_in(provider).get("/provider/"))
    organisation = service.organisation
    assert "1 waiting for a reply, 1 open" in text_of(
        page.select_one(f"#enquiries-{organisation.pk}")
    )
    usage = text_of(page.select_one(f"#usage-{organisation.pk}"))
    assert service.name in usage and "0 / 0 / 1" in usage


def test_public_views_count_and_staff_views_do_not(
    client, home_page, service, provider, django_capture_on_commit_callbacks
):
    from marketplace.plans.models import ListingWeek

    with django_capture_on_commit_callbacks(execute=True):
        client.get(service.get_absolute_url())
        client.get(service.get_absolute_url())  # the same visitor reloading: counted once a week
        client.head(service.get_absolute_url())  # not a view by a person
        client.get(service.get_absolute_url(), REMOTE_ADDR="203.0.113.9")  # another visitor
        client.force_login(provider)
        client.get(service.get_absolute_url())
    assert ListingWeek.objects.get(service=service).views == 2


def test_a_hidden_listing_seen_by_its_staff_is_not_counted(
    client, home_page, service, provider, django_capture_on_commit_callbacks
):
    from marketplace.plans.models import ListingWeek

    Service.objects.filter(pk=service.pk).update(status=Service.Status.DRAFT)
    client.force_login(make_user("moderator@council.example", Role.MODERATOR))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(service.get_absolute_url()).status_code == 200
    assert not ListingWeek.objects.exists()


# --- support plans ----------------------------------------------------------------------------


@pytest.fixture
def plan(person):
    return services.plan_create(
        user=person, person_name="Pat", budget=D("373.53"), budget_source="council"
    )


def plan_urls(plan, line=None):
    uuid = plan.uuid
    urls = {
        "detail": ("get", f"/plans/{uuid}/"),
        "print": ("get", f"/plans/{uuid}/print/"),
        "csv": ("get", f"/plans/{uuid}/plan.csv"),
        "edit": ("get", f"/plans/{uuid}/edit/"),
        "outcomes": ("get", f"/plans/{uuid}/outcomes/"),
        "add-service": ("get", f"/plans/{uuid}/lines/add-service/"),
        "add-support": ("get", f"/plans/{uuid}/lines/add-support/"),
        "share": ("get", f"/plans/{uuid}/share/"),
        "delete": ("get", f"/plans/{uuid}/delete/"),
        "submit": ("post", f"/plans/{uuid}/submit/"),
        "agree": ("post", f"/plans/{uuid}/agree/"),
    }
    if line:
        urls["line"] = ("get", f"/plans/{uuid}/lines/{line.pk}/")
        urls["line-remove"] = ("post", f"/plans/{uuid}/lines/{line.pk}/remove/")
    return urls


# Submitting an incomplete plan redirects back with a message; agreeing is only for a
# practitioner the plan is shared with (test_a_practitioner_agrees_from_the_page), so 403 here.
VIEWER_MAY = {"detail", "print", "csv"}
EDITOR_MAY = VIEWER_MAY | {
    "submit",
    "edit",
    "outcomes",
    "add-service",
    "add-support",
    "line",
    "line-remove",
}


def test_plan_permissions_matrix(
    client, home_page, plan, person, stranger, practitioner, service, hourly
):
    line = services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("2")
    )
    viewer = make_user("viewer@example.org")
    editor = make_user("editor@example.org")
    for user, access in ((viewer, "view"), (editor, "edit")):
        share = services.plan_share(
            user=person, plan=plan, name="H", email=user.email, access=access
        )
        services.plan_share_accept(user=user, share=share)

    urls = plan_urls(plan, line)
    for method, url in urls.values():
        assert is_sign_in_redirect(getattr(client, method)(url)), url

    for user, allowed in (
        (person, set(urls) - {"agree"}),
        (editor, EDITOR_MAY),
        (viewer, VIEWER_MAY),
        (stranger, set()),
        (practitioner, set()),  # a practitioner sees only plans shared with them
    ):
        client.force_login(user)
        for name, (method, url) in urls.items():
            if name == "line-remove":
                continue  # would change the plan for the next users; covered below
            status = getattr(client, method)(url).status_code
            if name in allowed:
                assert status in (200, 302), (user.email, name, status)
            else:
                assert status in (403, 404), (user.email, name, status)

    client.force_login(viewer)
    assert client.post(urls["line-remove"][1]).status_code == 403
    client.force_login(stranger)
    assert client.post(urls["line-remove"][1]).status_code == 404
    assert PlanLine.objects.filter(pk=line.pk).exists()


def test_the_plan_list_shows_own_and_shared_only(sign_in, home_page, plan, person, stranger):
    services.plan_create(user=stranger, person_name="Someone else")
    page = soup(sign_in(person).get("/plans/"))
    assert [text_of(a) for a in page.select("#own-plans a")] == ["Plan for Pat"]
    assert page.select_one("#shared-plans") is None


def test_build_a_plan_in_the_browser_within_budget(
    sign_in, home_page, person, service, hourly, other_service, other_hourly
):
    client = sign_in(person)
    response = client.post(
        "/plans/new/",
        {
            "person_name": "Pat",
            "budget": "£373.53",
            "budget_source": "council",
            "money_management": "direct-payment",
        },
    )
    plan = SupportPlan.objects.get()
    assert response["Location"] == plan.get_absolute_url()
    client.post(
        f"/plans/{plan.uuid}/outcomes/", {"outcomes": "Stay in my own home\nSee my friends"}
    )
    for listing in (service, other_service):
        client.post("/shortlist/add/", {"service": listing.pk})

    choose = soup(client.get(f"/plans/{plan.uuid}/lines/add-service/"))
    assert [text_of(a) for a in choose.select("#choose-service a")] == [
        service.public_title,
        other_service.public_title,
    ]
    client.post(
        f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}",
        {"price_option": hourly.pk, "quantity": "20"},
    )
    client.post(
        f"/plans/{plan.uuid}/lines/add-service/?service={other_service.pk}",
        {"price_option": other_hourly.pk, "quantity": "2"},
    )
    client.post(
        f"/plans/{plan.uuid}/lines/add-support/",
        {"description": "Lunch club on Wednesdays", "provided_by": "Ludlow Friendship Group"},
    )

    page = soup(client.get(plan.get_absolute_url()))
    assert text_of(page.select_one("#weekly-total")) == "£355.20"  # 311.20 + 44.00 + 0
    assert text_of(page.select_one("#annual-total")) == "£18,470.40"
    assert text_of(page.select_one("#budget-difference")) == "£18.33"
    assert [text_of(li) for li in page.select("#outcomes li")] == [
        "Stay in my own home",
        "See my friends",
    ]
    assert page.select_one("#tolerance") is not None

    csv_text = client.get(f"/plans/{plan.uuid}/plan.csv").content.decode()
    assert "Weekly total,355.20" in csv_text
    assert "Lunch club on Wednesdays,Ludlow Friendship Group,No cost" in csv_text
    printed = soup(client.get(f"/plans/{plan.uuid}/print/"))
    assert text_of(printed.select_one("#weekly-total")) == "£355.20"


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "more than 0"),
        ("-4", "more than 0"),
        ("1000", "168 hours or fewer"),
        ("lots", "as a number"),
        ("1e400", "168 hours or fewer"),
        ("", "Enter how many a week"),
    ],
)
def test_bad_quantities_keep_the_form(
    sign_in, home_page, person, plan, service, hourly, quantity, message
):
    client = sign_in(person)
    response = client.post(
        f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}",
        {"price_option": hourly.pk, "quantity": quantity, "notes": "mornings"},
    )
    assert response.status_code == 200
    assert message in error_summary(response)
    assert soup(response).select_one("input[name=notes]")["value"] == "mornings"
    assert not plan.lines.exists()


def test_a_price_of_another_service_is_refused_on_the_page(
    sign_in, home_page, person, plan, service, other_hourly
):
    response = sign_in(person).post(
        f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}",
        {"price_option": other_hourly.pk, "quantity": "2"},
    )
    assert response.status_code == 200
    assert "Choose one of the prices of Holly Homecare: Home care in Ludlow" in error_summary(
        response
    )


def test_the_plan_page_shows_a_suspended_service_with_a_notice(
    sign_in, home_page, person, plan, service, hourly
):
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    Service.objects.filter(pk=service.pk).update(status=Service.Status.SUSPENDED)
    page = soup(sign_in(person).get(plan.get_absolute_url()))
    lines = text_of(page.select_one("#plan-lines"))
    assert service.name in lines and "suspended this listing since it was added" in lines
    assert text_of(page.select_one("#weekly-total")) == "£373.44"


def test_a_bad_budget_keeps_the_form(sign_in, home_page, person):
    response = sign_in(person).post(
        "/plans/new/", {"person_name": "Pat", "budget": "lots", "money_management": "undecided"}
    )
    assert response.status_code == 200
    assert "amount of money" in error_summary(response)
    assert soup(response).select_one("input[name=person_name]")["value"] == "Pat"
    assert not SupportPlan.objects.exists()


def test_a_practitioner_agrees_from_the_page(
    sign_in, home_page, person, plan, practitioner, service, hourly
):
    services.plan_set_outcomes(user=person, plan=plan, outcomes=["Stay at home"])
    services.plan_add_service_line(
        user=person, plan=plan, service=service, price_option=hourly, quantity=D("24")
    )
    share = services.plan_share(
        user=person, plan=plan, name="Sam", email=practitioner.email, access="view"
    )
    client = sign_in(practitioner)
    assert client.post(share.accept_path)["Location"] == plan.get_absolute_url()
    client.force_login(person)
    client.post(f"/plans/{plan.uuid}/submit/")
    client.force_login(practitioner)
    page = soup(client.get(plan.get_absolute_url()))
    assert "Agree the plan" in text_of(page.select_one("main"))
    # £373.44 against £373.53 from the council: within the scheme's tolerance.
    SchemeVersion.objects.create(name="RAS", status=SchemeVersion.Status.ACTIVE)
    client.post(f"/plans/{plan.uuid}/agree/")
    plan.refresh_from_db()
    assert plan.status == SupportPlan.Status.AGREED and plan.agreed_by == practitioner


def test_opening_a_share_link_asks_and_only_the_button_accepts(sign_in, home_page, person, plan):
    helper = make_user("helper@example.org")
    share = services.plan_share(
        user=person, plan=plan, name="Hal", email=helper.email, access="view"
    )
    client = sign_in(helper)

    page = client.get(share.accept_path)  # a link preview or mail scanner does no more than this
    assert page.status_code == 200
    assert f"Open the support plan for {plan.person_name}?" in page.content.decode()
    assert "to see the plan" in page.content.decode()
    share.refresh_from_db()
    assert share.user_id is None and share.accepted_at is None
    assert client.get(plan.get_absolute_url()).status_code == 404

    assert client.post(share.accept_path)["Location"] == plan.get_absolute_url()
    share.refresh_from_db()
    assert share.user_id == helper.pk
    assert client.get(plan.get_absolute_url()).status_code == 200
    # Once accepted, the link goes straight to the plan.
    assert client.get(share.accept_path)["Location"] == plan.get_absolute_url()


def test_a_share_link_opened_by_someone_else_is_refused(sign_in, home_page, person, plan, stranger):
    share = services.plan_share(
        user=person, plan=plan, name="Hana", email="hana@example.org", access="edit"
    )
    for method in ("get", "post"):
        response = getattr(sign_in(stranger), method)(share.accept_path)
        assert response.status_code == 403
        body = response.content.decode()
        assert "This invitation was sent to another email address (h•••@e•••.org)." in body
        assert "hana@example.org" not in body  # the link shows a hint, never the address
    assert sign_in(stranger).get(plan.get_absolute_url()).status_code == 404


def test_a_share_invitation_expires_after_the_set_days(sign_in, home_page, person, plan, settings):
    settings.PLANS_SHARE_INVITATION_DAYS = 14
    helper = make_user("helper@example.org")
    old = services.plan_share(user=person, plan=plan, name="Hal", email=helper.email, access="view")
    PlanShare.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    client = sign_in(helper)

    response = client.post(old.accept_path)

    assert response.status_code == 403
    assert "This invitation has expired: invitations last 14 days." in response.content.decode()
    assert client.get(plan.get_absolute_url()).status_code == 404
    # Thirteen days old is still good.
    PlanShare.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=13))
    assert client.post(old.accept_path)["Location"] == plan.get_absolute_url()


def test_the_plan_csv_does_not_run_formulas(sign_in, home_page, person, plan):
    services.plan_add_informal_line(user=person, plan=plan, description="=HYPERLINK(1)")
    content = sign_in(person).get(f"/plans/{plan.uuid}/plan.csv").content.decode()
    assert "'=HYPERLINK(1)" in content


def test_plan_pages_do_not_grow_in_queries(
    sign_in, home_page, person, plan, organisation, home_care, django_assert_max_num_queries
):
    for _ in range(6):
        listing = ServiceFactory(organisation=organisation, categories=[home_care])
        option = PriceOptionFactory(service=listing)
        services.plan_add_service_line(
            user=person, plan=plan, service=listing, price_option=option, quantity=D("1")
        )
        services.plan_create(user=person, person_name="Another")
    client = sign_in(person)
    # 21 with 1, 6 or 12 lines: the plan's links (carers), its history (sign-off) and the
    # council's contact numbers in the footer are one query each.
    with django_assert_max_num_queries(21):
        assert client.get(plan.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/plans/").status_code == 200


@pytest.mark.parametrize("url", ["/shortlist/add/", "/shortlist/remove/"])
def test_opening_a_shortlist_action_shows_the_shortlist(client, home_page, url):
    response = client.get(url)
    assert response.status_code == 200
    assert soup(response).h1.get_text(strip=True) == "Your shortlist"


# --- the enquiry limit ------------------------------------------------------------------------


def _many_services(count):
    return [ServiceFactory(name=f"Listing {i}") for i in range(count)]


def test_an_account_may_ask_only_so_many_services_a_day(
    sign_in, home_page, person, settings, django_capture_on_commit_callbacks
):
    settings.PLANS_ENQUIRIES_PER_ACCOUNT = 3
    first, second, third, fourth = _many_services(4)
    client = sign_in(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enquiries/new/", enquiry_data(first, second))
    assert response.status_code == 302
    sent_mail = len(mail.outbox)

    # Two more would pass the allowance: refused whole, with what is left, nothing lost.
    data = enquiry_data(third, fourth, needs="Help with shopping on Fridays.")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/enquiries/new/", data)
    assert response.status_code == 429
    assert "You can ask 1 more service now: choose fewer." in error_summary(response)
    page = soup(response)
    assert page.select_one("textarea[name=needs]").get_text().strip() == data["needs"]
    assert Enquiry.objects.count() == 2
    assert len(mail.outbox) == sent_mail  # no provider was e-mailed

    # One fits; after it, nothing more.
    response = client.post("/enquiries/new/", enquiry_data(third))
    assert response.status_code == 302
    response = client.post("/enquiries/new/", enquiry_data(fourth))
    assert response.status_code == 429
    assert "enquiries to 3 services in 24 hours, and you have reached that" in error_summary(
        response
    )
    assert Enquiry.objects.count() == 3

    # Another account has its own allowance.
    client.force_login(make_user("other@example.org"))
    assert client.post("/enquiries/new/", enquiry_data(fourth)).status_code == 302


def test_one_address_may_ask_only_so_many_services_whatever_the_account(
    sign_in, home_page, person, stranger, settings
):
    settings.PLANS_ENQUIRIES_PER_ACCOUNT = 10
    settings.PLANS_ENQUIRIES_PER_ADDRESS = 2
    first, second, third = _many_services(3)
    client = sign_in(person)
    assert client.post("/enquiries/new/", enquiry_data(first, second)).status_code == 302
    client.force_login(stranger)  # the same address (the test client's)
    response = client.post("/enquiries/new/", enquiry_data(third))
    assert response.status_code == 429
    assert Enquiry.objects.count() == 2


def test_refused_enquiries_and_replies_do_not_use_the_allowance(
    sign_in, home_page, person, provider, settings
):
    settings.PLANS_ENQUIRIES_PER_ACCOUNT = 1
    (listing,) = _many_services(1)
    client = sign_in(person)
    response = client.post("/enquiries/new/", enquiry_data(listing, needs=""))
    assert response.status_code == 200  # a form error, not the limit
    response = client.post("/enquiries/new/", enquiry_data(listing))
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    for body in ("Are weekends possible?", "And bank holidays?"):
        response = client.post(enquiry.get_absolute_url(), {"body": body})
        assert response.status_code == 302
    assert enquiry.messages.count() == 2


class TestAddToPlanFromServicePagesAndSearch:
    """Issue 20: services could be added to a plan only from the shortlist. While a draft plan
    is in progress, service pages and search results offer "Add to plan", back to the plan."""

    def test_a_service_page_offers_the_plan_opened_last_and_the_form_returns_to_it(
        self, sign_in, home_page, person, plan, service, hourly
    ):
        client = sign_in(person)
        assert not soup(client.get(service.get_absolute_url())).select("#add-to-plan")

        client.get(plan.get_absolute_url())
        link = soup(client.get(service.get_absolute_url())).select_one("#add-to-plan")

        assert text_of(link) == f"Add to the plan for Pat : {service.public_title}"
        assert link["href"] == f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}"
        assert client.get(link["href"]).status_code == 200
        response = client.post(link["href"], {"price_option": hourly.pk, "quantity": "3"})
        assert response["Location"] == plan.get_absolute_url()
        assert list(plan.lines.values_list("service", flat=True)) == [service.pk]

    def test_search_results_offer_it_too(self, sign_in, home_page, person, plan, service):
        from search.backends import get_backend

        get_backend().rebuild()
        client = sign_in(person)
        client.get(f"/plans/{plan.uuid}/lines/add-service/")

        card = soup(client.get("/search/")).select_one(f"#service-{service.pk}")

        link = card.find("a", href=f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}")
        assert text_of(link) == f"Add to the plan for Pat : {service.public_title}"

    def test_not_once_the_plan_is_no_longer_a_draft(
        self, sign_in, home_page, person, plan, service
    ):
        client = sign_in(person)
        client.get(plan.get_absolute_url())
        SupportPlan.objects.filter(pk=plan.pk).update(status=SupportPlan.Status.SUBMITTED)

        assert not soup(client.get(service.get_absolute_url())).select("#add-to-plan")

    def test_not_for_someone_who_may_only_see_the_plan(
        self, sign_in, home_page, person, plan, service
    ):
        viewer = make_user("viewer@example.org")
        share = services.plan_share(
            user=person, plan=plan, name="H", email=viewer.email, access="view"
        )
        services.plan_share_accept(user=viewer, share=share)
        client = sign_in(viewer)

        assert client.get(plan.get_absolute_url()).status_code == 200
        assert not soup(client.get(service.get_absolute_url())).select("#add-to-plan")
        assert client.get(f"/plans/{plan.uuid}/lines/add-service/").status_code == 403

    def test_not_after_signing_out(self, sign_in, home_page, person, plan, service, client):
        sign_in(person).get(plan.get_absolute_url())
        client.post("/accounts/logout/")

        assert not soup(client.get(service.get_absolute_url())).select("#add-to-plan")


class TestChangingALine:
    """Issue 20: no-cost lines had Remove but no Change, and "How many a week?" with "1 for a
    monthly package" did not say what to count for a price per session or per month."""

    @pytest.fixture
    def informal(self, person, plan):
        return services.plan_add_informal_line(
            user=person, plan=plan, description="Lunch club", provided_by="Ludlow Friends"
        )

    def test_a_no_cost_line_has_change_and_the_form_saves_it(
        self, sign_in, home_page, person, plan, informal
    ):
        client = sign_in(person)
        page = soup(client.get(plan.get_absolute_url()))
        change = page.find("a", href=f"/plans/{plan.uuid}/lines/{informal.pk}/")
        assert text_of(change) == "Change Lunch club"

        form = soup(client.get(change["href"]))
        assert text_of(form.h1) == "Change Lunch club"
        assert form.select_one("input[name=description]")["value"] == "Lunch club"
        response = client.post(
            change["href"],
            {"description": "Lunch club on Wednesdays", "provided_by": "", "notes": "12 to 2"},
        )

        assert response["Location"] == plan.get_absolute_url()
        informal.refresh_from_db()
        assert (informal.description, informal.provided_by, informal.notes) == (
            "Lunch club on Wednesdays",
            "",
            "12 to 2",
        )
        assert informal.weekly_cost == D("0.00")

    def test_an_empty_description_is_an_error_on_the_form(
        self, sign_in, home_page, person, plan, informal
    ):
        response = sign_in(person).post(
            f"/plans/{plan.uuid}/lines/{informal.pk}/", {"description": "  "}
        )

        assert response.status_code == 200
        assert "Say what the support is." in text_of(
            soup(response).select_one(".govuk-error-summary")
        )
        informal.refresh_from_db()
        assert informal.description == "Lunch club"

    def test_only_those_who_may_change_the_plan_may_change_the_line(
        self, client, home_page, person, plan, informal, stranger
    ):
        url = f"/plans/{plan.uuid}/lines/{informal.pk}/"
        viewer, editor = make_user("viewer@example.org"), make_user("editor@example.org")
        for user, access in ((viewer, "view"), (editor, "edit")):
            share = services.plan_share(
                user=person, plan=plan, name="H", email=user.email, access=access
            )
            services.plan_share_accept(user=user, share=share)
        posted = {"description": "Changed"}

        assert is_sign_in_redirect(client.post(url, posted))
        client.force_login(stranger)
        assert client.post(url, posted).status_code == 404
        client.force_login(viewer)
        assert client.post(url, posted).status_code == 403
        informal.refresh_from_db()
        assert informal.description == "Lunch club"
        client.force_login(editor)
        assert client.post(url, posted).status_code == 302
        informal.refresh_from_db()
        assert informal.description == "Changed"

    def test_not_once_the_plan_is_submitted(self, sign_in, home_page, person, plan, informal):
        SupportPlan.objects.filter(pk=plan.pk).update(status=SupportPlan.Status.SUBMITTED)

        response = sign_in(person).post(
            f"/plans/{plan.uuid}/lines/{informal.pk}/", {"description": "Changed"}
        )

        assert response.status_code == 200
        informal.refresh_from_db()
        assert informal.description == "Lunch club"

    @pytest.mark.parametrize(
        ("unit", "label", "hint"),
        [
            ("session", "How many sessions a week?", "a session on Tuesdays and Fridays"),
            ("month", "How many each month?", "the monthly price × 12 ÷ 52"),
            ("hour", "How many hours a week?", "an hour and a half every weekday"),
        ],
    )
    def test_the_quantity_is_asked_in_the_prices_unit(
        self, sign_in, home_page, person, plan, service, unit, label, hint
    ):
        PriceOptionFactory(service=service, label="Standard", amount=D("40.00"), unit=unit)

        page = soup(
            sign_in(person).get(f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}")
        )

        assert text_of(page.select_one("label[for=id_quantity]")) == label
        assert hint in text_of(page.select_one("#id_quantity_helptext"))
        assert "monthly package" not in page.get_text()

    def test_prices_in_different_units_get_a_hint_for_each(
        self, sign_in, home_page, person, plan, service
    ):
        PriceOptionFactory(service=service, label="Day", amount=D("40.00"), unit="session")
        PriceOptionFactory(service=service, label="Care", amount=D("20.00"), unit="hour")

        page = soup(
            sign_in(person).get(f"/plans/{plan.uuid}/lines/add-service/?service={service.pk}")
        )

        assert text_of(page.select_one("label[for=id_quantity]")) == "How many a week?"
        assert "sessions a week for a price per session" in text_of(
            page.select_one("#id_quantity_helptext")
        )

    def test_changing_a_service_line_asks_in_its_unit(
        self, sign_in, home_page, person, plan, service
    ):
        option = PriceOptionFactory(service=service, label="Day", amount=D("40.00"), unit="session")
        line = services.plan_add_service_line(
            user=person, plan=plan, service=service, price_option=option, quantity=D("2")
        )

        page = soup(sign_in(person).get(f"/plans/{plan.uuid}/lines/{line.pk}/"))

        assert text_of(page.select_one("label[for=id_quantity]")) == "How many sessions a week?"


def test_the_inbox_figures_read_as_sentences(sign_in, home_page, enquiry, provider):
    # Issue 20: "Replied to 1 (50%), Waiting for your reply 2" and "0.0 hours".
    client = sign_in(provider)
    figures = [
        text_of(li)
        for li in soup(client.get("/provider/enquiries/")).select("#response-figures li")
    ]
    assert figures == [
        "You received 1 enquiry and replied to 0 of them (0%).",
        "1 enquiry is waiting for your reply, counting any where the person has written again.",
        "You have not replied to any of them yet.",
    ]

    services.enquiry_reply(user=provider, enquiry=enquiry, body="We can help.")
    figures = [
        text_of(li)
        for li in soup(client.get("/provider/enquiries/")).select("#response-figures li")
    ]
    assert figures == [
        "You received 1 enquiry and replied to 1 of them (100%).",
        "No enquiries are waiting for your reply.",
        "Half of your first replies were sent within less than an hour (the median).",
        "1 of your 1 first reply was sent within 2 days.",
    ]


@pytest.mark.parametrize(
    ("hours", "text"),
    [(0.0, "less than an hour"), (1.4, "1 hour"), (30, "30 hours"), (80, "3 days")],
)
def test_reply_times_are_said_as_people_say_them(hours, text):
    from marketplace.plans.templatetags.plans_tags import reply_time

    assert reply_time(hours) == text


def test_the_print_views_title_names_the_council(sign_in, home_page, person, plan):
    from marketplace.pages.models import SiteSettings

    site_settings = SiteSettings.for_site(home_page.get_site())
    site_settings.council_name = "Northwold District Council"
    site_settings.save()

    title = soup(sign_in(person).get(f"/plans/{plan.uuid}/print/")).title.get_text()

    assert title.startswith("Support plan for Pat - ")
    assert title.endswith(" - Northwold District Council")
