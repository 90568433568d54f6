"""Provider self-service for services: the dashboard, the service form, prices, availability,
confirming, sending for publication, archiving, the change log; and who may do each of them."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from catalogue import services
from catalogue.models import (
    ClientGroup,
    FundingType,
    Membership,
    Organisation,
    PriceOption,
    PriceRecord,
    Service,
    ServiceChange,
)
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

DASHBOARD = "/provider/"


@pytest.fixture(autouse=True)
def _site(home_page):
    """The page chrome needs a Wagtail site."""


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Sunrise Care Ltd", slug="sunrise-care")


@pytest.fixture
def owner(organisation):
    return make_provider(organisation, email="owner@sunrise.example")


@pytest.fixture
def editor(organisation):
    return make_provider(organisation, Membership.Role.EDITOR, email="editor@sunrise.example")


@pytest.fixture
def outsider():
    return make_provider(OrganisationFactory(), email="other@elsewhere.example")


@pytest.fixture
def public():
    return make_user("someone@public.example")


@pytest.fixture
def home_care():
    parent = CategoryFactory(name="Care at home", slug="care-at-home")
    return CategoryFactory(name="Home care (personal care)", slug="home-care", parent=parent)


@pytest.fixture
def care_home():
    parent = CategoryFactory(name="Care homes", slug="care-homes", reference_unit="week")
    return CategoryFactory(
        name="Residential care home", slug="residential-care-home", parent=parent
    )


@pytest.fixture
def town():
    return LocalityFactory(name="Ludlow", slug="ludlow")


@pytest.fixture
def postcode(town):
    return PostcodeFactory(postcode="SY8 1AA", district="SY8", locality=town)


@pytest.fixture
def service(organisation, home_care):
    service = ServiceFactory(
        organisation=organisation,
        name="Sunrise Home Care",
        slug="sunrise-home-care",
        categories=[home_care],
        status=Service.Status.DRAFT,
        published_at=None,
    )
    PriceOptionFactory(service=service, label="Weekday daytime", amount=Decimal("28.50"))
    return service


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text().split())


def h1(response) -> str:
    headings = soup(response).find_all("h1")
    assert len(headings) == 1, "every page has exactly one <h1>"
    return text(headings[0])


def error_summary(response) -> dict[str, str]:
    """{link target: message} from the error summary, which must be there."""
    page = soup(response)
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    assert summary is not None, "the error summary is shown"
    return {a["href"]: text(a) for a in summary.select("a")}


def field_error(response, field_id: str) -> str:
    """The error message shown beside a field (its id is `<field id>_error`)."""
    node = soup(response).select_one(f"#{field_id}_error")
    assert node is not None, f"an error is shown beside {field_id}"
    return text(node)


def success_banner(response) -> str:
    banner = soup(response).select_one(".govuk-notification-banner--success")
    assert banner is not None, "a success banner is shown"
    return text(banner)


# --- the dashboard ----------------------------------------------------------------------------


def row_of(response, name: str):
    for row in soup(response).select("tbody tr"):
        header = row.find("th")
        if header and header.find("a") and text(header.find("a")) == name:
            return row
    raise AssertionError(f"no row for {name}")


def test_the_dashboard_lists_each_service_with_status_last_check_and_what_needs_attention(
    client, organisation, owner, home_care
):
    now = timezone.now()
    make = ServiceFactory
    make(organisation=organisation, name="Fresh", accepting_new_clients=True)
    make(
        organisation=organisation,
        name="Seven months",
        last_confirmed_at=now - timedelta(days=215),
        accepting_new_clients=True,
    )
    make(
        organisation=organisation,
        name="Thirteen months",
        last_confirmed_at=now - timedelta(days=400),
        accepting_new_clients=False,
    )
    make(organisation=organisation, name="New draft", status=Service.Status.DRAFT)
    make(
        organisation=organisation,
        name="Turned down",
        status=Service.Status.REJECTED,
        status_reason="The prices are missing VAT.",
        accepting_new_clients=True,
    )
    waiting = make(organisation=organisation, name="Waiting", status=Service.Status.PENDING)
    PriceOptionFactory(service=waiting)
    client.force_login(owner)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert h1(response) == "Your organisations and services"
    caption = soup(response).select_one("caption")
    assert text(caption) == "Services of Sunrise Care Ltd"

    def cells(name):
        return [text(td) for td in row_of(response, name).find_all("td", recursive=False)]

    fresh = cells("Fresh")
    assert fresh[0] == "Published"
    assert fresh[1] == timezone.localtime(now).strftime("%-d %B %Y")
    assert fresh[3].startswith("Nothing")
    assert "Not checked for 6 months: confirm it is still correct" in cells("Seven months")[3]
    stale = cells("Thirteen months")[3]
    assert "Stale: hidden from search until you confirm it" in stale
    draft = cells("New draft")
    assert draft[0] == "Draft"
    assert "Draft: add a price and send it for approval" in draft[3]
    assert "No availability given" in draft[3]
    assert "Rejected: The prices are missing VAT." in cells("Turned down")[3]
    assert cells("Waiting")[0] == "Waiting for approval"
    tags = {text(t): t["class"] for t in soup(response).select("td .govuk-tag")}
    assert "govuk-tag--green" in tags["Published"]
    assert "govuk-tag--red" in tags["Rejected"]
    # Edit link, and the other engineers' pages linked by path.
    fresh_row = row_of(response, "Fresh")
    slug = Service.objects.get(name="Fresh").slug
    assert fresh_row.find("a")["href"] == f"/provider/services/{slug}/edit/"
    hrefs = {a["href"] for a in soup(response).select("a[href]")}
    assert f"/provider/services/{slug}/photos/" in hrefs
    assert "/provider/organisations/sunrise-care/" in hrefs
    assert "/provider/organisations/sunrise-care/people/" in hrefs
    assert "/provider/organisations/sunrise-care/services/upload/" in hrefs
    assert "/provider/organisations/sunrise-care/services/new/" in hrefs
    # Every published or draft listing can be confirmed and have its availability set inline.
    forms = {f["action"] for f in fresh_row.select("form")}
    assert forms == {
        f"/provider/services/{slug}/availability/",
        f"/provider/services/{slug}/confirm/",
    }
    assert fresh_row.select_one("input[type=radio][value=yes]").has_attr("checked")


def test_drafts_with_a_price_can_be_sent_from_the_dashboard(client, owner, service):
    client.force_login(owner)

    row = row_of(client.get(DASHBOARD), "Sunrise Home Care")

    assert "Draft: send it for approval" in text(row)
    assert row.select_one(f"form[action='/provider/services/{service.slug}/submit/']")
    # Only published listings need confirming (the 6 and 12 month clocks run on them).
    assert not row.select_one("form[action$='/confirm/']")


def test_editors_do_not_get_the_owners_link_to_manage_people(client, editor, service):
    client.force_login(editor)

    page = soup(client.get(DASHBOARD))

    hrefs = {a["href"] for a in page.select("a[href]")}
    assert "/provider/organisations/sunrise-care/people/" not in hrefs
    assert "/provider/organisations/sunrise-care/" in hrefs


def test_the_dashboard_shows_only_the_persons_own_organisations(client, owner, service):
    ServiceFactory(name="Someone else's service")
    client.force_login(owner)

    response = client.get(DASHBOARD)

    assert "Sunrise Home Care" in text(soup(response))
    assert "Someone else's service" not in text(soup(response))


def test_a_person_without_an_organisation_is_told_how_to_register_or_claim(client, public):
    client.force_login(public)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    hrefs = {a["href"] for a in soup(response).select("main a[href]")}
    assert {"/provider/register/", "/provider/claim/"} <= hrefs
    assert not soup(response).select("table")


def test_a_pending_organisation_is_told_it_is_being_checked(client, organisation, owner):
    organisation.status = Organisation.Status.PENDING
    organisation.save()
    client.force_login(owner)

    response = client.get(DASHBOARD)

    assert "The council is checking Sunrise Care Ltd" in text(soup(response))


def test_anonymous_visitors_are_asked_to_sign_in_for_the_dashboard(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/provider/"


def _many_services(organisation, count, categories):
    for number in range(count):
        service = ServiceFactory(
            organisation=organisation,
            categories=categories,
            beds=20 if number % 2 else None,
            accepting_new_clients=bool(number % 3),
        )
        PriceOptionFactory(service=service)


def test_the_dashboard_does_a_bounded_number_of_queries(
    client, organisation, owner, home_care, care_home, django_assert_max_num_queries
):
    second = OrganisationFactory()
    Membership.objects.create(user=owner, organisation=second, role=Membership.Role.EDITOR)
    _many_services(organisation, 2, [home_care])
    client.force_login(owner)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DASHBOARD).status_code == 200

    _many_services(organisation, 30, [home_care, care_home])
    _many_services(second, 30, [care_home])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(DASHBOARD)

    assert len(soup(response).select("tbody tr")) == 62
    # The dashboard also shows enquiry counts, usage figures and new reviews (a fixed number each).
    assert len(few.captured_queries) <= 20


# --- availability and confirming --------------------------------------------------------------


def test_availability_in_two_clicks_from_the_dashboard(client, owner, organisation, care_home):
    home = ServiceFactory(organisation=organisation, name="Oak House", categories=[care_home])
    client.force_login(owner)
    row = row_of(client.get(DASHBOARD), "Oak House")
    form = row.select_one("form[action$='/availability/']")
    # The two clicks: 'Yes', then 'Save' (vacancies are offered because it is a care home).
    assert form.select_one("input[name=vacancies]")
    assert form.select_one(f"label[for=service-{home.pk}-accepting_new_clients_0]")

    response = client.post(
        form["action"], {"accepting_new_clients": "yes", "vacancies": "2"}, follow=True
    )

    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "Availability for Oak House is updated." in success_banner(response)
    home.refresh_from_db()
    assert home.accepting_new_clients is True and home.vacancies == 2
    assert home.availability_updated_at is not None
    assert home.changes.filter(action=ServiceChange.Action.AVAILABILITY).exists()
    assert row_of(response, "Oak House").select_one("input[value=yes]").has_attr("checked")


def test_services_without_beds_are_not_asked_for_vacancies(client, owner, service):
    client.force_login(owner)

    row = row_of(client.get(DASHBOARD), "Sunrise Home Care")

    assert row.select_one("form[action$='/availability/']")
    assert not row.select_one("input[name=vacancies]")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "accepting_new_clients_0", "Select yes if you can take new clients"),
        (
            {"accepting_new_clients": "yes", "vacancies": "5"},
            "vacancies",
            "Vacancies cannot be more than the 4 beds.",
        ),
        (
            {"accepting_new_clients": "yes", "vacancies": "-1"},
            "vacancies",
            "Vacancies cannot be less than zero.",
        ),
        (
            {"accepting_new_clients": "yes", "vacancies": "two"},
            "vacancies",
            "Enter the number of vacancies as a whole number, like 2",
        ),
        (
            {"accepting_new_clients": "yes", "earliest_start": "31/02/2026"},
            "earliest_start",
            "Enter a real date, like 1 April 2026",
        ),
    ],
)
def test_bad_availability_is_shown_on_its_page_and_nothing_changes(
    client, owner, organisation, data, field, message
):
    home = ServiceFactory(organisation=organisation, name="Oak House", beds=4)
    client.force_login(owner)

    response = client.post(f"/provider/services/{home.slug}/availability/", data)

    assert response.status_code == 200
    assert h1(response) == "Availability"
    target = f"service-{home.pk}-{field}"
    assert error_summary(response)[f"#{target}"] == message
    home.refresh_from_db()
    assert home.accepting_new_clients is None and home.vacancies is None
    assert not home.changes.exists()


def test_the_availability_page_shows_the_form_on_its_own(client, owner, service):
    client.force_login(owner)

    response = client.get(f"/provider/services/{service.slug}/availability/")

    assert h1(response) == "Availability"
    legend = soup(response).select_one("main form fieldset legend")
    assert text(legend) == "Accepting new clients?"


def test_confirming_a_stale_listing_brings_it_back(client, owner, organisation):
    old = ServiceFactory(
        organisation=organisation,
        name="Old listing",
        last_confirmed_at=timezone.now() - timedelta(days=400),
        stale_reminder_sent_at=timezone.now() - timedelta(days=100),
    )
    assert old in Service.objects.stale()
    client.force_login(owner)

    response = client.post(f"/provider/services/{old.slug}/confirm/", follow=True)

    assert "You confirmed Old listing is still correct." in success_banner(response)
    old.refresh_from_db()
    assert old in Service.objects.visible()
    assert old.stale_reminder_sent_at is None
    assert "Stale" not in text(row_of(response, "Old listing"))


def test_confirming_needs_a_post(client, owner, service):
    client.force_login(owner)

    assert client.get(f"/provider/services/{service.slug}/confirm/").status_code == 405


# --- the service form -------------------------------------------------------------------------


def test_the_new_service_form_asks_for_every_field(
    client, owner, organisation, home_care, care_home, town
):
    client.force_login(owner)

    response = client.get(f"/provider/organisations/{organisation.slug}/services/new/")

    assert response.status_code == 200
    assert h1(response) == "Add a service"
    page = soup(response)
    names = {node["name"] for node in page.select("main form [name]")}
    expected = {
        "name",
        "summary",
        "description",
        "categories",
        "client_groups",
        "funding_accepted",
        "localities_served",
        "radius_km",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "hide_exact_address",
        "contact_name",
        "email",
        "phone",
        "website",
        "accessibility_features",
        "languages",
        "cqc_location_id",
        "beds",
        "started_trading_on_0",
        "started_trading_on_1",
        "started_trading_on_2",
    }
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    expected |= {f"{edge}_{day}" for day in days for edge in ("opens", "closes")}
    assert expected <= names
    # Categories: each top-level kind with its sub-kinds indented under it, in one fieldset.
    legends = [text(legend) for legend in page.select("legend")]
    assert "What kind of service is it?" in legends
    assert "Opening times (optional)" in legends
    groups = page.select(".govuk-checkboxes__conditional")
    children = [text(label) for group in groups for label in group.select("label")]
    assert "Home care (personal care) (Care at home)" in children
    assert "Residential care home (Care homes)" in children
    every_label = {text(label) for label in page.select("label")}
    assert {"Care at home", "Monday opens", "Sunday closes", "Hearing loop"} <= every_label
    assert {"Older people", "Dementia", "Ludlow"} <= every_label


def _service_data(category, **overrides):
    data = {
        "name": "Riverside Day Centre",
        "summary": "Days out and activities for older people.",
        "description": "We run a lunch club.\n\nTransport is available.",
        "categories": [str(category.pk)],
        "client_groups": [str(ClientGroup.objects.get(slug="older-people").pk)],
        "funding_accepted": [str(FundingType.objects.order_by("pk").first().pk)],
        "radius_km": "12.5",
        "address_line_1": "1 Mill Street",
        "town": "Ludlow",
        "postcode": "sy8 1aa",
        "hide_exact_address": "on",
        "contact_name": "Sam Jones",
        "email": "sam@riverside.example",
        "phone": "01584 000000",
        "website": "https://riverside.example",
        "opens_monday": "09:00",
        "closes_monday": "17:30",
        "opens_saturday": "10:00",
        "closes_saturday": "14:00",
        "accessibility_features": ["Step-free access", "Hearing loop"],
        "languages": "English, Welsh,  polish, english",
        "cqc_location_id": "1-123456789",
        "beds": "",
        "started_trading_on_0": "7",
        "started_trading_on_1": "1",
        "started_trading_on_2": "2019",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_creating_a_service_saves_every_field_and_goes_to_prices(
    client, owner, organisation, home_care, town, postcode
):
    client.force_login(owner)
    data = _service_data(home_care, localities_served=[str(town.pk)])

    response = client.post(
        f"/provider/organisations/{organisation.slug}/services/new/", data, follow=True
    )

    service = Service.objects.get(name="Riverside Day Centre")
    assert response.redirect_chain == [(f"/provider/services/{service.slug}/prices/", 302)]
    assert h1(response) == "Prices"
    assert "saved as a draft" in success_banner(response)
    assert service.organisation == organisation
    assert service.status == Service.Status.DRAFT
    assert list(service.categories.all()) == [home_care]
    assert [g.slug for g in service.client_groups.all()] == ["older-people"]
    assert service.funding_accepted.count() == 1
    assert list(service.localities_served.all()) == [town]
    assert service.radius_km == Decimal("12.5")
    assert service.postcode == "SY8 1AA"
    assert (service.easting, service.northing, service.locality) == (
        postcode.easting,
        postcode.northing,
        town,
    )
    assert service.hide_exact_address is True
    assert service.opening_times == [
        {"day": "Monday", "opens": "09:00", "closes": "17:30"},
        {"day": "Saturday", "opens": "10:00", "closes": "14:00"},
    ]
    assert service.accessibility_features == ["Step-free access", "Hearing loop"]
    assert service.languages == ["English", "Welsh", "polish"]
    assert service.website == "https://riverside.example"
    assert service.cqc_location_id == "1-123456789"
    assert service.beds is None
    assert service.started_trading_on == date(2019, 1, 7)
    assert service.changes.get().action == ServiceChange.Action.CREATED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": "SY8 9ZZ"}, "id_postcode", "We cannot find SY8 9ZZ."),
        ({"postcode": "not a postcode"}, "id_postcode", "Enter a real postcode, like SY1 1AA."),
        ({"name": ""}, "id_name", "Enter the name of the service"),
        ({"summary": ""}, "id_summary", "Enter a short summary of the service"),
        ({"categories": []}, "id_categories", "Select at least one kind of service"),
        ({"email": "sam at riverside"}, "id_email", "Enter an email address like"),
        ({"website": "not a web address"}, "id_website", "Enter a web address like"),
        ({"closes_monday": ""}, "id_closes_monday", "Enter the time Monday closes"),
        ({"opens_monday": "nine"}, "id_opens_monday", "Enter the time Monday opens, like 09:00"),
        ({"radius_km": "500"}, "id_radius_km", "less than or equal to 200"),
        ({"radius_km": "far"}, "id_radius_km", "Enter the distance as a number"),
        ({"beds": "-3"}, "id_beds", "greater than or equal to 0"),
        ({"accessibility_features": ["Moat"]}, "id_accessibility_features", "not one of"),
        (
            {"started_trading_on_2": "2999"},
            "id_started_trading_on",
            "The date the service started trading must be today or in the past.",
        ),
        (
            {"started_trading_on_1": ""},
            "id_started_trading_on",
            "The date the service started trading must include a month.",
        ),
        (
            {"started_trading_on_0": "31", "started_trading_on_1": "2"},
            "id_started_trading_on",
            "The date the service started trading must be a real date",
        ),
    ],
)
def test_bad_service_details_are_shown_beside_their_field_and_nothing_is_saved(
    client, owner, organisation, home_care, postcode, overrides, field, message
):
    client.force_login(owner)

    response = client.post(
        f"/provider/organisations/{organisation.slug}/services/new/",
        _service_data(home_care, **overrides),
    )

    assert response.status_code == 200
    summary = error_summary(response)
    fieldset = soup(response).select_one(f"#{field}_0")
    anchor = f"#{field}_0" if fieldset else f"#{field}"
    assert message in summary[anchor]
    assert message in field_error(response, field)
    assert not Service.objects.exists()
    assert not ServiceChange.objects.exists()
    # What was typed is kept.
    assert soup(response).select_one("#id_contact_name")["value"] == "Sam Jones"
    assert soup(response).select_one("#id_address_line_1")["value"] == "1 Mill Street"


def test_the_edit_form_shows_what_is_stored(client, editor, service):
    Service.objects.filter(pk=service.pk).update(
        opening_times=[{"day": "Tuesday", "opens": "08:00", "closes": "18:00"}],
        languages=["English", "Polish"],
        accessibility_features=["Hearing loop", "Induction loop at reception"],
        town="Ludlow",
        started_trading_on=date(2015, 9, 1),
    )
    client.force_login(editor)

    response = client.get(f"/provider/services/{service.slug}/edit/")

    assert h1(response) == "Change Sunrise Home Care"
    page = soup(response)
    assert page.select_one("#id_name")["value"] == "Sunrise Home Care"
    assert page.select_one("#id_opens_tuesday")["value"] == "08:00"
    assert page.select_one("#id_closes_tuesday")["value"] == "18:00"
    assert page.select_one("#id_languages")["value"] == "English, Polish"
    assert [page.select_one(f"#id_started_trading_on_{i}")["value"] for i in range(3)] == [
        "1",
        "9",
        "2015",
    ]
    checked = {node["value"] for node in page.select("input[name=accessibility_features][checked]")}
    # A feature an import stored that is not in the fixed list is kept as a choice.
    assert checked == {"Hearing loop", "Induction loop at reception"}
    category = page.select_one(f"input[name=categories][value='{service.categories.get().pk}']")
    assert category.has_attr("checked")


def test_editing_saves_and_logs_what_changed(client, editor, service):
    client.force_login(editor)
    data = _service_data(
        service.categories.get(), name="Sunrise Home Care", summary="Care in your own home."
    )
    data["postcode"] = ""

    response = client.post(f"/provider/services/{service.slug}/edit/", data, follow=True)

    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "Your changes to Sunrise Home Care are saved." in success_banner(response)
    service.refresh_from_db()
    assert service.summary == "Care in your own home."
    change = service.changes.get(action=ServiceChange.Action.EDITED)
    assert change.user == editor
    assert change.changes["summary"] == ["Help at home.", "Care in your own home."]

    history = client.get(f"/provider/services/{service.slug}/history/")
    assert h1(history) == "Change history"
    rows = [text(row) for row in soup(history).select("tbody tr")]
    assert any(
        "editor@sunrise.example" in row
        and "Edited" in row
        and "Summary: Help at home. to Care in your own home." in row
        for row in rows
    )


def test_editing_a_published_service_says_the_change_is_live(client, owner, service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.PUBLISHED)
    client.force_login(owner)
    data = _service_data(service.categories.get(), name="Sunrise Home Care", postcode="")

    response = client.post(f"/provider/services/{service.slug}/edit/", data, follow=True)

    assert "are saved and are shown to the public now" in success_banner(response)


def test_a_failed_edit_changes_nothing(client, owner, service, postcode):
    client.force_login(owner)
    before = Service.objects.values().get(pk=service.pk)
    data = _service_data(service.categories.get(), name="A new name", postcode="SY8 9ZZ")

    response = client.post(f"/provider/services/{service.slug}/edit/", data)

    assert response.status_code == 200
    assert "We cannot find SY8 9ZZ" in field_error(response, "id_postcode")
    assert h1(response) == "Change Sunrise Home Care"
    assert soup(response).select_one("#id_name")["value"] == "A new name"
    assert Service.objects.values().get(pk=service.pk) == before
    assert not service.changes.exists()


# --- prices -----------------------------------------------------------------------------------


def prices_url(service) -> str:
    return f"/provider/services/{service.slug}/prices/"


PRICE = {"label": "Weekend", "amount": "31.50", "unit": "hour", "conditions": "Minimum 1 hour"}


def test_the_prices_page_lists_prices_with_links_and_the_add_form(client, owner, service):
    client.force_login(owner)

    response = client.get(prices_url(service))

    assert h1(response) == "Prices"
    page = soup(response)
    option = service.price_options.get()
    row = page.select_one("table tbody tr")
    assert text(row.th) == "Weekday daytime"
    assert "£28.50 per hour" in text(row)
    hrefs = {a["href"] for a in row.select("a")}
    assert hrefs == {
        f"{prices_url(service)}{option.uuid}/edit/",
        f"{prices_url(service)}{option.uuid}/delete/",
    }
    legend = page.select_one("form fieldset legend")
    assert text(legend) == "What is the price for?"
    assert {node["value"] for node in page.select("input[name=unit]")} >= {"hour", "week", "free"}


def test_a_new_price_shows_on_the_public_page_at_once_and_in_the_history(client, owner, service):
    Service.objects.filter(pk=service.pk).update(
        status=Service.Status.PUBLISHED, published_at=timezone.now()
    )
    client.force_login(owner)

    response = client.post(prices_url(service), PRICE, follow=True)

    assert response.redirect_chain == [(prices_url(service), 302)]
    assert "The price Weekend is saved and shown on your public page now." in success_banner(
        response
    )
    option = service.price_options.get(label="Weekend")
    assert option.amount == Decimal("31.50") and option.unit == "hour"
    record = PriceRecord.objects.get(option_uuid=option.uuid)
    assert record.amount == Decimal("31.50") and record.recorded_by == owner
    history = soup(response).find("h2", string="Price history").find_next("table")
    assert "Weekend £31.50 per hour Always owner@sunrise.example" in text(history)

    public_page = client.get(f"/services/{service.slug}/")
    assert public_page.status_code == 200
    assert "£31.50 per hour" in text(soup(public_page))


def test_a_price_says_when_it_applies(client, owner, service):
    client.force_login(owner)
    page = soup(client.get(prices_url(service)))
    kinds = page.select("input[name=kind]")
    assert [node["value"] for node in kinds] == [
        "standard",
        "evenings-weekends",
        "nights",
        "bank-holidays",
        "other",
    ]
    assert page.select_one("input[name=kind][checked]")["value"] == "standard"

    response = client.post(prices_url(service), {**PRICE, "kind": "evenings-weekends"}, follow=True)

    option = service.price_options.get(label="Weekend")
    assert option.kind == "evenings-weekends"
    assert PriceRecord.objects.get(option_uuid=option.uuid).kind == "evenings-weekends"
    row = next(r for r in soup(response).select("table tbody tr") if text(r.th) == "Weekend")
    assert "Evenings and weekends" in text(row)
    # Changing only the kind is a price change: it is recorded in the history.
    client.post(f"{prices_url(service)}{option.uuid}/edit/", {**PRICE, "kind": "bank-holidays"})
    option.refresh_from_db()
    assert option.kind == "bank-holidays"
    assert PriceRecord.objects.filter(option_uuid=option.uuid).count() == 2


def test_changing_a_price_shows_the_new_price_publicly_and_keeps_the_old_in_history(
    client, editor, service
):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.PUBLISHED)
    option = service.price_options.get()
    client.force_login(editor)
    edit_url = f"{prices_url(service)}{option.uuid}/edit/"
    form = client.get(edit_url)
    assert h1(form) == "Change the price Weekday daytime"
    assert soup(form).select_one("#id_amount")["value"] == "28.50"

    response = client.post(
        edit_url, {**PRICE, "label": "Weekday daytime", "amount": "£30.00"}, follow=True
    )

    assert response.redirect_chain == [(prices_url(service), 302)]
    option.refresh_from_db()
    assert option.amount == Decimal("30.00")
    assert PriceRecord.objects.filter(option_uuid=option.uuid).count() == 1
    history_text = text(soup(response).find("h2", string="Price history").find_next("table"))
    assert "£30 per hour" in history_text
    assert "£28.50" not in text(soup(response).select_one("table tbody"))  # current prices
    public_page = client.get(f"/services/{service.slug}/")
    assert "£30 per hour" in text(soup(public_page))
    assert "£28.50" not in text(soup(public_page))


def test_two_people_editing_one_price_the_second_is_told_and_loses_nothing(
    client, owner, editor, service
):
    option = service.price_options.get()
    edit_url = f"{prices_url(service)}{option.uuid}/edit/"
    client.force_login(editor)
    editor_seen = soup(client.get(edit_url)).select_one("input[name=seen]")["value"]
    client.force_login(owner)
    owner_seen = soup(client.get(edit_url)).select_one("input[name=seen]")["value"]
    assert owner_seen == editor_seen  # both opened the same price
    weekday = {**PRICE, "label": "Weekday daytime"}

    client.post(edit_url, {**weekday, "amount": "30.00", "seen": owner_seen})
    client.force_login(editor)
    response = client.post(edit_url, {**weekday, "amount": "32.00", "seen": editor_seen})

    assert response.status_code == 200
    assert list(error_summary(response).values()) == [
        "Someone else changed this price while you were editing it: it is now Weekday daytime, "
        "£30.00 per hour. Your changes are below and have not been saved; check them and save "
        "again to replace it."
    ]
    page = soup(response)
    assert page.select_one("#id_amount")["value"] == "32.00"  # what the editor typed stays
    option.refresh_from_db()
    assert option.amount == Decimal("30.00")
    assert PriceRecord.objects.filter(option_uuid=option.uuid).count() == 1

    # Saving the re-displayed form replaces the other person's price knowingly.
    again = {**weekday, "amount": "32.00", "seen": page.select_one("input[name=seen]")["value"]}
    response = client.post(edit_url, again, follow=True)
    assert response.redirect_chain == [(prices_url(service), 302)]
    option.refresh_from_db()
    assert option.amount == Decimal("32.00")
    assert PriceRecord.objects.filter(option_uuid=option.uuid).count() == 2


def test_a_free_option_needs_no_amount(client, owner, service):
    client.force_login(owner)

    client.post(prices_url(service), {"label": "Taster session", "unit": "free"})

    assert service.price_options.get(label="Taster session").amount == Decimal("0")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "A price cannot be less than zero."),
        ({"amount": "1000000"}, "amount", "Enter a price under £100,000."),
        ({"amount": "24.505"}, "amount", "Enter the price in pounds and pence, like 24.50."),
        ({"amount": "lots"}, "amount", "Enter the price as a number, like 24.50"),
        ({"amount": ""}, "amount", "Enter the price, or choose 'free'."),
        ({"unit": ""}, "unit", "Select what the price is for, like per hour"),
        ({"unit": "fortnight"}, "unit", "Select a valid choice."),
        ({"unit": "free", "amount": "10"}, "amount", "A free option has a price of £0."),
        ({"label": ""}, "label", "Enter a name for this price, like Weekday daytime"),
        (
            {"valid_from": "2026-04-01", "valid_to": "2026-03-01"},
            "valid_to",
            "The end date must be on or after the start date.",
        ),
        ({"valid_from": "2026-02-30"}, "valid_from", "Enter a real date, like 1 April 2026"),
    ],
)
def test_bad_prices_are_shown_beside_their_field_and_nothing_is_saved(
    client, owner, service, overrides, field, message
):
    client.force_login(owner)
    options_before = list(PriceOption.objects.values())

    response = client.post(prices_url(service), {**PRICE, **overrides})

    assert response.status_code == 200
    anchor = f"#id_{field}_0" if field == "unit" else f"#id_{field}"
    assert error_summary(response)[anchor].startswith(message)
    assert message in field_error(response, f"id_{field}")
    assert list(PriceOption.objects.values()) == options_before
    assert not PriceRecord.objects.exists()
    assert not ServiceChange.objects.filter(action=ServiceChange.Action.PRICES).exists()
    typed = soup(response).select_one("#id_label").get("value", "")
    assert typed == overrides.get("label", "Weekend")


def test_a_bad_change_to_a_price_leaves_it_as_it_was(client, owner, service):
    option = service.price_options.get()
    client.force_login(owner)

    response = client.post(
        f"{prices_url(service)}{option.uuid}/edit/",
        {**PRICE, "label": "Renamed", "amount": "-1"},
    )

    assert response.status_code == 200
    assert h1(response) == "Change the price Weekday daytime"
    assert "A price cannot be less than zero." in field_error(response, "id_amount")
    option.refresh_from_db()
    assert (option.label, option.amount) == ("Weekday daytime", Decimal("28.50"))
    assert not PriceRecord.objects.exists()


def test_deleting_a_price_asks_first_then_records_that_it_ended(client, owner, service):
    option = service.price_options.get()
    client.force_login(owner)
    delete_url = f"{prices_url(service)}{option.uuid}/delete/"

    confirm = client.get(delete_url)
    assert h1(confirm) == "Are you sure you want to delete the price Weekday daytime?"
    assert service.price_options.exists()

    response = client.post(delete_url, follow=True)

    assert "The price Weekday daytime has been deleted." in success_banner(response)
    assert not service.price_options.exists()
    record = PriceRecord.objects.get(option_uuid=option.uuid)
    assert record.amount is None
    history = soup(response).find("h2", string="Price history").find_next("table")
    assert "Weekday daytime Deleted" in text(history)


def test_a_price_of_another_service_is_not_found_under_this_one(client, owner, service):
    elsewhere = PriceOptionFactory(service=ServiceFactory(organisation=service.organisation))
    client.force_login(owner)

    response = client.post(
        f"{prices_url(service)}{elsewhere.uuid}/edit/", {**PRICE, "amount": "1.00"}
    )

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.amount == Decimal("28.50")


def test_the_price_history_is_paged(client, owner, service):
    option = service.price_options.get()
    for pence in range(30):
        services.price_option_save(
            user=owner,
            service=service,
            option=option,
            label=option.label,
            amount=Decimal("20.00") + Decimal(pence) / 100,
            unit="hour",
        )
    client.force_login(owner)

    first = soup(client.get(prices_url(service)))
    second = soup(client.get(prices_url(service) + "?page=2"))

    history = first.find("h2", string="Price history").find_next("table")
    assert len(history.select("tbody tr")) == 25
    assert "£20.29 per hour" in text(history)
    assert first.select_one(".govuk-pagination")
    assert len(second.find("h2", string="Price history").find_next("table").select("tbody tr"))


# --- sending for publication and archiving ----------------------------------------------------


def test_a_first_service_goes_to_the_moderators(client, owner, service):
    client.force_login(owner)

    response = client.post(f"/provider/services/{service.slug}/submit/", follow=True)

    assert response.redirect_chain == [(DASHBOARD, 302)]
    assert "has been sent to the council for approval" in success_banner(response)
    service.refresh_from_db()
    assert service.status == Service.Status.PENDING
    assert text(row_of(response, "Sunrise Home Care").select_one(".govuk-tag")) == (
        "Waiting for approval"
    )


def test_a_trusted_organisation_publishes_at_once(client, owner, service, organisation):
    ServiceFactory(organisation=organisation, name="Approved before")
    client.force_login(owner)

    response = client.post(f"/provider/services/{service.slug}/submit/", follow=True)

    assert "Sunrise Home Care is published." in success_banner(response)
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED


def test_a_service_without_prices_cannot_be_sent(client, owner, service):
    service.price_options.all().delete()
    client.force_login(owner)

    response = client.post(f"/provider/services/{service.slug}/submit/", follow=True)

    assert response.redirect_chain == [(prices_url(service), 302)]
    banner = soup(response).select_one(".govuk-notification-banner")
    assert "Add at least one price (or a free option) before submitting." in text(banner)
    service.refresh_from_db()
    assert service.status == Service.Status.DRAFT


def test_archiving_asks_first_then_takes_the_listing_down(client, editor, service):
    Service.objects.filter(pk=service.pk).update(status=Service.Status.PUBLISHED)
    client.force_login(editor)
    url = f"/provider/services/{service.slug}/archive/"

    confirm = client.get(url)
    assert h1(confirm) == "Are you sure you want to archive Sunrise Home Care?"
    service.refresh_from_db()
    assert service.status == Service.Status.PUBLISHED

    response = client.post(url, follow=True)

    assert "Sunrise Home Care is archived." in success_banner(response)
    service.refresh_from_db()
    assert service.status == Service.Status.ARCHIVED
    row = row_of(response, "Sunrise Home Care")
    assert text(row.select_one(".govuk-tag")) == "Archived"
    assert not row.select_one("form[action$='/confirm/']")


def test_the_history_shows_who_did_what_with_moderators_notes(client, owner, service):
    moderator = make_user("mod@council.example", Role.MODERATOR)
    services.service_submit(user=owner, service=service)
    services.service_reject(moderator=moderator, service=service, reason="Add your VAT.")
    services.service_set_availability(user=owner, service=service, accepting_new_clients=True)
    client.force_login(owner)

    response = client.get(f"/provider/services/{service.slug}/history/")

    rows = [text(row) for row in soup(response).select("tbody tr")]
    assert rows[0].endswith("Accepting new clients: (blank) to Yes")
    assert "owner@sunrise.example Availability updated" in rows[0]
    assert "mod@council.example Rejected Add your VAT." in rows[1]
    assert "owner@sunrise.example Submitted for approval" in rows[2]


# --- who may do what --------------------------------------------------------------------------


@dataclass
class Write:
    name: str
    url: str
    data: dict


def _writes(service: Service, organisation: Organisation) -> list[Write]:
    option = service.price_options.get()
    prices = prices_url(service)
    category = service.categories.get()
    return [
        Write(
            "create",
            f"/provider/organisations/{organisation.slug}/services/new/",
            _service_data(category, postcode=""),
        ),
        Write(
            "edit",
            f"/provider/services/{service.slug}/edit/",
            _service_data(category, postcode="", name="Changed name"),
        ),
        Write("add price", prices, PRICE),
        Write("change price", f"{prices}{option.uuid}/edit/", {**PRICE, "amount": "40"}),
        Write("delete price", f"{prices}{option.uuid}/delete/", {}),
        Write(
            "availability",
            f"/provider/services/{service.slug}/availability/",
            {"accepting_new_clients": "yes"},
        ),
        Write("confirm", f"/provider/services/{service.slug}/confirm/", {}),
        Write("submit", f"/provider/services/{service.slug}/submit/", {}),
        Write("archive", f"/provider/services/{service.slug}/archive/", {}),
    ]


WRITES = [
    "create",
    "edit",
    "add price",
    "change price",
    "delete price",
    "availability",
    "confirm",
    "submit",
    "archive",
]


def _state():
    """Everything a write could change."""
    return (
        list(Service.objects.order_by("pk").values()),
        list(PriceOption.objects.order_by("pk").values()),
        PriceRecord.objects.count(),
        ServiceChange.objects.count(),
    )


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["owner", "editor"])
def test_the_organisations_owners_and_editors_may(
    client, request, organisation, service, write, who
):
    client.force_login(request.getfixturevalue(who))
    if write == "confirm":  # only a published listing can be confirmed
        Service.objects.filter(pk=service.pk).update(status=Service.Status.PUBLISHED)
    action = next(w for w in _writes(service, organisation) if w.name == write)
    before = _state()

    response = client.post(action.url, action.data)

    assert response.status_code == 302, response.content[:2000]
    assert _state() != before


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("who", ["outsider", "public", "anonymous"])
def test_anyone_else_may_not_and_nothing_changes(
    client, request, organisation, owner, service, write, who
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    action = next(w for w in _writes(service, organisation) if w.name == write)
    before = _state()

    response = client.post(action.url, action.data)

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=/provider/")
    else:
        assert response.status_code == 403
        assert h1(response) == "You cannot see this page"
    assert _state() == before


def _pages(service: Service, organisation: Organisation) -> list[str]:
    option = service.price_options.get()
    base = f"/provider/services/{service.slug}"
    return [
        f"/provider/organisations/{organisation.slug}/services/new/",
        f"{base}/edit/",
        f"{base}/prices/",
        f"{base}/prices/{option.uuid}/edit/",
        f"{base}/prices/{option.uuid}/delete/",
        f"{base}/availability/",
        f"{base}/archive/",
        f"{base}/history/",
    ]


@pytest.mark.parametrize("who", ["owner", "editor", "outsider", "public", "anonymous"])
def test_the_pages_render_for_staff_only(client, request, organisation, service, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    for url in _pages(service, organisation):
        response = client.get(url)
        if who in ("owner", "editor"):
            assert response.status_code == 200, url
            h1(response)
        elif who == "anonymous":
            assert response.status_code == 302, url
            assert response["Location"] == f"/accounts/login/?next={url}"
        else:
            assert response.status_code == 403, url


def test_unknown_services_and_organisations_are_not_found(client, owner):
    client.force_login(owner)

    assert client.get("/provider/services/no-such-service/edit/").status_code == 404
    assert client.get("/provider/organisations/nobody/services/new/").status_code == 404


def test_confirming_a_draft_says_why_not_and_changes_nothing(client, owner, service):
    client.force_login(owner)
    before = _state()

    response = client.post(f"/provider/services/{service.slug}/confirm/", follow=True)

    assert response.status_code == 200
    assert "Only a published listing can be confirmed." in response.content.decode()
    assert _state() == before
