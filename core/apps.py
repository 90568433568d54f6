from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The floor every app stands on (roles, limits, e-mail, forms, money): imports no project
    app, and every project app may import it."""

    name = "core"
    verbose_name = "Core"
