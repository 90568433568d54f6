"""Practitioners work as a team (issue 17): a named assessment goes into the caseload of the
recorder's team; every practitioner in the team finds it, opens it and sends it to the person,
so a case moves between workers. A practitioner outside the team cannot. Superusers and admins
keep the teams in the Wagtail admin."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from core.roles import Role
from marketplace.ras import services
from marketplace.ras.models import Assessment, PractitionerTeam
from tests.factories import make_user

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def record(user, name="Alex Morgan", **kwargs):
    return services.assessment_create(
        user=user,
        person_name=name,
        client_group="older-people",
        answers=services.AnswerInput(choices=FULL_ANSWERS),
        **kwargs,
    )


def test_an_assessment_goes_into_the_recorders_only_team(scheme, practitioner, team):
    assert record(practitioner).team == team


def test_a_practitioner_in_no_team_keeps_the_assessment_to_themselves(scheme, practitioner):
    assert record(practitioner).team is None


def test_a_practitioner_in_two_teams_chooses_one_of_their_own(scheme, practitioner, team):
    second = PractitionerTeam.objects.create(name="Hospital discharge team")
    second.members.add(practitioner)
    practitioner = type(practitioner).objects.get(pk=practitioner.pk)  # teams read afresh
    with pytest.raises(ValidationError, match="Choose the team"):
        record(practitioner)
    other = PractitionerTeam.objects.create(name="Not theirs")
    with pytest.raises(ValidationError, match="one of your own teams"):
        record(practitioner, team=other)
    assert record(practitioner, team=second).team == second


def test_a_practitioner_in_two_teams_is_asked_on_the_form(client, scheme, practitioner, team):
    second = PractitionerTeam.objects.create(name="Hospital discharge team")
    second.members.add(practitioner)
    client.force_login(practitioner)
    data = {"person_name": "Alex Morgan", "client_group": "older-people", **FULL_ANSWERS}
    data["carer_agrees"] = "no"
    response = client.post("/budget/assessments/new/", data)
    assert "Choose the team whose caseload the assessment is in" in text_of(response)
    response = client.post("/budget/assessments/new/", {**data, "team": second.pk})
    assert response.status_code == 302
    assert Assessment.objects.get().team == second


def test_the_team_lists_and_opens_each_others_assessments(
    client, scheme, practitioner, colleague, outsider
):
    mine = record(practitioner, "Alex Morgan")
    record(colleague, "Sam Price")
    record(outsider, "Someone Else")
    client.force_login(colleague)
    text = text_of(client.get("/budget/assessments/"))
    assert "2 assessments" in text
    assert "Alex Morgan" in text and "Sam Price" in text and "Someone Else" not in text
    result = client.get(f"/budget/estimate/result/{mine.uuid}/")
    assert result.status_code == 200
    assert "Send the assessment to Alex Morgan" in text_of(result)
    client.force_login(outsider)
    text = text_of(client.get("/budget/assessments/"))
    assert "1 assessment" in text and "Alex Morgan" not in text
    assert client.get(f"/budget/estimate/result/{mine.uuid}/").status_code == 404


def test_a_colleague_sends_the_assessment_an_outsider_cannot(
    client, home_page, scheme, practitioner, colleague, outsider
):
    assessment = record(practitioner)
    url = f"/budget/assessments/{assessment.uuid}/send/"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"email": "alex@example.org"}).status_code == 404
    with pytest.raises(PermissionDenied):
        services.assessment_invite(user=outsider, assessment=assessment, email="a@example.org")
    client.force_login(colleague)
    response = client.post(url, {"email": "alex@example.org"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.person_email == "alex@example.org" and assessment.invited_at


def test_a_case_moves_with_the_team_when_its_recorder_leaves(
    client, scheme, practitioner, colleague, team
):
    assessment = record(practitioner)
    team.members.remove(practitioner)
    client.force_login(colleague)
    assert client.get(f"/budget/estimate/result/{assessment.uuid}/").status_code == 200
    assert "Alex Morgan" in text_of(client.get("/budget/assessments/"))


# --- the Wagtail admin ------------------------------------------------------------------------


def test_only_superusers_and_admins_keep_the_teams(client, practitioner, commissioner):
    index, add = reverse("practitioner_teams:index"), reverse("practitioner_teams:add")
    for user in (commissioner, make_user("", Role.EDITOR)):
        client.force_login(user)
        for url in (index, add):
            response = client.get(url)
            assert response.status_code == 403 or response["Location"] == "/admin/", url
        client.post(add, {"name": "Sneaky team", "members": [practitioner.pk]})
    client.force_login(practitioner)  # practitioners do not reach the admin at all
    assert client.get(index).status_code in (302, 403)
    assert not PractitionerTeam.objects.exists()

    admin = make_user("")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get(add)
    assert page.status_code == 200
    # Only practitioners are offered as members.
    assert practitioner.email in text_of(page) and commissioner.email not in text_of(page)
    response = client.post(add, {"name": "Ludlow community team", "members": [practitioner.pk]})
    assert response.status_code == 302
    team = PractitionerTeam.objects.get()
    assert list(team.members.all()) == [practitioner]
    assert "Ludlow community team" in text_of(client.get(index))
