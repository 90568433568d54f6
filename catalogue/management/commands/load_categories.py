from pathlib import Path

from django.core.management.base import BaseCommand

from catalogue.taxonomy import DEFAULT_FILE, categories_load


class Command(BaseCommand):
    help = "Create or update the service categories from a YAML file (default: ours)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args, file: Path, **options):
        summary = categories_load(path=file)
        self.stdout.write(f"Categories: {summary.created} created, {summary.updated} updated.")
