"""Add the packaged care vocabulary's rules (search/data/synonyms.yaml, or --file) that the admin
does not hold yet; rules editors changed or added are kept.

    manage.py load_synonyms [--file synonyms.yaml]
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from search.vocabulary import SYNONYMS_FILE, load_rules


class Command(BaseCommand):
    help = "Add the packaged care vocabulary's synonym rules that the admin does not hold yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=SYNONYMS_FILE)

    def handle(self, *args, **options) -> None:
        added = load_rules(options["file"])
        self.stdout.write(f"{added} synonym rule(s) added.")
