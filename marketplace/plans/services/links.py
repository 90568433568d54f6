"""A carer's plan linked with the cared-for person's (issue 21): asking, confirming, unlinking,
and seeing the two plans side by side."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import limits
from core.email import addresses_of, require_sent_to, send_email

from ..models import PlanLink, SupportPlan
from ..permissions import require_plan_owner, require_plan_viewer
from .sharing import DAY, shares_per_day

OTHER_KIND = {
    SupportPlan.PlanFor.CARER: SupportPlan.PlanFor.PERSON,
    SupportPlan.PlanFor.PERSON: SupportPlan.PlanFor.CARER,
}


LINKS_MAX = 5


@transaction.atomic
def plan_link_ask(*, user, plan: SupportPlan, email: str) -> PlanLink:
    """The owner of a carer's plan asks to link it with the plan of the person they care for
    (or the other way round), by e-mail to that plan's owner. Asking is the asker's
    confirmation; nothing is linked, and neither sees the other's plan, until the other owner
    confirms (plan_link_confirm). Counts against the same daily limit as sharing a plan."""
    require_plan_owner(user, plan)
    email = (email or "").strip()
    if email.lower() in addresses_of(user):
        raise ValidationError({"email": "That is your own email address."})
    links = PlanLink.objects.of_plan(plan).filter(ended_at__isnull=True)
    if links.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"You have already asked {email} to link plans."})
    if links.count() >= LINKS_MAX:
        raise ValidationError(f"A plan can be linked with up to {LINKS_MAX} others.")
    link = PlanLink(from_plan=plan, email=email, invited_by=user)
    link.full_clean()
    key = f"plans:shares:account:{user.pk}"
    if not limits.reserve(key, shares_per_day(), int(DAY.total_seconds())):
        raise ValidationError(
            f"You can send up to {shares_per_day()} invitations a day. Try again tomorrow."
        )
    try:
        link.save()
    except Exception:
        limits.give_back(key)
        raise
    send_email(
        template="plans/email/plan_link",
        to=[email],
        context={"link": link, "known": limits.has_verified_account(email)},
    )
    return link


def plan_link_check(*, user, link: PlanLink) -> None:
    """Whether this user may confirm the link: signed in with the address it was sent to, not
    ended, not confirmed already, not their own plan."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to link plans.")
    if link.ended_at:
        raise ValidationError("This request to link plans has been cancelled.")
    if link.confirmed_at:
        raise ValidationError("This request to link plans has already been answered.")
    if link.from_plan.owner_id == user.pk:
        raise ValidationError("This is a request from your own plan.")
    require_sent_to(user, link.email, what="request")


def plans_to_link(*, user, link: PlanLink):
    """The user's own plans the link may join: of the other kind from the asking plan's."""
    return SupportPlan.objects.filter(
        owner=user, plan_for=OTHER_KIND[SupportPlan.PlanFor(link.from_plan.plan_for)]
    ).order_by("person_name", "pk")


@transaction.atomic
def plan_link_confirm(*, user, link: PlanLink, plan: SupportPlan) -> PlanLink:
    """The other owner confirms, choosing their own plan of the other kind: the plans are
    linked and both owners see them side by side."""
    link = PlanLink.objects.select_for_update().select_related("from_plan").get(pk=link.pk)
    plan_link_check(user=user, link=link)
    require_plan_owner(user, plan)
    if not plans_to_link(user=user, link=link).filter(pk=plan.pk).exists():
        raise ValidationError(
            {
                "plan": "Choose a carer's plan to link with this plan, or the plan of the person "
                "cared for to link with a carer's plan."
            }
        )
    if PlanLink.objects.confirmed().filter(from_plan=link.from_plan, to_plan=plan).exists():
        raise ValidationError({"plan": "These plans are already linked."})
    link.to_plan = plan
    link.confirmed_at = timezone.now()
    link.save(update_fields=["to_plan", "confirmed_at"])
    return link


@transaction.atomic
def plan_unlink(*, user, link: PlanLink) -> PlanLink:
    """Either owner ends the link (or the asker cancels, or the other declines, a request not
    yet confirmed); from then on neither sees the other's plan through it."""
    owners = {link.from_plan.owner_id}
    if link.to_plan_id and link.to_plan:
        owners.add(link.to_plan.owner_id)
    may_decline = (
        link.confirmed_at is None
        and getattr(user, "is_authenticated", False)
        and (link.email.lower() in addresses_of(user))
    )
    if getattr(user, "pk", None) not in owners and not may_decline:
        raise PermissionDenied("Only the owners of the linked plans can unlink them.")
    if link.ended_at is None:
        link.ended_at = timezone.now()
        link.ended_by = user
        link.save(update_fields=["ended_at", "ended_by"])
    return link


def linked_plans_for(*, user, plan: SupportPlan, link: PlanLink) -> tuple[SupportPlan, SupportPlan]:
    """(this plan, the linked plan) for the side-by-side page: only for a confirmed link of
    `plan`, and only for the owner of either plan or someone who may see both."""
    from ..permissions import can_view_plan

    if not link.is_linked or plan.pk not in (link.from_plan_id, link.to_plan_id):
        raise PermissionDenied("These plans are not linked.")
    other = link.other_plan(plan)
    assert other is not None
    owners = {plan.owner_id, other.owner_id}
    if getattr(user, "pk", None) not in owners and not (
        can_view_plan(user, plan) and can_view_plan(user, other)
    ):
        raise PermissionDenied("Only the owners of the linked plans can see them side by side.")
    return plan, other


def plan_for_viewer(*, user, plan: SupportPlan) -> SupportPlan:
    """Raise PermissionDenied unless `user` may see `plan` (for callers outside views)."""
    require_plan_viewer(user, plan)
    return plan
