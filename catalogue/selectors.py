"""The catalogue's two place rules, in one home for the site, the API and the market statement.

**Serves this place.** A service serves a place (a postcode, or a locality at its centre) when

1. the place is in the locality the service is based in (its own locality), or
2. the place's locality is among the localities the service says it serves, or
3. the place lies within the service's own radius (`radius_km`) of its base, measured on the
   British National Grid from its *public* location (so no answer can locate a hidden address
   more closely than the public location does), in whole metres: `d^2 <= (int(km*1000))^2`.

A service that states no area at all (no localities served, no radius) therefore serves its own
locality only: not everywhere (what the Open Referral API used to say) and not nowhere (what
search used to say). `Service.objects.serving(place)`, the Open Referral API's postcode filter,
the market statement's "in a locality" and both search backends' "covers my area" all answer
with this rule; tests/catalogue/test_selectors.py holds them to it.

**The public location.** Where a listing is, as far as the public may know: its full address and
exact grid point, or, for a listing that hides its exact address (a personal assistant's home, a
small care home), its town, its postcode district and the centre of its kilometre square
(catalogue.geo.public_grid_point). Every page, the API, the exports and the search index read
this, never the raw address fields, and a distance shown for a hidden listing is measured from
the coarse point and given in whole kilometres.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from . import rules
from .geo import public_grid_point, radius_m

if TYPE_CHECKING:
    from .models import Locality, Postcode, Service

GridPoint = tuple[int, int]


# --- the public location ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicLocation:
    """What the public may know of where a listing is."""

    exact: bool  # False: the listing hides its exact address
    point: GridPoint | None  # the exact point, or the centre of its kilometre square
    address_lines: tuple[str, ...]  # street lines; none when the address is hidden
    town: str
    postcode: str  # the full postcode, or only its district when the address is hidden

    @property
    def hidden(self) -> bool:
        return not self.exact

    @property
    def shown(self) -> bool:
        """Whether there is anything to show (an address line, a town or a postcode)."""
        return bool(self.address_lines or self.town or self.postcode)

    @property
    def district(self) -> str:
        return rules.postcode_district(self.postcode) if self.postcode else ""

    def distance_km(self, origin: GridPoint | None) -> float | int | None:
        """Straight-line distance on the grid from `origin` to the public point: whole
        kilometres for a hidden address (measured from its kilometre square's centre, so no
        set of distances can place it more closely than the square)."""
        if origin is None or self.point is None:
            return None
        km = rules.grid_distance_km(self.point[0], self.point[1], origin[0], origin[1])
        return km if self.exact else round(km)


def location_of(
    *,
    hidden: bool,
    easting: int | None,
    northing: int | None,
    address_line_1: str = "",
    address_line_2: str = "",
    town: str = "",
    postcode: str = "",
) -> PublicLocation:
    """The public location of a listing given as plain values (for reads of `values()`)."""
    lines = tuple(line for line in (address_line_1, address_line_2) if line)
    return PublicLocation(
        exact=not hidden,
        point=public_grid_point(easting, northing, hidden=hidden),
        address_lines=() if hidden else lines,
        town=town,
        postcode=rules.postcode_district(postcode) if hidden and postcode else postcode,
    )


def public_location(service: Service) -> PublicLocation:
    """The public location of a service (`service.public_location` caches it)."""
    return location_of(
        hidden=service.hide_exact_address,
        easting=service.easting,
        northing=service.northing,
        address_line_1=service.address_line_1,
        address_line_2=service.address_line_2,
        town=service.town,
        postcode=service.postcode,
    )


# --- serves this place --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Somewhere care is wanted: a locality (id and slug) and a grid point, either unknown."""

    locality_id: int | None = None
    locality_slug: str | None = None
    point: GridPoint | None = None

    @classmethod
    def of_postcode(cls, postcode: Postcode) -> Place:
        locality = postcode.locality
        return cls(
            locality_id=postcode.locality_id,
            locality_slug=locality.slug if locality is not None else None,
            point=(postcode.easting, postcode.northing),
        )

    @classmethod
    def of_locality(
        cls, *, id: int | None, slug: str | None, easting: int | None, northing: int | None
    ) -> Place:
        """A locality as a place: itself, at its centre (when its centre is known)."""
        point = (easting, northing) if easting is not None and northing is not None else None
        return cls(locality_id=id, locality_slug=slug, point=point)

    @classmethod
    def of(cls, locality: Locality) -> Place:
        return cls.of_locality(
            id=locality.pk, slug=locality.slug, easting=locality.easting, northing=locality.northing
        )


def within_radius(
    base: GridPoint | None, radius_km: Decimal | None, point: GridPoint | None
) -> bool:
    """Whether `point` lies within `radius_km` of `base` (exact integer arithmetic)."""
    metres = radius_m(radius_km)
    if metres is None or base is None or point is None:
        return False
    de, dn = base[0] - point[0], base[1] - point[1]
    return de * de + dn * dn <= metres * metres


@dataclass(frozen=True)
class Coverage:
    """What a service says about where it works."""

    own_locality: int | None
    localities_served: frozenset[int]
    base: GridPoint | None  # its public point
    radius_km: Decimal | None

    @property
    def states_an_area(self) -> bool:
        return bool(self.localities_served) or self.radius_km is not None


def serves(coverage: Coverage, place: Place) -> bool:
    """The rule "serves this place" (see the module docstring)."""
    if place.locality_id is not None and (
        place.locality_id == coverage.own_locality
        or place.locality_id in coverage.localities_served
    ):
        return True
    return within_radius(coverage.base, coverage.radius_km, place.point)


COVERAGE_FIELDS = ("pk", "locality_id", "easting", "northing", "hide_exact_address", "radius_km")


def coverages(queryset: QuerySet[Service]) -> dict[int, Coverage]:
    """The coverage of each service of `queryset`, in two queries."""
    from .models import Service

    rows = list(queryset.values_list(*COVERAGE_FIELDS))
    served: dict[int, set[int]] = {pk: set() for pk, *_ in rows}
    through = Service.localities_served.through.objects
    for service_id, locality_id in through.filter(service_id__in=list(served)).values_list(
        "service_id", "locality_id"
    ):
        served[service_id].add(locality_id)
    return {
        pk: Coverage(
            own_locality=locality_id,
            localities_served=frozenset(served[pk]),
            base=public_grid_point(easting, northing, hidden=hidden),
            radius_km=radius,
        )
        for pk, locality_id, easting, northing, hidden, radius in rows
    }


def serving_ids(queryset: QuerySet[Service], place: Place) -> set[int]:
    """Ids of the services of `queryset` that serve `place`."""
    return {pk for pk, coverage in coverages(queryset).items() if serves(coverage, place)}


def services_serving(queryset: QuerySet[Service], place: Place) -> QuerySet[Service]:
    """`queryset` narrowed to the services that serve `place`: by name in SQL, and by radius
    over the few services that state one (their public point needs Python to compute)."""
    from .models import Service

    by_name = Q(pk__in=[])
    if place.locality_id is not None:
        named = Service.localities_served.through.objects.filter(locality_id=place.locality_id)
        by_name = Q(locality_id=place.locality_id) | Q(pk__in=named.values("service_id"))
    reached: Iterable[int] = ()
    if place.point is not None:
        with_radius = queryset.filter(radius_km__isnull=False, easting__isnull=False)
        reached = serving_ids(with_radius, Place(point=place.point))
    return queryset.filter(by_name | Q(pk__in=list(reached)))
