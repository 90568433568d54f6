"""Cases move between teams (issue 17): a practitioner working on an assessment (its recorder,
or one in its current team) moves it, with its plans, to another team's caseload, saying why;
the move is in the case's team history. Who may and who may not, the service and the page."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from marketplace.plans.models import SupportPlan
from marketplace.ras import services
from marketplace.ras.models import Assessment, AssessmentTeamMove, PractitionerTeam
from tests.factories import make_user

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


@pytest.fixture
def case(scheme, practitioner, team):
    return services.assessment_create(
        user=practitioner,
        person_name="Alex Morgan",
        client_group="older-people",
        answers=services.AnswerInput(choices=FULL_ANSWERS),
    )


@pytest.fixture
def north(outsider):
    return PractitionerTeam.objects.get(name="Oswestry community team")


def fresh(user):
    return type(user).objects.get(pk=user.pk)  # team ids are read once per user object


def test_a_colleague_in_the_team_moves_the_case_and_its_plans(
    case, practitioner, team, colleague, outsider, north
):
    plan = SupportPlan.objects.create(
        owner=practitioner, person_name="Alex Morgan", assessment=case
    )
    assert plan in SupportPlan.objects.visible_to(colleague)
    assert plan not in SupportPlan.objects.visible_to(outsider)

    move = services.assessment_team_move(
        user=colleague, assessment=case, team=north, reason="  Moved to Oswestry.  "
    )

    case.refresh_from_db()
    assert case.team == north
    assert (move.from_team_name, move.to_team_name, move.reason, move.moved_by) == (
        "Ludlow community team",
        "Oswestry community team",
        "Moved to Oswestry.",
        colleague,
    )
    assert list(case.team_moves.all()) == [move]
    # The new team finds the case and its plan; the team it left does not; the recorder
    # keeps the assessment they recorded (and owns the plan here).
    assert case in Assessment.objects.caseload(fresh(outsider))
    assert plan in SupportPlan.objects.visible_to(fresh(outsider))
    assert case not in Assessment.objects.caseload(fresh(colleague))
    assert plan not in SupportPlan.objects.visible_to(fresh(colleague))
    assert case in Assessment.objects.caseload(fresh(practitioner))


def test_who_may_not_move_a_case(case, outsider, north, commissioner):
    citizen = make_user("jo@example.com")
    for user in (outsider, commissioner, citizen):
        with pytest.raises(PermissionDenied):
            services.assessment_team_move(user=user, assessment=case, team=north, reason="Why")
    assert not AssessmentTeamMove.objects.exists()
    case.refresh_from_db()
    assert case.team.name == "Ludlow community team"


def test_the_recorder_moves_a_case_that_has_no_team(scheme, practitioner, north):
    alone = services.assessment_create(
        user=practitioner,
        person_name="Sam Price",
        answers=services.AnswerInput(choices=FULL_ANSWERS),
    )
    assert alone.team is None
    move = services.assessment_team_move(
        user=practitioner, assessment=alone, team=north, reason="Now in the north team's area"
    )
    assert (move.from_team_name, alone.__class__.objects.get(pk=alone.pk).team) == ("", north)


def test_a_move_needs_another_team_and_a_reason(case, colleague, team, north):
    with pytest.raises(ValidationError) as error:
        services.assessment_team_move(user=colleague, assessment=case, team=team, reason=" ")
    assert error.value.message_dict == {
        "team": ["The case is already with Ludlow community team. Choose another team."],
        "reason": ["Enter why the case is moving to another team."],
    }
    with pytest.raises(ValidationError, match="1,000 characters"):
        services.assessment_team_move(
            user=colleague, assessment=case, team=north, reason="x" * 1001
        )
    assert not AssessmentTeamMove.objects.exists()


# --- the page -------------------------------------------------------------------------------


def url(case) -> str:
    return reverse("ras:assessment_team", kwargs={"uuid": case.uuid})


def test_the_page_is_for_practitioners_working_on_the_case(
    client, case, colleague, outsider, commissioner
):
    assert client.get(url(case)).status_code == 302  # sign in first
    client.force_login(commissioner)
    assert client.get(url(case)).status_code == 403
    client.force_login(outsider)
    assert client.get(url(case)).status_code == 404
    assert client.post(url(case), {"team": "1", "reason": "x"}).status_code == 404
    client.force_login(colleague)
    page = client.get(url(case))
    assert page.status_code == 200
    assert "The case is with Ludlow community team." in text_of(page)
    choices = [
        label.get_text(strip=True)
        for label in BeautifulSoup(page.content, "html.parser").select("label.govuk-radios__label")
    ]
    assert choices == ["Oswestry community team"]  # not the team it is with
    assert "The case has not moved between teams." in text_of(page)
    # The assessment page links to it.
    result = client.get(reverse("ras:estimate_result", kwargs={"uuid": case.uuid}))
    assert url(case) in result.content.decode()


def test_moving_on_the_page_records_the_history(client, case, colleague, outsider, north):
    client.force_login(colleague)
    response = client.post(url(case), {"team": str(north.pk), "reason": "Moved house"})
    assert response.status_code == 302
    assert Assessment.objects.get(pk=case.pk).team == north

    client.force_login(outsider)  # now in the team that has the case
    page = text_of(client.get(url(case)))
    assert "The case is with Oswestry community team." in page
    history = BeautifulSoup(client.get(url(case)).content, "html.parser").select_one(
        "#team-history tbody"
    )
    cells = [td.get_text(" ", strip=True) for td in history.select("td")]
    assert cells[1:] == [
        "Ludlow community team",
        "Oswestry community team",
        str(colleague),
        "Moved house",
    ]


def test_bad_input_gets_the_error_summary(client, case, colleague):
    client.force_login(colleague)
    response = client.post(url(case), {"team": "", "reason": ""})
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    summary = [a.get_text(strip=True) for a in page.select(".govuk-error-summary a")]
    assert summary == [
        "Choose the team the case is moving to",
        "Enter why the case is moving to another team",
    ]
    assert page.title.get_text().startswith("Error: ")
    assert not AssessmentTeamMove.objects.exists()


# --- the practitioner's data download -------------------------------------------------------


def test_a_practitioners_data_download_lists_their_teams_and_the_cases_they_moved(
    case, practitioner, colleague, team, north, outsider
):
    from core import personal_data

    second = PractitionerTeam.objects.create(name="Hospital discharge team")
    second.members.add(colleague)
    services.assessment_team_move(
        user=colleague, assessment=case, team=north, reason="Moved to Oswestry"
    )

    exported = personal_data.export_user_data(colleague)["practitioner_teams"]

    assert exported["teams"] == [
        {"name": "Hospital discharge team"},
        {"name": "Ludlow community team"},
    ]
    [moved] = exported["cases_moved"]
    assert (moved["assessment"], moved["for"], moved["from_team"], moved["to_team"]) == (
        str(case.uuid),
        "Alex Morgan",
        "Ludlow community team",
        "Oswestry community team",
    )
    assert moved["reason"] == "Moved to Oswestry"
    # Someone else's download holds only their own teams.
    assert personal_data.export_user_data(outsider)["practitioner_teams"] == {
        "teams": [{"name": "Oswestry community team"}],
        "cases_moved": [],
    }

    personal_data.erase_user(colleague)

    assert list(team.members.all()) == [practitioner]
    move = AssessmentTeamMove.objects.get()
    assert move.moved_by is None and move.reason == "Moved to Oswestry"  # the case's history
