"""A small RAS scheme on a small catalogue, built through the services."""

from decimal import Decimal as D

from django.core.management import call_command

import pytest

from catalogue import services as catalogue
from core.roles import Role
from marketplace.accounts.models import User
from marketplace.demo.catalogue import load_catalogue
from marketplace.demo.ras import load_ras
from marketplace.ras import services
from marketplace.ras.models import Domain
from tests.factories import CategoryFactory, ServiceFactory, make_provider, make_user
from tests.snapshots import restore_or_load


def _load_full_catalogue_and_scheme() -> None:
    call_command("load_demo_data", "--catalogue=none", verbosity=0)
    load_catalogue(size="full", moderator=User.objects.get(email="moderator@caremarket.example"))
    load_ras()


@pytest.fixture
def demo_full_catalogue(db):
    """Pages, accounts, the full demo catalogue and the demo's RAS scheme priced from it, by the
    demo's own loaders (about 15 s; once per test process, then put back from that load's
    snapshot, tests/snapshots.py)."""
    restore_or_load("demo-full-catalogue-ras", _load_full_catalogue_and_scheme)


@pytest.fixture
def commissioner(db):
    return make_user("", Role.COMMISSIONER)


@pytest.fixture
def practitioner(db):
    return make_user("", Role.PRACTITIONER)


@pytest.fixture
def home_care(db):
    parent = CategoryFactory(name="Care at home", slug="care-at-home")
    return CategoryFactory(name="Home care", slug="home-care", parent=parent)


def add_price(category, amount, *, unit="hour", localities=(), user=None, **service_kwargs):
    """A published service in `category` with one price set through the catalogue service."""
    service = ServiceFactory(categories=[category], **service_kwargs)
    if localities:
        service.localities_served.set(localities)
    user = user or make_provider(service.organisation)
    return catalogue.price_option_save(
        user=user, service=service, label="Weekday", amount=D(amount), unit=unit
    )


@pytest.fixture
def priced_home_care(home_care):
    """Five home care prices per hour: median £15.56."""
    return [
        add_price(home_care, amount) for amount in ("14.00", "15.00", "15.56", "16.20", "17.00")
    ]


def build_scheme(user, category, *, weight="1", activate=True, **settings):
    """Two person domains and a carer domain; one point buys `weight` hours of home care."""
    scheme = services.scheme_version_create(user=user, name="Test RAS", **settings)
    services.reference_service_add(
        user=user,
        scheme=scheme,
        name="Home care per hour",
        category=category,
        unit="hour",
        weight=D(weight),
    )
    care = services.domain_add(user=user, scheme=scheme, name="Personal care", slug="personal-care")
    services.question_add(
        user=user,
        domain=care,
        key="washing",
        text="How much help do you need to wash?",
        informal_reduction_percent=D(50),
        answers=[("none", "None", 0), ("some", "Some", 4), ("all", "All of it", 8)],
    )
    services.question_add(
        user=user,
        domain=care,
        key="dressing",
        text="How much help do you need to dress?",
        answers=[("none", "None", 0), ("all", "All of it", 4)],
    )
    safe = services.domain_add(user=user, scheme=scheme, name="Keeping safe", slug="safety")
    services.question_add(
        user=user,
        domain=safe,
        key="risk",
        text="Are you safe alone?",
        answers=[("yes", "Yes", 0), ("no", "No", 12)],
    )
    carer = services.domain_add(
        user=user, scheme=scheme, name="Your carer", slug="carer", kind=Domain.Kind.CARER
    )
    services.question_add(
        user=user,
        domain=carer,
        key="carer_hours",
        text="How many hours does your carer give?",
        answers=[("none", "None", 0), ("many", "Many", 5)],
    )
    if activate:
        scheme = services.scheme_version_activate(user=user, scheme=scheme)
    return scheme


@pytest.fixture
def scheme(commissioner, priced_home_care, home_care):
    return build_scheme(commissioner, home_care, carer_rate=D("6.00"), floor=D("25.00"))


# 8 + 4 + 12 = 24 points at £15.56 = £373.44
FULL_ANSWERS = {"washing": "all", "dressing": "all", "risk": "no", "carer_hours": "none"}
