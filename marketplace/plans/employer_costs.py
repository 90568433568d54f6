"""The employer's rates a PA line is costed at, read from the PLANS_EMPLOYER_COSTS setting (each
with its source and year). checks.py reports a broken setting."""

from __future__ import annotations

from django.conf import settings

from .costing import EmployerRates


def current_rates() -> EmployerRates:
    """The rates in force now (ValueError when the setting is broken)."""
    return EmployerRates.from_mapping(dict(settings.PLANS_EMPLOYER_COSTS))
