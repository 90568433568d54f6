"""E-mails about reviews: rendered from templates/ratings/email/, sent after commit as a task."""

from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.template.loader import render_to_string

from catalogue.notifications import organisation_addresses
from catalogue.tasks import send_email

__all__ = ["email", "organisation_addresses", "tell_moderators"]


def email(*, template: str, to: Iterable[str], context: dict) -> None:
    """Queue an e-mail built from `ratings/email/<template>_subject.txt` and `<template>.txt`.

    It is sent (as a background task) only if the surrounding transaction commits, so a
    rolled-back decision never tells anyone it happened.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"ratings/email/{template}_subject.txt", context).split())
    body = render_to_string(f"ratings/email/{template}.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=recipients))


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
    email(template="moderation_waiting", to=moderator_addresses(), context={"counts": counts})
