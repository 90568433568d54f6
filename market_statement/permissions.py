"""Who may do what with market position statements. Services and views call these."""

from django.core.exceptions import PermissionDenied

from marketplace.accounts.roles import Role


def _in_group(user, *roles: Role) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=[role.value for role in roles]).exists()


def is_commissioner(user) -> bool:
    """Commissioners (and superusers) read the dashboard and answer consultation comments."""
    return _in_group(user, Role.COMMISSIONER)


def can_moderate_comments(user) -> bool:
    """Commissioners and the council's moderators approve or decline comments."""
    return _in_group(user, Role.COMMISSIONER, Role.MODERATOR)


def can_comment(user, page) -> bool:
    """Any signed-in person (providers, practitioners, the public) during the consultation."""
    return bool(getattr(user, "is_authenticated", False)) and page.consultation_is_open()


def require_commissioner(user) -> None:
    if not is_commissioner(user):
        raise PermissionDenied("Only commissioners can do that.")


def require_comment_moderator(user) -> None:
    if not can_moderate_comments(user):
        raise PermissionDenied("Only commissioners and moderators can moderate comments.")
