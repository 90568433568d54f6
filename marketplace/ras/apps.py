from django.apps import AppConfig


class RasConfig(AppConfig):
    name = "marketplace.ras"
    label = "ras"
    verbose_name = "Resource Allocation System"

    def ready(self) -> None:
        from marketplace.accounts import personal_data

        from . import personal_data as ras_data

        personal_data.register(
            "budget_estimates",
            export=ras_data.export_assessments,
            erase=ras_data.erase_assessments,
        )
