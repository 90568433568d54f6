"""The catalogue as Open Referral UK 3.0 objects (HSDS-UK-3.0), for the API and the exports.

Mapping (issue 9): organisation -> organization (Companies House, charity and CQC provider
numbers as organization_identifiers); service -> service (prices -> cost_options: amount, the
unit and any price kind but standard in amount_description ('per hour, evenings and
weekends'), label and conditions in option, validity dates, currency GBP;
opening times -> schedules; areas served -> service_areas; funding accepted -> funding;
categories and client groups -> attributes with taxonomy_terms of our published
taxonomies; a listing on a council framework or contract -> an attribute with the one term of
the council arrangements taxonomy (ORUK 3.0 has no field for it; attributes are its way to
classify a service, and a term can be filtered on like any other); CQC location id and
ratings -> the location's external identifier and the service's accreditations); premises ->
location via service_at_location.

Rules kept here:
- Every id is a UUID and stable: the models' own `uuid` where there is one (service,
  organisation, category, price option), otherwise uuid5 of the owning object's UUID and what
  the child is (`derived_id`), so the same data always gets the same ids.
- Optional fields without a value are left out, never sent as null or "".
- Only what the public page shows is published: a listing with "hide exact address" gets no
  street address and coordinates rounded to the kilometre square's centre.

The functions read only what the caller prefetched (see selectors.py): they run no queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse

from catalogue.geo import grid_to_wgs84
from catalogue.models import (
    Category,
    ClientGroup,
    Organisation,
    PriceKind,
    PriceOption,
    Service,
    Unit,
)

VERSION = "HSDS-UK-3.0"
PROFILE_URI = "https://github.com/openreferral/uk-profile"

# The namespace of every id we derive (a fixed random UUID: never change it).
NAMESPACE = uuid.UUID("7d2f9a3c-4b1e-4f6a-9c8d-2e5b7a1f3c90")
CATEGORY_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:categories")
CLIENT_GROUP_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:client-groups")
FRAMEWORK_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:council-arrangements")
FRAMEWORK_TERM_ID = uuid.uuid5(NAMESPACE, "term:council-framework")
CATEGORY_TAXONOMY_NAME = "Care Market service categories"
CLIENT_GROUP_TAXONOMY_NAME = "Care Market client groups"
FRAMEWORK_TAXONOMY_NAME = "Care Market council arrangements"

# Between a price's label and its conditions in cost_option.option; the importer splits on it.
OPTION_SEPARATOR = " — "
RADIUS_AREA = "Within {km} km of {place}"
DAY_CODES = {
    "Monday": "MO",
    "Tuesday": "TU",
    "Wednesday": "WE",
    "Thursday": "TH",
    "Friday": "FR",
    "Saturday": "SA",
    "Sunday": "SU",
}


def derived_id(parent: uuid.UUID | str, kind: str, key: str = "") -> str:
    """A stable UUID for a child object that has none of its own (uuid5 of its owner)."""
    return str(uuid.uuid5(uuid.UUID(str(parent)), f"{kind}:{key}"))


def client_group_id(group: ClientGroup) -> str:
    return str(uuid.uuid5(NAMESPACE, f"client-group:{group.slug}"))


def service_at_location_id(service: Service) -> str:
    return derived_id(service.uuid, "service-at-location")


def location_id(service: Service) -> str:
    return derived_id(service.uuid, "location")


def minimum_age() -> int | None:
    """Adult social care: the age from which the catalogue's services are for (a setting)."""
    return settings.OPENREFERRAL_MINIMUM_AGE


def money(amount: Decimal) -> float:
    """A price as a JSON number. JSON has no decimal type; a float's shortest repr gives back
    exactly the pounds and pence (every amount under 10^13 with two decimals round-trips), and
    the importer reads numbers as Decimal, so nothing is lost either way."""
    return float(amount)


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out optional fields that have no value (the standard prefers absent to null)."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


@dataclass(frozen=True)
class Links:
    """Absolute addresses of our own pages (the site's base URL, e.g. from the request)."""

    base_url: str

    def absolute(self, path: str) -> str:
        return self.base_url.rstrip("/") + path


# --- taxonomies -------------------------------------------------------------------------------


def category_taxonomy(links: Links) -> dict[str, Any]:
    return {
        "id": str(CATEGORY_TAXONOMY_ID),
        "name": CATEGORY_TAXONOMY_NAME,
        "description": "The kinds of adult social care service in the catalogue, in two levels.",
        "uri": links.absolute(reverse("openreferral:taxonomy", args=[CATEGORY_TAXONOMY_ID])),
        "version": "1",
    }


def client_group_taxonomy(links: Links) -> dict[str, Any]:
    return {
        "id": str(CLIENT_GROUP_TAXONOMY_ID),
        "name": CLIENT_GROUP_TAXONOMY_NAME,
        "description": "Who a service is for (older people, learning disability, carers...).",
        "uri": links.absolute(reverse("openreferral:taxonomy", args=[CLIENT_GROUP_TAXONOMY_ID])),
        "version": "1",
    }


def framework_taxonomy(links: Links) -> dict[str, Any]:
    return {
        "id": str(FRAMEWORK_TAXONOMY_ID),
        "name": FRAMEWORK_TAXONOMY_NAME,
        "description": "How the council buys a service: set only by the council's commissioners.",
        "uri": links.absolute(reverse("openreferral:taxonomy", args=[FRAMEWORK_TAXONOMY_ID])),
        "version": "1",
    }


def framework_term() -> dict[str, Any]:
    """The term of a listing the council's commissioners put on a framework or contract."""
    return {
        "id": str(FRAMEWORK_TERM_ID),
        "name": "On a council framework or contract",
        "description": "The council buys this service under one of its frameworks or contracts.",
        "taxonomy": FRAMEWORK_TAXONOMY_NAME,
        "taxonomy_id": str(FRAMEWORK_TAXONOMY_ID),
        "term": "council-framework",
    }


def category_term(category: Category) -> dict[str, Any]:
    """A category as a taxonomy_term (the parent must be select_related)."""
    return _compact(
        {
            "id": str(category.uuid),
            "name": category.name,
            "description": category.description or category.name,
            "parent_id": str(category.parent.uuid) if category.parent else None,
            "taxonomy": CATEGORY_TAXONOMY_NAME,
            "taxonomy_id": str(CATEGORY_TAXONOMY_ID),
            "term": category.slug,
        }
    )


def client_group_term(group: ClientGroup) -> dict[str, Any]:
    return {
        "id": client_group_id(group),
        "name": group.name,
        "description": f"Who a service is for: {group.name}.",
        "taxonomy": CLIENT_GROUP_TAXONOMY_NAME,
        "taxonomy_id": str(CLIENT_GROUP_TAXONOMY_ID),
        "term": group.slug,
    }


def _attribute(service: Service, term: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": derived_id(service.uuid, "attribute", term["id"]),
        "link_id": str(service.uuid),
        "link_type": "service",
        "taxonomy_term_id": term["id"],
        "taxonomy_term": term,
    }


# --- organisations ----------------------------------------------------------------------------


def organization_identifiers(organisation: Organisation) -> list[dict[str, Any]]:
    """Registration numbers, with the org-id.guide scheme codes where there is one."""
    numbers = [
        ("companies-house", "GB-COH", "Company number", organisation.companies_house_number),
        ("charity", "GB-CHC", "Charity number", organisation.charity_number),
        ("cqc", "GB-CQC", "CQC provider ID", organisation.cqc_provider_id),
    ]
    return [
        {
            "id": derived_id(organisation.uuid, "identifier", kind),
            "organization_id": str(organisation.uuid),
            "identifier_scheme": scheme,
            "identifier_type": label,
            "identifier": value,
        }
        for kind, scheme, label, value in numbers
        if value
    ]


def organization(organisation: Organisation, links: Links, *, full: bool = False) -> dict:
    data: dict[str, Any] = {
        "id": str(organisation.uuid),
        "name": organisation.name,
        # Required by the standard; an organisation that wrote nothing is described by its name.
        "description": organisation.description or organisation.name,
        "email": organisation.email,
        "website": organisation.website,
        "uri": links.absolute(organisation.get_absolute_url()),
    }
    if full:
        data["organization_identifiers"] = organization_identifiers(organisation)
    return _compact(data)


# --- services ---------------------------------------------------------------------------------


def _description(service: Service) -> str:
    """The summary, then the longer description; the importer splits them again."""
    return f"{service.summary}\n\n{service.description}" if service.description else service.summary


def _accreditations(service: Service) -> str:
    if not service.cqc_location_id:
        return ""
    if not service.cqc_overall:
        return f"Registered with the Care Quality Commission (location {service.cqc_location_id})."
    when = f", report of {service.cqc_report_date:%-d %B %Y}" if service.cqc_report_date else ""
    return (
        f"Care Quality Commission rating: {service.cqc_overall}{when} "
        f"(location {service.cqc_location_id})."
    )


def _alert(service: Service) -> str:
    if service.accepting_new_clients is False:
        return "Not taking new clients at the moment."
    return ""


def service_one_to_one(service: Service, links: Links) -> dict[str, Any]:
    """The one-to-one fields of a service and its organization (the list endpoints' shape)."""
    return _compact(
        {
            "id": str(service.uuid),
            "organization_id": str(service.organisation.uuid),
            "name": service.name,
            "description": _description(service),
            "url": service.website,
            "email": service.email,
            "status": "active",
            "accreditations": _accreditations(service),
            "minimum_age": minimum_age(),
            "alert": _alert(service),
            "last_modified": service.updated_at.isoformat(),
            "organization": organization(service.organisation, links),
        }
    )


def price_description(option: PriceOption) -> str:
    """The unit, then when the price applies unless it is the standard price: 'per hour',
    'per hour, evenings and weekends' (ORUK has no field for it; the importer reads it back)."""
    unit = str(Unit(option.unit).label)
    if option.kind == PriceKind.STANDARD:
        return unit
    return f"{unit}, {str(PriceKind(option.kind).label).lower()}"


def cost_option(option: PriceOption, service: Service) -> dict[str, Any]:
    label = option.label + (OPTION_SEPARATOR + option.conditions if option.conditions else "")
    return _compact(
        {
            "id": str(option.uuid),
            "service_id": str(service.uuid),
            "valid_from": option.valid_from.isoformat() if option.valid_from else None,
            "valid_to": option.valid_to.isoformat() if option.valid_to else None,
            "option": label,
            "amount": money(option.amount),
            "amount_description": price_description(option),
            "currency": "GBP",  # HSDS 3.0's field; the UK profile leaves it out but allows it
        }
    )


def schedules(service: Service) -> list[dict[str, Any]]:
    """Opening times as weekly iCal-style schedules, one per distinct pair of hours."""
    by_hours: dict[tuple[str, str], list[str]] = {}
    for entry in service.opening_times or []:
        if not isinstance(entry, dict) or entry.get("closed"):
            continue
        code = DAY_CODES.get(str(entry.get("day", "")).strip().title())
        opens, closes = entry.get("opens"), entry.get("closes")
        if code and isinstance(opens, str) and isinstance(closes, str) and opens and closes:
            by_hours.setdefault((opens[:5], closes[:5]), []).append(code)
    order = list(DAY_CODES.values())
    return [
        {
            "id": derived_id(service.uuid, "schedule", f"{opens}-{closes}"),
            "service_id": str(service.uuid),
            "freq": "WEEKLY",
            "interval": 1,
            "byday": ",".join(sorted(days, key=order.index)),
            "opens_at": f"{opens}:00",
            "closes_at": f"{closes}:00",
            "description": f"Open {opens} to {closes}.",
        }
        for (opens, closes), days in by_hours.items()
    ]


def service_areas(service: Service) -> list[dict[str, Any]]:
    areas = [
        {
            "id": derived_id(service.uuid, "area", locality.slug),
            "service_id": str(service.uuid),
            "name": locality.name,
            "service_area": locality.name,
            "extent_type": "text",
            "extent": ", ".join(locality.postcode_districts or []) or locality.name,
        }
        for locality in service.localities_served.all()
    ]
    if service.radius_km is not None:
        public = service.public_location
        place = public.town or public.district
        name = RADIUS_AREA.format(
            km=format(service.radius_km.normalize(), "f"), place=place or "the premises"
        )
        areas.append(
            {
                "id": derived_id(service.uuid, "area", "radius"),
                "service_id": str(service.uuid),
                "name": name,
                "service_area": name,
            }
        )
    return areas


def _contacts(service: Service) -> list[dict[str, Any]]:
    if not (service.contact_name or service.phone):
        return []
    contact_id = derived_id(service.uuid, "contact")
    phones = (
        [
            {
                "id": derived_id(service.uuid, "phone"),
                "contact_id": contact_id,
                "number": service.phone,
            }
        ]
        if service.phone
        else []
    )
    # HSDS 3.0 keeps phones on the contact; the UK profile's contact allows them as extra data.
    return [
        _compact(
            {
                "id": contact_id,
                "service_id": str(service.uuid),
                "name": service.contact_name,
                "phones": phones,
            }
        )
    ]


def has_premises(service: Service) -> bool:
    return service.easting is not None or bool(service.postcode or service.address_line_1)


def public_grid(service: Service) -> tuple[int, int] | None:
    """Where the premises are, as far as the public may know: the centre of the kilometre
    square for a listing that hides its exact address."""
    return service.public_location.point


def location(service: Service, *, full: bool = False) -> dict[str, Any]:
    public = service.public_location
    latitude = longitude = None
    if public.point is not None:
        lat, lon = grid_to_wgs84(*public.point)
        latitude, longitude = round(lat, 6), round(lon, 6)
    data: dict[str, Any] = {
        "id": location_id(service),
        "location_type": "physical",
        "name": public.town if public.hidden and public.town else service.name,
        "latitude": latitude,
        "longitude": longitude,
        "external_identifier": service.cqc_location_id,
        "external_identifier_type": "CQC location ID" if service.cqc_location_id else None,
    }
    if full:
        if public.exact and public.address_lines and public.postcode:
            data["addresses"] = [
                _compact(
                    {
                        "id": derived_id(service.uuid, "address"),
                        "location_id": location_id(service),
                        "address_1": ", ".join(public.address_lines),
                        "city": public.town,
                        "state_province": settings.OPENREFERRAL_COUNTY,
                        "postal_code": public.postcode,
                        "country": "GB",
                        "address_type": "physical",
                    }
                )
            ]
        data["accessibility"] = [
            {
                "id": derived_id(service.uuid, "accessibility", feature),
                "location_id": location_id(service),
                "description": feature,
            }
            for feature in service.accessibility_features or []
            if isinstance(feature, str) and feature
        ]
    return _compact(data)


def service_at_location(service: Service, links: Links, *, full: bool = False) -> dict:
    """The premises of a service. The list shape carries one-to-one fields; the full shape the
    whole service (less its service_at_locations, which is this)."""
    nested = service_full(service, links, with_locations=False) if full else None
    return {
        "id": service_at_location_id(service),
        "service_id": str(service.uuid),
        "location_id": location_id(service),
        "location": location(service, full=full),
        "service": nested or service_one_to_one(service, links),
    }


def terms_of(service: Service) -> Iterable[dict[str, Any]]:
    for category in service.categories.all():
        yield category_term(category)
    for group in service.client_groups.all():
        yield client_group_term(group)
    if service.on_council_framework:
        yield framework_term()


def service_full(service: Service, links: Links, *, with_locations: bool = True) -> dict:
    """A fully nested service (GET /services/{id} and the data package)."""
    data = service_one_to_one(service, links)
    data["organization"] = organization(service.organisation, links, full=True)
    data["schedules"] = schedules(service)
    data["service_areas"] = service_areas(service)
    if with_locations and has_premises(service):
        data["service_at_locations"] = [
            {
                "id": service_at_location_id(service),
                "service_id": str(service.uuid),
                "location_id": location_id(service),
                "location": location(service, full=True),
            }
        ]
    data["languages"] = [
        {
            "id": derived_id(service.uuid, "language", name),
            "service_id": str(service.uuid),
            "name": name,
        }
        for name in service.languages or []
        if isinstance(name, str) and name
    ]
    data["funding"] = [
        {
            "id": derived_id(service.uuid, "funding", funding.slug),
            "service_id": str(service.uuid),
            "source": funding.name,
        }
        for funding in service.funding_accepted.all()
    ]
    data["cost_options"] = [cost_option(option, service) for option in service.price_options.all()]
    data["contacts"] = _contacts(service)
    data["attributes"] = [_attribute(service, term) for term in terms_of(service)]
    return _compact(data)
