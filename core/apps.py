from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The floor every app stands on (roles, limits, e-mail, forms, money): imports no project
    app, and every project app may import it."""

    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import personal_data, tasks_data

        personal_data.register_retention(
            "finished background tasks", prune=tasks_data.prune_finished_tasks
        )
