"""Who may do what with market position statements. Services and views call these."""

from django.core.exceptions import PermissionDenied

from core.roles import Role, has_role


def is_commissioner(user) -> bool:
    """Commissioners (and superusers) read the dashboard and answer consultation comments."""
    return has_role(user, Role.COMMISSIONER)


def can_moderate_comments(user) -> bool:
    """Commissioners and the council's moderators approve or decline comments."""
    return has_role(user, Role.COMMISSIONER, Role.MODERATOR)


def can_comment(user, page) -> bool:
    """Any signed-in person (providers, practitioners, the public) during the consultation."""
    return bool(getattr(user, "is_authenticated", False)) and page.consultation_is_open()


def require_commissioner(user) -> None:
    if not is_commissioner(user):
        raise PermissionDenied("Only commissioners can do that.")


def require_comment_moderator(user) -> None:
    if not can_moderate_comments(user):
        raise PermissionDenied("Only commissioners and moderators can moderate comments.")
