"""Fixtures for ratings tests: a public service, the people of the permissions matrix, and a
helper that writes reviews through the real services."""

from datetime import timedelta

from django.utils import timezone

import pytest

from core.roles import Role
from ratings import services
from ratings.models import Review
from tests.factories import OrganisationFactory, ServiceFactory, make_provider, make_user

GOOD_TEXT = (
    "The carers arrived on time every morning and helped my mother with patience and good "
    "humour. They always let us know about changes."
)


@pytest.fixture
def service(db):
    return ServiceFactory(organisation=OrganisationFactory(name="Holly Homecare"))


@pytest.fixture
def author(db):
    return make_user("author@example.org")


@pytest.fixture
def other_user(db):
    return make_user("other@example.org")


@pytest.fixture
def staff(service):
    return make_provider(service.organisation, email="staff@provider.example")


@pytest.fixture
def other_staff(db):
    return make_provider(OrganisationFactory(), email="elsewhere@provider.example")


@pytest.fixture
def moderator(db):
    return make_user("moderator@example.org", Role.MODERATOR)


def review_data(**overrides):
    """What a reviewer typically gives, as the services take it."""
    data = {
        "overall": 4,
        "ratings": {
            "rating_dignity": 5,
            "rating_reliability": 4,
            "rating_communication": 4,
            "rating_outcomes": None,
            "rating_value": None,
        },
        "relationship": Review.Relationship.FAMILY,
        "care_date": timezone.localdate() - timedelta(days=30),
        "title": "Kind and reliable",
        "text": GOOD_TEXT,
    }
    data.update(overrides)
    return data


_counter = {"n": 0}


def write_review(service, author=None, **overrides) -> Review:
    """A pending review written through review_create; texts differ so none is a duplicate."""
    _counter["n"] += 1
    overrides.setdefault("text", f"{GOOD_TEXT} Visit number {_counter['n']}.")
    return services.review_create(
        author=author or make_user(), service=service, **review_data(**overrides)
    )


def publish(review, moderator) -> Review:
    return services.review_approve(moderator=moderator, review=review)


@pytest.fixture
def published(service, author, moderator):
    return publish(write_review(service, author), moderator)
