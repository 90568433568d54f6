"""Publishing a listing: staff submit it, moderators approve, reject, suspend or restore it. A
trusted organisation's listings publish at once; a listing a moderator held goes to the queue."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.email import send_email

from .. import notifications
from ..models import Organisation, Service, ServiceChange
from ..permissions import require_editor, require_moderator
from .listings import _log


def _organisation_is_trusted(organisation: Organisation) -> bool:
    """An active organisation that has had a service approved before publishes at once."""
    return (
        organisation.status == Organisation.Status.ACTIVE
        and organisation.services.filter(published_at__isnull=False).exists()
    )


@transaction.atomic
def service_submit(*, user, service: Service) -> Service:
    """Staff send a draft for publication: straight to the public for a trusted organisation,
    otherwise to the moderators' queue. A listing a moderator rejected or suspended always goes
    to the queue (the hold and its reason stay until a moderator decides)."""
    require_editor(user, service.organisation)
    if service.status not in (
        Service.Status.DRAFT,
        Service.Status.REJECTED,
        Service.Status.ARCHIVED,
    ):
        raise ValidationError("Only a draft, rejected or archived listing can be submitted.")
    if not service.price_options.exists():
        raise ValidationError("Add at least one price (or a free option) before submitting.")
    if not service.moderator_hold and _organisation_is_trusted(service.organisation):
        _publish(service)
        _log(service, user, ServiceChange.Action.APPROVED, note="Published at once.")
    else:
        service.status = Service.Status.PENDING
        service.save()
        _log(service, user, ServiceChange.Action.SUBMITTED)
    return service


def _publish(service: Service) -> None:
    """Only for a moderator's decision or a trusted submission without a hold."""
    now = timezone.now()
    service.status = Service.Status.PUBLISHED
    service.status_reason = ""
    service.moderator_hold = Service.Hold.NONE
    service.published_at = service.published_at or now
    service.last_confirmed_at = now
    service.save()


@transaction.atomic
def service_approve(*, moderator, service: Service) -> Service:
    """A moderator publishes a pending listing (its organisation must be approved first)."""
    require_moderator(moderator)
    if service.status != Service.Status.PENDING:
        raise ValidationError("Only a listing waiting for approval can be approved.")
    if service.organisation.status != Organisation.Status.ACTIVE:
        raise ValidationError("Approve the organisation before its services.")
    _publish(service)
    _log(service, moderator, ServiceChange.Action.APPROVED)
    send_email(
        template="catalogue/email/service_approved",
        to=notifications.organisation_addresses(service.organisation),
        context={"service": service},
    )
    return service


def _service_moderation(
    *, moderator, service: Service, status: str, action: str, reason: str, allowed: Iterable[str]
) -> Service:
    require_moderator(moderator)
    if service.status not in allowed:
        raise ValidationError(
            f"A {service.get_status_display().lower()} listing cannot be {action}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason; it is sent to the provider."})
    service.status, service.status_reason = status, reason
    service.moderator_hold = Service.Hold(status)
    service.save()
    _log(service, moderator, action, note=reason)
    send_email(
        template=f"catalogue/email/service_{action}",
        to=notifications.organisation_addresses(service.organisation),
        context={"service": service, "reason": reason},
    )
    return service


@transaction.atomic
def service_reject(*, moderator, service: Service, reason: str) -> Service:
    return _service_moderation(
        moderator=moderator,
        service=service,
        status=Service.Status.REJECTED,
        action=ServiceChange.Action.REJECTED,
        reason=reason,
        allowed=[Service.Status.PENDING],
    )


@transaction.atomic
def service_suspend(*, moderator, service: Service, reason: str) -> Service:
    return _service_moderation(
        moderator=moderator,
        service=service,
        status=Service.Status.SUSPENDED,
        action=ServiceChange.Action.SUSPENDED,
        reason=reason,
        allowed=[Service.Status.PUBLISHED, Service.Status.PENDING],
    )


@transaction.atomic
def service_restore(*, moderator, service: Service) -> Service:
    require_moderator(moderator)
    if service.status != Service.Status.SUSPENDED:
        raise ValidationError("Only a suspended listing can be restored.")
    _publish(service)
    _log(service, moderator, ServiceChange.Action.RESTORED)
    send_email(
        template="catalogue/email/service_restored",
        to=notifications.organisation_addresses(service.organisation),
        context={"service": service},
    )
    return service
