"""Organisations: registering and editing one, the moderator's decisions on it, and claims to
manage one that nobody manages yet."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.email import send_email
from core.roles import Role, user_grant_role

from .. import events, notifications
from ..models import Claim, Membership, Organisation
from ..permissions import require_editor, require_moderator
from . import slugs

ORGANISATION_FIELDS = (
    "name",
    "description",
    "kind",
    "companies_house_number",
    "charity_number",
    "cqc_provider_id",
    "website",
    "email",
    "phone",
)


# --- organisations ----------------------------------------------------------------------------


@transaction.atomic
def organisation_register(*, user, name: str, kind: str, **details: Any) -> Organisation:
    """A provider registers a new organisation: it waits for a moderator, and the person who
    registered it becomes its first owner (and gets the provider staff role)."""
    organisation = Organisation(
        name=name,
        kind=kind,
        slug=slugs.unique_slug(Organisation, name),
        status=Organisation.Status.PENDING,
        source=Organisation.Source.REGISTERED,
        **{k: v for k, v in details.items() if k in ORGANISATION_FIELDS},
    )
    organisation.full_clean(exclude=["slug"])  # ours, made free; a race is settled on saving
    slugs.save_with_unique_slug(organisation, name)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.OWNER)
    user_grant_role(user=user, role=Role.PROVIDER_STAFF)
    return organisation


@transaction.atomic
def organisation_update(*, user, organisation: Organisation, **fields: Any) -> Organisation:
    """Owners and editors keep their organisation's details up to date."""
    require_editor(user, organisation)
    for name, value in fields.items():
        if name not in ORGANISATION_FIELDS:
            raise ValueError(f"{name} cannot be changed here.")
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    events.services_changed(organisation.services.values_list("pk", flat=True))
    return organisation


def _organisation_decision(
    *,
    moderator,
    organisation: Organisation,
    allowed_from: tuple[str, ...],
    refusal: str,
    status: str,
    template: str,
    reason: str = "",
    reason_required: bool = False,
) -> Organisation:
    """Every moderator decision on an organisation, checked in one order: who decides, whether
    the organisation's current status allows it, whether a reason is given; then the change and
    the e-mail to its owners (sent after commit)."""
    require_moderator(moderator)
    if organisation.status not in allowed_from:
        raise ValidationError(refusal)
    if reason_required:
        _require_reason(reason)
    organisation.status = status
    organisation.status_reason = reason
    if status == Organisation.Status.ACTIVE and not organisation.verified_at:
        organisation.verified_at = timezone.now()
    organisation.full_clean()
    organisation.save()
    events.services_changed(organisation.services.values_list("pk", flat=True))
    send_email(
        template=f"catalogue/email/{template}",
        to=notifications.organisation_addresses(organisation),
        context={"organisation": organisation, "reason": reason},
    )
    return organisation


def _require_reason(reason: str, who: str = "provider") -> None:
    if not reason.strip():
        raise ValidationError({"reason": f"Give the reason; it is sent to the {who}."})


@transaction.atomic
def organisation_approve(*, moderator, organisation: Organisation) -> Organisation:
    """A moderator approves a pending organisation; its owners are told."""
    return _organisation_decision(
        moderator=moderator,
        organisation=organisation,
        allowed_from=(Organisation.Status.PENDING,),
        refusal="Only an organisation waiting for approval can be approved.",
        status=Organisation.Status.ACTIVE,
        template="organisation_approved",
    )


@transaction.atomic
def organisation_reject(*, moderator, organisation: Organisation, reason: str) -> Organisation:
    """A moderator rejects a pending organisation with a reason, which is e-mailed."""
    return _organisation_decision(
        moderator=moderator,
        organisation=organisation,
        allowed_from=(Organisation.Status.PENDING,),
        refusal="Only an organisation waiting for approval can be rejected.",
        status=Organisation.Status.REJECTED,
        template="organisation_rejected",
        reason=reason,
        reason_required=True,
    )


@transaction.atomic
def organisation_suspend(*, moderator, organisation: Organisation, reason: str) -> Organisation:
    """Suspending an active (or pending) organisation hides its services until it is restored.
    A rejected one cannot be suspended: that would let 'restore' approve it."""
    return _organisation_decision(
        moderator=moderator,
        organisation=organisation,
        allowed_from=(Organisation.Status.ACTIVE, Organisation.Status.PENDING),
        refusal="Only an active or pending organisation can be suspended.",
        status=Organisation.Status.SUSPENDED,
        template="organisation_suspended",
        reason=reason,
        reason_required=True,
    )


@transaction.atomic
def organisation_restore(*, moderator, organisation: Organisation) -> Organisation:
    """A suspended organisation comes back; its published services show again."""
    return _organisation_decision(
        moderator=moderator,
        organisation=organisation,
        allowed_from=(Organisation.Status.SUSPENDED,),
        refusal="Only a suspended organisation can be restored.",
        status=Organisation.Status.ACTIVE,
        template="organisation_restored",
    )


# --- claims -----------------------------------------------------------------------------------


@transaction.atomic
def claim_create(*, user, organisation: Organisation, job_title: str, evidence: str) -> Claim:
    """Someone asks to manage an organisation nobody manages yet (e.g. loaded from CQC data).
    Suspended and rejected organisations cannot be claimed, nor partner directories' ones
    (they are kept up to date by the partner)."""
    if organisation.partner_source_id:
        raise ValidationError(
            "This organisation is listed by a partner directory. Ask the partner to change it."
        )
    if organisation.status not in (Organisation.Status.ACTIVE, Organisation.Status.PENDING):
        raise ValidationError("This organisation cannot be claimed. Contact the council.")
    if organisation.memberships.exists():
        raise ValidationError("This organisation is already managed by its staff on Care Market.")
    if Claim.objects.filter(
        organisation=organisation, user=user, status=Claim.Status.PENDING
    ).exists():
        raise ValidationError("You have already asked to manage this organisation.")
    claim = Claim(organisation=organisation, user=user, job_title=job_title, evidence=evidence)
    claim.full_clean()
    claim.save()
    return claim


@transaction.atomic
def claim_approve(*, moderator, claim: Claim) -> Membership:
    """The claimant becomes an owner; other pending claims on the organisation are closed."""
    require_moderator(moderator)
    if claim.status != Claim.Status.PENDING:
        raise ValidationError("This claim has already been decided.")
    organisation = claim.organisation
    if organisation.memberships.exists():
        raise ValidationError("This organisation is already managed by its staff.")
    now = timezone.now()
    claim.status, claim.decided_at, claim.decided_by = Claim.Status.APPROVED, now, moderator
    claim.save()
    # A fresh start: the claimant never reads enquiries sent to whoever ran it before.
    membership = Membership.objects.create(
        user=claim.user, organisation=organisation, role=Membership.Role.OWNER, enquiries_from=now
    )
    user_grant_role(user=claim.user, role=Role.PROVIDER_STAFF)
    if organisation.status == Organisation.Status.PENDING:
        organisation.status = Organisation.Status.ACTIVE
    organisation.verified_at = organisation.verified_at or now
    organisation.save()
    others = organisation.claims.filter(status=Claim.Status.PENDING).exclude(pk=claim.pk)
    for other in others:
        _claim_close(
            claim=other,
            moderator=moderator,
            reason="Another member of staff has been given access. Ask them to invite you.",
        )
    send_email(
        template="catalogue/email/claim_approved",
        to=[claim.user.email],
        context={"organisation": organisation, "claim": claim},
    )
    return membership


def _claim_close(*, claim: Claim, moderator, reason: str) -> None:
    claim.status, claim.reason = Claim.Status.REJECTED, reason
    claim.decided_at, claim.decided_by = timezone.now(), moderator
    claim.save()
    send_email(
        template="catalogue/email/claim_rejected",
        to=[claim.user.email],
        context={"organisation": claim.organisation, "claim": claim, "reason": reason},
    )


@transaction.atomic
def claim_reject(*, moderator, claim: Claim, reason: str) -> Claim:
    """A moderator turns a claim down with a reason, which is e-mailed to the claimant."""
    require_moderator(moderator)
    if claim.status != Claim.Status.PENDING:
        raise ValidationError("This claim has already been decided.")
    _require_reason(reason, "person")
    _claim_close(claim=claim, moderator=moderator, reason=reason)
    return claim
