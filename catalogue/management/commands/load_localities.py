"""Create or update localities from a YAML file and link imported postcodes to them.

    manage.py load_localities --file marketplace/demo/content/catalogue/localities.yaml

Run it after import_postcodes: a locality's centre is computed from its postcodes.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.postcodes import LocalitiesFileError, localities_load


class Command(BaseCommand):
    help = "Load localities (name, slug, kind, postcode districts) from a YAML file. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, required=True, metavar="PATH")

    def handle(self, *args, **options):
        try:
            summary = localities_load(path=options["file"])
        except LocalitiesFileError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"]:
            self.stdout.write(f"Localities: {summary}")
        for name in summary.without_postcodes:
            self.stderr.write(
                f"  {name} has no postcodes yet (import its districts with import_postcodes)."
            )
