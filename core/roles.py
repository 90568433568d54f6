"""The roles people hold on Care Market, kept as Django groups, and the one role check.

Provider staff come from organisation membership (catalogue), but the group marks them too so the
role shows in the admin and in permission checks. Only the roles in ADMIN_ROLES reach /admin/.
The groups themselves are created by the accounts migrations (the Safeguarding team by
safeguarding's).
"""

from enum import StrEnum

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import QuerySet


class Role(StrEnum):
    PUBLIC = "Members of the public"
    PROVIDER_STAFF = "Provider staff"
    MODERATOR = "Moderators"
    EDITOR = "Editors"
    COMMISSIONER = "Commissioners"
    PRACTITIONER = "Practitioners"
    SAFEGUARDING = "Safeguarding team"
    PANEL = "Panel members"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.PUBLIC: "Member of the public",
    Role.PROVIDER_STAFF: "Provider staff",
    Role.MODERATOR: "Moderator",
    Role.EDITOR: "Council editor",
    Role.COMMISSIONER: "Commissioner",
    Role.PRACTITIONER: "Practitioner",
    Role.SAFEGUARDING: "Safeguarding team member",
    Role.PANEL: "Panel member",
}

DEFAULT_ROLE = Role.PUBLIC
ADMIN_ROLES = frozenset({Role.MODERATOR, Role.EDITOR, Role.COMMISSIONER, Role.SAFEGUARDING})


def has_role(user, *roles: Role) -> bool:
    """Whether a signed-in person holds any of `roles` (superusers hold every role).

    The person's groups are read once per user object: permission checks run many times per
    request (every admin row, every menu item). Granting or revoking here forgets them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    names = getattr(user, "_role_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = names
    return any(role.value in names for role in roles)


def role_holders(*roles: Role) -> QuerySet:
    """The active accounts holding any of `roles` (by group; superusers are not added)."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=[role.value for role in roles], is_active=True)
        .distinct()
    )


def user_grant_role(*, user, role: Role) -> None:
    """Give a user a role."""
    user.groups.add(Group.objects.get(name=role.value))
    user.__dict__.pop("_role_names", None)


def user_revoke_role(*, user, role: Role) -> None:
    """Take a role away from a user; an account always keeps the default public role."""
    if role is Role.PUBLIC:
        raise ValueError("Every account is a member of the public; that role cannot be removed.")
    user.groups.remove(Group.objects.get(name=role.value))
    user.__dict__.pop("_role_names", None)
