"""What several sections of the plans services check: a message's length, a draft plan, an
amount of money on a plan, the most a weekly budget may be."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from .. import costing
from ..models import MESSAGE_MAX_LENGTH, SupportPlan

BUDGET_MAX = Decimal("10000.00")


def _check_message(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: "Enter your message."})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {
                field: f"Your message must be {MESSAGE_MAX_LENGTH:,} characters or fewer. "
                f"It has {len(body):,}."
            }
        )
    return body


def _require_draft(plan: SupportPlan) -> None:
    if plan.status != SupportPlan.Status.DRAFT:
        raise ValidationError(
            "This plan has been submitted, so it cannot be changed. Take it back to draft first."
        )


def _checked_money(amount: Decimal | None, *, field: str, what: str, most: Decimal) -> Decimal:
    """An amount of money that can be on a plan: more than £0, in pounds and pence, at most
    `most`."""
    if amount is None:
        raise ValidationError({field: f"Enter {what}, like 12.50."})
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({field: f"{what.capitalize()} must be more than £0."})
    if amount != costing.to_penny(amount):
        raise ValidationError({field: f"Enter {what} in pounds and pence, like 12.50."})
    if amount > most:
        raise ValidationError({field: f"{what.capitalize()} must be £{most:,} or less."})
    return amount
