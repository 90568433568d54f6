"""The people of an organisation: invitations, memberships and ownership."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import limits
from core.email import address_hint, send_email
from core.roles import Role, user_grant_role

from ..models import Invitation, Membership, Organisation
from ..permissions import require_owner

INVITATION_DAYS = 14
DAY_SECONDS = 24 * 60 * 60


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
