"""E-mails about statements: rendered from templates/market_statement/email/, sent by the
catalogue's background e-mail task once the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from catalogue.tasks import send_email
from core.roles import Role, role_holders


def _email(*, template: str, to: Iterable[str], context: dict) -> None:
    """Queue one e-mail per recipient (so nobody sees another's address), after commit."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        **context,
    }
    subject = " ".join(
        render_to_string(f"market_statement/email/{template}_subject.txt", context).split()
    )
    body = render_to_string(f"market_statement/email/{template}.txt", context)

    def send() -> None:
        for address in recipients:
            send_email.enqueue(subject=subject, body=body, to=[address])

    transaction.on_commit(send)


def new_version(*, version) -> None:
    """Tell every subscriber that a new version is published."""
    addresses = version.page.subscriptions.select_related("user").values_list(
        "user__email", flat=True
    )
    _email(
        template="new_version",
        to=addresses,
        context={"version": version, "page": version.page},
    )


def comment_received(*, comment) -> None:
    """Tell the commissioners a comment is waiting for moderation."""
    addresses = role_holders(Role.COMMISSIONER).values_list("email", flat=True)
    _email(template="comment_received", to=addresses, context={"comment": comment})


def comment_moderated(*, comment) -> None:
    _email(template="comment_moderated", to=[comment.author.email], context={"comment": comment})


def comment_replied(*, comment) -> None:
    _email(template="comment_replied", to=[comment.author.email], context={"comment": comment})
