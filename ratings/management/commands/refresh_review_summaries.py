"""Recompute every service's review summary. Run daily: reviews leave the score when they pass
24 months, which no write notices."""

from django.core.management.base import BaseCommand

from ratings.services import review_summaries_refresh


class Command(BaseCommand):
    help = "Recompute review counts, means and ranking scores (run daily)."

    def handle(self, *args, **options):
        changed = review_summaries_refresh()
        if options["verbosity"]:
            self.stdout.write(f"Review summaries changed: {changed}.")
