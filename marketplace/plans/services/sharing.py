"""Sharing a plan with a named helper by e-mail: the invitation, its checks, accepting, revoking."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import limits
from core.email import require_sent_to, send_email

from ..models import PlanShare, SupportPlan
from ..permissions import require_plan_owner

DAY = timedelta(days=1)


def shares_per_day() -> int:
    return int(settings.PLANS_SHARES_PER_DAY)


@transaction.atomic
def plan_share(*, user, plan: SupportPlan, name: str, email: str, access: str) -> PlanShare:
    """The owner invites a named helper by e-mail to see, or see and change, the plan.

    Every invitation is an e-mail to an address the owner types, so: at most
    PLANS_SHARES_PER_DAY (10) a day per account; not the same address twice within a day for
    the same plan (revoked or not); not the same stranger (an address with no verified account
    here) twice within a day from any of the account's plans, while an account holder (the
    practitioner who is to agree a person's plan and their carer's plan) may be sent each plan;
    and an e-mail to a stranger carries none of the owner's text (names, the plan's person),
    only the link."""
    require_plan_owner(user, plan)
    email = email.strip()
    if email.lower() == user.email.lower():
        raise ValidationError({"email": "That is your own email address."})
    if plan.shares.filter(email__iexact=email, revoked_at__isnull=True).exists():
        raise ValidationError({"email": f"The plan is already shared with {email}."})
    known = limits.has_verified_account(email)
    recent = PlanShare.objects.filter(email__iexact=email, created_at__gte=timezone.now() - DAY)
    if recent.filter(Q(plan=plan) if known else Q(plan=plan) | Q(invited_by=user)).exists():
        raise ValidationError({"email": f"You already invited {email} today. Try again tomorrow."})
    share = PlanShare(plan=plan, name=name.strip(), email=email, access=access, invited_by=user)
    share.full_clean()
    key = f"plans:shares:account:{user.pk}"
    if not limits.reserve(key, shares_per_day(), int(DAY.total_seconds())):
        raise ValidationError(
            f"You can send up to {shares_per_day()} invitations a day. Try again tomorrow."
        )
    try:
        share.save()
    except Exception:
        limits.give_back(key)
        raise
    send_email(
        template="plans/email/plan_shared",
        to=[email],
        context={"share": share, "known": known},
    )
    return share


@transaction.atomic
def plan_share_check(*, user, share: PlanShare) -> None:
    """Whether this user may accept the invitation: signed in with the address it was sent to
    (so a forwarded link is no use to anyone else, and does not show the address), not
    cancelled, not used by someone else, not older than PLANS_SHARE_INVITATION_DAYS unless
    accepted, not their own plan. Raises PermissionDenied or ValidationError with the reason."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to open a shared plan.")
    if share.revoked_at:
        raise ValidationError("This invitation has been cancelled.")
    if share.user_id and share.user_id != user.pk:
        raise ValidationError("This invitation has already been used by someone else.")
    days = int(settings.PLANS_SHARE_INVITATION_DAYS)
    if share.user_id is None and share.created_at < timezone.now() - timedelta(days=days):
        raise ValidationError(
            f"This invitation has expired: invitations last {days} days. Ask the person who "
            "sent it to invite you again."
        )
    require_sent_to(user, share.email)
    if share.plan.owner_id == user.pk:
        raise ValidationError("This is your own plan.")


def plan_share_accept(*, user, share: PlanShare) -> PlanShare:
    """The invited helper accepts (a POST from the invitation page; see plan_share_check)."""
    plan_share_check(user=user, share=share)
    if share.user_id is None:
        share.user = user
        share.accepted_at = timezone.now()
        share.save(update_fields=["user", "accepted_at"])
    return share


@transaction.atomic
def plan_share_revoke(*, user, share: PlanShare) -> PlanShare:
    """The owner stops sharing; the helper loses access at once. A helper may also leave."""
    if share.user_id != getattr(user, "pk", None):
        require_plan_owner(user, share.plan)
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
    return share
