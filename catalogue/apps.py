from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Provider catalogue"

    def ready(self) -> None:
        from core import personal_data

        from . import personal_data as catalogue_data

        personal_data.register(
            "catalogue",
            export=catalogue_data.export_catalogue,
            erase=catalogue_data.erase_catalogue,
        )
