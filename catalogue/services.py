"""Writes to the catalogue. One function per use case: keyword-only, permission-checked,
validated (full_clean) and atomic; e-mails go out only after the transaction commits.

Publishing rules (DESIGN.md, issue 3):
- A new organisation waits for a moderator; so do its first services. Once an organisation has
  had a service approved, its later services and every later edit publish at once, and each edit
  is written to the service's change log (who, when, which fields: old -> new) for moderators.
- Every price that is set, changed or withdrawn appends a PriceRecord; history is never edited.
- A published service unconfirmed for 6 months triggers a reminder; at 12 months it is stale:
  hidden from search (ServiceQuerySet.visible) and listed for moderators.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from core import limits
from core.email import address_hint, send_email
from core.roles import Role, user_grant_role

from . import events, notifications, rules
from .models import (
    Category,
    Claim,
    Invitation,
    Membership,
    Organisation,
    Postcode,
    PriceKind,
    PriceOption,
    PriceRecord,
    Service,
    ServiceChange,
)
from .permissions import require_commissioner, require_editor, require_moderator, require_owner

INVITATION_DAYS = 14
DAY_SECONDS = 24 * 60 * 60
MAX_PRICE = Decimal("100000.00")

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
SERVICE_FIELDS = (
    "name",
    "summary",
    "description",
    "radius_km",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "hide_exact_address",
    "contact_name",
    "email",
    "phone",
    "website",
    "opening_times",
    "accessibility_features",
    "languages",
    "cqc_location_id",
    "beds",
    "started_trading_on",
)
SERVICE_RELATIONS = ("categories", "client_groups", "funding_accepted", "localities_served")


def unique_slug(model, text: str, *, exclude_pk: int | None = None) -> str:
    """A readable slug from `text`, numbered when taken: 'sunrise-care', 'sunrise-care-2'."""
    base = slugify(text)[:200] or "listing"
    slug, number = base, 1
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


SLUG_ATTEMPTS = 5


def save_with_unique_slug(instance, text: str) -> None:
    """Insert a new organisation or listing under a free slug made from `text`.

    unique_slug() checks, then the insert takes the slug: two requests registering the same
    name at once can both find 'sunrise-care' free. The loser's insert then fails on the
    unique index; it is retried (inside a savepoint, so the caller's transaction stays usable)
    with the next free number instead of reaching the person as a server error."""
    model = type(instance)
    for attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                instance.save()
            return
        except IntegrityError:
            taken = model.objects.filter(slug=instance.slug).exists()
            if not taken or attempt == SLUG_ATTEMPTS - 1:
                raise  # not the slug, or a race that will not settle
            instance.pk = None
            instance.slug = unique_slug(model, text)


# --- organisations ----------------------------------------------------------------------------


@transaction.atomic
def organisation_register(*, user, name: str, kind: str, **details: Any) -> Organisation:
    """A provider registers a new organisation: it waits for a moderator, and the person who
    registered it becomes its first owner (and gets the provider staff role)."""
    organisation = Organisation(
        name=name,
        kind=kind,
        slug=unique_slug(Organisation, name),
        status=Organisation.Status.PENDING,
        source=Organisation.Source.REGISTERED,
        **{k: v for k, v in details.items() if k in ORGANISATION_FIELDS},
    )
    organisation.full_clean(exclude=["slug"])  # ours, made free; a race is settled on saving
    save_with_unique_slug(organisation, name)
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


# --- people -----------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *, user, organisation: Organisation, email: str, role: str = Membership.Role.EDITOR
) -> Invitation:
    """An owner invites a colleague by e-mail; the link in the e-mail joins the organisation.

    Every invitation is an e-mail to a typed address, so only an approved organisation (whose
    name a moderator has seen) invites; at most CATALOGUE_INVITATIONS_PER_DAY (10) a day per
    account; not the same address twice within a day (cancelled or not); and an e-mail to an
    address with no verified account here does not carry the inviter's own name."""
    require_owner(user, organisation)
    if organisation.status != Organisation.Status.ACTIVE:
        raise ValidationError(
            "You can invite colleagues once the council has approved the organisation."
        )
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member of the organisation."})
    now = timezone.now()
    if organisation.invitations.filter(
        email__iexact=email, created_at__gte=now - timedelta(days=1)
    ).exists():
        raise ValidationError({"email": f"You already invited {email} today. Try again tomorrow."})
    invitation = Invitation(
        organisation=organisation,
        email=email,
        role=role,
        invited_by=user,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    invitation.full_clean()
    key = f"catalogue:invitations:account:{user.pk}"
    allowed = int(settings.CATALOGUE_INVITATIONS_PER_DAY)
    if not limits.reserve(key, allowed, DAY_SECONDS):
        raise ValidationError(
            f"You can send up to {allowed} invitations a day. Try again tomorrow."
        )
    try:
        invitation.save()
    except Exception:
        limits.give_back(key)
        raise
    send_email(
        template="catalogue/email/invitation",
        to=[email],
        context={
            "invitation": invitation,
            "organisation": organisation,
            "inviter": user,
            "known": limits.has_verified_account(email),
        },
    )
    return invitation


@transaction.atomic
def invitation_accept(*, user, token) -> Membership:
    """The invited person, signed in with the invited e-mail address, joins the organisation."""
    invitation = Invitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.is_open:
        raise ValidationError("This invitation has expired or has already been used.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            f"This invitation was sent to another email address ({address_hint(invitation.email)})"
            ". Sign in with that address to accept it."
        )
    # A colleague's invitation carries the inbox on: the newcomer reads the enquiries the
    # inviter may read (a claimant's own start, never the staff's before them).
    inviter = (
        Membership.objects.filter(
            user_id=invitation.invited_by_id, organisation=invitation.organisation
        ).first()
        if invitation.invited_by_id
        else None
    )
    membership, _ = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={
            "role": invitation.role,
            "enquiries_from": inviter.enquiries_from if inviter else timezone.now(),
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save()
    user_grant_role(user=user, role=Role.PROVIDER_STAFF)
    return membership


@transaction.atomic
def invitation_cancel(*, user, invitation: Invitation) -> Invitation:
    """An owner withdraws an invitation that has not been used."""
    require_owner(user, invitation.organisation)
    invitation.cancelled_at = timezone.now()
    invitation.save()
    return invitation


@transaction.atomic
def membership_remove(*, user, membership: Membership) -> None:
    """An owner removes a colleague (or anyone leaves); an organisation always keeps an owner."""
    if membership.user_id != user.pk:
        require_owner(user, membership.organisation)
    # Lock the owners' rows so two owners removing each other cannot leave none.
    owners = membership.organisation.memberships.select_for_update().filter(
        role=Membership.Role.OWNER
    )
    if membership.role == Membership.Role.OWNER and len(owners) == 1:
        raise ValidationError("Hand over ownership to a colleague before the last owner leaves.")
    membership.delete()


def organisations_of_a_leaving_owner(user) -> tuple[list[Organisation], list[Organisation]]:
    """What deleting `user`'s account would do to their organisations: those they are the
    only owner of while colleagues remain (they must hand over first: nobody else could then
    invite, remove or hand over), and those they are the only member of (left unmanaged, so
    claimable again; their listings go stale unless someone claims them)."""
    owned = list(
        Organisation.objects.filter(
            memberships__user=user, memberships__role=Membership.Role.OWNER
        ).order_by("name")
    )
    roles: dict[int, list[str]] = {org.pk: [] for org in owned}
    for organisation_id, role in Membership.objects.filter(organisation__in=owned).values_list(
        "organisation_id", "role"
    ):
        roles[organisation_id].append(role)
    sole_owner = [o for o in owned if roles[o.pk].count(Membership.Role.OWNER) == 1]
    return (
        [o for o in sole_owner if len(roles[o.pk]) > 1],
        [o for o in sole_owner if len(roles[o.pk]) == 1],
    )


@transaction.atomic
def ownership_transfer(*, user, organisation: Organisation, to: Membership) -> Membership:
    """An owner hands ownership to a colleague and becomes an editor."""
    require_owner(user, organisation)
    if to.organisation_id != organisation.pk:
        raise ValidationError("That person is not a member of this organisation.")
    if to.user_id == user.pk:
        raise ValidationError("You are already an owner.")
    to.role = Membership.Role.OWNER
    to.save()
    Membership.objects.filter(user=user, organisation=organisation).update(
        role=Membership.Role.EDITOR
    )
    return to


# --- services ---------------------------------------------------------------------------------


def _locate(service: Service) -> None:
    """Look the premises postcode up in the Postcode table (never online)."""
    if not service.postcode:
        service.easting = service.northing = None
        service.locality = None
        return
    normalised = rules.normalise_postcode(service.postcode)
    if normalised is None:
        raise ValidationError({"postcode": "Enter a real postcode, like SY1 1AA."})
    found = Postcode.objects.filter(postcode=normalised).first()
    if found is None:
        raise ValidationError(
            {"postcode": f"We cannot find {normalised}. Check it, or leave it blank."}
        )
    service.postcode = normalised
    service.easting, service.northing = found.easting, found.northing
    service.locality_id = found.locality_id


def _snapshot(service: Service) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(service, name) for name in SERVICE_FIELDS}
    if service.pk:
        for relation in SERVICE_RELATIONS:
            data[relation] = sorted(str(o) for o in getattr(service, relation).all())
    return data


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changed, in JSON-safe form."""

    def plain(value):
        return value if isinstance(value, (str, int, bool, list, type(None))) else str(value)

    return {
        name: [plain(before.get(name)), plain(after[name])]
        for name in after
        if before.get(name) != after[name]
    }


def _log(service: Service, user, action: str, changes=None, note: str = "") -> ServiceChange:
    # Every write to a listing (details, status, prices, availability, confirmation) is logged
    # here, so this is also where the search index hears about it (after commit).
    events.services_changed([service.pk])
    return ServiceChange.objects.create(
        service=service, user=user, action=action, changes=changes or {}, note=note
    )


def _set_relations(service: Service, relations: dict[str, Iterable]) -> None:
    for name, values in relations.items():
        getattr(service, name).set(values)
    if "categories" in relations and not service.categories.exists():
        raise ValidationError({"categories": "Choose at least one category."})


def _split(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    plain, relations = {}, {}
    for name, value in fields.items():
        if name in SERVICE_FIELDS:
            plain[name] = value
        elif name in SERVICE_RELATIONS:
            relations[name] = value
        else:
            raise ValueError(f"{name} cannot be set here.")
    return plain, relations


def _slug_text(name: str, place: str) -> str:
    """A listing's slug names its place too, unless its name already does."""
    return name if place.lower() in name.lower() else f"{name} {place}"


@transaction.atomic
def service_create(*, user, organisation: Organisation, name: str, **fields: Any) -> Service:
    """Staff of an organisation create a listing; it starts as a draft and needs a category."""
    require_editor(user, organisation)
    plain, relations = _split(fields)
    slug_text = _slug_text(name, plain.get("town") or organisation.name)
    service = Service(
        organisation=organisation,
        name=name,
        slug=unique_slug(Service, slug_text),
        status=Service.Status.DRAFT,
        **plain,
    )
    _locate(service)
    service.full_clean(exclude=["slug"])  # ours, made free; a race is settled on saving
    save_with_unique_slug(service, slug_text)
    _set_relations(service, {"categories": [], **relations})
    _log(service, user, ServiceChange.Action.CREATED)
    return service


@transaction.atomic
def service_update(*, user, service: Service, **fields: Any) -> Service:
    """Staff edit a listing. A published listing stays published (edits publish at once) and
    the change log records which fields changed, for moderators to review."""
    require_editor(user, service.organisation)
    plain, relations = _split(fields)
    before = _snapshot(service)
    for name, value in plain.items():
        setattr(service, name, value)
    try:
        if "postcode" in plain:
            _locate(service)
        service.full_clean()
    except ValidationError:
        service.refresh_from_db()  # the caller's object is left as it was stored
        raise
    service.save()
    _set_relations(service, relations)
    changes = _diff(before, _snapshot(service))
    if changes:
        _log(service, user, ServiceChange.Action.EDITED, changes)
    return service


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


@transaction.atomic
def service_archive(*, user, service: Service) -> Service:
    """Staff take a listing down themselves (e.g. the service has closed)."""
    require_editor(user, service.organisation)
    service.status = Service.Status.ARCHIVED
    service.save()
    _log(service, user, ServiceChange.Action.ARCHIVED)
    return service


# --- prices -----------------------------------------------------------------------------------


def _price_category(option: PriceOption) -> Category | None:
    """The category a price counts towards in market figures: the service's category whose
    reference unit is the price's unit (e.g. 'per week' -> care home), else its first one."""
    categories = list(option.service.categories.select_related("parent"))
    matching = [c for c in categories if c.effective_unit == option.unit]
    chosen = matching or categories
    return chosen[0] if chosen else None


def _record_price(option: PriceOption, *, user, withdrawn: bool = False) -> PriceRecord:
    return PriceRecord.objects.create(
        service=option.service,
        option_uuid=option.uuid,
        category=_price_category(option),
        label=option.label,
        amount=None if withdrawn else option.amount,
        unit=option.unit,
        kind=option.kind,
        valid_from=option.valid_from,
        valid_to=option.valid_to,
        recorded_by=user,
    )


def check_price(amount, unit: str) -> None:
    """The price rules (also used to check bulk uploads before anything is saved)."""
    if amount is None:
        raise ValidationError({"amount": "Enter the price, or choose 'free'."})
    if amount < 0:
        raise ValidationError({"amount": "A price cannot be less than zero."})
    if amount > MAX_PRICE:
        raise ValidationError({"amount": f"Enter a price under £{MAX_PRICE:,.0f}."})
    if unit == "free" and amount != 0:
        raise ValidationError({"amount": "A free option has a price of £0."})
    if amount.as_tuple().exponent < -2:
        raise ValidationError({"amount": "Enter the price in pounds and pence, like 24.50."})


PRICE_FIELDS = (
    "label",
    "amount",
    "unit",
    "kind",
    "conditions",
    "valid_from",
    "valid_to",
    "sort_order",
)


# What an editor sees of a price on its edit form: a change to any of these by someone else
# while the form is open must not be overwritten unseen.
PRICE_SEEN_FIELDS = ("label", "amount", "unit", "kind", "conditions", "valid_from", "valid_to")


def price_option_fingerprint(option: PriceOption) -> str:
    """A short digest of a price as it stands, carried in the edit form, so that a save can tell
    whether someone changed the price since the form was opened (optimistic concurrency: no
    lock is held while a person types)."""
    values = "\x1f".join(str(getattr(option, name)) for name in PRICE_SEEN_FIELDS)
    return hashlib.sha256(values.encode()).hexdigest()[:20]


class PriceChangedMeanwhile(ValidationError):
    """Someone else saved the price after this editor opened it: their save is refused, and the
    form shows the price as it now is beside the editor's own, unsaved, values."""

    def __init__(self, current: PriceOption):
        self.current = current
        self.fingerprint = price_option_fingerprint(current)
        amount = "free" if current.unit == "free" else f"£{current.amount}"
        unit = "" if current.unit == "free" else f" {current.get_unit_display()}"
        super().__init__(
            f"Someone else changed this price while you were editing it: it is now "
            f"{current.label}, {amount}{unit}. Your changes are below and have not been saved; "
            "check them and save again to replace it.",
            code="changed_meanwhile",
        )


@transaction.atomic
def price_option_save(
    *,
    user,
    service: Service,
    option: PriceOption | None = None,
    label: str,
    amount: Decimal,
    unit: str,
    kind: str = PriceKind.STANDARD,
    conditions: str = "",
    valid_from: date | None = None,
    valid_to: date | None = None,
    sort_order: int | None = None,
    seen: str | None = None,
) -> PriceOption:
    """Add or change a price. Every new value appends a PriceRecord; the public page shows it at
    once. `kind` says when it applies (standard weekday daytime, evenings and weekends, nights,
    bank holidays, other): the RAS market rate counts one standard price per service.

    `seen` is price_option_fingerprint() of the price when the editor opened it: if the price
    has changed since (two people editing one price), PriceChangedMeanwhile is raised and
    nothing is saved. The row is locked while it is compared, so two saves cannot both pass."""
    require_editor(user, service.organisation)
    if option is not None and option.service_id != service.pk:
        raise ValidationError("That price belongs to another listing.")
    if option is not None and option.pk and seen:
        current = PriceOption.objects.select_for_update().get(pk=option.pk)
        if price_option_fingerprint(current) != seen:
            raise PriceChangedMeanwhile(current)
        option = current
    amount = Decimal(amount) if amount is not None else None
    check_price(amount, unit)
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationError({"valid_to": "The end date must be on or after the start date."})
    option = option or PriceOption(service=service)
    before = {name: getattr(option, name) for name in PRICE_FIELDS} if option.pk else {}
    option.label, option.amount, option.unit, option.kind = label, amount, unit, kind
    option.conditions, option.valid_from, option.valid_to = conditions, valid_from, valid_to
    if sort_order is not None:
        option.sort_order = sort_order
    elif option.pk is None:
        option.sort_order = (service.price_options.aggregate(m=Max("sort_order"))["m"] or 0) + 1
    try:
        option.full_clean()
    except ValidationError:
        if option.pk:
            option.refresh_from_db()
        raise
    option.save()
    after = {name: getattr(option, name) for name in PRICE_FIELDS}
    priced = ("label", "amount", "unit", "kind", "valid_from", "valid_to")
    if any(before.get(name) != after[name] for name in priced):
        _record_price(option, user=user)
        _log(service, user, ServiceChange.Action.PRICES, _diff(before, after))
    return option


@transaction.atomic
def price_option_delete(*, user, option: PriceOption) -> None:
    """Withdraw a price: the option goes, and the history records that it ended."""
    service = option.service
    require_editor(user, service.organisation)
    _record_price(option, user=user, withdrawn=True)
    _log(service, user, ServiceChange.Action.PRICES, {option.label: [str(option.amount), None]})
    option.delete()


# --- availability and freshness ---------------------------------------------------------------


@transaction.atomic
def service_set_availability(
    *,
    user,
    service: Service,
    accepting_new_clients: bool | None,
    vacancies: int | None = None,
    earliest_start: date | None = None,
) -> Service:
    """Staff say whether they can take new clients (and vacancies, earliest start). Telling us
    this also confirms the listing is current."""
    require_editor(user, service.organisation)
    if vacancies is not None and vacancies < 0:
        raise ValidationError({"vacancies": "Vacancies cannot be less than zero."})
    if vacancies and service.beds is not None and vacancies > service.beds:
        raise ValidationError(
            {"vacancies": f"Vacancies cannot be more than the {service.beds} beds."}
        )
    if earliest_start and earliest_start < timezone.localdate():
        earliest_start = None  # 'from today' is what a past date means
    before = {
        "accepting_new_clients": service.accepting_new_clients,
        "vacancies": service.vacancies,
        "earliest_start": str(service.earliest_start) if service.earliest_start else None,
    }
    now = timezone.now()
    service.accepting_new_clients = accepting_new_clients
    service.vacancies = vacancies
    service.earliest_start = earliest_start
    service.availability_updated_at = now
    service.last_confirmed_at = now
    service.stale_reminder_sent_at = None
    try:
        service.full_clean()
    except ValidationError:
        service.refresh_from_db()
        raise
    service.save()
    after = {
        "accepting_new_clients": accepting_new_clients,
        "vacancies": vacancies,
        "earliest_start": str(earliest_start) if earliest_start else None,
    }
    _log(service, user, ServiceChange.Action.AVAILABILITY, _diff(before, after))
    return service


@transaction.atomic
def service_framework_set(*, user, service: Service, on_framework: bool, note: str = "") -> Service:
    """A commissioner says whether a listing is on a council framework or contract (and which).
    Only commissioners: providers cannot claim it for themselves by any route. Partner
    directories' listings are not the council's to contract. Logged in the listing's change
    log, so the history of the flag is kept."""
    require_commissioner(user)
    if on_framework and service.partner_source_id:
        raise ValidationError(
            "This listing comes from a partner directory; only the council's own listings can "
            "be on its framework."
        )
    note = note.strip() if on_framework else ""
    before = {
        "on_council_framework": service.on_council_framework,
        "framework_note": service.framework_note,
    }
    service.on_council_framework = on_framework
    service.framework_note = note
    service.full_clean()
    service.save(update_fields=["on_council_framework", "framework_note", "updated_at"])
    after = {"on_council_framework": on_framework, "framework_note": note}
    changes = _diff(before, after)
    if changes:
        _log(service, user, ServiceChange.Action.FRAMEWORK, changes)
    return service


@transaction.atomic
def service_confirm(*, user, service: Service) -> Service:
    """Staff confirm a published listing is still correct; this restarts the 6 and 12 month
    clocks."""
    require_editor(user, service.organisation)
    if service.status != Service.Status.PUBLISHED:
        raise ValidationError("Only a published listing can be confirmed.")
    service.last_confirmed_at = timezone.now()
    service.stale_reminder_sent_at = None
    service.save(update_fields=["last_confirmed_at", "stale_reminder_sent_at", "updated_at"])
    _log(service, user, ServiceChange.Action.CONFIRMED)
    return service


@transaction.atomic
def services_send_stale_reminders(*, now: datetime | None = None) -> int:
    """E-mail each organisation once about published listings unconfirmed for 6 months.

    Returns how many listings were reminded about. Run daily (manage.py send_stale_reminders).
    Partner listings are left out: their directory, not their provider, keeps them current.
    """
    now = now or timezone.now()
    due = (
        Service.objects.published()
        .own()
        .filter(
            last_confirmed_at__lt=rules.reminder_cutoff(now), stale_reminder_sent_at__isnull=True
        )
        .select_related("organisation")
        .order_by("organisation_id", "name")
    )
    by_organisation: dict[int, list[Service]] = {}
    for service in due:
        by_organisation.setdefault(service.organisation_id, []).append(service)
    for services in by_organisation.values():
        organisation = services[0].organisation
        send_email(
            template="catalogue/email/stale_reminder",
            to=notifications.organisation_addresses(organisation),
            context={
                "organisation": organisation,
                "services": services,
                "hidden_after": rules.STALE_AFTER_MONTHS,
            },
        )
        for service in services:
            service.stale_reminder_sent_at = now
            service.save(update_fields=["stale_reminder_sent_at"])
            _log(service, None, ServiceChange.Action.REMINDED)
    return sum(len(services) for services in by_organisation.values())


# --- review summary (kept by the ratings app) ---------------------------------------------------


@transaction.atomic
def service_set_review_summary(
    *, service: Service, count: int, mean: Decimal | None, score: Decimal | None
) -> Service:
    """Store a listing's review summary (published reviews of the last 24 months: how many,
    their mean, their ranking score), as computed by the ratings app, and tell the listeners
    (the search index) after commit. Only these three fields change: it is not an edit of the
    listing, so there is no change-log entry and updated_at is left alone."""
    from . import events  # imported here: this function was added after the module's imports

    service.review_count = count
    service.review_mean = mean
    service.review_score = score
    service.save(update_fields=["review_count", "review_mean", "review_score"])
    events.services_changed([service.pk])
    return service
