from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "marketplace.plans"
    label = "plans"
    verbose_name = "Shortlists, enquiries and support plans"
