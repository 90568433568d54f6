"""Who may do what in the RAS. Services call these; views never re-implement them.

Commissioners (and superusers) edit schemes, see market rates and run calibration.
Practitioners record assessments for named people. Anyone may estimate their own budget.
"""

from django.core.exceptions import PermissionDenied

from core.roles import Role, has_role


def is_commissioner(user) -> bool:
    return has_role(user, Role.COMMISSIONER)


def is_practitioner(user) -> bool:
    return has_role(user, Role.PRACTITIONER)


def require_commissioner(user) -> None:
    if not is_commissioner(user):
        raise PermissionDenied("Only commissioners can do that.")


def require_practitioner(user) -> None:
    if not is_practitioner(user):
        raise PermissionDenied("Only practitioners can record an assessment for someone else.")
