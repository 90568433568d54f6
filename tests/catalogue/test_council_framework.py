"""Listings on a council framework or contract (issue 17): a flag only commissioners set, shown on
the listing. Providers have no route to it: not the edit form, the bulk upload, the service
functions they call, nor the read-only API."""

from django.core.exceptions import PermissionDenied, ValidationError

import pytest
from bs4 import BeautifulSoup

from catalogue import bulk_upload
from catalogue import services as catalogue_services
from catalogue.forms_services import ServiceForm
from catalogue.models import PartnerSource, Service, ServiceChange
from core.roles import Role
from tests.catalogue.test_provider_services import _service_data
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    ServiceFactory,
    make_provider,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(home_page):
    """The page chrome needs a Wagtail site."""


@pytest.fixture
def home_care():
    parent = CategoryFactory(name="Care at home", slug="care-at-home")
    return CategoryFactory(name="Home care", slug="home-care", parent=parent)


@pytest.fixture
def service(home_care):
    return ServiceFactory(
        name="Sunrise Home Care",
        slug="sunrise-home-care",
        categories=[home_care],
        organisation=OrganisationFactory(name="Sunrise Care Ltd"),
    )


@pytest.fixture
def commissioner():
    return make_user("", Role.COMMISSIONER)


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def url(service) -> str:
    return f"/services/{service.slug}/framework/"


# --- the service ---------------------------------------------------------------------------------


def test_only_commissioners_set_the_flag(service, commissioner):
    owner = make_provider(service.organisation)
    for user in (
        owner,
        make_user(),
        make_user("", Role.MODERATOR),
        make_user("", Role.EDITOR),
        make_user("", Role.PRACTITIONER),
    ):
        with pytest.raises(PermissionDenied):
            catalogue_services.service_framework_set(user=user, service=service, on_framework=True)
    service.refresh_from_db()
    assert service.on_council_framework is False

    catalogue_services.service_framework_set(
        user=commissioner, service=service, on_framework=True, note=" Home care framework 2026 "
    )
    service.refresh_from_db()
    assert (service.on_council_framework, service.framework_note) == (
        True,
        "Home care framework 2026",
    )
    change = service.changes.get(action=ServiceChange.Action.FRAMEWORK)
    assert change.user == commissioner
    assert change.changes == {
        "on_council_framework": [False, True],
        "framework_note": ["", "Home care framework 2026"],
    }

    # The provider sees the change in the listing's history, in words.
    from catalogue.views.provider_services import change_rows

    (row,) = change_rows([change])
    # (PostgreSQL's jsonb keeps its own key order, so the order of the two rows is not asserted.)
    assert sorted(row.fields) == sorted(
        [
            ("On the council's framework", "No", "Yes"),
            ("Framework or contract", "(blank)", "Home care framework 2026"),
        ]
    )

    catalogue_services.service_framework_set(user=commissioner, service=service, on_framework=False)
    service.refresh_from_db()
    assert (service.on_council_framework, service.framework_note) == (False, "")
    assert service.changes.filter(action=ServiceChange.Action.FRAMEWORK).count() == 2


def test_a_partner_directorys_listing_cannot_be_on_the_councils_framework(commissioner):
    source = PartnerSource.objects.create(name="Neighbour Council", slug="neighbour")
    partner = ServiceFactory(partner_source=source, external_id="n-1")
    with pytest.raises(ValidationError, match="partner directory"):
        catalogue_services.service_framework_set(
            user=commissioner, service=partner, on_framework=True
        )


# --- providers have no route to it -------------------------------------------------------------


def test_providers_cannot_set_it_through_the_service_they_edit_with(service):
    owner = make_provider(service.organisation)
    with pytest.raises(ValueError, match="cannot be set here"):
        catalogue_services.service_update(user=owner, service=service, on_council_framework=True)
    assert "on_council_framework" not in ServiceForm.base_fields


def test_providers_cannot_set_it_through_the_edit_form(client, service, home_care):
    owner = make_provider(service.organisation)
    client.force_login(owner)
    data = _service_data(home_care, name="Sunrise Home Care", postcode="")
    data |= {"on_council_framework": "on", "on_framework": "on", "framework_note": "Ours"}
    response = client.post(f"/provider/services/{service.slug}/edit/", data)
    assert response.status_code == 302  # the edit itself is saved
    service.refresh_from_db()
    assert service.on_council_framework is False and service.framework_note == ""


def test_providers_cannot_set_it_through_the_bulk_upload():
    header = ",".join((*bulk_upload.COLUMN_NAMES, "on_council_framework"))
    with pytest.raises(ValidationError) as error:
        bulk_upload.read_csv(f"{header}\n".encode())
    assert "on_council_framework" in " ".join(error.value.messages)


@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_the_api_is_read_only(client, service, method):
    response = getattr(client, method)(
        f"/api/openreferral/v3/services/{service.uuid}",
        {"on_council_framework": True},
        content_type="application/json",
    )
    assert response.status_code == 405
    service.refresh_from_db()
    assert service.on_council_framework is False


# --- the commissioner's action on the listing -----------------------------------------------------


def test_a_commissioner_marks_a_listing_from_its_page(client, service, commissioner):
    client.force_login(commissioner)
    page = BeautifulSoup(client.get(service.get_absolute_url()).content, "html.parser")
    assert page.select_one("#framework-form")["action"] == url(service)
    response = client.post(url(service), {"on_framework": "1", "note": "Home care framework 2026"})
    assert response.status_code == 302 and response["Location"] == service.get_absolute_url()
    service.refresh_from_db()
    assert service.on_council_framework is True
    page = text_of(client.get(service.get_absolute_url()))
    assert "Sunrise Home Care is now shown as on the council's framework." in page

    response = client.post(url(service), {"note": "ignored when not on it"})
    service.refresh_from_db()
    assert (service.on_council_framework, service.framework_note) == (False, "")


@pytest.mark.parametrize("who", ["owner", "public", "moderator", "practitioner"])
def test_who_may_not_set_it_from_the_page(client, service, who):
    user = {
        "owner": lambda: make_provider(service.organisation),
        "public": make_user,
        "moderator": lambda: make_user("", Role.MODERATOR),
        "practitioner": lambda: make_user("", Role.PRACTITIONER),
    }[who]()
    client.force_login(user)
    assert client.post(url(service), {"on_framework": "1"}).status_code == 403
    service.refresh_from_db()
    assert service.on_council_framework is False
    assert client.get(service.get_absolute_url()).content.count(b"framework-form") == 0


def test_anonymous_visitors_are_asked_to_sign_in(client, service):
    response = client.post(url(service), {"on_framework": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    service.refresh_from_db()
    assert service.on_council_framework is False


def test_the_listing_says_it_is_on_the_councils_framework(client, service, commissioner):
    assert "On the council's framework" not in text_of(client.get(service.get_absolute_url()))
    catalogue_services.service_framework_set(
        user=commissioner, service=service, on_framework=True, note="Home care framework 2026"
    )
    page = BeautifulSoup(client.get(service.get_absolute_url()).content, "html.parser")
    tag = " ".join(page.select_one("#council-framework").get_text(" ").split())
    assert tag == "On the council's framework Home care framework 2026"
    assert page.select_one("#framework-form") is None  # the public sees no form
    assert Service.objects.get(pk=service.pk).on_council_framework
