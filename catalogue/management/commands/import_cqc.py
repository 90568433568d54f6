"""Import CQC locations: list new registered locations and refresh the CQC details of listed ones.

    manage.py import_cqc --json locations.json
    manage.py import_cqc --csv locations.csv --dry-run

The rules are in catalogue/cqc_reading.py (reading) and catalogue/cqc.py (importing). The whole
import is one transaction; each record is applied completely or reported with its number and
not applied. --dry-run does everything, reports it, and saves nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue.cqc import PROGRESS_EVERY, cqc_import
from catalogue.cqc_reading import (
    CSV_COLUMNS,
    CQCFileError,
    RecordNote,
    read_cqc_csv,
    read_cqc_json,
)

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import CQC locations from a JSON file in the CQC API's location shape (--json) or a CSV "
        f"with the columns {', '.join(CSV_COLUMNS)} (--csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--json",
            type=Path,
            metavar="PATH",
            help='A CQC location object, a list of them, or {"locations": [...]}.',
        )
        source.add_argument("--csv", type=Path, metavar="PATH", help="One row per location.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and count everything, then save nothing.",
        )
        parser.add_argument(
            "--progress-every",
            type=int,
            default=PROGRESS_EVERY,
            metavar="N",
            help=f"Report progress every N records (default {PROGRESS_EVERY}).",
        )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        path: Path = options["json"] or options["csv"]
        dry_run = options["dry_run"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")

        def progress(records_read: int) -> None:
            if verbosity:
                self.stdout.write(f"  {records_read:,} records read...")

        if verbosity:
            note = " (dry run: nothing will be saved)" if dry_run else ""
            self.stdout.write(f"Importing CQC locations from {path}{note}")
        try:
            records = read_cqc_json(path) if options["json"] else read_cqc_csv(path)
            summary = cqc_import(
                records=records,
                progress=progress,
                progress_every=max(options["progress_every"], 1),
                dry_run=dry_run,
            )
        except CQCFileError as error:
            raise CommandError(f"{error} Nothing was imported.") from error

        if verbosity:
            reasons = ", ".join(
                f"{count} {reason}" for reason, count in sorted(summary.skipped_by_reason.items())
            )
            self.stdout.write(
                f"CQC locations: {summary}" + (f" ({reasons})" if reasons else "") + "."
            )
            if summary.organisations_created:
                count = summary.organisations_created
                self.stdout.write(f"{count} new unclaimed organisation{'s' if count != 1 else ''}.")
            self._list("Skipped:", summary.skipped if verbosity > 1 else [], self.stdout)
            self._list("Warnings:", summary.warnings, self.stdout)
        if summary.errors:
            self._list(
                f"{len(summary.errors)} record{'s' if len(summary.errors) != 1 else ''} "
                "with errors not imported:",
                summary.errors,
                self.stderr,
            )
        if dry_run and verbosity:
            self.stdout.write("Dry run: nothing was saved.")

    def _list(self, title: str, notes: list[RecordNote], stream) -> None:
        if not notes:
            return
        stream.write(title)
        for item in notes[:SHOWN]:
            stream.write(f"  {item}")
        if len(notes) > SHOWN:
            stream.write(f"  ... and {len(notes) - SHOWN} more")
