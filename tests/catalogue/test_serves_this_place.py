"""One rule for "does this service serve this place?" (catalogue.selectors.serves), and the site,
the API and the market statement agreeing on it.

The rule: a service serves a place when the place is in its own locality, or in a locality it
names as an area served, or within its own radius of its public location. A service that states
no area serves its own locality only. Before the rule had one home, search's "covers my area"
left out services with no area stated, the Open Referral API kept them for every postcode, and the
market statement ignored radii, so the three could disagree about the same postcode.

Each postcode below sits at the centre of its locality, so the same place is asked of search
(`/search/?postcode=...&serves=1`), of the API (`/service_at_locations?postcode=...`), of the
market statement ("Providers and services" by locality, and the listings it counts) and of
`Service.objects.serving()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from catalogue.models import Locality, Postcode, Service
from catalogue.selectors import Coverage, Place, serves
from market_statement.metrics import Listings, Options, Reference, compute, on_the_market
from search.backends import get_backend
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

NORTH = (350000, 330000)
SOUTH = (350000, 300000)  # 30 km south of Northtown's centre
WEST = (320000, 315000)


@dataclass
class Places:
    north: Locality
    south: Locality
    west: Locality
    postcodes: dict[str, Postcode]  # by locality slug, each at its locality's centre
    services: dict[str, Service]


def place(name: str, slug: str, centre: tuple[int, int], code: str):
    locality = LocalityFactory(name=name, slug=slug, easting=centre[0], northing=centre[1])
    postcode = PostcodeFactory(
        postcode=code, district=code.split()[0], easting=centre[0], northing=centre[1]
    )
    postcode.locality = locality
    postcode.save()
    return locality, postcode


@pytest.fixture
def places(home_page) -> Places:
    north, north_code = place("Northtown", "northtown", NORTH, "SY1 1AA")
    south, south_code = place("Southbury", "southbury", SOUTH, "SY2 2AA")
    west, west_code = place("Westwick", "westwick", WEST, "SY3 3AA")
    category = CategoryFactory(name="Home care", slug="home-care", reference_unit="hour")

    def listing(name: str, **fields) -> Service:
        named = fields.pop("serves", [])
        service = ServiceFactory(
            organisation=OrganisationFactory(name=f"{name} Ltd"),
            name=name,
            summary="Care at home.",
            categories=[category],
            **fields,
        )
        service.localities_served.set(named)
        return service

    services = {
        # No area stated: its own locality only (Northtown), though its base is 3 km out of the
        # centre and nothing else is said.
        "own": listing("Own Town Care", locality=north, easting=353000, northing=330000),
        # Names Southbury as an area served; based in Westwick.
        "named": listing(
            "Named Area Care", locality=west, easting=WEST[0], northing=WEST[1], serves=[south]
        ),
        # Based 10 km from Southbury's centre, in Westwick, with a 12 km radius: reaches Southbury.
        "radius": listing(
            "Radius Care",
            locality=west,
            easting=SOUTH[0] - 10_000,
            northing=SOUTH[1],
            radius_km=Decimal("12"),
        ),
        # A 9.9 km radius from the same base does not reach Southbury's centre.
        "short": listing(
            "Short Radius Care",
            locality=west,
            easting=SOUTH[0] - 10_000,
            northing=SOUTH[1],
            radius_km=Decimal("9.9"),
        ),
        # No area and no locality: it serves nowhere (not everywhere).
        "nowhere": listing("Nowhere Care", easting=NORTH[0], northing=NORTH[1] + 500),
    }
    get_backend().rebuild()
    return Places(
        north,
        south,
        west,
        {"northtown": north_code, "southbury": south_code, "westwick": west_code},
        services,
    )


def who_serves(client, places: Places, slug: str) -> dict[str, set[str]]:
    """The names of the services each part of the site says serve the place `slug`."""
    postcode = places.postcodes[slug]
    page = BeautifulSoup(
        client.get("/search/", {"postcode": postcode.postcode, "serves": "1"}).content,
        "html.parser",
    )
    cards = page.select("[data-service-results] .app-card__title a .app-card__name")
    site = {a.get_text(strip=True) for a in cards}
    api = client.get(
        "/api/openreferral/v3/service_at_locations", {"postcode": postcode.postcode}
    ).json()
    reference = Reference()
    listings = Listings(on_the_market())
    statement = {
        Service.objects.get(pk=row["id"]).name
        for row in listings.select(None, reference.locality(slug))
    }
    # The figure the market statement publishes for the locality counts the same services.
    figures = compute("providers_services", Options(category="home-care"))
    published = {row["label"]: row["services"] for row in figures.rows}
    assert published.get(Locality.objects.get(slug=slug).name, 0) == len(statement)
    return {
        "site": site,
        "api": {item["service"]["name"] for item in api["contents"]},
        "market statement": statement,
        "queryset": set(Service.objects.visible().serving(postcode).values_list("name", flat=True)),
    }


def agreed(client, places: Places, slug: str) -> set[str]:
    answers = who_serves(client, places, slug)
    assert len({frozenset(names) for names in answers.values()}) == 1, answers
    return answers["site"]


def test_own_locality_a_service_stating_no_area_serves_where_it_is_based(client, places):
    assert agreed(client, places, "northtown") == {"Own Town Care"}


def test_localities_served_a_named_locality_is_served(client, places):
    # Named Area Care names Southbury; Radius Care's radius reaches its centre.
    assert "Named Area Care" in agreed(client, places, "southbury")


def test_radius_a_services_own_radius_reaches_the_place(client, places):
    served = agreed(client, places, "southbury")
    assert "Radius Care" in served  # 10 km away, 12 km radius
    assert "Short Radius Care" not in served  # 10 km away, 9.9 km radius


def test_no_area_stated_serves_its_own_locality_only_never_everywhere(client, places):
    # Own Town Care and Nowhere Care state no area: the API used to list them for every postcode,
    # search for none. Own Town Care serves Northtown only; Nowhere Care (no locality) nowhere.
    assert agreed(client, places, "southbury") == {"Named Area Care", "Radius Care"}
    assert agreed(client, places, "westwick") == {
        "Named Area Care",
        "Radius Care",
        "Short Radius Care",
    }
    assert "Nowhere Care" not in agreed(client, places, "northtown")


def test_the_radius_is_measured_from_the_public_location(client, places):
    """A hidden home is at its kilometre square's centre for this rule too: its exact point is
    inside a radius that its public point is not, and every reader says no."""
    # Exact point 9,100 m from Southbury's centre; its square's centre (340500, 300500) is
    # 9,513 m away; the radius is 9.3 km.
    Service.objects.filter(pk=places.services["short"].pk).update(
        easting=SOUTH[0] - 9_100,
        northing=SOUTH[1],
        hide_exact_address=True,
        radius_km=Decimal("9.3"),
    )
    get_backend().rebuild()

    assert "Short Radius Care" not in agreed(client, places, "southbury")


@pytest.mark.parametrize(
    "coverage, place, expected",
    [
        (Coverage(1, frozenset(), None, None), Place(locality_id=1), True),  # own
        (Coverage(1, frozenset(), None, None), Place(locality_id=2), False),  # no area stated
        (Coverage(None, frozenset(), (0, 0), None), Place(point=(0, 0)), False),  # no locality
        (Coverage(1, frozenset({2}), None, None), Place(locality_id=2), True),  # named
        (Coverage(1, frozenset({2}), None, None), Place(locality_id=3), False),
        (Coverage(1, frozenset(), (0, 0), Decimal("5")), Place(point=(3000, 4000)), True),  # 5 km
        (Coverage(1, frozenset(), (0, 0), Decimal("4.9")), Place(point=(3000, 4000)), False),
        (Coverage(1, frozenset(), None, Decimal("5")), Place(point=(0, 0)), False),  # no base
        (Coverage(1, frozenset(), (0, 0), Decimal("5")), Place(locality_id=9), False),  # no point
    ],
)
def test_the_rule(coverage, place, expected):
    assert serves(coverage, place) is expected
