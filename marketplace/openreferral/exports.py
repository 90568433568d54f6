"""The catalogue as open data files: the ORUK JSON data package and a CSV of prices.

- The data package is a JSON array of fully nested ORUK 3.0 services (the shape of the UK
  profile's compiled/service_package.json): what GET /services/{id} gives, for every listing
  the API publishes. The importer reads it back (round trip).
- The CSV has one row per price option (a listing without prices gets one row with the price
  columns empty), for people who work in spreadsheets. Text that a spreadsheet would run as a
  formula is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from catalogue.models import Service, Unit

from . import mapping, selectors

CSV_COLUMNS = [
    "service_id",
    "service_name",
    "service_url",
    "organisation_id",
    "organisation_name",
    "categories",
    "client_groups",
    "funding_accepted",
    "town",
    "postcode",
    "localities_served",
    "cqc_location_id",
    "cqc_overall_rating",
    "accepting_new_clients",
    "price_option_id",
    "price_label",
    "amount",
    "currency",
    "unit",
    "conditions",
    "valid_from",
    "valid_to",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def data_package(links: mapping.Links) -> list[dict[str, Any]]:
    return [mapping.service_full(service, links) for service in selectors.export_services()]


def write_data_package(handle: IO[str], links: mapping.Links) -> int:
    package = data_package(links)
    json.dump(package, handle, ensure_ascii=False, indent=2)
    handle.write("\n")
    return len(package)


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: ""}[value]


def csv_rows(links: mapping.Links) -> Iterator[list[str]]:
    """The header, then one row per price option of every published listing."""
    yield CSV_COLUMNS
    for service in selectors.export_services():
        yield from _service_rows(service, links)


def _service_rows(service: Service, links: mapping.Links) -> Iterator[list[str]]:
    public = service.public_location  # a hidden address: its postcode district only
    common = [
        str(service.uuid),
        service.name,
        links.absolute(service.get_absolute_url()),
        str(service.organisation.uuid),
        service.organisation.name,
        "; ".join(category.name for category in service.categories.all()),
        "; ".join(group.name for group in service.client_groups.all()),
        "; ".join(funding.name for funding in service.funding_accepted.all()),
        public.town,
        public.postcode,
        "; ".join(locality.name for locality in service.localities_served.all()),
        service.cqc_location_id,
        service.cqc_overall,
        _yes_no(service.accepting_new_clients),
    ]
    options = list(service.price_options.all())
    if not options:
        yield [_cell(value) for value in common] + [""] * 8
        return
    for option in options:
        yield [_cell(value) for value in common] + [
            str(option.uuid),
            _cell(option.label),
            f"{option.amount:.2f}",
            "GBP",
            Unit(option.unit).label,
            _cell(option.conditions),
            option.valid_from.isoformat() if option.valid_from else "",
            option.valid_to.isoformat() if option.valid_to else "",
        ]


def write_csv(handle: IO[str], links: mapping.Links) -> int:
    """Write the CSV; returns the number of price rows."""
    writer = csv.writer(handle)
    count = -1
    for row in csv_rows(links):
        writer.writerow(row)
        count += 1
    return count
