"""A small catalogue whose every search figure is known, and the backends to run it against.

`backend_name` is parametrised over the backends this environment has: "database" always,
"elasticsearch" only when ELASTICSEARCH_URL is set (otherwise that case is not collected at all,
so nothing is reported as skipped or passed for it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

import pytest

from catalogue.models import ClientGroup, FundingType, Organisation, Service
from catalogue.rules import months_before
from search.backends import get_backend
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PriceOptionFactory,
    ServiceFactory,
)
from tests.snapshots import restore_or_load


def available_backends() -> list[str]:
    names = ["database"]
    if os.environ.get("ELASTICSEARCH_URL") or getattr(settings, "ELASTICSEARCH_URL", ""):
        names.append("elasticsearch")
    return names


def pytest_generate_tests(metafunc):
    if "backend_name" in metafunc.fixturenames:
        metafunc.parametrize("backend_name", available_backends())


@pytest.fixture
def backend(backend_name, settings):
    """The backend under test, also configured as the site's, so indexing tasks use it."""
    settings.CATALOGUE_SEARCH_BACKEND = backend_name
    return get_backend(backend_name)


@dataclass
class Catalogue:
    """The services of the known catalogue, by letter (see `catalogue` below)."""

    a: Service
    b: Service
    c: Service
    d: Service
    hidden: list[Service]

    @property
    def visible(self) -> list[Service]:
        return [self.a, self.b, self.c, self.d]


NORTH = (350_000, 320_000)  # Northtown's centroid, where A is
SOUTH = (350_000, 300_000)  # Southbury's centroid, where C is; 20 km south


def organisation_name(service_name: str) -> str:
    """'Riverside Home Care' -> 'Riversidewick Ltd': a word no query here uses, no digits."""
    return f"{service_name.split()[0]}wick Ltd"


def build_catalogue() -> Catalogue:
    """Four visible services (A-D) and six that must never be found (H1-H6).

    A Riverside Home Care: home-care; older people + dementia; self-funded + direct payment;
      at Northtown, serves Northtown; CQC Good; score 4.50; accepting; 24.00 and 30.00 an hour.
    B Hillside Nursing Home: nursing-home; older people + dementia; self-funded + personal
      budget; 2 km east of A, serves Northtown, radius 15 km; Outstanding; 3.20; not accepting;
      950.00 a week.
    C Meals on Wheels South: meals; older people; direct payment; at Southbury, serves
      Southbury and Northtown, radius 25 km; not rated; no reviews; accepting; 6.50 a visit.
    D Carers Together: home-care; carers; self-funded; no premises; serves Southbury;
      Requires improvement; 2.10; availability unknown; 18.00 an hour.
    """
    north = LocalityFactory(name="Northtown", slug="northtown", easting=NORTH[0], northing=NORTH[1])
    south = LocalityFactory(name="Southbury", slug="southbury", easting=SOUTH[0], northing=SOUTH[1])
    at_home = CategoryFactory(name="Care at home", slug="care-at-home", reference_unit="hour")
    home_care = CategoryFactory(name="Home care", slug="home-care", parent=at_home)
    homes = CategoryFactory(name="Care homes", slug="care-homes", reference_unit="week")
    nursing = CategoryFactory(name="Nursing home", slug="nursing-home", parent=homes)
    meals = CategoryFactory(name="Meals", slug="meals", reference_unit="visit")
    group = {g.slug: g for g in ClientGroup.objects.all()}
    fund = {f.slug: f for f in FundingType.objects.all()}

    def service(name, summary, categories, groups, funding, served, prices, **fields):
        # Its own organisation, named without a digit: the factory's "Provider N Ltd" made
        # "1=1" find whichever service had "Provider 1 Ltd" when a process built this first.
        fields.setdefault("organisation", OrganisationFactory(name=organisation_name(name)))
        s = ServiceFactory(name=name, summary=summary, categories=categories, **fields)
        s.client_groups.set([group[g] for g in groups])
        s.funding_accepted.set([fund[f] for f in funding])
        s.localities_served.set(served)
        for amount, unit in prices:
            PriceOptionFactory(service=s, amount=Decimal(amount), unit=unit)
        return s

    a = service(
        "Riverside Home Care",
        "Personal care at home for carers and older people.",
        [home_care],
        ["older-people", "dementia"],
        ["self-funded", "direct-payment"],
        [north],
        [("24.00", "hour"), ("30.00", "hour")],
        description="Washing, dressing and medication visits across the north of the county.",
        easting=NORTH[0],
        northing=NORTH[1],
        locality=north,
        cqc_overall="Good",
        review_score=Decimal("4.50"),
        review_count=12,
        accepting_new_clients=True,
    )
    b = service(
        "Hillside Nursing Home",
        "Nursing care with a dementia unit and a garden.",
        [nursing],
        ["older-people", "dementia"],
        ["self-funded", "personal-budget"],
        [north],
        [("950.00", "week")],
        easting=NORTH[0] + 2000,
        northing=NORTH[1],
        locality=north,
        radius_km=Decimal("15"),
        cqc_overall="Outstanding",
        review_score=Decimal("3.20"),
        review_count=4,
        accepting_new_clients=False,
    )
    c = service(
        "Meals on Wheels South",
        "Hot lunches delivered to your door.",
        [meals],
        ["older-people"],
        ["direct-payment"],
        [south, north],
        [("6.50", "visit")],
        easting=SOUTH[0],
        northing=SOUTH[1],
        locality=south,
        radius_km=Decimal("25"),
        accepting_new_clients=True,
    )
    d = service(
        "Carers Together",
        "A weekly group where carers meet & talk <in confidence>.",
        [home_care],
        ["carers"],
        ["self-funded"],
        [south],
        [("18.00", "hour")],
        cqc_overall="Requires improvement",
        review_score=Decimal("2.10"),
        review_count=3,
    )
    # Never to be found: each matches everything A matches, except for what hides it.
    hidden_fields = {
        "easting": NORTH[0],
        "northing": NORTH[1],
        "locality": north,
        "cqc_overall": "Good",
        "review_score": Decimal("4.90"),
        "accepting_new_clients": True,
    }
    suspended_org = OrganisationFactory(
        name=organisation_name("Hidden"), status=Organisation.Status.SUSPENDED
    )
    hidden = [
        service(
            f"Hidden home care {label}",
            "Personal care at home for carers and older people.",
            [home_care],
            ["older-people", "dementia"],
            ["self-funded", "direct-payment"],
            [north],
            [("10.00", "hour")],
            **hidden_fields,
            **extra,
        )
        for label, extra in (
            ("H1", {"status": Service.Status.SUSPENDED}),
            ("H2", {"status": Service.Status.ARCHIVED}),
            ("H3", {"status": Service.Status.PENDING}),
            ("H4", {"status": Service.Status.DRAFT}),
            ("H5", {"organisation": suspended_org}),
            (
                "H6",
                {"last_confirmed_at": months_before(timezone.now(), 12) - timedelta(days=1)},
            ),
        )
    ]
    return Catalogue(a=a, b=b, c=c, d=d, hidden=hidden)


@pytest.fixture
def catalogue(db, backend, backend_name) -> Catalogue:
    """The known catalogue, indexed by a full rebuild of the backend under test. The database
    backend's index is in the database, so there the catalogue is built once per process and
    its tables put back for the tests after (tests/snapshots.py); Elasticsearch's is not."""

    def build() -> Catalogue:
        known = build_catalogue()
        backend.rebuild()
        return known

    if backend_name != "database":
        return build()
    known = restore_or_load(f"search-catalogue-{backend_name}", build)
    # Each test gets its own instances, read afresh (a test may change its copy).
    fresh = Service.objects.in_bulk([s.pk for s in [*known.visible, *known.hidden]])
    return Catalogue(
        a=fresh[known.a.pk],
        b=fresh[known.b.pk],
        c=fresh[known.c.pk],
        d=fresh[known.d.pk],
        hidden=[fresh[s.pk] for s in known.hidden],
    )


@pytest.fixture(autouse=True)
def _fresh_vocabulary():
    """The care vocabulary is kept per process for a minute: never carry one test's rules into
    the next."""
    from search import vocabulary

    vocabulary.forget()
    yield
    vocabulary.forget()
