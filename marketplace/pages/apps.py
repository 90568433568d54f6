from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "marketplace.pages"
    label = "pages"
    verbose_name = "Site pages"

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache invalidation)
