from django.apps import AppConfig


class RasConfig(AppConfig):
    name = "marketplace.ras"
    label = "ras"
    verbose_name = "Resource Allocation System"

    def ready(self) -> None:
        from core import personal_data
        from market_statement import readers

        from . import personal_data as ras_data
        from . import selectors

        personal_data.register(
            "budget_estimates",
            export=ras_data.export_assessments,
            erase=ras_data.erase_assessments,
        )
        personal_data.register(
            "practitioner_teams",
            export=ras_data.export_practitioner_teams,
            erase=ras_data.erase_practitioner_teams,
        )
        readers.provide("ras_rate", selectors.monthly_rate)
