"""Export the catalogue as open data: an ORUK 3.0 JSON data package or a CSV of prices.

    manage.py export_openreferral --format json --output services-oruk-3.0.json
    manage.py export_openreferral --format csv --output services-and-prices.csv

Only what the API publishes (our own published listings, not stale). Without --output the file
goes to standard output. Links to our pages use BASE_URL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from marketplace.openreferral import exports
from marketplace.openreferral.mapping import Links


class Command(BaseCommand):
    help = "Export the catalogue as an ORUK 3.0 JSON data package or a CSV (one row per price)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--output", type=Path, default=None, help="File to write.")

    def handle(self, *args, **options) -> None:
        links = Links(base_url=settings.WAGTAILADMIN_BASE_URL)
        write = exports.write_data_package if options["format"] == "json" else exports.write_csv
        if options["output"] is None:
            write(sys.stdout, links)
            return
        with options["output"].open("w", encoding="utf-8", newline="") as handle:
            count = write(handle, links)
        what = "services" if options["format"] == "json" else "price rows"
        if options["verbosity"]:
            self.stdout.write(f"Wrote {count} {what} to {options['output']}.")
