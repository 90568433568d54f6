from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = "Ratings and reviews"

    def ready(self):
        # Reviews are personal data: the person's export includes them, and deleting their
        # account withdraws and anonymises them (the rule: ratings.services.reviews_erase).
        from core import personal_data

        from . import services

        personal_data.register(
            "reviews", export=services.reviews_export, erase=services.reviews_erase
        )
