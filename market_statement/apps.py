from django.apps import AppConfig


class MarketStatementConfig(AppConfig):
    name = "market_statement"
    verbose_name = "Market position statement"

    def ready(self) -> None:
        from core import personal_data

        from . import personal_data as statement_data
        from . import signals

        signals.connect()
        personal_data.register(
            "market_statement",
            export=statement_data.export_statement,
            erase=statement_data.erase_statement,
        )
