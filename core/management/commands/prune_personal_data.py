"""Run daily: personal data kept only for a while leaves when its period has passed."""

from django.core.management.base import BaseCommand

from core import personal_data


class Command(BaseCommand):
    help = (
        "Empty or delete the personal data whose retention period has passed (enquiries after "
        "ENQUIRY_RETENTION_DAYS, and every other registered kind)."
    )

    def handle(self, *args, **options):
        for name, done in personal_data.prune_all().items():
            self.stdout.write(f"{name}: {done}")
