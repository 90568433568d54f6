"""Reading the Care Quality Commission's register of locations: JSON from the CQC API, or a CSV.

The CQC regulates every care home and home care agency in England. Its public API
(https://api.service.cqc.org.uk/public/v1/locations/{locationId}, Open Government Licence) returns
one JSON object per location. The fields this importer reads, as the API names and nests them:

    locationId, providerId, name, registrationStatus ("Registered" / "Deregistered"),
    registrationDate (when the location was registered: the date a new listing started trading),
    postalAddressLine1, postalAddressLine2, postalAddressTownCity, postalCode,
    mainPhoneNumber, website (often without "https://"), numberOfBeds,
    gacServiceTypes:      [{"name": "Nursing homes",
                            "description": "Care home service with nursing"}]
    specialisms:          [{"name": "Dementia"}, {"name": "Caring for adults over 65 yrs"}]
    regulatedActivities:  [{"name": "Personal care", "code": "RA1", "contacts": [...]}]
    currentRatings:       {"overall": {"rating": "Good", "reportDate": "2024-07-10",
                                       "reportLinkId": "...",
                                       "keyQuestionRatings": [{"name": "Safe", "rating": "Good",
                                                               "reportDate": "..."}, ...]},
                           "reportDate": "2024-07-10"}

Sources checked for these names and shapes (public material, matched by search):
- the Fivetran CQC connector's schema reference
  (fivetran.com/docs/connectors/applications/care-quality-commission/connector-schema):
  location_gac_service_type (name, description), location_specialism (name),
  location_regulated_activity (code, name);
- mytribeinsuranceexperts/mytribe-workspace, APIs/CQC/AVAILABLE_FIELDS_ANALYSIS.md: the
  location fields above, registrationStatus "Registered" / "Deregistered",
  currentRatings.overall.rating and .reportDate;
- public test fixtures and ingest jobs built on real API responses, which give the
  gacServiceTypes pairs used in SERVICE_TYPES below (e.g. ["Supported housing",
  "Extra Care housing services"]) and the key question names Safe, Effective, Caring,
  Responsive and Well-led.
A location object does not carry its provider's name (that needs /providers/{providerId}), so a
record may add "providerName"; otherwise the organisation is named from the location's name.

The CSV has one row per location with the columns of CSV_COLUMNS (and may add registrationDate);
`serviceTypes` and `specialisms` are separated by semicolons, and each service type may be
written as the CQC's name or its description. read_cqc_csv() turns every row into the API's
JSON shape, so both sources go through the same parsing and the same rules.

This module only reads and checks (parse_location); catalogue/cqc.py writes (cqc_import).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from catalogue import rules
from catalogue.models import (
    CQCRating,
)

REGISTERED = "Registered"


# --- the mapping tables -------------------------------------------------------------------------

# fmt: off

# CQC service types (gacServiceTypes) -> our categories (catalogue/data/categories.yaml).
# The API gives each type a short name and a longer description; either one matches, ignoring
# case. Types not listed (hospitals, GPs, dentists, hospices, Shared Lives, community health...)
# map to nothing: a new location none of whose types is listed is skipped.
SERVICE_TYPES: tuple[tuple[str, str, str], ...] = (
    # CQC name              CQC description                       our category
    ("Homecare agencies",   "Domiciliary care service",           "home-care"),
    ("Nursing homes",       "Care home service with nursing",     "nursing-home"),
    ("Residential homes",   "Care home service without nursing",  "residential-care-home"),
    ("Supported living",    "Supported living service",           "supported-living"),
    ("Supported housing",   "Extra Care housing services",        "supported-living"),
    ("Extra Care housing",  "Extra Care housing",                 "supported-living"),
)

# CQC specialisms -> our client groups (seeded by migration 0002). Others (e.g. "Caring for
# adults under 65 yrs", "Services for everyone", "Eating disorders") add no client group.
SPECIALISMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # CQC specialism                                        our client groups
    ("Caring for adults over 65 yrs",                       ("older-people",)),
    ("Dementia",                                            ("dementia",)),
    ("Learning disabilities",                               ("learning-disability",)),
    ("Learning disabilities or autistic spectrum disorder", ("learning-disability", "autism")),
    ("Mental health conditions",                            ("mental-health",)),
    ("Caring for people whose rights are restricted under the Mental Health Act",
                                                            ("mental-health",)),
    ("Physical disabilities",                               ("physical-disability",)),
    ("Sensory impairment",                                  ("sensory-impairment",)),
    ("Sensory impairments",                                 ("sensory-impairment",)),
)

# The five key questions of currentRatings.overall.keyQuestionRatings -> our Service fields.
KEY_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("Safe",        "cqc_safe"),
    ("Effective",   "cqc_effective"),
    ("Caring",      "cqc_caring"),
    ("Responsive",  "cqc_responsive"),
    ("Well-led",    "cqc_well_led"),
)

# What a listing of an existing location takes from the CQC (the rest is the provider's).
CQC_FIELDS = (
    "cqc_overall", "cqc_safe", "cqc_effective", "cqc_caring", "cqc_responsive", "cqc_well_led",
    "cqc_report_date", "beds",
)

# The CSV's columns (matched ignoring case): all are needed; extra columns are ignored.
CSV_COLUMNS = (
    "locationId", "providerId", "name", "providerName", "postalCode", "addressLine1", "townCity",
    "phone", "website", "numberOfBeds", "serviceTypes", "specialisms", "overallRating", "safe",
    "effective", "caring", "responsive", "wellLed", "reportDate", "registrationStatus",
)
# Columns the CSV may have (a file without them is read as before).
CSV_OPTIONAL_COLUMNS = ("registrationDate",)
# CSV rating column -> the key question it holds.
CSV_RATING_COLUMNS = (
    ("safe", "Safe"), ("effective", "Effective"), ("caring", "Caring"),
    ("responsive", "Responsive"), ("wellLed", "Well-led"),
)

# fmt: on


def _key(text: str) -> str:
    """Matching key for the CQC's vocabulary: case, spaces and hyphens do not matter."""
    return re.sub(r"[\s\-]+", " ", str(text)).strip().lower()


_SERVICE_TYPE_SLUGS = {
    _key(label): slug for name, description, slug in SERVICE_TYPES for label in (name, description)
}
_SPECIALISM_SLUGS = {_key(name): slugs for name, slugs in SPECIALISMS}
_KEY_QUESTION_FIELDS = {_key(name): field_name for name, field_name in KEY_QUESTIONS}
_RATINGS = {_key(value): value for value in CQCRating.values}
# What the CQC says instead of a rating: stored as "no rating".
_NOT_RATED = {_key(t) for t in ("", "Not rated", "No rating", "Insufficient evidence to rate")}

MAX_BEDS = 32767  # the Service.beds column (PositiveSmallIntegerField)
_url = URLValidator(schemes=["http", "https"])


# --- results ------------------------------------------------------------------------------------


class CQCFileError(ValueError):
    """The source as a whole cannot be read: missing, not JSON/CSV, or the wrong columns."""


@dataclass(frozen=True, slots=True)
class LocationRecord:
    """One location as read from a source, in the CQC API's JSON shape.

    `number` is what a person looks for: the position in a JSON list (from 1), or the row of a
    CSV (the header is row 1); `where` says which ("record" or "row"). `problem` is set by a
    reader for a record it could not read at all (a CSV row with the wrong number of fields).
    """

    number: int
    data: Any
    where: str = "record"
    problem: str = ""


@dataclass(frozen=True, slots=True)
class RecordNote:
    """An error, warning or skip reason about one record."""

    number: int
    location_id: str
    message: str
    where: str = "record"

    def __str__(self) -> str:
        return f"{self.where} {self.number} ({self.location_id or 'no locationId'}): {self.message}"


@dataclass(frozen=True)
class CQCLocation:
    """A location's values, checked and in our terms (see parse_location)."""

    location_id: str
    provider_id: str
    provider_name: str
    name: str
    registration_status: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str  # normalised, or "" when missing or not shaped like a postcode
    postcode_as_given: str
    phone: str
    website: str
    beds: int | None
    service_types: tuple[str, ...]  # as the CQC wrote them, for messages
    category_slugs: tuple[str, ...]
    client_group_slugs: tuple[str, ...]
    ratings: dict[str, str]  # Service field -> CQCRating value or ""
    report_date: date | None
    registration_date: date | None = None  # when the service started trading, as far as we know
    notes: tuple[str, ...] = ()  # values dropped because they were unusable

    @property
    def cqc_values(self) -> dict[str, Any]:
        """The CQC_FIELDS of a listing, as this record says they are."""
        return {**self.ratings, "cqc_report_date": self.report_date, "beds": self.beds}


# --- readers ------------------------------------------------------------------------------------


def read_cqc_json(path: str | Path) -> list[LocationRecord]:
    """The locations of a JSON file: one CQC location object, a list of them, or an object with a
    "locations" list (the shape of the API's list pages).

    Raises CQCFileError when the file is missing, not UTF-8, not valid JSON or not one of those
    shapes. Items that are not objects come back as records; cqc_import() reports them.
    """
    path = Path(path)
    if not path.is_file():
        raise CQCFileError(f"No such file: {path}")
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as error:
        raise CQCFileError(f"{path} is not UTF-8 text ({error.reason}).") from error
    except json.JSONDecodeError as error:
        raise CQCFileError(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from error
    except OSError as error:
        raise CQCFileError(f"Cannot read {path}: {error.strerror or error}.") from error
    if isinstance(document, dict) and isinstance(document.get("locations"), list):
        items = document["locations"]
    elif isinstance(document, dict) and "locationId" in document:
        items = [document]
    elif isinstance(document, list):
        items = document
    else:
        raise CQCFileError(
            f"{path} does not hold CQC locations: expected a location object (with a "
            'locationId), a list of them, or {"locations": [...]}.'
        )
    return [LocationRecord(number, item) for number, item in enumerate(items, start=1)]


def read_cqc_csv(path: str | Path) -> Iterator[LocationRecord]:
    """The rows of a CQC locations CSV (CSV_COLUMNS), each in the CQC API's JSON shape.

    Raises CQCFileError when the file is missing, empty, not UTF-8, not a well-formed CSV, or
    lacks any of CSV_COLUMNS (the message names the missing ones). A row with the wrong number
    of fields comes back as a record that cqc_import() reports.
    """
    path = Path(path)
    if not path.is_file():
        raise CQCFileError(f"No such file: {path}")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle, strict=True)
            try:
                header = next(reader, None)
                if not header:
                    raise CQCFileError(f"{path} is empty: expected a header row and locations.")
                columns = _csv_columns(header, path)
                for values in reader:
                    if not any(value.strip() for value in values):
                        continue
                    if len(values) != len(header):
                        yield LocationRecord(
                            reader.line_num,
                            None,
                            "row",
                            f"this row has {len(values)} fields where the header has {len(header)}",
                        )
                        continue
                    yield LocationRecord(reader.line_num, _csv_location(values, columns), "row")
            except csv.Error as error:
                raise CQCFileError(
                    f"{path}, row {reader.line_num}: not a valid CSV ({error})."
                ) from error
    except UnicodeDecodeError as error:
        raise CQCFileError(f"{path} is not UTF-8 text ({error.reason}).") from error
    except OSError as error:
        raise CQCFileError(f"Cannot read {path}: {error.strerror or error}.") from error


def _csv_columns(header: list[str], path: Path) -> dict[str, int]:
    position = {name.strip().lower(): index for index, name in enumerate(header)}
    missing = [name for name in CSV_COLUMNS if name.lower() not in position]
    if missing:
        raise CQCFileError(
            f"{path} does not look like a CQC locations CSV: it has no "
            f"{', '.join(missing)} column{'s' if len(missing) > 1 else ''}. "
            f"Expected the columns: {', '.join(CSV_COLUMNS)}."
        )
    return {
        name: position[name.lower()]
        for name in (*CSV_COLUMNS, *CSV_OPTIONAL_COLUMNS)
        if name.lower() in position
    }


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _csv_location(values: list[str], columns: dict[str, int]) -> dict[str, Any]:
    """A CSV row in the CQC API's location shape."""

    def get(name: str) -> str:
        return values[columns[name]].strip() if name in columns else ""

    return {
        "locationId": get("locationId"),
        "providerId": get("providerId"),
        "providerName": get("providerName"),
        "name": get("name"),
        "registrationStatus": get("registrationStatus"),
        "registrationDate": get("registrationDate"),
        "postalAddressLine1": get("addressLine1"),
        "postalAddressTownCity": get("townCity"),
        "postalCode": get("postalCode"),
        "mainPhoneNumber": get("phone"),
        "website": get("website"),
        "numberOfBeds": get("numberOfBeds"),
        "gacServiceTypes": [{"name": text} for text in _split_list(get("serviceTypes"))],
        "specialisms": [{"name": text} for text in _split_list(get("specialisms"))],
        "currentRatings": {
            "overall": {
                "rating": get("overallRating"),
                "reportDate": get("reportDate"),
                "keyQuestionRatings": [
                    {"name": name, "rating": get(column)} for column, name in CSV_RATING_COLUMNS
                ],
            }
        },
    }


# --- parsing ------------------------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value).strip()
    raise ValueError(f"{key} should be text, not {type(value).__name__}")


def _items(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"{key} should be a list of objects")
    return value


def _rating(value: Any, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} rating should be text")
    if _key(value) in _NOT_RATED:
        return ""
    try:
        return _RATINGS[_key(value)]
    except KeyError:
        raise ValueError(
            f"{what} rating {value!r} is not a CQC rating ({', '.join(CQCRating.values)})"
        ) from None


def _date(value: Any, what: str = "reportDate") -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        text = value.strip()
        for parse in (
            lambda t: date.fromisoformat(t[:10]),
            lambda t: datetime.strptime(t, "%d/%m/%Y").date(),
        ):
            try:
                return parse(text)
            except ValueError:
                continue
    raise ValueError(f"{what} {value!r} is not a date (use 2024-07-10)")


def _beds(value: Any) -> int | None:
    if value is None or value == "":
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 <= number <= MAX_BEDS:
        raise ValueError(f"numberOfBeds {value!r} is not a number of beds (0 to {MAX_BEDS})")
    return number or None  # the CQC gives 0 for services without beds


def provider_name_from_location(name: str) -> str:
    """The provider part of a location's name, for naming an organisation the CQC record does
    not name: 'Meadow Care - Ludlow' -> 'Meadow Care', 'Meadow Care (Ludlow)' -> 'Meadow Care';
    a name with neither form is used whole."""
    for separator in (" - ", " – ", " — "):
        head = name.split(separator, 1)[0].strip()
        if separator in name and head:
            return head
    match = re.match(r"^(.*\S)\s*\([^()]*\)$", name)
    return match[1] if match else name


def parse_location(data: Any) -> tuple[CQCLocation | None, list[str]]:
    """Check a location object and put it in our terms: (location, []) or (None, problems).

    Every problem of the record is listed (not only the first). A record needs locationId,
    providerId, name and registrationStatus; ratings must be CQC ratings (or none), the report
    date a date, the beds a whole number. A website or phone number that cannot be used is
    dropped with a note rather than failing the record: they are not what the register is for.
    """
    if not isinstance(data, dict):
        return None, [f"not a location object (a {type(data).__name__})"]
    problems: list[str] = []
    notes: list[str] = []

    def attempt(read: Callable[[], Any], default: Any = None) -> Any:
        try:
            return read()
        except ValueError as error:
            problems.append(str(error))
            return default

    location_id = attempt(lambda: _text(data, "locationId"), "")
    provider_id = attempt(lambda: _text(data, "providerId"), "")
    name = attempt(lambda: _text(data, "name"), "")
    status = attempt(lambda: _text(data, "registrationStatus"), "")
    for key, value, longest in (
        ("locationId", location_id, 20),
        ("providerId", provider_id, 20),
        ("name", name, 200),
        ("registrationStatus", status, 50),
    ):
        if not value:
            problems.append(f"{key} is missing")
        elif len(value) > longest:
            problems.append(f"{key} is longer than {longest} characters")
        elif key.endswith("Id") and re.search(r"\s", value):
            problems.append(f"{key} {value!r} contains spaces")

    provider_name = attempt(lambda: _text(data, "providerName"), "") or (
        provider_name_from_location(name) if name else ""
    )
    if len(provider_name) > 200:
        problems.append("providerName is longer than 200 characters")

    postcode_as_given = attempt(lambda: _text(data, "postalCode"), "")
    postcode = rules.normalise_postcode(postcode_as_given) or ""
    if postcode_as_given and not postcode:
        notes.append(f"postalCode {postcode_as_given!r} is not a postcode: left out")

    website = attempt(lambda: _text(data, "website"), "")
    if website and not re.match(r"^https?://", website, re.IGNORECASE):
        website = f"https://{website}"
    if website:
        try:
            _url(website)
            if len(website) > 200:
                raise ValidationError("too long")
        except ValidationError:
            notes.append(f"website {website!r} is not a web address: left out")
            website = ""
    phone = attempt(lambda: _text(data, "mainPhoneNumber"), "")
    if len(phone) > 30:
        notes.append(f"mainPhoneNumber {phone!r} is too long: left out")
        phone = ""

    beds = attempt(lambda: _beds(data.get("numberOfBeds")))
    # The registration date is only a listing's trading start: one that cannot be used is
    # left out with a note rather than failing the record.
    try:
        registration_date = _date(data.get("registrationDate"), "registrationDate")
    except ValueError as error:
        notes.append(f"{error}: left out")
        registration_date = None
    if registration_date is not None and registration_date > date.today():
        notes.append(f"registrationDate {registration_date} is in the future: left out")
        registration_date = None
    service_types = attempt(lambda: _items(data, "gacServiceTypes"), [])
    specialisms = attempt(lambda: _items(data, "specialisms"), [])
    type_labels = tuple(
        str(item.get("description") or item.get("name") or "").strip() for item in service_types
    )
    categories: list[str] = []
    for item in service_types:
        for label in (item.get("name"), item.get("description")):
            slug = _SERVICE_TYPE_SLUGS.get(_key(label or ""))
            if slug and slug not in categories:
                categories.append(slug)
    client_groups: list[str] = []
    for item in specialisms:
        for slug in _SPECIALISM_SLUGS.get(_key(item.get("name") or ""), ()):
            if slug not in client_groups:
                client_groups.append(slug)

    ratings = {field_name: "" for _name, field_name in KEY_QUESTIONS}
    ratings["cqc_overall"] = ""
    report_date = None
    current = data.get("currentRatings") or {}
    overall = current.get("overall") if isinstance(current, dict) else None
    if current and not isinstance(current, dict):
        problems.append("currentRatings should be an object")
    elif overall is not None and not isinstance(overall, dict):
        problems.append("currentRatings.overall should be an object")
    elif overall:
        ratings["cqc_overall"] = attempt(lambda: _rating(overall.get("rating"), "overall"), "")
        report_date = attempt(lambda: _date(overall.get("reportDate") or current.get("reportDate")))
        questions = attempt(lambda: _items(overall, "keyQuestionRatings"), [])
        for question in questions:
            field_name = _KEY_QUESTION_FIELDS.get(_key(question.get("name") or ""))
            if field_name is None:
                problems.append(f"unknown key question {question.get('name')!r}")
                continue
            try:
                ratings[field_name] = _rating(question.get("rating"), str(question.get("name")))
            except ValueError as error:
                problems.append(str(error))

    if problems:
        return None, problems
    try:
        address_line_1 = _text(data, "postalAddressLine1")
        address_line_2 = _text(data, "postalAddressLine2")
        town = _text(data, "postalAddressTownCity")
    except ValueError as error:
        return None, [str(error)]
    return (
        CQCLocation(
            location_id=location_id,
            provider_id=provider_id,
            provider_name=provider_name,
            name=name,
            registration_status=status,
            address_line_1=address_line_1,
            address_line_2=address_line_2,
            town=town,
            postcode=postcode,
            postcode_as_given=postcode_as_given,
            phone=phone,
            website=website,
            beds=beds,
            service_types=tuple(label for label in type_labels if label),
            category_slugs=tuple(categories),
            client_group_slugs=tuple(client_groups),
            ratings=ratings,
            report_date=report_date,
            registration_date=registration_date,
            notes=tuple(notes),
        ),
        [],
    )
