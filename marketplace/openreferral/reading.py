"""Reading another directory's ORUK 3.0 services into plain data (no Django, no network).

`parse_service(data)` turns one fully nested ORUK service (a JSON object read with
`parse_float=Decimal`) into a `PartnerService`, or None with the reasons it cannot be used.
Rules:
- A service needs an id and a name; its organisation needs an id and a name.
- Only services whose status is "active" are listed (others count as withdrawn).
- Prices: `amount` is money in GBP, rounded to the penny (core.money.to_penny, once, on
  reading); the unit is read from `amount_description` ("per hour", "hourly", "a week"); a cost
  option with no amount or an unknown unit is left out and reported. Our own export puts
  the label and conditions in `option` separated by " — "; other directories' text is the label.
- Opening times come from weekly schedules (byday + opens_at/closes_at).
- A service's description is split back into our summary (the first paragraph, at most 300
  characters) and description (the rest).
Everything that could not be used is listed in `notes`, so the import can report it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.money import to_penny

SUMMARY_LENGTH = 300
OPTION_SEPARATOR = " — "
DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
# Words in amount_description -> our unit (catalogue.models.Unit values), tried in this order.
UNIT_WORDS = [
    ("free", re.compile(r"\bfree\b|\bno charge\b|\bno cost\b", re.I)),
    ("one-off", re.compile(r"\bone[- ]?off\b|\bonce\b|\bsingle payment\b", re.I)),
    ("hour", re.compile(r"\bhour(ly|s)?\b|\bhr\b", re.I)),
    ("night", re.compile(r"\bnight(ly|s)?\b", re.I)),
    ("session", re.compile(r"\bsessions?\b", re.I)),
    ("visit", re.compile(r"\bvisits?\b|\bmeals?\b", re.I)),
    ("week", re.compile(r"\bweek(ly|s)?\b", re.I)),
    ("month", re.compile(r"\bmonth(ly|s)?\b", re.I)),
    ("year", re.compile(r"\byear(ly|s)?\b|\bannual(ly)?\b|\bper annum\b", re.I)),
    ("day", re.compile(r"\bday\b|\bdaily\b|\bdays\b", re.I)),
]
RADIUS = re.compile(r"^Within (\d+(?:\.\d+)?) km of ", re.I)
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)")
CQC_ID_TYPES = {"cqc location id", "cqc location", "cqc"}


@dataclass(frozen=True)
class PartnerPrice:
    external_id: str
    label: str
    amount: Decimal
    unit: str
    conditions: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True)
class PartnerTerm:
    """A taxonomy term as the partner gave it (matched to our categories by the import)."""

    external_id: str
    name: str
    term: str = ""
    taxonomy: str = ""
    taxonomy_id: str = ""


@dataclass(frozen=True)
class PartnerOrganisation:
    external_id: str
    name: str
    description: str = ""
    email: str = ""
    website: str = ""
    companies_house_number: str = ""
    charity_number: str = ""


@dataclass
class PartnerService:
    external_id: str
    name: str
    organisation: PartnerOrganisation
    summary: str = ""
    description: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    contact_name: str = ""
    address_line_1: str = ""
    town: str = ""
    postcode: str = ""
    cqc_location_id: str = ""
    radius_km: Decimal | None = None
    area_names: list[str] = field(default_factory=list)
    funding_names: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    accessibility_features: list[str] = field(default_factory=list)
    opening_times: list[dict[str, str]] = field(default_factory=list)
    prices: list[PartnerPrice] = field(default_factory=list)
    terms: list[PartnerTerm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _text(data: Any, key: str, limit: int | None = None) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, (str, int, Decimal)) or isinstance(value, bool):
        return ""
    text = str(value).strip()
    return text[:limit] if limit else text


def _items(data: Any, key: str) -> list[dict[str, Any]]:
    value = data.get(key) if isinstance(data, dict) else None
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def unit_from_description(text: str) -> str | None:
    for unit, pattern in UNIT_WORDS:
        if pattern.search(text or ""):
            return unit
    return None


def split_description(text: str) -> tuple[str, str]:
    """ORUK has one description; we have a one-line summary and a longer description."""
    text = (text or "").strip()
    first, _, rest = text.partition("\n\n")
    first = " ".join(first.split())
    if len(first) > SUMMARY_LENGTH:
        cut = first[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0]
        return cut + "…", text
    return first, rest.strip()


def _price(option: dict[str, Any], notes: list[str]) -> PartnerPrice | None:
    external_id = _text(option, "id")
    described = _text(option, "amount_description")
    unit = unit_from_description(described)
    raw = option.get("amount")
    what = f"cost option {external_id or '(no id)'}"
    if raw is None and unit == "free":
        raw = Decimal(0)
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        notes.append(f"{what}: no amount, left out")
        return None
    try:
        amount = to_penny(Decimal(str(raw)))
    except InvalidOperation:
        notes.append(f"{what}: the amount {str(raw)[:20]!r} is not a number, left out")
        return None
    if unit is None:
        if amount == 0:
            unit = "free"
        else:
            notes.append(f"{what}: no unit we know in {described[:40]!r}, left out")
            return None
    if amount < 0:
        notes.append(f"{what}: a negative amount, left out")
        return None
    option_text = _text(option, "option")
    label, _, conditions = option_text.partition(OPTION_SEPARATOR)
    label = label.strip() or described or "Price"
    valid_from, valid_to = _date(option.get("valid_from")), _date(option.get("valid_to"))
    if valid_from and valid_to and valid_to < valid_from:
        notes.append(f"{what}: valid_to is before valid_from, dates left out")
        valid_from = valid_to = None
    return PartnerPrice(
        external_id=external_id or f"{label}|{amount}|{unit}",
        label=label[:100],
        amount=amount,
        unit=unit,
        conditions=conditions.strip()[:300],
        valid_from=valid_from,
        valid_to=valid_to,
    )


def _clock(value: Any) -> str:
    match = CLOCK.match(value.strip()) if isinstance(value, str) else None
    return f"{int(match[1]):02d}:{match[2]}" if match else ""


def _opening_times(schedules: list[dict[str, Any]]) -> list[dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for schedule in schedules:
        if str(schedule.get("freq", "WEEKLY")).upper() != "WEEKLY":
            continue
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        if not (opens and closes):
            continue
        for code in str(schedule.get("byday") or "").split(","):
            day = DAYS.get(code.strip().upper())
            if day and day not in found:
                found[day] = {"day": day, "opens": opens, "closes": closes}
    return [found[day] for day in DAYS.values() if day in found]


def _organisation(data: Any) -> PartnerOrganisation | None:
    if not isinstance(data, dict) or not _text(data, "id") or not _text(data, "name"):
        return None
    numbers = {"GB-COH": "", "GB-CHC": ""}
    for identifier in _items(data, "organization_identifiers"):
        scheme = _text(identifier, "identifier_scheme").upper()
        if scheme in numbers and not numbers[scheme]:
            numbers[scheme] = _text(identifier, "identifier")
    name = _text(data, "name", 200)
    description = _text(data, "description", 5000)
    return PartnerOrganisation(
        external_id=_text(data, "id", 100),
        name=name,
        description="" if description == name else description,
        email=_text(data, "email", 254),
        website=_text(data, "website", 200),
        companies_house_number=numbers["GB-COH"][:8],
        charity_number=numbers["GB-CHC"][:10],
    )


def parse_service(data: Any) -> tuple[PartnerService | None, list[str]]:
    """One ORUK service -> a PartnerService, or (None, reasons) when it cannot be listed."""
    if not isinstance(data, dict):
        return None, ["not a JSON object"]
    external_id, name = _text(data, "id", 100), _text(data, "name", 200)
    problems = [
        message
        for missing, message in ((not external_id, "no id"), (not name, "no name"))
        if missing
    ]
    status = _text(data, "status").lower() or "active"
    if status != "active":
        problems.append(f"its status is {status!r}")
    organisation = _organisation(data.get("organization"))
    if organisation is None:
        problems.append("no organization with an id and a name")
    if problems or organisation is None:
        return None, problems

    notes: list[str] = []
    summary, description = split_description(_text(data, "description"))
    service = PartnerService(
        external_id=external_id,
        name=name,
        organisation=organisation,
        summary=summary or name[:SUMMARY_LENGTH],
        description=description[:10_000],
        website=_text(data, "url", 200),
        email=_text(data, "email", 254),
        notes=notes,
    )
    for option in _items(data, "cost_options"):
        price = _price(option, notes)
        if price is not None:
            service.prices.append(price)
    for attribute in _items(data, "attributes"):
        term = attribute.get("taxonomy_term")
        if isinstance(term, dict) and _text(term, "name"):
            service.terms.append(
                PartnerTerm(
                    external_id=_text(term, "id") or _text(attribute, "taxonomy_term_id"),
                    name=_text(term, "name"),
                    term=_text(term, "term"),
                    taxonomy=_text(term, "taxonomy"),
                    taxonomy_id=_text(term, "taxonomy_id"),
                )
            )
    for area in _items(data, "service_areas"):
        area_name = _text(area, "name") or _text(area, "service_area")
        radius = RADIUS.match(area_name)
        if radius:
            service.radius_km = min(Decimal(radius[1]), Decimal(200))
        elif area_name:
            service.area_names.append(area_name)
    service.funding_names = [
        _text(item, "source") for item in _items(data, "funding") if _text(item, "source")
    ]
    service.languages = [
        _text(item, "name", 50) for item in _items(data, "languages") if _text(item, "name")
    ]
    service.opening_times = _opening_times(_items(data, "schedules"))
    for contact in _items(data, "contacts")[:1]:
        service.contact_name = _text(contact, "name", 100)
        phones = _items(contact, "phones") or _items(data, "phones")
        service.phone = _text(phones[0], "number", 30) if phones else ""
    for place in _items(data, "service_at_locations")[:1]:
        location = place.get("location") if isinstance(place.get("location"), dict) else {}
        if _text(location, "external_identifier_type").lower() in CQC_ID_TYPES:
            service.cqc_location_id = _text(location, "external_identifier", 20)
        addresses = _items(location, "addresses")
        physical = [a for a in addresses if _text(a, "address_type") != "postal"] or addresses
        if physical:
            service.address_line_1 = _text(physical[0], "address_1", 200)
            service.town = _text(physical[0], "city", 100)
            service.postcode = _text(physical[0], "postal_code", 10)
        elif _text(location, "name") and _text(location, "name") != name:
            service.town = _text(location, "name", 100)
        service.accessibility_features = [
            _text(item, "description", 100)
            for item in _items(location, "accessibility")
            if _text(item, "description")
        ]
    return service, []
