"""E-mails about enquiries and plans: rendered from templates/plans/email/, sent after commit
as background tasks (catalogue.tasks.send_email, the site's one mail task).

E-mails never carry what a person wrote or their contact details: they say something happened
and link to the page, where only those entitled can read it.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from catalogue.notifications import organisation_addresses
from catalogue.tasks import send_email


def email(*, template: str, to: Iterable[str], context: dict) -> None:
    """Queue `plans/email/<template>` to `to` once the surrounding transaction commits."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    context = {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "base_url": settings.WAGTAILADMIN_BASE_URL,
        **context,
    }
    subject = " ".join(render_to_string(f"plans/email/{template}_subject.txt", context).split())
    body = render_to_string(f"plans/email/{template}.txt", context)
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=recipients))


def provider_addresses(enquiry) -> list[str]:
    """Who at the provider hears about an enquiry: the listing's own address, else the
    organisation's, and the organisation's owners."""
    return [enquiry.service.email, *organisation_addresses(enquiry.organisation)]


def sender_addresses(enquiry) -> list[str]:
    """The person hears at the address they gave, else their account's (never after erasure)."""
    if enquiry.anonymised_at:
        return []
    if enquiry.contact_email:
        return [enquiry.contact_email]
    return [enquiry.sender.email] if enquiry.sender_id else []
