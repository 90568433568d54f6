"""System checks for the plans settings: a broken value is reported by `manage.py check`, not
met as a server error on a plan page."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

from . import reviews
from .employer_costs import current_rates


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


def check_review_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    if settings.PLANS_FIRST_REVIEW_WEEKS not in reviews.FIRST_WEEKS_RANGE:
        errors.append(checks.Error("PLANS_FIRST_REVIEW_WEEKS must be 6, 7 or 8.", id="plans.E002"))
    if not 1 <= settings.PLANS_REVIEW_INTERVAL_MONTHS <= 12:
        errors.append(
            checks.Error("PLANS_REVIEW_INTERVAL_MONTHS must be 1 to 12.", id="plans.E003")
        )
    if settings.PLANS_REVIEW_REMIND_DAYS < 0:
        errors.append(checks.Error("PLANS_REVIEW_REMIND_DAYS must be 0 or more.", id="plans.E004"))
    return errors
