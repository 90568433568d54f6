"""The public catalogue pages: a service, an organisation, and "report a problem".

What a family sees on a listing, what the public may not see (and what the organisation's staff
and moderators see instead), and the report form with its e-mail to the moderators.
"""

import math
from datetime import date, timedelta
from decimal import Decimal

from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

import pytest
from bs4 import BeautifulSoup

from catalogue import reports
from catalogue.models import (
    Category,
    ClientGroup,
    FundingType,
    ListingReport,
    Locality,
    Membership,
    Organisation,
    Service,
    ServicePhoto,
)
from catalogue.templatetags.catalogue_tags import clock, headline_price, money, price_text
from core.roles import Role
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    PriceOptionFactory,
    ServiceFactory,
    make_provider,
    make_user,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def textarea_value(page, name: str) -> str:
    """What a browser shows in a textarea (HTML drops one newline straight after the tag)."""
    return page.select_one(f"textarea[name={name}]").get_text().removeprefix("\n")


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


@pytest.fixture(autouse=True)
def _empty_cache():
    """The report limit counts in the cache; each test starts with a clean allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Sunrise Care Ltd",
        slug="sunrise-care",
        kind=Organisation.Kind.CHARITY,
        description="We have cared for people in Westshire since 1990.",
        email="office@sunrise.example",
        phone="01743 123456",
        website="https://sunrise.example/",
        cqc_provider_id="1-101234567",
        companies_house_number="01234567",
        charity_number="1100001",
    )


@pytest.fixture
def service(organisation):
    """A published listing with every field a family reads filled in."""
    home_care = CategoryFactory(name="Home care (personal care)", reference_unit="hour")
    ludlow = LocalityFactory(name="Ludlow", slug="ludlow")
    craven = LocalityFactory(name="Craven Arms", slug="craven-arms")
    listing = ServiceFactory(
        organisation=organisation,
        name="Sunrise Home Care",
        slug="sunrise-home-care",
        summary="Personal care at home, day and night.",
        description="We help with washing and dressing.\n\nWe also help with meals.\nAnd shopping.",
        categories=[home_care],
        address_line_1="1 Castle Street",
        address_line_2="Upper Floor",
        town="Ludlow",
        postcode="SY8 1AA",
        easting=349000,
        northing=312000,
        locality=ludlow,
        radius_km=Decimal("15.0"),
        contact_name="Asha Patel",
        email="care@sunrise.example",
        phone="01584 000111",
        website="https://sunrise.example/home-care",
        opening_times=[
            {"day": "Monday", "opens": "09:00", "closes": "17:30"},
            {"day": "Saturday", "opens": "12:00", "closes": "00:00"},
            {"day": "Sunday", "closed": True},
        ],
        accessibility_features=["Step-free access", "Hearing loop"],
        languages=["English", "Welsh"],
        cqc_location_id="1-999888777",
        cqc_overall="Good",
        cqc_safe="Requires improvement",
        cqc_effective="Good",
        cqc_caring="Outstanding",
        cqc_responsive="Good",
        cqc_well_led="Good",
        cqc_report_date=date(2025, 3, 14),
        accepting_new_clients=True,
        earliest_start=TODAY + timedelta(days=7),
        availability_updated_at=timezone.now() - timedelta(days=2),
        last_confirmed_at=timezone.now() - timedelta(days=30),
    )
    listing.localities_served.set([ludlow, craven])
    listing.client_groups.set(ClientGroup.objects.filter(slug__in=["older-people", "dementia"]))
    listing.funding_accepted.set(
        FundingType.objects.filter(slug__in=["self-funded", "direct-payment"])
    )
    PriceOptionFactory(service=listing, label="Weekday daytime", amount=Decimal("28.50"))
    PriceOptionFactory(
        service=listing,
        label="Live-in care",
        amount=Decimal("1234.50"),
        unit="week",
        conditions="Minimum four weeks",
        valid_from=TODAY - timedelta(days=10),
        valid_to=TODAY + timedelta(days=100),
        sort_order=1,
    )
    PriceOptionFactory(
        service=listing,
        label="Old weekend rate",
        amount=Decimal("20.00"),
        valid_to=TODAY - timedelta(days=1),
    )
    PriceOptionFactory(
        service=listing,
        label="Next year's rate",
        amount=Decimal("40.00"),
        valid_from=TODAY + timedelta(days=30),
    )
    return listing


@pytest.fixture
def moderator():
    return make_user("moderator@council.example", Role.MODERATOR)


# --- presentation helpers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "amount, expected",
    [
        (Decimal("28.5"), "£28.50"),
        (Decimal("1234.5"), "£1,234.50"),
        (Decimal("900"), "£900"),
        (Decimal("900.00"), "£900"),
        (Decimal("0.005"), "£0.01"),  # half up to the penny
        (Decimal("12345678.99"), "£12,345,678.99"),
        (None, ""),
    ],
)
def test_money_is_shown_the_gov_uk_way(amount, expected):
    assert money(amount) == expected


@pytest.mark.parametrize(
    "amount, unit, expected",
    [
        (Decimal("28.50"), "hour", "£28.50 per hour"),
        (Decimal("1234.50"), "week", "£1,234.50 per week"),
        (Decimal("250"), "one-off", "£250 one-off"),
        (Decimal("0"), "hour", "Free"),
        (Decimal("0"), "free", "Free"),
    ],
)
def test_prices_read_in_plain_units(amount, unit, expected):
    assert price_text(amount, unit) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("09:00", "9am"),
        ("9:30", "9:30am"),
        ("17:30", "5:30pm"),
        ("12:00", "midday"),
        ("00:00", "midnight"),
        ("24:00", "midnight"),
        ("25:00", None),
        ("nine", None),
        (9, None),
    ],
)
def test_clock_times_read_like_gov_uk(value, expected):
    assert clock(value) == expected


def test_headline_price_is_the_lowest_in_the_first_options_unit(service):
    service.current_prices = list(service.price_options.current().order_by("sort_order", "pk"))
    assert headline_price(service) == "£28.50 per hour"
    PriceOptionFactory(service=service, label="Block booking", amount=Decimal("25.00"))
    service.current_prices = list(service.price_options.current().order_by("sort_order", "pk"))
    assert headline_price(service) == "From £25 per hour"
    service.current_prices = []
    assert headline_price(service) == ""


# --- the service page -----------------------------------------------------------------------


def test_service_page_shows_what_it_is_and_who_it_is_for(client, home_page, service):
    response = client.get("/services/sunrise-home-care/")

    assert response.status_code == 200
    page = soup(response)
    # The title leads with the provider and ends with the town (issue 23).
    assert [h.get_text(strip=True) for h in page.select("h1")] == [
        "Sunrise Care Ltd: Sunrise Home Care in Ludlow"
    ]
    assert "Sunrise Care Ltd: Sunrise Home Care in Ludlow - " in page.title.get_text()
    assert "Personal care at home, day and night." in text_of(page.select_one(".govuk-body-l"))
    facts = text_of(page.select_one("#key-facts"))
    assert "Home care (personal care)" in facts
    assert "Price £28.50 per hour" in facts
    assert "CQC rating Good" in facts
    assert text_of(page.select_one("#client-groups")) == "Older people Dementia"
    paragraphs = [p.decode_contents() for p in page.select("#description p.govuk-body")]
    assert paragraphs == [
        "We help with washing and dressing.",
        "We also help with meals.<br/>And shopping.",
    ]
    funding = text_of(page.select_one("#funding").find_next("ul"))
    assert funding == "Self-funded Direct payment"
    assert not page.select(".govuk-notification-banner")  # nothing to warn the public about


def test_price_table_shows_only_current_prices_in_plain_units(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))

    rows = [
        [text_of(cell) for cell in row.select("th, td")]
        for row in page.select("#price-table tbody tr")
    ]
    assert rows == [
        ["Weekday daytime", "£28.50 per hour", ""],
        [
            "Live-in care",
            "£1,234.50 per week",
            f"Minimum four weeks From {TODAY - timedelta(days=10):%-d %B %Y} "
            f"Until {TODAY + timedelta(days=100):%-d %B %Y}",
        ],
    ]
    assert page.select_one("#price-table caption")
    assert [th["scope"] for th in page.select("#price-table thead th")] == ["col"] * 3
    shown = page.get_text()
    assert "Old weekend rate" not in shown and "£20" not in shown  # expired yesterday
    assert "Next year's rate" not in shown and "£40" not in shown  # starts next month


def test_a_service_without_prices_says_to_ask(client, home_page):
    listing = ServiceFactory(name="Befriending", slug="befriending")

    page = soup(client.get(listing.get_absolute_url()))

    assert not page.select("#price-table")
    assert "has not listed its prices" in text_of(page.select_one("#prices").find_next("p"))


def test_availability_shows_beds_vacancies_earliest_start_and_when_updated(
    client, home_page, service
):
    service.beds, service.vacancies = 40, 3
    service.save()

    page = soup(client.get(service.get_absolute_url()))

    availability = text_of(page.select_one("#availability").find_next("dl"))
    assert "Accepting new clients Yes" in availability
    assert "Beds 40" in availability
    assert "Vacancies 3" in availability
    assert f"Earliest start {TODAY + timedelta(days=7):%-d %B %Y}" in availability
    updated = timezone.localtime(service.availability_updated_at)
    assert text_of(page.select_one("#availability-updated")) == f"Updated {updated:%-d %B %Y}"


def test_unknown_availability_and_no_vacancies_are_said_plainly(client, home_page):
    listing = ServiceFactory(accepting_new_clients=None, vacancies=0, beds=20)

    page = soup(client.get(listing.get_absolute_url()))

    availability = text_of(page.select_one("#availability").find_next("dl"))
    assert "Accepting new clients Not known: ask the provider" in availability
    assert "Vacancies None at the moment" in availability


def test_full_address_areas_served_and_radius(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))

    assert text_of(page.select_one("#address")) == "1 Castle Street Upper Floor Ludlow SY8 1AA"
    areas = [li.get_text(strip=True) for li in page.select("#areas-served li")]
    assert areas == ["Craven Arms", "Ludlow", "within 9 miles (15 km) of Ludlow"]


def test_radius_without_a_town_or_locality(client, home_page):
    listing = ServiceFactory(radius_km=Decimal("7.5"), town="", locality=None)

    page = soup(client.get(listing.get_absolute_url()))

    areas = [li.get_text(strip=True) for li in page.select("#areas-served li")]
    assert areas == ["within 5 miles (7.5 km) of the provider's base"]


def test_a_service_that_gives_no_place_says_so(client, home_page):
    listing = ServiceFactory()

    page = soup(client.get(listing.get_absolute_url()))

    assert "has not said where it works" in text_of(page.select_one("#where").find_next("p"))
    assert not page.select("#address") and not page.select("#areas-served")


def test_hidden_address_shows_only_the_town_and_postcode_district(client, home_page, service):
    service.hide_exact_address = True
    service.save()

    response = client.get(service.get_absolute_url())

    page = soup(response)
    assert text_of(page.select_one("#address")) == "Ludlow, SY8"
    assert "exact address is not shown" in page.get_text()
    assert b"Castle Street" not in response.content
    assert b"SY8 1AA" not in response.content


def test_distance_from_a_postcode_on_the_grid(client, home_page, service):
    # 1,234 m east and 5,678 m north of the premises (349000, 312000).
    PostcodeFactory(postcode="SY8 2ZZ", district="SY8", easting=350234, northing=317678)
    expected_km = math.hypot(1234, 5678) / 1000  # 5.8106 km
    assert f"{expected_km:.1f}" == "5.8" and f"{expected_km / 1.609344:.1f}" == "3.6"

    response = client.get(service.get_absolute_url(), {"postcode": " sy82zz "})

    assert response.status_code == 200
    page = soup(response)
    result = text_of(page.select_one("#distance-result"))
    assert result.startswith("Sunrise Home Care is 3.6 miles (5.8 km) from SY8 2ZZ")
    assert "in a straight line" in result
    form = page.select_one("#how-far").find_next("form")
    assert form["method"] == "get"
    assert form.select_one("label[for=id_postcode]").get_text(strip=True) == "Your postcode"
    assert form.select_one("input[name=postcode]")["value"] == " sy82zz "
    assert not page.select(".govuk-error-summary")


def test_distance_to_a_hidden_address_is_rounded_to_the_kilometre(client, home_page, service):
    service.hide_exact_address = True
    service.save()
    PostcodeFactory(postcode="SY8 2ZZ", district="SY8", easting=350234, northing=317678)

    page = soup(client.get(service.get_absolute_url(), {"postcode": "SY8 2ZZ"}))

    result = text_of(page.select_one("#distance-result"))
    # Measured from the kilometre square's centre (349500, 312500), not the premises: 5.23 km.
    # (Rounding the exact 5.81 km, as before, let distances from a few postcodes locate it.)
    assert result.startswith("Sunrise Home Care is about 3 miles (5 km) from SY8 2ZZ")
    assert "5.8" not in result


@pytest.mark.parametrize(
    "typed, message",
    [
        ("SY9 9ZZ", "We cannot find SY9 9ZZ in our list of local postcodes"),
        ("not a postcode", "Enter a real postcode, like SY1 1AA."),
        ("", "Enter your postcode."),
        ("<b>SY1</b>", "Enter a real postcode, like SY1 1AA."),
    ],
)
def test_unknown_or_malformed_postcode_gets_a_clear_message(
    client, home_page, service, typed, message
):
    response = client.get(service.get_absolute_url(), {"postcode": typed})

    assert response.status_code == 200
    page = soup(response)
    assert not page.select("#distance-result")
    assert message in text_of(page.select_one(".govuk-error-summary"))
    assert message in text_of(page.select_one("#id_postcode_error"))
    assert page.select_one(".govuk-error-summary a")["href"] == "#id_postcode"
    assert page.title.get_text().startswith("Error: Sunrise Care Ltd: Sunrise Home Care in Ludlow")
    assert b"<b>SY1</b>" not in response.content


def test_no_distance_form_for_a_service_without_premises(client, home_page):
    listing = ServiceFactory(easting=None, northing=None)

    response = client.get(listing.get_absolute_url(), {"postcode": "SY1 1AA"})

    assert response.status_code == 200
    page = soup(response)
    assert not page.select("#how-far") and not page.select(".govuk-error-summary")


def test_cqc_rating_with_key_questions_date_and_report_link(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))

    section = page.select_one("#cqc")
    assert "Overall rating: Good" in text_of(section.find_next("p"))
    questions = [
        [text_of(cell) for cell in row.select("th, td")]
        for row in page.select("#cqc-key-questions tbody tr")
    ]
    assert questions == [
        ["Safe", "Requires improvement"],
        ["Effective", "Good"],
        ["Caring", "Outstanding"],
        ["Responsive", "Good"],
        ["Well-led", "Good"],
    ]
    assert text_of(page.select_one("#cqc-report-date")) == "CQC report published 14 March 2025"
    link = page.select_one("#cqc-link")
    assert link["href"] == "https://www.cqc.org.uk/location/1-999888777"
    assert "Read the CQC report on Sunrise Home Care" in link.get_text()
    tags = {text_of(tag): tag["class"] for tag in page.select("#cqc-key-questions .govuk-tag")}
    assert "govuk-tag--orange" in tags["Requires improvement"]
    assert "govuk-tag--green" in tags["Good"]


def test_cqc_not_yet_rated_and_not_registered(client, home_page):
    unrated = ServiceFactory(cqc_location_id="1-555", cqc_overall="")
    unregistered = ServiceFactory(cqc_location_id="")

    page = soup(client.get(unrated.get_absolute_url()))
    assert "Not yet rated" in text_of(page.select_one("#cqc").find_next("p"))
    assert page.select_one("#cqc-link")["href"] == "https://www.cqc.org.uk/location/1-555"
    assert not page.select("#cqc-key-questions")

    page = soup(client.get(unregistered.get_absolute_url()))
    assert text_of(page.select_one("#cqc").find_next("p")) == "Not registered with CQC."
    assert not page.select("#cqc-link")
    assert "CQC rating Not registered with CQC" in text_of(page.select_one("#key-facts"))


def test_photos_are_resized_renditions_with_their_alt_text(client, home_page, service):
    image = Image.objects.create(title="Garden", file=get_test_image_file())
    ServicePhoto.objects.create(service=service, image=image, alt_text="The sunny garden")

    page = soup(client.get(service.get_absolute_url()))

    (img,) = page.select("#photos + ul img")
    assert img["alt"] == "The sunny garden"
    assert "fill-600x400" in img["src"]
    assert (img["width"], img["height"]) == ("600", "400")


def test_contact_opening_times_accessibility_and_languages(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))

    contact = page.select_one("#contact")
    assert "Asha Patel" in text_of(contact)
    assert contact.select_one("a[href='tel:01584000111']").get_text() == "01584 000111"
    assert contact.select_one("a[href='mailto:care@sunrise.example']")
    assert contact.select_one("a[href='https://sunrise.example/home-care']")
    hours = [
        [text_of(cell) for cell in row.select("th, td")]
        for row in page.select("#opening-times + table tr")
    ]
    assert hours == [
        ["Monday", "9am to 5:30pm"],
        ["Saturday", "midday to midnight"],
        ["Sunday", "Closed"],
    ]
    features = [li.get_text(strip=True) for li in page.select("#accessibility + ul li")]
    assert features == ["Step-free access", "Hearing loop"]
    languages = [li.get_text(strip=True) for li in page.select("#languages + ul li")]
    assert languages == ["English", "Welsh"]


def test_malformed_opening_times_and_lists_are_skipped_not_a_server_error(client, home_page):
    listing = ServiceFactory(
        opening_times=[
            "Monday 9 to 5",
            {"day": "Tuesday"},
            {"day": "Wednesday", "opens": "nine", "closes": "17:00"},
            {"opens": "09:00", "closes": "17:00"},
            {"day": "Thursday", "opens": "10:00", "closes": "16:00"},
        ],
        accessibility_features={"not": "a list"},
        languages=["", 3, None],
    )
    page = soup(client.get(listing.get_absolute_url()))
    hours = [text_of(row) for row in page.select("#opening-times + table tr")]
    assert hours == ["Thursday 10am to 4pm"]
    assert not page.select("#accessibility") and not page.select("#languages")

    listing.opening_times = {"Monday": "9-5"}
    listing.save()
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200
    assert not soup(response).select("#opening-times")


def test_last_checked_provider_link_and_report_link(client, home_page, service):
    page = soup(client.get(service.get_absolute_url()))

    checked = timezone.localtime(service.last_confirmed_at)
    assert text_of(page.select_one("#last-checked")) == (
        f"Last checked by the provider on {checked:%-d %B %Y}"
    )
    provider = page.select_one("#provider-link")
    assert provider.get_text(strip=True) == "Sunrise Care Ltd"
    assert provider["href"] == "/organisations/sunrise-care/"
    report = page.select_one("#report-link")
    assert report.get_text(strip=True) == "Report a problem with this listing"
    assert report["href"] == "/services/sunrise-home-care/report/"


def test_contact_falls_back_to_the_organisation(client, home_page, organisation):
    listing = ServiceFactory(organisation=organisation, email="", phone="", website="")

    contact = soup(client.get(listing.get_absolute_url())).select_one("#contact")

    assert contact.select_one("a[href='mailto:office@sunrise.example']")
    assert contact.select_one("a[href='tel:01743123456']")


def test_text_from_providers_is_shown_escaped(client, home_page, organisation):
    listing = ServiceFactory(
        organisation=organisation,
        name="<b>Bold</b> care",
        summary="<script>alert('summary')</script>",
        description="<img src=x onerror=alert(1)>\n\n<a href='javascript:x'>link</a>",
        contact_name="<i>Ann</i>",
        opening_times=[{"day": "<em>Monday</em>", "opens": "09:00", "closes": "17:00"}],
        languages=["<u>English</u>"],
    )

    response = client.get(listing.get_absolute_url())

    body = response.content.decode()
    for markup in [
        "<b>Bold</b>",
        "<script>alert",
        "<img src=x",
        "<a href='javascript",
        "<i>Ann",
        "<em>Monday",
        "<u>English",
    ]:
        assert markup not in body
    page = soup(response)
    assert page.h1.get_text().startswith("Sunrise Care Ltd: <b>Bold</b> care")
    assert "<img src=x onerror=alert(1)>" in text_of(page.select_one("#description"))


# --- who may see a listing ----------------------------------------------------------------


def _hide(service, state):
    """Put `service` into a state the public may not see; return the reason staff are shown."""
    now = timezone.now()
    if state == "stale":
        service.last_confirmed_at = now - timedelta(days=400)
        service.save()
        return "Nobody has confirmed it is still correct since"
    if state.startswith("organisation-"):
        service.organisation.status = state.removeprefix("organisation-")
        service.organisation.status_reason = "Checks not finished"
        service.organisation.save()
        return {
            "organisation-pending": "The organisation is waiting for a moderator to approve it.",
            "organisation-suspended": "A moderator suspended the organisation. "
            "The reason given: Checks not finished",
            "organisation-rejected": "A moderator rejected the organisation.",
        }[state]
    service.status = state
    service.status_reason = "Prices missing" if state in ("rejected", "suspended") else ""
    service.save()
    return {
        "draft": "It is a draft: it has not been sent for approval.",
        "pending": "It is waiting for a moderator to approve it.",
        "rejected": "A moderator rejected it. The reason given: Prices missing",
        "suspended": "A moderator suspended it. The reason given: Prices missing",
        "archived": "It has been archived.",
    }[state]


HIDDEN_STATES = [
    "draft",
    "pending",
    "rejected",
    "suspended",
    "archived",
    "stale",
    "organisation-pending",
    "organisation-suspended",
    "organisation-rejected",
]


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("viewer", ["anonymous", "public", "other provider"])
def test_hidden_listings_are_404_for_the_public(client, home_page, service, state, viewer):
    _hide(service, state)
    if viewer == "public":
        client.force_login(make_user("someone@example.org"))
    elif viewer == "other provider":
        client.force_login(make_provider(OrganisationFactory()))

    for url in [
        service.get_absolute_url(),
        f"{service.get_absolute_url()}?postcode=SY8+1AA",
        f"{service.get_absolute_url()}report/",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Sunrise Home Care" not in response.content

    response = client.post(
        f"{service.get_absolute_url()}report/", {"reason": "other", "message": "Hello"}
    )
    assert response.status_code == 404
    assert not ListingReport.objects.exists()


@pytest.mark.parametrize("state", HIDDEN_STATES)
@pytest.mark.parametrize("viewer", ["owner", "editor", "moderator"])
def test_staff_and_moderators_see_a_hidden_listing_with_a_banner(
    client, home_page, service, state, viewer
):
    reason = _hide(service, state)
    if viewer == "moderator":
        client.force_login(make_user("mod@council.example", Role.MODERATOR))
    else:
        client.force_login(make_provider(service.organisation, viewer))

    response = client.get(service.get_absolute_url())

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text(strip=True) == "Sunrise Care Ltd: Sunrise Home Care in Ludlow"
    banner = page.select_one(".govuk-notification-banner")
    assert "This listing is not public" in text_of(banner)
    reasons = [text_of(li) for li in banner.select("li")]
    assert any(r.startswith(reason) for r in reasons), reasons


def test_staff_see_a_public_listing_without_a_banner(client, home_page, service):
    client.force_login(make_provider(service.organisation))

    page = soup(client.get(service.get_absolute_url()))

    assert not page.select(".govuk-notification-banner")


def test_unknown_service_is_404(client, home_page):
    assert client.get("/services/no-such-thing/").status_code == 404


# --- the organisation page ------------------------------------------------------------------


def test_organisation_page_shows_its_details_and_registration(client, home_page, organisation):
    organisation.verified_at = timezone.now()
    organisation.save()

    response = client.get("/organisations/sunrise-care/")

    assert response.status_code == 200
    page = soup(response)
    assert [h.get_text(strip=True) for h in page.select("h1")] == ["Sunrise Care Ltd"]
    assert text_of(page.select_one(".govuk-caption-l")) == "Charity"
    assert "cared for people in Westshire since 1990" in text_of(page.select_one("#description"))
    details = {
        text_of(row.dt): row.select_one("dd")
        for row in page.select("#organisation-details .govuk-summary-list__row")
    }
    assert text_of(details["Type of organisation"]) == "Charity"
    assert details["Phone"].a["href"] == "tel:01743123456"
    assert details["Email"].a["href"] == "mailto:office@sunrise.example"
    assert details["Website"].a["href"] == "https://sunrise.example/"
    assert details["CQC provider ID"].a["href"] == "https://www.cqc.org.uk/provider/1-101234567"
    assert details["Company number"].a["href"].endswith("/company/01234567")
    assert text_of(details["Registered charity number"]) == "1100001"
    assert "Checked by the council" in details


def test_organisation_page_lists_only_visible_services_as_cards(
    client, home_page, organisation, service
):
    PriceOptionFactory(service=service, label="Block booking", amount=Decimal("25.00"))
    service.vacancies = 2
    service.save()
    ServiceFactory(organisation=organisation, name="Draft one", status=Service.Status.DRAFT)
    ServiceFactory(organisation=organisation, name="Suspended one", status="suspended")
    ServiceFactory(
        organisation=organisation,
        name="Stale one",
        last_confirmed_at=timezone.now() - timedelta(days=400),
    )
    ServiceFactory(organisation=organisation, name="Day centre", cqc_location_id="")
    ServiceFactory(name="Someone else's service")

    page = soup(client.get(organisation.get_absolute_url()))

    assert text_of(page.select_one("#services-title")) == "Services (2)"
    cards = page.select("#services li.app-card")
    assert [text_of(card.select_one(".app-card__title")) for card in cards] == [
        "Day centre",
        "Sunrise Home Care",
    ]
    link = cards[1].select_one(".app-card__title a")
    assert link["href"] == "/services/sunrise-home-care/"
    meta = [text_of(li) for li in cards[1].select(".app-card__meta-item")]
    assert meta == [
        "Type of service: Home care (personal care)",
        "Price: From £25 per hour",
        "CQC rating: Good",
        "Accepting new clients (2 vacancies)",
    ]
    assert "Personal care at home" in text_of(cards[1])
    assert "CQC rating: not registered" in text_of(cards[0])
    assert not page.select("#hidden-services")  # only staff are told about hidden listings
    assert not page.select(".govuk-notification-banner")


def test_organisation_page_tells_staff_how_many_listings_are_hidden(
    client, home_page, organisation, service
):
    ServiceFactory(organisation=organisation, status=Service.Status.DRAFT)
    ServiceFactory(organisation=organisation, status=Service.Status.ARCHIVED)
    client.force_login(make_provider(organisation, Membership.Role.EDITOR))

    page = soup(client.get(organisation.get_absolute_url()))

    assert text_of(page.select_one("#hidden-services")).startswith(
        "1 other listing of this organisation is not shown here"
    )


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_hidden_organisation_is_404_for_the_public_and_shown_to_staff(
    client, home_page, organisation, status
):
    organisation.status = status
    organisation.save()
    url = organisation.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(make_user("someone@example.org"))
    assert client.get(url).status_code == 404
    client.force_login(make_provider(OrganisationFactory()))
    assert client.get(url).status_code == 404

    for viewer in [make_provider(organisation), make_user("m@council.example", Role.MODERATOR)]:
        client.force_login(viewer)
        response = client.get(url)
        assert response.status_code == 200
        banner = soup(response).select_one(".govuk-notification-banner")
        assert "This organisation page is not public" in text_of(banner)


def test_organisation_page_with_50_services_does_a_bounded_number_of_queries(
    client, home_page, organisation, django_assert_max_num_queries
):
    categories = [CategoryFactory(), CategoryFactory()]

    def add_services(count):
        for _ in range(count):
            listing = ServiceFactory(organisation=organisation, categories=categories)
            PriceOptionFactory(service=listing)
            PriceOptionFactory(service=listing, amount=Decimal("31.00"), unit="visit")

    add_services(5)
    client.get(organisation.get_absolute_url())  # warm Wagtail's site and settings caches
    with CaptureQueriesContext(connection) as few:
        client.get(organisation.get_absolute_url())
    add_services(45)

    with django_assert_max_num_queries(12):
        response = client.get(organisation.get_absolute_url())

    assert len(soup(response).select("#services li.app-card")) == 50
    with CaptureQueriesContext(connection) as many:
        client.get(organisation.get_absolute_url())
    assert len(many) == len(few)


def test_service_page_query_count_does_not_grow_with_its_prices(
    client, home_page, service, django_assert_max_num_queries
):
    for number in range(20):
        PriceOptionFactory(service=service, label=f"Option {number}")
    with django_assert_max_num_queries(18):  # includes the reviews section
        response = client.get(service.get_absolute_url())
    assert len(soup(response).select("#price-table tbody tr")) == 22


def test_service_page_takes_its_terms_from_the_cache_in_few_queries(
    client, home_page, service, django_assert_max_num_queries
):
    client.get(service.get_absolute_url())  # warm the site, settings and vocabulary caches
    # The listing, its terms, prices, photos, Wagtail's site, the reviews and their summary
    # (issue 22: 12 before, when each vocabulary, the visibility check and the review count
    # had a query of their own).
    with django_assert_max_num_queries(7) as captured:
        response = client.get(service.get_absolute_url())
    facts = text_of(soup(response).select_one("#key-facts"))
    assert "Home care (personal care)" in facts
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    for model in (Category, ClientGroup, FundingType):
        assert f'"{model._meta.db_table}"' not in tables


def test_organisation_page_takes_category_names_from_the_cache_in_few_queries(
    client, home_page, organisation, service, django_assert_max_num_queries
):
    client.get(organisation.get_absolute_url())  # warm the site, settings and vocabularies
    # The organisation (with whether anyone manages it), its services, their categories and
    # prices, Wagtail's site and the review summary.
    with django_assert_max_num_queries(6) as captured:
        response = client.get(organisation.get_absolute_url())
    card = text_of(soup(response).select_one("#services li.app-card"))
    assert "Type of service: Home care (personal care)" in card
    assert "Nobody from Sunrise Care Ltd manages this page" in text_of(
        soup(response).select_one(".govuk-inset-text")
    )
    tables = " ".join(query["sql"] for query in captured.captured_queries)
    assert '"catalogue_category"' not in tables


def test_renamed_terms_show_on_the_next_service_and_organisation_page(
    client, home_page, organisation, service
):
    """The names are cached (catalogue.vocabulary): a change to one makes them stale."""
    client.get(service.get_absolute_url())
    client.get(organisation.get_absolute_url())
    category = service.categories.get()
    category.name = "Care at home"
    category.save()
    for model, slug, name in (
        (ClientGroup, "dementia", "People living with dementia"),
        (FundingType, "direct-payment", "Direct payments"),
        (Locality, "craven-arms", "Craven Arms and district"),
    ):
        term = model.objects.get(slug=slug)
        term.name = name
        term.save()

    page = soup(client.get(service.get_absolute_url()))
    facts = text_of(page.select_one("#key-facts"))
    assert "Care at home" in facts and "Home care (personal care)" not in facts
    assert text_of(page.select_one("#client-groups")) == "Older people People living with dementia"
    assert text_of(page.select_one("#funding").find_next("ul")) == "Self-funded Direct payments"
    assert "Craven Arms and district" in text_of(page.select_one("#areas-served"))
    card = text_of(soup(client.get(organisation.get_absolute_url())).select_one("li.app-card"))
    assert "Type of service: Care at home" in card

    # A deleted area goes at once too.
    Locality.objects.get(slug="craven-arms").delete()
    areas = text_of(soup(client.get(service.get_absolute_url())).select_one("#areas-served"))
    assert "Craven Arms" not in areas and "Ludlow" in areas


# --- report a problem with this listing ----------------------------------------------------


def report_url(service) -> str:
    return f"/services/{service.slug}/report/"


def test_report_form_renders_for_anyone(client, home_page, service):
    response = client.get(report_url(service))

    assert response.status_code == 200
    page = soup(response)
    assert [h.get_text(strip=True) for h in page.select("h1")] == [
        "Report a problem with this listing"
    ]
    legend = page.select_one("fieldset legend")
    assert legend.get_text(strip=True) == "What is wrong with the listing?"
    reasons = [text_of(label) for label in page.select(".govuk-radios__label")]
    assert reasons == [label for _, label in ListingReport.Reason.choices]
    textarea = page.select_one("textarea[name=message]")
    assert textarea.get("maxlength") is None  # the character count says the limit instead
    assert "id_message-info" in textarea["aria-describedby"]
    assert page.select_one(".govuk-character-count")["data-maxlength"] == "2000"
    assert page.select_one("label[for=id_email]").get_text(strip=True) == (
        "Your email address (optional)"
    )
    assert page.select_one(".govuk-back-link")["href"] == service.get_absolute_url()
    assert page.select_one("input[name=email]").get("value") is None


def test_a_report_is_saved_and_the_moderators_are_emailed(
    client, home_page, service, moderator, django_capture_on_commit_callbacks
):
    other_moderator = make_user("second@council.example", Role.MODERATOR)
    make_user("public@example.org")
    make_provider(service.organisation, email="owner@sunrise.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            report_url(service),
            {
                "reason": "prices",
                "message": "  The weekday price went up to £30 in April.  ",
                "email": "carer@example.org",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == f"{report_url(service)}sent/"
    report = ListingReport.objects.get()
    assert (report.service, report.reason, report.email) == (service, "prices", "carer@example.org")
    assert report.message == "The weekday price went up to £30 in April."
    assert report.reporter is None and report.status == ListingReport.Status.OPEN
    (message,) = mail.outbox
    assert sorted(message.to) == sorted([moderator.email, other_moderator.email])
    assert message.subject == "Problem reported with Sunrise Home Care: The prices are wrong"
    assert "The weekday price went up to £30 in April." in message.body
    assert "carer@example.org" in message.body
    # The link is on the host the report was sent from (core.site_url), not BASE_URL.
    assert "http://testserver/services/sunrise-home-care/" in message.body

    page = soup(client.get(response["Location"]))
    assert text_of(page.select_one(".govuk-panel__title")) == "Report sent"
    assert "We will reply to the email address you gave us." in page.get_text()


def test_a_signed_in_reporter_is_recorded_and_their_email_offered(
    client, home_page, service, moderator, django_capture_on_commit_callbacks
):
    person = make_user("daughter@example.org")
    client.force_login(person)

    form = soup(client.get(report_url(service)))
    assert form.select_one("input[name=email]")["value"] == "daughter@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(report_url(service), {"reason": "closed", "message": "It shut in May."})

    report = ListingReport.objects.get()
    assert report.reporter == person and report.email == ""
    assert "Sent by the signed-in account: daughter@example.org" in mail.outbox[0].body
    assert "They did not ask for a reply." in mail.outbox[0].body
    page = soup(client.get(f"{report_url(service)}sent/"))
    assert "we will not reply to you" in page.get_text()


def test_the_sent_page_needs_a_report_first(client, home_page, service):
    response = client.get(f"{report_url(service)}sent/")

    assert response.status_code == 302
    assert response["Location"] == report_url(service)


@pytest.mark.parametrize(
    "data, errors",
    [
        (
            {},
            {
                "reason": "Select what is wrong with the listing.",
                "message": "Tell us what is wrong with the listing.",
            },
        ),
        (
            {"reason": "other", "message": "   "},
            {"message": "Tell us what is wrong with the listing."},
        ),
        (
            {"reason": "made-up", "message": "Wrong phone number"},
            {"reason": "Select what is wrong with the listing."},
        ),
        (
            {"reason": "other", "message": "x" * 2001},
            {"message": "Your message must be 2,000 characters or fewer."},
        ),
        (
            {"reason": "other", "message": "Wrong phone number", "email": "not-an-email"},
            {"email": "Enter an email address in the right format, like name@example.com."},
        ),
    ],
)
def test_bad_report_input_is_shown_with_errors_and_nothing_is_sent(
    client, home_page, service, moderator, django_capture_on_commit_callbacks, data, errors
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(report_url(service), data)

    assert response.status_code == 200
    page = soup(response)
    summary = [text_of(a) for a in page.select(".govuk-error-summary a")]
    for field, message in errors.items():
        assert any(text.startswith(message) for text in summary), summary
        assert message in text_of(page.select_one(f"#id_{field}_error"))
    assert page.title.get_text().startswith("Error: ")
    assert not ListingReport.objects.exists()
    assert mail.outbox == []
    # What was typed is kept.
    if data.get("message", "").strip():
        assert textarea_value(page, "message") == data["message"]
    if data.get("email"):
        assert page.select_one("input[name=email]")["value"] == data["email"]
    if data.get("reason") == "other":
        assert page.select_one("input[name=reason][value=other]").has_attr("checked")


def test_markup_in_a_report_is_shown_back_escaped(client, home_page, service):
    typed = "<script>alert('x')</script>"

    response = client.post(report_url(service), {"message": typed, "email": "<b>me</b>"})

    body = response.content.decode()
    assert typed not in body and "<b>me</b>" not in body
    page = soup(response)
    assert textarea_value(page, "message") == typed


def test_reports_are_limited_per_address(
    client, home_page, service, moderator, django_capture_on_commit_callbacks
):
    data = {"reason": "other", "message": "Wrong phone number"}
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(reports.REPORTS_PER_WINDOW):
            assert client.post(report_url(service), data).status_code == 302

        refused = client.post(report_url(service), data)

    assert refused.status_code == 429
    page = soup(refused)
    assert page.h1.get_text(strip=True) == "You have sent too many reports"
    assert "You can send up to 5 reports an hour." in page.get_text()
    assert ListingReport.objects.count() == 5
    assert len(mail.outbox) == 5
    assert client.get(report_url(service)).status_code == 429
    # Bad input does not use up the allowance, and other addresses are not affected.
    other = client_from("203.0.113.9")
    assert other.post(report_url(service), {}).status_code == 200
    assert other.post(report_url(service), data).status_code == 302


def client_from(address):
    from django.test import Client

    return Client(REMOTE_ADDR=address)


# --- the report service -------------------------------------------------------------------


def test_listing_report_create_validates_and_saves_nothing_on_bad_input(service):
    with pytest.raises(ValidationError) as error:
        reports.listing_report_create(
            service=service, reason="nonsense", message="", email="bad", reporter=None
        )
    assert set(error.value.message_dict) == {"reason", "message", "email"}
    with pytest.raises(ValidationError):
        reports.listing_report_create(
            service=service, reason="other", message="y" * 2001, email="", reporter=None
        )
    assert not ListingReport.objects.exists()


def test_listing_report_create_ignores_an_anonymous_reporter(service, moderator):
    from django.contrib.auth.models import AnonymousUser

    report = reports.listing_report_create(
        service=service,
        reason="other",
        message="Staff were rude.",
        email="",
        reporter=AnonymousUser(),
    )

    assert report.reporter is None and report.pk


def test_a_safety_worry_is_never_a_listing_report(service, moderator):
    with pytest.raises(ValidationError) as error:
        reports.listing_report_create(
            service=service, reason="concern", message="She was hurt.", email="", reporter=None
        )
    assert "safeguarding team" in error.value.message_dict["reason"][0]
    assert not ListingReport.objects.exists() and mail.outbox == []


def test_moderator_addresses_are_the_active_moderators(moderator):
    retired = make_user("retired@council.example", Role.MODERATOR)
    retired.is_active = False
    retired.save()
    make_user("editor@council.example", Role.EDITOR)

    assert reports.moderator_addresses() == ["moderator@council.example"]


@pytest.mark.django_db
def test_staff_get_an_edit_link_and_unclaimed_pages_a_claim_link(client, home_page):
    from bs4 import BeautifulSoup

    from tests.factories import OrganisationFactory, ServiceFactory, make_provider

    unclaimed = OrganisationFactory(slug="nobody-yet")
    claimed = OrganisationFactory(slug="managed")
    service = ServiceFactory(organisation=claimed, slug="managed-service")
    staff = make_provider(claimed)

    page = BeautifulSoup(client.get("/organisations/nobody-yet/").content, "html.parser")
    assert page.select_one('a[href="/provider/claim/nobody-yet/"]')
    page = BeautifulSoup(client.get("/services/managed-service/").content, "html.parser")
    assert not page.find("a", string="Edit this listing")

    client.force_login(staff)
    page = BeautifulSoup(client.get(f"/services/{service.slug}/").content, "html.parser")
    assert (
        page.find("a", string="Edit this listing")["href"]
        == "/provider/services/managed-service/edit/"
    )
    page = BeautifulSoup(client.get("/organisations/managed/").content, "html.parser")
    assert not page.select('a[href^="/provider/claim/"]')
    assert unclaimed.memberships.count() == 0
