"""Who may see and do what with enquiries and support plans. Services and views call these.

- An enquiry is seen by the person who sent it and by the staff of the organisation it went to
  who were its staff when it was sent (a new claimant does not inherit the old inbox); nobody
  else (not moderators, not other providers it was also sent to).
- A plan is seen by its owner and by the helpers it is shared with; helpers with edit access and
  the owner change it. A plan made from an assessment of a practitioner team is the team's case
  too: every practitioner in that team sees and changes it as a helper with edit access would
  (cases move between workers without re-sharing). A practitioner it is shared with, or one in
  its team (never the owner), agrees it when it is
  within tolerance, or refers it to the panel; a panel member sees the plans referred to the panel
  and decides those waiting (never their own).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied

from catalogue.models import Membership
from core.roles import Role, has_role

from .models import Enquiry, PlanShare, SupportPlan

OWNER = "owner"
EDIT = PlanShare.Access.EDIT.value
VIEW = PlanShare.Access.VIEW.value
PANEL = "panel"
TEAM = "team"


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_enquiry_sender(user, enquiry: Enquiry) -> bool:
    return _signed_in(user) and enquiry.sender_id is not None and enquiry.sender_id == user.pk


def is_enquiry_provider(user, enquiry: Enquiry) -> bool:
    """Staff of the organisation the enquiry went to, who were staff when it was sent (see
    Membership.enquiries_from)."""
    return (
        _signed_in(user)
        and Membership.objects.filter(
            user=user,
            organisation_id=enquiry.organisation_id,
            enquiries_from__lte=enquiry.created_at,
        ).exists()
    )


def require_enquiry_sender(user, enquiry: Enquiry) -> None:
    if not is_enquiry_sender(user, enquiry):
        raise PermissionDenied("Only the person who sent the enquiry can do that.")


def require_enquiry_provider(user, enquiry: Enquiry) -> None:
    if not is_enquiry_provider(user, enquiry):
        raise PermissionDenied("Only staff of the provider the enquiry went to can do that.")


def in_plan_team(user, plan: SupportPlan) -> bool:
    """A practitioner in the team whose assessment the plan was made from."""
    if plan.assessment_id is None:
        return False
    from marketplace.ras.permissions import team_ids_of

    team_ids = team_ids_of(user)
    return (
        bool(team_ids)
        and SupportPlan.objects.filter(pk=plan.pk, assessment__team__in=team_ids).exists()
    )


def plan_access(user, plan: SupportPlan) -> str | None:
    """'owner', 'edit', 'view', 'team', 'panel' or None: what `user` may do with `plan`."""
    if not _signed_in(user):
        return None
    if plan.owner_id == user.pk:
        return OWNER
    accesses = set(
        PlanShare.objects.filter(plan=plan, user=user, revoked_at__isnull=True).values_list(
            "access", flat=True
        )
    )
    if EDIT in accesses:
        return EDIT
    if in_plan_team(user, plan):
        return TEAM
    if VIEW in accesses:
        return VIEW
    if plan.referred_at is not None and is_panel_member(user):
        return PANEL
    return None


def can_view_plan(user, plan: SupportPlan) -> bool:
    return plan_access(user, plan) is not None


def can_edit_plan(user, plan: SupportPlan) -> bool:
    return plan_access(user, plan) in (OWNER, EDIT, TEAM)


def is_practitioner(user) -> bool:
    return has_role(user, Role.PRACTITIONER)


def sees_tolerance_band(user) -> bool:
    """Whether the no-panel band (the costs a practitioner may agree) is shown to `user`: to
    council staff who judge plans always; to everyone when the council publishes it
    (PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC)."""
    if settings.PLANS_SHOW_TOLERANCE_BAND_TO_PUBLIC:
        return True
    return has_role(user, Role.PRACTITIONER, Role.PANEL, Role.COMMISSIONER)


def is_panel_member(user) -> bool:
    return has_role(user, Role.PANEL)


def can_decide_panel(user, plan: SupportPlan) -> bool:
    """A panel member decides a plan waiting for the panel, never their own."""
    return (
        plan.status == SupportPlan.Status.PANEL
        and is_panel_member(user)
        and plan.owner_id != getattr(user, "pk", None)
    )


def can_agree_plan(user, plan: SupportPlan) -> bool:
    """A practitioner the plan is shared with or in its team; never its owner, who cannot sign
    off their own."""
    access = plan_access(user, plan)
    return access in (EDIT, VIEW, TEAM) and is_practitioner(user)


def require_plan_viewer(user, plan: SupportPlan) -> None:
    if not can_view_plan(user, plan):
        raise PermissionDenied("This plan has not been shared with you.")


def require_plan_editor(user, plan: SupportPlan) -> None:
    if not can_edit_plan(user, plan):
        raise PermissionDenied("Only the plan's owner and helpers who may change it can do that.")


def require_plan_owner(user, plan: SupportPlan) -> None:
    if plan_access(user, plan) != OWNER:
        raise PermissionDenied("Only the plan's owner can do that.")
