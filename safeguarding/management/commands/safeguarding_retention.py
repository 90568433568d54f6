from django.core.management.base import BaseCommand

from safeguarding import services


class Command(BaseCommand):
    help = (
        "Delete closed safeguarding concerns older than the council's retention period "
        "(Settings > Council contact details). Open concerns are kept. Run it daily."
    )

    def handle(self, *args, **options):
        deleted = services.concerns_retention_delete()
        self.stdout.write(f"{deleted} closed concern(s) past the retention period deleted.")
