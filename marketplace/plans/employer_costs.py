"""The employer's rates a PA line is costed at, read from the PLANS_EMPLOYER_COSTS setting (each
with its source and year). A broken setting is a configuration error that `manage.py check`
reports, not a server error on the plan page."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from .costing import EmployerRates


def current_rates() -> EmployerRates:
    """The rates in force now (ValueError when the setting is broken)."""
    return EmployerRates.from_mapping(dict(settings.PLANS_EMPLOYER_COSTS))


def check_employer_costs(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        current_rates()
    except (ValueError, TypeError) as error:
        return [
            checks.Error(
                f"PLANS_EMPLOYER_COSTS is not usable: {error}",
                hint="See the README's configuration table for the keys and their meaning.",
                id="plans.E001",
            )
        ]
    return []
