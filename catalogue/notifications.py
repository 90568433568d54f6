"""E-mails the catalogue sends: rendered from templates/catalogue/email/, sent after commit."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from .tasks import send_email


def email(*, template: str, to: Iterable[str], context: dict) -> None:
    """Queue an e-mail built from `<template>_subject.txt` and `<template>.txt`.

    It is sent only if the surrounding transaction commits, so a rolled-back decision never
    tells anyone it happened.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"catalogue/email/{template}_subject.txt", context).split())
    body = render_to_string(f"catalogue/email/{template}.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=recipients))


def organisation_addresses(organisation) -> list[str]:
    """Who hears about an organisation: its own address and its owners'."""
    owners = organisation.memberships.filter(role="owner").select_related("user")
    return [organisation.email, *(m.user.email for m in owners)]
