"""The roles people hold on Care Market, kept as Django groups.

Provider staff come from organisation membership (catalogue), but the group marks them too so the
role shows in the admin and in permission checks. Only the roles in ADMIN_ROLES reach /admin/.
"""

from enum import StrEnum


class Role(StrEnum):
    PUBLIC = "Members of the public"
    PROVIDER_STAFF = "Provider staff"
    MODERATOR = "Moderators"
    EDITOR = "Editors"
    COMMISSIONER = "Commissioners"
    PRACTITIONER = "Practitioners"

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
}

DEFAULT_ROLE = Role.PUBLIC
ADMIN_ROLES = frozenset({Role.MODERATOR, Role.EDITOR, Role.COMMISSIONER})
