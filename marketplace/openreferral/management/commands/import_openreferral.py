"""Refresh a partner directory's read-only listings from its ORUK 3.0 API or data package.

    manage.py import_openreferral --source telford --name "Telford Council" \
        --url https://directory.example.gov.uk/api/v3/
    manage.py import_openreferral --source telford --file services-oruk-3.0.json [--dry-run]

The rules are in marketplace/openreferral/services.py. The whole refresh is one transaction: if
the source cannot be read completely, nothing changes. Run it on a schedule (e.g. nightly) for
each partner; --url is remembered, so later runs need only --source.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalogue.models import PartnerSource
from marketplace.openreferral.client import PartnerFetchError, read_api, read_data_package
from marketplace.openreferral.services import partner_source_refresh, partner_source_save

SHOWN = 20


class Command(BaseCommand):
    help = "Import or refresh a partner directory's services (ORUK 3.0 API or data package)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", required=True, help="The partner's slug, e.g. telford.")
        parser.add_argument("--name", default="", help="The partner's name (for a new source).")
        origin = parser.add_mutually_exclusive_group()
        origin.add_argument("--url", default="", help="The base address of its ORUK 3.0 API.")
        origin.add_argument("--file", default="", help="An ORUK JSON data package to read.")
        parser.add_argument("--website", default="", help="The partner's directory, for people.")
        parser.add_argument("--licence", default=None, help="The data's licence.")
        parser.add_argument("--attribution", default=None, help="The attribution it asks for.")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only.")

    def handle(self, *args, **options) -> None:
        slug = options["source"]
        existing = PartnerSource.objects.filter(slug=slug).first()
        url = options["url"] or (existing.base_url if existing and not options["file"] else "")
        if not url and not options["file"]:
            raise CommandError("Give --url (the partner's ORUK API) or --file (a data package).")
        try:
            source = partner_source_save(
                slug=slug,
                name=options["name"],
                base_url=options["url"],
                website=options["website"],
                licence=options["licence"],
                attribution=options["attribution"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        origin = url or options["file"]
        if options["verbosity"]:
            self.stdout.write(f"Refreshing {source.name} from {origin}...")
        try:
            records = read_api(url) if url else read_data_package(options["file"])
            summary = partner_source_refresh(
                source=source, records=records, origin=origin, dry_run=options["dry_run"]
            )
        except PartnerFetchError as error:
            raise CommandError(f"{error} Nothing was changed.") from error
        if options["verbosity"]:
            self.stdout.write(f"{source.name}: {summary}.")
            if summary.unmatched_terms:
                terms = ", ".join(
                    f"{name} ({count})" for name, count in summary.unmatched_terms.most_common(10)
                )
                self.stdout.write(f"Taxonomy terms with no category of ours: {terms}")
            self._list("Notes:", summary.notes if options["verbosity"] > 1 else [])
            if options["dry_run"]:
                self.stdout.write("Dry run: nothing was saved.")
        if summary.errors:
            self._list(f"{len(summary.errors)} not usable:", summary.errors, self.stderr)

    def _list(self, title: str, items: list[str], stream=None) -> None:
        stream = stream or self.stdout
        if not items:
            return
        stream.write(title)
        for item in items[:SHOWN]:
            stream.write(f"  {item}")
        if len(items) > SHOWN:
            stream.write(f"  ... and {len(items) - SHOWN} more")
