"""The demo county's catalogue, built through the catalogue's services and importers.

Sources (readable, committed): content/catalogue/localities.yaml (market towns and their
postcode districts), content/catalogue/providers.yaml (fictional organisations at real
postcodes; written by build_catalogue.py), catalogue/data/categories.yaml (the taxonomy).

Claimed organisations are registered by a fictional owner and approved by the demo moderator;
their services are created, priced and submitted by the owner (first ones approved by the
moderator, as in real life). Organisations nobody has claimed come from CQC-shaped records
through the CQC importer, which also brings the CQC ratings of every registered location.
Listings are then aged to their 'last checked' dates so some are due a reminder and some stale.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import timezone

import yaml

from catalogue import services as catalogue
from catalogue.cqc import cqc_import
from catalogue.cqc_reading import LocationRecord
from catalogue.models import (
    Category,
    ClientGroup,
    FundingType,
    Locality,
    Organisation,
    Service,
)
from catalogue.postcodes import (
    localities_file_districts,
    localities_load,
    postcodes_import,
    read_packaged_onspd,
)
from catalogue.taxonomy import categories_load
from core.roles import Role
from marketplace.accounts.models import User
from marketplace.accounts.services import user_create

CONTENT = Path(__file__).resolve().parent / "content" / "catalogue"
DEMO_PROVIDER_EMAIL = "provider@caremarket.example"
SIZES = {"full": None, "small": 12}


@dataclass
class CatalogueSummary:
    postcodes: int = 0
    organisations: int = 0
    services: int = 0

    def __str__(self) -> str:
        return (
            f"{self.organisations} organisations, {self.services} services, "
            f"{self.postcodes} postcodes"
        )


def load_places(*, districts: list[str] | None = None) -> int:
    """Postcodes of the county and its borders from the packaged ONSPD, then the localities.

    `districts` narrows the import (the small demo used by tests needs only its own)."""
    localities = CONTENT / "localities.yaml"
    districts = districts or localities_file_districts(localities)
    summary = postcodes_import(rows=read_packaged_onspd(districts), districts=districts)
    localities_load(path=localities)
    return summary.created + summary.updated


def _owner_for(spec: dict, demo_provider: User | None) -> User:
    if demo_provider is not None:
        return demo_provider
    owner = spec["owner"]
    existing = User.objects.filter(email=owner["email"]).first()
    if existing:
        return existing
    return user_create(
        email=owner["email"],
        password=None,  # fictional staff cannot sign in; the demo provider account can
        first_name=owner["first_name"],
        last_name=owner["last_name"],
        roles=(Role.PROVIDER_STAFF,),
        verified=True,
    )


def started_trading_on(spec: dict) -> date | None:
    """When a demo service started trading: the source gives it in days before today, so the
    demo's market statement keeps a realistic trickle of openings however old the file is."""
    days = spec.get("started_trading_days_ago")
    return None if days is None else timezone.localdate() - timedelta(days=days)


def _service_fields(spec: dict, lookups: dict) -> dict:
    return {
        "started_trading_on": started_trading_on(spec),
        "summary": spec["summary"],
        "description": spec.get("description", ""),
        "town": spec.get("town", ""),
        "postcode": spec.get("postcode", ""),
        "address_line_1": spec.get("address_line_1", ""),
        "hide_exact_address": spec.get("hide_exact_address", False),
        "radius_km": Decimal(str(spec["radius_km"])) if spec.get("radius_km") else None,
        "beds": spec.get("beds"),
        "cqc_location_id": spec.get("cqc_location_id", ""),
        "categories": [lookups["categories"][slug] for slug in spec["categories"]],
        "client_groups": [lookups["client_groups"][slug] for slug in spec["client_groups"]],
        "funding_accepted": [lookups["funding"][slug] for slug in spec["funding"]],
        "localities_served": [lookups["localities"][slug] for slug in spec["localities"]],
    }


def load_claimed_organisation(spec: dict, *, moderator: User, owner: User, lookups: dict) -> int:
    """One organisation as its owner would build it; returns how many services it has."""
    organisation = Organisation.objects.filter(name=spec["name"]).first()
    if organisation is not None:
        return organisation.services.count()
    details = {
        key: spec[key]
        for key in (
            "description",
            "email",
            "phone",
            "website",
            "companies_house_number",
            "charity_number",
            "cqc_provider_id",
        )
        if spec.get(key)
    }
    organisation = catalogue.organisation_register(
        user=owner, name=spec["name"], kind=spec["kind"], **details
    )
    pending = spec.get("status") == "pending"
    if not pending:
        catalogue.organisation_approve(moderator=moderator, organisation=organisation)
    services = spec["services"][:1] if pending else spec["services"]
    for service_spec in services:
        service = catalogue.service_create(
            user=owner,
            organisation=organisation,
            name=service_spec["name"],
            **_service_fields(service_spec, lookups),
        )
        for price in service_spec["prices"]:
            catalogue.price_option_save(
                user=owner,
                service=service,
                label=price["label"],
                amount=Decimal(price["amount"]),
                unit=price["unit"],
                kind=price.get("kind", "standard"),
                conditions=price.get("conditions", ""),
            )
        catalogue.service_set_availability(
            user=owner,
            service=service,
            accepting_new_clients=service_spec.get("accepting_new_clients"),
            vacancies=service_spec.get("vacancies"),
        )
        catalogue.service_submit(user=owner, service=service)
        if service.status == Service.Status.PENDING and not pending:
            catalogue.service_approve(moderator=moderator, service=service)
    return len(services)


# Our category -> the CQC service type a location of that kind is registered as.
CQC_SERVICE_TYPE = {
    "home-care": "Homecare agencies",
    "live-in-care": "Homecare agencies",
    "night-sitting": "Homecare agencies",
    "residential-care-home": "Residential homes",
    "nursing-home": "Nursing homes",
    "short-breaks": "Residential homes",
    "supported-living": "Supported living",
    "floating-support": "Supported living",
    "reablement": "Homecare agencies",
}
CQC_SPECIALISM = {
    "older-people": "Caring for adults over 65 yrs",
    "dementia": "Dementia",
    "learning-disability": "Learning disabilities",
    "mental-health": "Mental health conditions",
    "physical-disability": "Physical disabilities",
    "sensory-impairment": "Sensory impairment",
}
KEY_QUESTIONS = [
    ("safe", "Safe"),
    ("effective", "Effective"),
    ("caring", "Caring"),
    ("responsive", "Responsive"),
    ("well_led", "Well-led"),
]


def cqc_records(specs: list[dict]) -> list[LocationRecord]:
    """The demo's registered locations in the CQC API's JSON shape, for the real importer."""
    records = []
    for spec in specs:
        for service in spec["services"]:
            if not service.get("cqc_location_id"):
                continue
            rating = service["cqc"]
            types = sorted(
                {CQC_SERVICE_TYPE[c] for c in service["categories"] if c in CQC_SERVICE_TYPE}
            )
            data = {
                "locationId": service["cqc_location_id"],
                "providerId": spec["cqc_provider_id"],
                "providerName": spec["name"],
                "name": service["name"],
                "registrationStatus": "Registered",
                "registrationDate": (
                    started.isoformat() if (started := started_trading_on(service)) else ""
                ),
                "postalCode": service["postcode"],
                "postalAddressLine1": service["address_line_1"],
                "postalAddressTownCity": service["town"],
                "mainPhoneNumber": spec["phone"],
                "numberOfBeds": service.get("beds") or 0,
                "gacServiceTypes": [{"name": name} for name in types],
                "specialisms": [
                    {"name": CQC_SPECIALISM[g]}
                    for g in service["client_groups"]
                    if g in CQC_SPECIALISM
                ],
                "currentRatings": {
                    "overall": {
                        "rating": rating["overall"],
                        "reportDate": rating["report_date"],
                        "keyQuestionRatings": [
                            {"name": name, "rating": rating[key]} for key, name in KEY_QUESTIONS
                        ],
                    }
                },
            }
            records.append(LocationRecord(number=len(records) + 1, data=data))
    return records


def age_listings(specs: list[dict]) -> None:
    """Set each listing's 'last checked' date as the source says (time passing, simulated)."""
    now = timezone.now()
    for spec in specs:
        for service_spec in spec["services"]:
            days = service_spec.get("last_checked_days_ago")
            if days is None:
                continue
            Service.objects.filter(
                organisation__name=spec["name"], name=service_spec["name"]
            ).update(last_confirmed_at=now - timedelta(days=days))


def load_catalogue(*, size: str = "full", moderator: User) -> CatalogueSummary:
    """Build the demo catalogue (idempotent: organisations already there are left alone)."""
    summary = CatalogueSummary()
    categories_load()
    # The same safe loading as yaml.safe_load, in libyaml's C parser where PyYAML has it: the
    # providers' file is a third of a megabyte (1.0 s in Python, 0.17 s in C).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    specs = yaml.load((CONTENT / "providers.yaml").read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    limit = SIZES[size]
    districts = None
    if limit is not None:
        specs = specs[:limit]
        districts = sorted({s["postcode"].split()[0] for o in specs for s in o["services"]})
    summary.postcodes = load_places(districts=districts)
    lookups = {
        "categories": {c.slug: c for c in Category.objects.all()},
        "client_groups": {g.slug: g for g in ClientGroup.objects.all()},
        "funding": {f.slug: f for f in FundingType.objects.all()},
        "localities": {loc.slug: loc for loc in Locality.objects.all()},
    }
    demo_provider = User.objects.get(email=DEMO_PROVIDER_EMAIL)
    demo_org = next(spec for spec in specs if spec.get("claimed") and not spec.get("status"))
    for spec in specs:
        if not spec.get("claimed"):
            continue  # loaded from CQC records below
        owner = _owner_for(spec, demo_provider if spec is demo_org else None)
        summary.services += load_claimed_organisation(
            spec, moderator=moderator, owner=owner, lookups=lookups
        )
        summary.organisations += 1
    # Unclaimed organisations come from the CQC register; claimed ones get their ratings.
    imported = cqc_import(records=cqc_records(specs))
    if imported.errors:
        raise ValueError(f"The demo's CQC records did not import: {imported.errors[:3]}")
    summary.organisations += Organisation.objects.filter(source=Organisation.Source.CQC).count()
    summary.services = Service.objects.count()
    age_listings(specs)
    return summary
