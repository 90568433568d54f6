"""The site's one way to send e-mail: rendered from templates, queued once the surrounding
transaction commits, sent by a background task (django-tasks: in-process by default, a worker in
production).

A rolled-back decision therefore never tells anyone it happened. E-mails never carry what a
person wrote or their contact details: they say something happened and link to the page.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from django_tasks import task

from .site_url import site_url


@task()
def deliver_email(*, subject: str, body: str, to: list[str]) -> int:
    """Send one plain-text e-mail now (the task `send_email` queues)."""
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to
    )
    return message.send()


def render_email(*, template: str, context: dict) -> tuple[str, str]:
    """The subject (one line) and body of the e-mail `template`, with the site's name and
    address in the context (what `send_email` sends; for callers that deliver it themselves).
    The address is `site_url()`: the one the person is using during a request, else BASE_URL."""
    context = {
        "service_name": settings.WAGTAIL_SITE_NAME,
        "base_url": site_url(),
        **context,
    }
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return subject, render_to_string(f"{template}.txt", context)


def send_email(
    *, template: str, to: Iterable[str], context: dict, separately: bool = False
) -> None:
    """Queue the e-mail `<template>_subject.txt` / `<template>.txt` (e.g. template
    "catalogue/email/service_approved") to the addresses in `to`, after commit.

    Empty and repeated addresses are dropped; with none left nothing is sent. The context gets
    the site's name (`service_name`) and address (`base_url`). `separately` sends one e-mail per
    recipient, so nobody sees another's address."""
    recipients = sorted({address for address in to if address})
    if not recipients:
        return
    subject, body = render_email(template=template, context=context)
    batches = [[address] for address in recipients] if separately else [recipients]

    def enqueue() -> None:
        for batch in batches:
            deliver_email.enqueue(subject=subject, body=body, to=batch)

    transaction.on_commit(enqueue)


def address_hint(email: str) -> str:
    """A hint of an e-mail address for someone who may not own it ("j•••@e•••.org" for
    jo@example.org): enough for the owner to tell which of their addresses an invitation went
    to, too little for whoever holds a forwarded link to learn the address (or, from a
    personal domain, the name)."""
    local, _, domain = (email or "").strip().rpartition("@")
    if not local or not domain:
        return "•••"
    name, dot, suffix = domain.partition(".")
    masked_domain = f"{name[:1]}•••{dot}{suffix.rsplit('.', 1)[-1]}" if dot else f"{name[:1]}•••"
    return f"{local[:1]}•••@{masked_domain}"


def addresses_of(user) -> set[str]:
    """Every address `user` owns, lower-cased: the account's own and each verified one."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {user.email.lower(), *(address.lower() for address in verified)}


def require_sent_to(user, email: str, *, what: str = "invitation") -> None:
    """Refuse a signed-in `user` who does not own `email`, the address an invitation (or a
    request) was sent to. The message gives a hint of that address, never the address, so
    whoever holds a forwarded link learns next to nothing from it."""
    if (email or "").lower() not in addresses_of(user):
        raise ValidationError(
            f"This {what} was sent to another email address ({address_hint(email)}). "
            "Sign in with the address it was sent to."
        )
