"""Fixtures the plans and RAS tests share: practitioner teams (issue 17, "Practitioners work as a
team"). `practitioner` comes from each folder's own conftest."""

import pytest

from core.roles import Role
from marketplace.ras.models import PractitionerTeam
from tests.factories import make_user


@pytest.fixture
def team(practitioner):
    team = PractitionerTeam.objects.create(name="Ludlow community team")
    team.members.add(practitioner)
    return team


@pytest.fixture
def colleague(team):
    """Another practitioner in the same team."""
    user = make_user("kim@council.example", Role.PRACTITIONER)
    team.members.add(user)
    return user


@pytest.fixture
def outsider(db):
    """A practitioner in another team."""
    user = make_user("lee@council.example", Role.PRACTITIONER)
    PractitionerTeam.objects.create(name="Oswestry community team").members.add(user)
    return user
