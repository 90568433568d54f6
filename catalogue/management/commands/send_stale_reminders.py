"""Run daily: e-mail providers about listings unconfirmed for 6 months; report the stale ones."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from catalogue import rules
from catalogue.models import Service
from catalogue.services import services_send_stale_reminders


class Command(BaseCommand):
    help = (
        f"E-mail each organisation about its published listings not confirmed for "
        f"{rules.REMIND_AFTER_MONTHS} months, and say how many are stale (not confirmed for "
        f"{rules.STALE_AFTER_MONTHS} months, so hidden from search)."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        reminded = services_send_stale_reminders(now=now)
        stale = Service.objects.stale(now=now).count()
        self.stdout.write(f"Reminders sent about {_listings(reminded)}.")
        verb = "is" if stale == 1 else "are"
        self.stdout.write(
            f"{_listings(stale)} {verb} stale (not confirmed for {rules.STALE_AFTER_MONTHS} "
            "months) and hidden from search."
        )


def _listings(count: int) -> str:
    return f"{count} listing" if count == 1 else f"{count} listings"
