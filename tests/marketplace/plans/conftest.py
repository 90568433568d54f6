"""Fixtures for shortlists, enquiries and plans: two providers with a listing each, a member of
the public, a practitioner, and a helper to sign people in."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    PriceOptionFactory,
    ServiceFactory,
    make_provider,
    make_user,
)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


@pytest.fixture
def home_care(db):
    return CategoryFactory(name="Home care", slug="home-care", reference_unit="hour")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Holly Homecare")


@pytest.fixture
def other_organisation(db):
    return OrganisationFactory(name="Oak Care")


@pytest.fixture
def service(organisation, home_care):
    return ServiceFactory(
        organisation=organisation,
        name="Home care in Ludlow",
        categories=[home_care],
        easting=351000,
        northing=274500,
        email="ludlow@holly.example",
    )


@pytest.fixture
def other_service(other_organisation, home_care):
    return ServiceFactory(
        organisation=other_organisation,
        name="Oak home support",
        categories=[home_care],
        easting=349500,
        northing=312800,
    )


@pytest.fixture
def hourly(service):
    return PriceOptionFactory(
        service=service, label="One-to-one support", amount=Decimal("15.56"), unit="hour"
    )


@pytest.fixture
def other_hourly(other_service):
    return PriceOptionFactory(
        service=other_service, label="Weekday", amount=Decimal("22.00"), unit="hour"
    )


@pytest.fixture
def person(db):
    return make_user("pat@example.org")


@pytest.fixture
def stranger(db):
    return make_user("stranger@example.org")


@pytest.fixture
def practitioner(db):
    return make_user("sam@council.example", Role.PRACTITIONER)


@pytest.fixture
def provider(organisation):
    return make_provider(organisation, email="priya@holly.example")


@pytest.fixture
def other_provider(other_organisation):
    return make_provider(other_organisation, email="omar@oak.example")


@pytest.fixture
def sign_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
