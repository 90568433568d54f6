"""Who may do what in the RAS. Services call these; views never re-implement them.

Commissioners (and superusers) edit schemes, see market rates and run calibration.
Practitioners record assessments for named people, and work on those they recorded and those
of their teams (a case moves between workers in a team). Anyone may estimate their own budget.
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


def team_ids_of(user) -> frozenset[int]:
    """The practitioner teams `user` is in (none unless they are a practitioner); read once per
    user object, as roles are."""
    if not is_practitioner(user):
        return frozenset()
    ids = getattr(user, "_practitioner_team_ids", None)
    if ids is None:
        ids = frozenset(user.practitioner_teams.values_list("pk", flat=True))
        user._practitioner_team_ids = ids
    return ids


def works_on_assessment(user, assessment) -> bool:
    """The practitioner who recorded a named assessment, or a practitioner in its team."""
    if not getattr(user, "is_authenticated", False) or not assessment.person_name:
        return False
    if assessment.recorded_by_id == user.pk:
        return True
    return assessment.team_id is not None and assessment.team_id in team_ids_of(user)


def require_works_on_assessment(user, assessment) -> None:
    if not works_on_assessment(user, assessment):
        raise PermissionDenied(
            "Only the practitioner who recorded the assessment, or one in its team, can do that."
        )
