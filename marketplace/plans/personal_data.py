"""The plans app's part of "download my data" and "delete my account"
(registered with marketplace.accounts.personal_data in PlansConfig.ready())."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import Enquiry, PlanLink, PlanShare, ShortlistItem, SupportPlan
from .services import enquiries_anonymise_sender


def export_shortlist(user) -> list[dict[str, Any]]:
    items = ShortlistItem.objects.filter(shortlist__user=user).select_related("service")
    return [
        {
            "service": item.service.name,
            "url": item.service.get_absolute_url(),
            "added": item.added_at,
        }
        for item in items
    ]


def erase_shortlist(user) -> None:
    ShortlistItem.objects.filter(shortlist__user=user).delete()


def export_enquiries(user) -> list[dict[str, Any]]:
    enquiries = (
        Enquiry.objects.filter(sender=user)
        .select_related("service", "organisation")
        .prefetch_related("messages")
    )
    return [
        {
            "service": e.service.name,
            "provider": e.organisation.name,
            "sent": e.created_at,
            "status": e.get_status_display(),
            "your_name": e.sender_name,
            "contact_email": e.contact_email,
            "contact_phone": e.contact_phone,
            "for_whom": e.get_for_whom_display(),
            "person_name": e.person_name,
            "needs": e.needs,
            "start": e.get_start_display(),
            "start_date": e.start_date,
            "messages": [
                {
                    "from": "provider" if m.from_provider else "you",
                    "sent": m.created_at,
                    "text": m.body,
                }
                for m in e.messages.all()
            ],
        }
        for e in enquiries
    ]


def erase_enquiries(user) -> None:
    """The provider keeps the enquiry (it is their record too), without who sent it."""
    enquiries_anonymise_sender(user=user)


def export_plans(user) -> dict[str, Any]:
    plans = SupportPlan.objects.filter(owner=user).prefetch_related("lines", "shares")
    own = [
        {
            "for": plan.person_name,
            "status": plan.get_status_display(),
            "created": plan.created_at,
            "outcomes": plan.outcomes,
            "needs": plan.needs,
            "if_something_goes_wrong": plan.contingency,
            "weekly_budget": plan.budget,
            "budget_source": plan.get_budget_source_display(),
            "budget_source_detail": plan.budget_source_detail,
            "money_management": plan.get_money_management_display(),
            "lines": [
                {
                    "kind": line.get_kind_display(),
                    "description": line.description,
                    "provided_by": line.provided_by,
                    "price": line.option_label,
                    "unit_amount": line.unit_amount,
                    "unit": line.unit,
                    "quantity_a_week": line.quantity,
                    "weekly_cost": line.weekly_cost,
                    "one_off_cost": line.one_off_cost,
                    "paid_by": line.route_label,
                    "notes": line.notes,
                }
                for line in plan.lines.all()
            ],
            "shared_with": [
                {"name": s.name, "email": s.email, "access": s.get_access_display()}
                for s in plan.shares.all()
                if s.is_active
            ],
            "linked_with": [
                {
                    "asked": link.email if link.from_plan_id == plan.pk else "",
                    "confirmed": link.confirmed_at,
                    "other_plan_for": other.person_name if other else "",
                }
                for link in PlanLink.objects.of_plan(plan)
                .filter(ended_at__isnull=True)
                .select_related("from_plan", "to_plan")
                for other in [link.other_plan(plan) if link.is_linked else None]
            ],
        }
        for plan in plans
    ]
    shared = [
        {"plan_for": s.plan.person_name, "access": s.get_access_display()}
        for s in PlanShare.objects.filter(user=user, revoked_at__isnull=True).select_related("plan")
    ]
    return {"your_plans": own, "plans_shared_with_you": shared}


def erase_plans(user) -> None:
    """A person's plans go with their account; so do their places on others' plans, the
    invitations to them not yet accepted (they hold the person's name and address) and the
    unanswered requests to link plans sent to them."""
    from allauth.account.models import EmailAddress

    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    to_address = Q(pk__in=[])
    for address in addresses - {""}:
        to_address |= Q(email__iexact=address)
    PlanShare.objects.filter(Q(user=user) | to_address).delete()
    # Their plans' links go with the plans.
    PlanLink.objects.filter(to_address, confirmed_at__isnull=True).delete()
    SupportPlan.objects.filter(owner=user).delete()
