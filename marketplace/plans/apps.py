from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "marketplace.plans"
    label = "plans"
    verbose_name = "Shortlists, enquiries and support plans"

    def ready(self) -> None:
        from django.core import checks

        from core import personal_data
        from market_statement import readers

        from . import personal_data as plans_data
        from . import (
            receivers,  # noqa: F401  (connects the sign-in and page-view receivers)
            selectors,
            services,
        )
        from .checks import check_employer_costs, check_review_settings

        checks.register(check_employer_costs)
        checks.register(check_review_settings)

        personal_data.register(
            "shortlist", export=plans_data.export_shortlist, erase=plans_data.erase_shortlist
        )
        personal_data.register(
            "enquiries", export=plans_data.export_enquiries, erase=plans_data.erase_enquiries
        )
        personal_data.register(
            "support_plans", export=plans_data.export_plans, erase=plans_data.erase_plans
        )
        personal_data.register_retention(
            "enquiries past ENQUIRY_RETENTION_DAYS", prune=services.enquiries_expire
        )
        readers.provide("service_activity", selectors.service_activity)
        readers.provide("review_figures", selectors.review_figures)
