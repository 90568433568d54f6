"""Who may do what with reviews. Services call these; views never re-implement them."""

from __future__ import annotations

from catalogue.models import Service
from catalogue.permissions import can_edit_listings, is_moderator

from .models import Review

__all__ = [
    "can_reply",
    "can_see_review",
    "is_author",
    "is_moderator",
    "is_provider_staff",
    "review_refusal",
]


def is_provider_staff(user, service: Service) -> bool:
    """Owners and editors of the organisation that runs the service."""
    return can_edit_listings(user, service.organisation)


def is_author(user, review: Review) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and review.author_id is not None
        and review.author_id == user.pk
    )


def review_refusal(user, service: Service) -> str | None:
    """Why `user` may not review `service`, or None when they may. Signed-in people may, except
    the staff of the organisation that runs it (they would be marking their own work)."""
    if not getattr(user, "is_authenticated", False):
        return "Sign in to write a review."
    if is_provider_staff(user, service):
        return (
            f"You work for {service.organisation.name}, so you cannot review its services. "
            "You can reply to reviews instead."
        )
    return None


def can_see_review(user, review: Review) -> bool:
    """Published reviews that are not hidden by reports are public; otherwise only their author
    and the moderators see them."""
    return review.is_public or is_author(user, review) or is_moderator(user)


def can_reply(user, review: Review) -> bool:
    """The staff of the organisation reply to published reviews of its services."""
    return review.status == Review.Status.PUBLISHED and is_provider_staff(user, review.service)
