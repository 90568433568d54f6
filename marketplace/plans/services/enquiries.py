"""Enquiries: sending one to one or more listings, the provider's replies, the sender's
follow-ups, closing, and what is kept after an account is deleted or the retention period ends."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Service
from core.email import send_email

from .. import notifications
from ..models import Enquiry, EnquiryMessage
from ..permissions import require_enquiry_provider, require_enquiry_sender
from .shared import _check_message
from .usage import listing_usage_record, usage_visitor

ENQUIRY_MAX_SERVICES = 10


# A second identical enquiry this soon is a double click or a resubmitted page, not a new one.
ENQUIRY_REPEAT_WINDOW = timedelta(minutes=10)


class EnquiryAlreadySent(Exception):
    """The same person sent this same enquiry to these services moments ago: nothing is sent
    again, and `enquiries` are the ones already sent."""

    def __init__(self, enquiries: list[Enquiry]):
        super().__init__("This enquiry has already been sent.")
        self.enquiries = enquiries


@transaction.atomic
def enquiry_send(
    *,
    user,
    services: Sequence[Service],
    sender_name: str,
    contact_email: str,
    contact_phone: str,
    for_whom: str,
    needs: str,
    person_name: str = "",
    start: str = Enquiry.Start.UNSURE,
    start_date: date | None = None,
    today: date | None = None,
) -> list[Enquiry]:
    """Send an enquiry to one or more listings the public can find: one Enquiry each, sharing a
    group. The providers are told by e-mail, and so is the sender (after commit).

    An enquiry is sent once: a service this person already sent the same words to within
    ENQUIRY_REPEAT_WINDOW is left out, and EnquiryAlreadySent is raised when that leaves none.
    The person's row is locked first, so two requests of one double click queue here and the
    second finds the first's enquiries."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to send an enquiry.")
    errors: dict[str, list[str]] = {}
    chosen = list(dict.fromkeys(services))
    if not chosen:
        errors.setdefault("services", []).append("Choose at least one service to ask.")
    if len(chosen) > ENQUIRY_MAX_SERVICES:
        errors.setdefault("services", []).append(
            f"You can ask up to {ENQUIRY_MAX_SERVICES} services at once."
        )
    visible = set(
        Service.objects.visible().filter(pk__in=[s.pk for s in chosen]).values_list("pk", flat=True)
    )
    hidden = [s.name for s in chosen if s.pk not in visible]
    if hidden:
        errors.setdefault("services", []).append(
            f"{', '.join(hidden)} cannot take enquiries at the moment. Remove it to send."
        )
    if not (contact_email or "").strip() and not (contact_phone or "").strip():
        errors.setdefault("contact_email", []).append(
            "Give an email address or a phone number, so the provider can reply to you."
        )
    try:
        needs = _check_message(needs, "needs")
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if start == Enquiry.Start.DATE:
        if start_date is None:
            errors.setdefault("start_date", []).append("Enter the date you would like to start.")
        elif start_date < (today or timezone.localdate()):
            errors.setdefault("start_date", []).append("The start date must be today or later.")
    else:
        start_date = None
    if errors:
        raise ValidationError(errors)

    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    repeated = {
        enquiry.service_id: enquiry
        for enquiry in Enquiry.objects.filter(
            sender=user,
            service__in=chosen,
            needs=needs,
            created_at__gte=timezone.now() - ENQUIRY_REPEAT_WINDOW,
        ).select_related("service__organisation", "service__locality")
    }
    if repeated and all(service.pk in repeated for service in chosen):
        raise EnquiryAlreadySent([repeated[service.pk] for service in chosen])
    chosen = [service for service in chosen if service.pk not in repeated]

    group = None
    enquiries = []
    for service in chosen:
        enquiry = Enquiry(
            service=service,
            organisation_id=service.organisation_id,
            sender=user,
            sender_name=sender_name.strip(),
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
            for_whom=for_whom,
            person_name=person_name.strip(),
            needs=needs,
            start=start,
            start_date=start_date,
        )
        if group is not None:
            enquiry.group = group
        enquiry.full_clean()
        enquiry.save()
        group = enquiry.group
        enquiries.append(enquiry)
        listing_usage_record(
            service_id=service.pk, kind="enquiries", visitor=usage_visitor(user=user)
        )
        send_email(
            template="plans/email/enquiry_received",
            to=notifications.provider_addresses(enquiry),
            context={"enquiry": enquiry},
        )
    send_email(
        template="plans/email/enquiry_sent",
        to=notifications.sender_addresses(enquiries[0]),
        context={
            "enquiries": enquiries,
            "count": len(enquiries),
            "sender_name": enquiries[0].sender_name,
            "known": notifications.sender_known(enquiries[0]),
        },
    )
    return enquiries


def _require_open(enquiry: Enquiry) -> None:
    if enquiry.status == Enquiry.Status.CLOSED:
        raise ValidationError({"body": "This enquiry is closed, so no more messages can be sent."})


@transaction.atomic
def enquiry_reply(*, user, enquiry: Enquiry, body: str) -> EnquiryMessage:
    """The provider's staff reply; the first reply sets the response time. The person is told."""
    require_enquiry_provider(user, enquiry)
    _require_open(enquiry)
    message = EnquiryMessage(
        enquiry=enquiry, author=user, from_provider=True, body=_check_message(body)
    )
    message.full_clean()
    message.save()
    enquiry.status = Enquiry.Status.REPLIED
    if enquiry.first_replied_at is None:
        enquiry.first_replied_at = message.created_at
    enquiry.save(update_fields=["status", "first_replied_at"])
    send_email(
        template="plans/email/enquiry_replied",
        to=notifications.sender_addresses(enquiry),
        context={"enquiry": enquiry, "known": notifications.sender_known(enquiry)},
    )
    return message


@transaction.atomic
def enquiry_follow_up(*, user, enquiry: Enquiry, body: str) -> EnquiryMessage:
    """The sender writes again; the enquiry waits for the provider ('new') and they are told."""
    require_enquiry_sender(user, enquiry)
    _require_open(enquiry)
    message = EnquiryMessage(
        enquiry=enquiry, author=user, from_provider=False, body=_check_message(body)
    )
    message.full_clean()
    message.save()
    enquiry.status = Enquiry.Status.NEW
    enquiry.save(update_fields=["status"])
    send_email(
        template="plans/email/enquiry_follow_up",
        to=notifications.provider_addresses(enquiry),
        context={"enquiry": enquiry},
    )
    return message


@transaction.atomic
def enquiry_close(*, user, enquiry: Enquiry) -> Enquiry:
    """The provider closes an enquiry (answered, or nothing more to do); the person is told."""
    require_enquiry_provider(user, enquiry)
    if enquiry.status == Enquiry.Status.CLOSED:
        raise ValidationError("This enquiry is already closed.")
    enquiry.status = Enquiry.Status.CLOSED
    enquiry.closed_at = timezone.now()
    enquiry.save(update_fields=["status", "closed_at"])
    send_email(
        template="plans/email/enquiry_closed",
        to=notifications.sender_addresses(enquiry),
        context={"enquiry": enquiry, "known": notifications.sender_known(enquiry)},
    )
    return enquiry


@transaction.atomic
def enquiries_anonymise_sender(*, user) -> int:
    """When a person deletes their account the provider keeps the enquiry, without who sent it:
    name, contact details and the person's name are removed, and their messages are kept as
    written but no longer linked to them."""
    enquiries = Enquiry.objects.filter(sender=user)
    EnquiryMessage.objects.filter(enquiry__in=enquiries, author=user).update(author=None)
    return enquiries.update(
        sender=None,
        sender_name="Deleted account",
        contact_email="",
        contact_phone="",
        person_name="",
        anonymised_at=timezone.now(),
    )


def enquiries_expire(*, now=None) -> int:
    """The retention period: enquiries with no activity for ENQUIRY_RETENTION_DAYS lose who
    sent them, what they wrote and the thread; the row stays closed, with its service, dates
    and status, for the response times and the market statement. Returns how many."""
    now = now or timezone.now()
    done = 0
    for pk in Enquiry.objects.past_retention(now=now).values_list("pk", flat=True).iterator():
        with transaction.atomic():
            enquiry = Enquiry.objects.select_for_update().filter(pk=pk).first()
            if enquiry is None or enquiry.expired_at:
                continue
            enquiry.messages.all().delete()
            enquiry.sender = None
            enquiry.sender_name = "Removed after the retention period"
            enquiry.contact_email = enquiry.contact_phone = enquiry.person_name = ""
            enquiry.needs = ""
            enquiry.start_date = None
            if enquiry.status != Enquiry.Status.CLOSED:
                enquiry.status, enquiry.closed_at = Enquiry.Status.CLOSED, now
            enquiry.expired_at = now
            enquiry.save()
            done += 1
    return done
