"""Run daily: e-mail the person and the practitioner once about each plan review coming due."""

from django.conf import settings
from django.core.management.base import BaseCommand

from marketplace.plans.services import send_review_reminders


class Command(BaseCommand):
    help = (
        "E-mail the person and the practitioners once about each review of an agreed plan due "
        f"within PLANS_REVIEW_REMIND_DAYS ({settings.PLANS_REVIEW_REMIND_DAYS}) days or overdue."
    )

    def handle(self, *args, **options):
        sent = send_review_reminders()
        noun = "review" if sent == 1 else "reviews"
        self.stdout.write(f"Reminders sent about {sent} {noun}.")
