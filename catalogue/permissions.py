"""Who may do what in the catalogue. Services call these; views never re-implement them."""

from django.core.exceptions import PermissionDenied

from core.roles import Role, has_role

from .models import Membership, Organisation


def membership_of(user, organisation: Organisation) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def is_moderator(user) -> bool:
    return has_role(user, Role.MODERATOR)


def can_edit_listings(user, organisation: Organisation) -> bool:
    """Owners and editors edit their own organisation's details and services. Partner
    listings (from another directory) are read-only: each refresh replaces them."""
    if organisation.partner_source_id:
        return False
    return membership_of(user, organisation) is not None


def can_manage_people(user, organisation: Organisation) -> bool:
    """Only owners invite, remove and hand over."""
    membership = membership_of(user, organisation)
    return membership is not None and membership.role == Membership.Role.OWNER


def require_editor(user, organisation: Organisation) -> None:
    if organisation.partner_source_id:
        raise PermissionDenied(
            "This listing comes from a partner directory and can only be changed there."
        )
    if not can_edit_listings(user, organisation):
        raise PermissionDenied("Only the organisation's own staff can change its listings.")


def require_owner(user, organisation: Organisation) -> None:
    if not can_manage_people(user, organisation):
        raise PermissionDenied("Only an owner of the organisation can do that.")


def is_commissioner(user) -> bool:
    return has_role(user, Role.COMMISSIONER)


def require_commissioner(user) -> None:
    if not is_commissioner(user):
        raise PermissionDenied("Only commissioners can do that.")


def require_moderator(user) -> None:
    if not is_moderator(user):
        raise PermissionDenied("Only moderators can do that.")
