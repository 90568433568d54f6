"""E-mails about statements: rendered from templates/market_statement/email/, sent one per
recipient by core.email.send_email once the transaction commits."""

from __future__ import annotations

from core.email import send_email
from core.roles import Role, role_holders


def _email(*, template: str, to, context: dict) -> None:
    """One e-mail per recipient (so nobody sees another's address), after commit."""
    send_email(
        template=f"market_statement/email/{template}", to=to, context=context, separately=True
    )


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
