from django.core.management.base import BaseCommand

from safeguarding import services


class Command(BaseCommand):
    help = (
        "E-mail the safeguarding team about concerns whose alert has not gone yet (the mail "
        "server was down). Run it every few minutes from cron."
    )

    def handle(self, *args, **options):
        sent = services.concerns_alert_retry()
        self.stdout.write(f"{sent} safeguarding alert(s) sent.")
