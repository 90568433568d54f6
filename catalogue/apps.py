from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "catalogue"
    verbose_name = "Provider catalogue"

    def ready(self) -> None:
        from core import personal_data

        from . import personal_data as catalogue_data
        from . import vocabulary

        # The cached vocabularies (the service page's names, search's lists) go stale when
        # the taxonomy changes.
        vocabulary.connect_signals()

        personal_data.register(
            "catalogue",
            export=catalogue_data.export_catalogue,
            erase=catalogue_data.erase_catalogue,
        )
