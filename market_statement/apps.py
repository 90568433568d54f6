from django.apps import AppConfig


class MarketStatementConfig(AppConfig):
    name = "market_statement"
    verbose_name = "Market position statement"

    def ready(self) -> None:
        from . import signals

        signals.connect()
