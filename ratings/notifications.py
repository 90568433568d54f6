"""E-mails about reviews: rendered from templates/ratings/email/, sent after commit as a task."""

from django.core.cache import cache
from django.db import transaction

from catalogue.notifications import organisation_addresses
from core.email import send_email

__all__ = ["organisation_addresses", "tell_moderators"]


MODERATION_NOTICE_SECONDS = 60 * 60
_NOTICE_KEY = "ratings:moderation-notice"


def tell_moderators() -> None:
    """After commit, e-mail the moderators that reviews, replies or reports wait for them: at
    most one e-mail an hour (a key in the cache), however many arrive, with the counts at the
    time it is sent."""
    transaction.on_commit(_tell_moderators)


def _tell_moderators() -> None:
    from catalogue.reports import moderator_addresses

    from .selectors import moderation_counts

    if not cache.add(_NOTICE_KEY, True, timeout=MODERATION_NOTICE_SECONDS):
        return  # told within the hour; the queue shows everything since
    counts = moderation_counts()
    if not any(counts.values()):
        return
    send_email(
        template="ratings/email/moderation_waiting",
        to=moderator_addresses(),
        context={"counts": counts},
    )
