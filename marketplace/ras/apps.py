from django.apps import AppConfig


class RasConfig(AppConfig):
    name = "marketplace.ras"
    label = "ras"
    verbose_name = "Resource Allocation System"
