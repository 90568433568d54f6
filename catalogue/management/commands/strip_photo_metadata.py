"""Run once after upgrading: photos uploaded before uploads were re-encoded lose their EXIF."""

from django.core.management.base import BaseCommand

from catalogue.photos import photos_strip_existing


class Command(BaseCommand):
    help = (
        "Re-encode stored listing photos that still carry EXIF, XMP or comments (GPS position, "
        "camera), originals included; their renditions are made again."
    )

    def handle(self, *args, **options):
        count = photos_strip_existing()
        self.stdout.write(f"Photos re-encoded without metadata: {count}.")
