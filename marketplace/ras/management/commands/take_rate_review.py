"""Run monthly: fix the RAS money per point in force from the month's market prices."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from marketplace.ras import selectors, services
from marketplace.ras.models import SchemeVersion


class Command(BaseCommand):
    help = (
        "Take a rate review of the scheme in force: store today's money per point, its inputs "
        "and the date. Estimates and assessments use it until the next review."
    )

    def add_arguments(self, parser):
        parser.add_argument("--note", default="Monthly review.", help="Kept with the review.")

    def handle(self, *args, **options):
        scheme = selectors.active_scheme()
        if scheme is None:
            self.stdout.write("There is no scheme in force: nothing to review.")
            return
        if scheme.rate_mode != SchemeVersion.RateMode.MARKET:
            self.stdout.write(
                f"Version {scheme.version}'s rate is {scheme.get_rate_mode_display().lower()}: "
                "no market review."
            )
            return
        before = selectors.latest_review(scheme)
        try:
            review = services.rate_review_take(
                user=None, scheme=scheme, note=options["note"], scheduled=True
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        was = f" (was £{before.money_per_point})" if before else ""
        self.stdout.write(
            f"Version {scheme.version}: money per point in force is now "
            f"£{review.money_per_point}{was}."
        )
