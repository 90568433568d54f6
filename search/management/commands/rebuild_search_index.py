"""Rebuild the catalogue search index from the catalogue, with a progress bar and a summary.

    manage.py rebuild_search_index
    manage.py rebuild_search_index --backend database

The configured backend (CATALOGUE_SEARCH_BACKEND) unless --backend says otherwise. The rebuild
is all or nothing: searches keep using the old index until the new one is complete.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from catalogue.models import Service
from search.backends import BACKENDS, get_backend

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the catalogue search index (published services of active organisations)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--backend",
            choices=sorted(BACKENDS),
            help="Rebuild this backend's index instead of the configured one.",
        )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        backend = get_backend(options["backend"])
        interactive = self.stdout.isatty()
        last_shown = [-1]

        def progress(done: int, total: int) -> None:
            if not verbosity:
                return
            share = done / total if total else 1.0
            tenth = int(share * 10)
            if not interactive and tenth == last_shown[0] and done < total:
                return  # in a log, one line per tenth is enough
            last_shown[0] = tenth
            filled = int(share * BAR_WIDTH)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            line = f"[{bar}] {done:,}/{total:,} services ({share:.0%})"
            if interactive:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        if verbosity:
            self.stdout.write(f"Rebuilding the {backend.name} search index...")
        started = time.perf_counter()
        try:
            indexed = backend.rebuild(progress=progress)
        except Exception as error:  # the old index is untouched: say so and stop
            raise CommandError(f"Rebuild failed, the index was left as it was: {error}") from error
        seconds = time.perf_counter() - started
        if verbosity and interactive:
            self.stdout.write("")
        if verbosity:
            stale = Service.objects.stale(now=timezone.now()).count()
            not_listed = Service.objects.exclude(
                pk__in=Service.objects.published().values("pk")
            ).count()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Indexed {indexed:,} services in {seconds:.1f} s ({backend.name} backend)."
                )
            )
            self.stdout.write(
                f"  {stale:,} of them are stale (unconfirmed for 12 months) and hidden until "
                f"confirmed; {not_listed:,} services are not published or belong to an "
                "organisation that is not active, and are not indexed."
            )
