from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Safeguarding"

    def ready(self):
        # A concern names its reporter: the reporter's download lists the concerns they raised
        # (without the team's notes); deleting the account keeps each concern, which the council
        # must keep, and removes only the reporter's details (safeguarding.services).
        from django.db.models.signals import post_delete, post_save

        from core import personal_data
        from core.caching import PAGES, invalidate

        from . import services
        from .models import CouncilContacts

        def contacts_changed(**_kwargs) -> None:
            invalidate(PAGES)

        post_save.connect(contacts_changed, sender=CouncilContacts, dispatch_uid="sg-contacts")
        post_delete.connect(contacts_changed, sender=CouncilContacts, dispatch_uid="sg-contacts-d")

        personal_data.register(
            "safeguarding_concerns",
            export=services.concerns_export,
            erase=services.concerns_erase_reporter,
        )
