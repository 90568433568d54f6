"""The public location (catalogue.selectors.public_location): a listing that hides its exact
address is shown everywhere (search, the service page, its organisation's page, the shortlist,
compare, a support plan, the ORUK API and its exports) by its town, its postcode district and the
centre of its kilometre square, never by its street, full postcode, exact point or a distance
measured from the exact point."""

from __future__ import annotations

import itertools
import math
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings

import pytest
from bs4 import BeautifulSoup, SoupStrainer

from catalogue.geo import grid_to_wgs84
from catalogue.models import Service
from catalogue.selectors import location_of, public_location
from marketplace.plans import services as plan_services
from search.backends import get_backend
from tests.factories import (
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    PriceOptionFactory,
    ServiceFactory,
    make_user,
)

pytestmark = pytest.mark.django_db

# The home of a personal assistant, and the centre of its kilometre square.
EXACT = (349123, 312456)
PUBLIC = (349500, 312500)
# A postcode 1.123 km west of the home: 1.5 km from the square's centre, so a distance measured
# from the exact point rounds to 1 km and one measured from the public point to 2 km.
WEST = (348000, 312456)

STREET, STREET_2, POSTCODE = "12 Secret Lane", "Whitcliffe", "SY8 9QX"


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


def soup(response, only: str = "") -> BeautifulSoup:
    """The page, or with `only` just the element of that id (the bisection below reads one
    element of each of its 750 pages: building the whole tree was most of its time)."""
    assert response.status_code == 200, response.status_code
    strainer = SoupStrainer(id=only) if only else None
    return BeautifulSoup(response.content, "html.parser", parse_only=strainer)


@pytest.fixture
def hidden(home_page):
    ludlow = LocalityFactory(name="Ludlow", slug="ludlow", easting=351000, northing=274500)
    category = CategoryFactory(name="Personal assistants", slug="pa", reference_unit="hour")
    service = ServiceFactory(
        organisation=OrganisationFactory(name="Pat Jones PA"),
        name="Pat Jones personal assistance",
        summary="Personal assistance at home.",
        categories=[category],
        address_line_1=STREET,
        address_line_2=STREET_2,
        town="Ludlow",
        postcode=POSTCODE,
        easting=EXACT[0],
        northing=EXACT[1],
        locality=ludlow,
        radius_km=Decimal("10"),
        hide_exact_address=True,
    )
    PriceOptionFactory(service=service, label="Daytime", amount=Decimal("16.00"), unit="hour")
    PostcodeFactory(postcode="SY8 2ZZ", district="SY8", easting=WEST[0], northing=WEST[1])
    get_backend().rebuild()
    return service


def degrees(value: float) -> str:
    """A latitude or longitude as the API writes it (6 places), cut to 4 (about 10 m)."""
    text = f"{round(value, 6)}"
    return text[: text.index(".") + 5]


def exact_traces() -> list[str]:
    """Everything that would give the home away: its street, full postcode, exact grid point and
    latitude / longitude, and the distance from SY8 2ZZ measured from the exact point."""
    lat, lon = grid_to_wgs84(*EXACT)
    exact_km = math.dist(EXACT, WEST) / 1000  # 1.123 km, 0.70 miles
    return [
        STREET,
        STREET_2,
        POSTCODE,
        str(EXACT[0]),
        str(EXACT[1]),
        degrees(lat),
        degrees(lon),
        f"({exact_km:.1f} km)",
        f"{exact_km / 1.609344:.1f} miles",
        "(1 km)",  # the exact distance rounded to the kilometre
    ]


def assert_no_trace(name: str, content: str) -> None:
    leaked = [trace for trace in exact_traces() if trace in content]
    assert not leaked, f"{name} shows {leaked}"


# --- the probe: the service page measured the distance from the exact point -------------------


def test_the_service_page_measures_a_hidden_listings_distance_from_its_public_point(client, hidden):
    page = soup(client.get(hidden.get_absolute_url(), {"postcode": "SY8 2ZZ"}))

    result = text_of(page.select_one("#distance-result"))
    # 1.5006 km from the kilometre square's centre -> 2 km; from the home itself it is 1.123 km.
    assert "about 1 mile (2 km) from SY8 2ZZ" in result
    assert "(1 km)" not in result


# --- no page shows the hidden address -------------------------------------------------------


def public_pages(client, hidden) -> dict[str, str]:
    """Every public page that lists or shows the hidden listing, as the public sees it."""
    api = "/api/openreferral/v3"
    pages = {
        "search": client.get("/search/", {"postcode": "SY8 2ZZ"}),
        "search by distance": client.get("/search/", {"postcode": "SY8 2ZZ", "sort": "distance"}),
        "search by words": client.get("/search/", {"q": "personal assistance"}),
        "service": client.get(hidden.get_absolute_url(), {"postcode": "SY8 2ZZ"}),
        "organisation": client.get(f"/organisations/{hidden.organisation.slug}/"),
        "api service": client.get(f"{api}/services/{hidden.uuid}"),
        "api services": client.get(f"{api}/services", {"full": "true"}),
        "api serving": client.get(
            f"{api}/service_at_locations", {"postcode": "SY8 2ZZ", "full": "true"}
        ),
        "api proximity": client.get(
            f"{api}/service_at_locations", {"postcode": "SY8 2ZZ", "proximity": "5000"}
        ),
        "api locations": client.get(f"{api}/service_at_locations", {"full": "true"}),
        "api export json": client.get(f"{api}/export/services.json"),
        "api export csv": client.get(f"{api}/export/services.csv"),
    }
    client.post("/shortlist/add/", {"service": hidden.pk})
    pages["shortlist"] = client.get("/shortlist/")
    pages["compare"] = client.get("/shortlist/compare/", {"postcode": "SY8 2ZZ"})
    person = make_user("pat@example.org")
    plan = plan_services.plan_create(
        user=person, person_name="Sam", budget=Decimal("200.00"), budget_source="council"
    )
    plan_services.plan_add_service_line(
        user=person,
        plan=plan,
        service=hidden,
        price_option=hidden.price_options.get(),
        quantity=Decimal("10"),
    )
    client.force_login(person)
    pages["plan"] = client.get(plan.get_absolute_url())
    out = {}
    for name, response in pages.items():
        assert response.status_code == 200, (name, response.status_code)
        out[name] = (
            b"".join(response.streaming_content).decode()
            if response.streaming
            else (response.content.decode())
        )
    return out


def test_no_public_page_shows_a_hidden_address_or_its_exact_point(client, hidden):
    pages = public_pages(client, hidden)

    for name, content in pages.items():
        assert hidden.name in content or str(hidden.uuid) in content, f"{name} lacks the listing"
        assert_no_trace(name, content)
    # What the public may know is shown: the town and the postcode district, and the API puts
    # the listing at its kilometre square's centre.
    lat, lon = grid_to_wgs84(*PUBLIC)
    assert degrees(lat) in pages["api service"] and degrees(lon) in pages["api service"]
    assert "Ludlow, SY8" in text_of(soup_of(pages["service"]).select_one("#address"))
    assert "about 1 mile" in pages["search"] and "about 1 mile" in pages["search by distance"]
    assert "(2 km)" in pages["compare"]


def soup_of(content: str) -> BeautifulSoup:
    return BeautifulSoup(content, "html.parser")


def test_a_visible_address_is_shown_in_full(client, hidden):
    """The other side of the rule: a listing that does not hide its address shows it."""
    Service.objects.filter(pk=hidden.pk).update(hide_exact_address=False)

    page = soup(client.get(hidden.get_absolute_url(), {"postcode": "SY8 2ZZ"}))

    assert text_of(page.select_one("#address")) == f"{STREET} {STREET_2} Ludlow {POSTCODE}"
    assert "(1.1 km) from SY8 2ZZ" in text_of(page.select_one("#distance-result"))


# --- bisection: no set of postcodes pins a hidden home closer than its square ----------------


def around(centre: tuple[int, int], steps: int = 5, spacing: int = 1_300) -> list[tuple[int, int]]:
    """A grid of points around `centre` (spacing chosen not to fall on the kilometre grid)."""
    offsets = [spacing * (i - steps // 2) + 37 * i for i in range(steps)]
    return [(centre[0] + dx, centre[1] + dy) for dx, dy in itertools.product(offsets, offsets)]


def answers(client, service: Service, codes: list[str]) -> list[tuple]:
    """What the public can learn about `service` from each postcode: the service page's distance,
    whether search's radius and area filters keep it, its search card distance, and whether the
    API's proximity filter keeps it."""
    api = "/api/openreferral/v3/service_at_locations"
    seen = []
    card_id = f"service-{service.pk}"
    for code in codes:
        detail = soup(client.get(service.get_absolute_url(), {"postcode": code}), "distance-result")
        distance = text_of(detail.select_one("#distance-result")).replace(service.name, "")
        for miles in ("1", "2", "3"):
            page = soup(client.get("/search/", {"postcode": code, "radius": miles}), card_id)
            card = page.select_one(f"#{card_id}")
            seen.append((code, miles, text_of(card).replace(service.name, "") if card else None))
        covers = soup(client.get("/search/", {"postcode": code, "serves": "1"}), card_id)
        near = client.get(api, {"postcode": code, "proximity": "2500"}).json()
        seen.append(
            (
                code,
                distance,
                bool(covers.select_one(f"#{card_id}")),
                [item["service_id"] for item in near["contents"]] == [str(service.uuid)],
            )
        )
    return seen


def test_distances_from_many_postcodes_cannot_place_a_hidden_home_closer_than_its_square(
    client, hidden
):
    """Bisection: move the home anywhere within its kilometre square and nothing the public can
    ask (service page distances, search radii and "covers my area", search cards, the API's
    proximity filter), from 25 postcodes around it, answers differently; so no set of answers
    locates it more closely than the square's centre. A listing that shows its address is
    located (the test can tell two of its points apart), so the probe is sensitive."""
    Service.objects.filter(pk=hidden.pk).update(radius_km=Decimal("2.3"))
    codes = []
    for n, point in enumerate(around(PUBLIC)):
        code = f"SY8 {n // 26 + 1}{chr(65 + n % 26)}A"
        PostcodeFactory(postcode=code, district="SY8", easting=point[0], northing=point[1])
        codes.append(code)

    def move_to(point: tuple[int, int], *, hide: bool = True) -> list[tuple]:
        Service.objects.filter(pk=hidden.pk).update(
            easting=point[0], northing=point[1], hide_exact_address=hide
        )
        get_backend().rebuild()
        return answers(client, hidden, codes)

    corners = [(349001, 312002), (349999, 312998), EXACT]
    first = move_to(corners[0])
    # The probe sees the home: some searches show its card, some distances are given.
    assert any(answer[2] for answer in first if len(answer) == 3)
    assert any(answer[1] for answer in first if len(answer) == 4)
    for corner in corners[1:]:
        assert move_to(corner) == first
    assert move_to(corners[0], hide=False) != move_to(corners[1], hide=False)


# --- templates never read the raw address ---------------------------------------------------

RAW = re.compile(
    r"service\.(address_line_1|address_line_2|postcode|easting|northing|hide_exact_address)\b"
)


def test_public_templates_read_the_public_location_not_the_raw_address():
    """A new public template cannot leak a hidden address by reading the raw fields: the public
    ones read `service.public_location` (provider forms and their previews are the provider's
    own, and staff pages are not public)."""
    root = Path(settings.BASE_DIR) / "templates"
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("*.html")
        if not {"provider", "wagtailadmin", "admin", "email"} & set(path.relative_to(root).parts)
        for match in RAW.finditer(path.read_text())
    ]
    assert offenders == []


def test_the_public_location_of_a_hidden_listing():
    location = location_of(
        hidden=True,
        easting=EXACT[0],
        northing=EXACT[1],
        address_line_1=STREET,
        address_line_2=STREET_2,
        town="Ludlow",
        postcode=POSTCODE,
    )
    assert (location.point, location.address_lines, location.postcode) == (PUBLIC, (), "SY8")
    assert location.town == "Ludlow" and location.hidden
    assert location.distance_km(WEST) == 2  # 1.5006 km from the centre, in whole km
    shown = location_of(hidden=False, easting=EXACT[0], northing=EXACT[1], postcode=POSTCODE)
    assert (shown.point, shown.postcode) == (EXACT, POSTCODE)
    assert shown.distance_km(WEST) == pytest.approx(1.123)
    assert public_location(Service(easting=None, northing=None)).distance_km(WEST) is None
