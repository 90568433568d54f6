"""What the RAS holds about a signed-in person, for "download my data" and "delete my account".

A person's own estimates (made while signed in, no name) are theirs: exported, and deleted
with the account. Assessments a practitioner recorded for someone else are the council's record
about that person: exported to the practitioner as their work, and kept when the practitioner's
account goes (recorded_by becomes empty through on_delete=SET_NULL). An assessment the person
opened from a practitioner's invitation is exported to them too; it stays the council's record
when their account goes (person becomes empty).

A practitioner's team memberships are theirs: exported (with the cases they moved between
teams), and ended with the account. The moves stay in the cases' history as the council's
record, without the name (moved_by becomes empty).
"""

from typing import Any

from django.db.models import Q

from .models import Assessment, AssessmentTeamMove


def export_assessments(user) -> list[dict[str, Any]]:
    return [
        {
            "id": a.uuid,
            "created_at": a.created_at,
            "for": a.person_name or "yourself",
            "scheme_version": a.scheme_version.version,
            "points": a.points,
            "carer_points": a.carer_points,
            "money_per_point": a.money_per_point,
            "weekly_budget": a.weekly_budget,
            "answers": a.answers,
        }
        for a in Assessment.objects.filter(Q(recorded_by=user) | Q(person=user))
        .distinct()
        .select_related("scheme_version")
    ]


def erase_assessments(user) -> None:
    Assessment.objects.filter(recorded_by=user, person_name="").delete()


def export_practitioner_teams(user) -> dict[str, Any]:
    return {
        "teams": [{"name": team.name} for team in user.practitioner_teams.order_by("name")],
        "cases_moved": [
            {
                "assessment": move.assessment.uuid,
                "for": move.assessment.person_name,
                "from_team": move.from_team_name,
                "to_team": move.to_team_name,
                "reason": move.reason,
                "moved_at": move.moved_at,
            }
            for move in AssessmentTeamMove.objects.filter(moved_by=user).select_related(
                "assessment"
            )
        ],
    }


def erase_practitioner_teams(user) -> None:
    user.practitioner_teams.clear()
