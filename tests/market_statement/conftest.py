"""A small known catalogue for the market figures, and statements built the real way.

The catalogue (grid references in metres on the British National Grid):

  localities   A (300000, 300000)   B (310000, 300000)   C (340000, 300000)   D (300000, 350000)
  home care    s1 O1 at A+0.5 km  £20.00, £22.00 /hour
               s2 O1 at B+1 km    £24.00 /hour, also serves C
               s3 O2 at A+1 km    £30.00 /hour, £500.00 /week (not the category's unit)
  care homes   s4 O3 at B  40 beds, 4 vacancies, accepting, Good, £900 /week
               s5 O2 at C  20 beds, 0 vacancies, not accepting, Requires improvement, £1,100 /week
  day centre   s6 O3 at A  draft (not on the market), £40 /session
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache

import pytest

from catalogue.models import Category, Locality, Organisation, Service
from market_statement.models import MarketPositionStatementPage
from marketplace.pages.services import page_publish_child
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PriceOptionFactory,
    ServiceFactory,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures of one test must never leak into the next."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Market:
    care_at_home: Category
    home_care: Category
    care_homes: Category
    residential: Category
    day: Category
    a: Locality
    b: Locality
    c: Locality
    d: Locality
    o1: Organisation
    o2: Organisation
    o3: Organisation
    s1: Service
    s2: Service
    s3: Service
    s4: Service
    s5: Service
    s6: Service


def _service(org, category, locality, e, n, **fields):
    service = ServiceFactory(
        organisation=org, categories=[category], locality=locality, easting=e, northing=n, **fields
    )
    return service


@pytest.fixture
def market(db) -> Market:
    care_at_home = CategoryFactory(
        name="Care at home", slug="care-at-home", reference_unit="hour", sort_order=1
    )
    home_care = CategoryFactory(
        name="Home care", slug="home-care", reference_unit="hour", parent=care_at_home
    )
    care_homes = CategoryFactory(
        name="Care homes", slug="care-homes", reference_unit="week", sort_order=2
    )
    residential = CategoryFactory(
        name="Residential", slug="residential", reference_unit="", parent=care_homes
    )
    day = CategoryFactory(name="Day centres", slug="day", reference_unit="session", sort_order=3)
    a = LocalityFactory(name="Ashby", slug="a", easting=300000, northing=300000)
    b = LocalityFactory(name="Beacon", slug="b", easting=310000, northing=300000)
    c = LocalityFactory(name="Church", slug="c", easting=340000, northing=300000)
    d = LocalityFactory(name="Dale", slug="d", easting=300000, northing=350000)
    o1, o2, o3 = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    s1 = _service(o1, home_care, a, 300500, 300000)
    s2 = _service(o1, home_care, b, 310000, 301000)
    s2.localities_served.set([c])
    s3 = _service(o2, home_care, a, 301000, 300000)
    s4 = _service(
        o3,
        residential,
        b,
        310000,
        300000,
        beds=40,
        vacancies=4,
        accepting_new_clients=True,
        cqc_location_id="1-111",
        cqc_overall="Good",
    )
    s5 = _service(
        o2,
        residential,
        c,
        340000,
        300000,
        beds=20,
        vacancies=0,
        accepting_new_clients=False,
        cqc_location_id="1-222",
        cqc_overall="Requires improvement",
    )
    s6 = _service(o3, day, a, 300000, 300000, status=Service.Status.DRAFT, published_at=None)
    for service, amount, unit in [
        (s1, "20.00", "hour"),
        (s1, "22.00", "hour"),
        (s2, "24.00", "hour"),
        (s3, "30.00", "hour"),
        (s3, "500.00", "week"),
        (s4, "900.00", "week"),
        (s5, "1100.00", "week"),
        (s6, "40.00", "session"),
    ]:
        PriceOptionFactory(service=service, amount=Decimal(amount), unit=unit)
    return Market(
        care_at_home,
        home_care,
        care_homes,
        residential,
        day,
        a,
        b,
        c,
        d,
        o1,
        o2,
        o3,
        s1,
        s2,
        s3,
        s4,
        s5,
        s6,
    )


def data_block(kind: str, heading: str, **value) -> dict:
    return {"type": kind, "value": {"heading": heading, "commentary": "", **value}}


def statement_body(*blocks: dict) -> list[dict]:
    return [
        {"type": "heading", "value": {"text": "Providers and supply", "level": "h2"}},
        {"type": "paragraph", "value": "<p>How the market stands.</p>"},
        *blocks,
        {"type": "heading", "value": {"text": "Quality", "level": "h2"}},
        {"type": "paragraph", "value": "<p>Quality of care.</p>"},
    ]


def publish_statement(home, body, **fields) -> MarketPositionStatementPage:
    """Publish a new statement under the home page the way an editor would (first revision)."""
    page = MarketPositionStatementPage(
        title=fields.pop("title", "Market position statement 2026"),
        slug=fields.pop("slug", "market-position-statement"),
        summary="Where the care market stands.",
        body=body,
        **fields,
    )
    page_publish_child(parent=home, page=page)
    return MarketPositionStatementPage.objects.get(pk=page.pk)


def republish(page: MarketPositionStatementPage, user=None) -> MarketPositionStatementPage:
    page.save_revision(user=user).publish(user=user)
    return MarketPositionStatementPage.objects.get(pk=page.pk)
