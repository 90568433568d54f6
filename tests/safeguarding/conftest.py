"""Fixtures for safeguarding tests: the people of the permissions matrix and a listing."""

import pytest

from core.roles import Role
from safeguarding import services
from safeguarding.models import Concern, CouncilContacts
from tests.factories import OrganisationFactory, ServiceFactory, make_provider, make_user

TEAM_INBOX = "safeguarding-team@westshire.example"
SECRET = "Mrs Jones at 4 Elm Road is left without food"


@pytest.fixture
def service(db):
    return ServiceFactory(organisation=OrganisationFactory(name="Holly Homecare"))


@pytest.fixture
def inbox(db, home_page):
    """The council's settings with a safeguarding inbox, on the default site."""
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    contacts = CouncilContacts.for_site(site)
    contacts.safeguarding_email = TEAM_INBOX
    contacts.save()
    return TEAM_INBOX


@pytest.fixture
def team(db):
    return make_user("team@westshire.example", Role.SAFEGUARDING)


@pytest.fixture
def people(db, service):
    """Everyone but the team, who must never see a concern."""
    return {
        "public": make_user("public@example.org"),
        "moderator": make_user("moderator@example.org", Role.MODERATOR),
        "editor": make_user("editor@example.org", Role.EDITOR),
        "commissioner": make_user("commissioner@example.org", Role.COMMISSIONER),
        "practitioner": make_user("practitioner@example.org", Role.PRACTITIONER),
        "provider": make_provider(service.organisation, email="staff@provider.example"),
    }


@pytest.fixture
def concern(service):
    return services.concern_create(
        description=SECRET,
        service=service,
        source=Concern.Source.LISTING,
        danger_now=Concern.Answer.NO,
        reporter_name="Ann Reporter",
        reporter_email="ann@example.org",
    )
