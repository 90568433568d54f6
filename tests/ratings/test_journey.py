"""The issue's journey end to end: a member of the public writes a review, a moderator
approves it in the admin, the provider replies (approved too), and the score on the service
page and in search (minimum rating, sort by rating) follows."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from ratings.models import Review, ReviewReply
from search.backends import get_backend
from search.query import SearchQuery, Sort
from tests.factories import ServiceFactory

from .conftest import GOOD_TEXT

pytestmark = pytest.mark.django_db


def test_review_moderate_reply_and_search(
    client, service, author, moderator, staff, django_capture_on_commit_callbacks
):
    rival = ServiceFactory(name="Rival care")
    backend = get_backend()
    backend.rebuild()
    care = timezone.localdate() - timedelta(days=10)

    client.force_login(author)
    client.post(
        reverse("ratings:review_create", args=[service.slug]),
        {
            "relationship": "self",
            "care_date_0": care.day,
            "care_date_1": care.month,
            "care_date_2": care.year,
            "overall": "5",
            "rating_dignity": "5",
            "rating_reliability": "5",
            "rating_communication": "4",
            "title": "Brilliant",
            "text": GOOD_TEXT,
        },
    )
    review = Review.objects.get()
    assert "No reviews yet" in client.get(service.get_absolute_url()).content.decode()

    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ratings_review_approve", args=[review.pk]))
    page = client.get(service.get_absolute_url()).content.decode()
    # One 5-star review shows 5, not the ranking score (5 * 3.5 + 5) / 6 = 3.75.
    assert '5<span class="govuk-visually-hidden"> out of 5 stars,</span> from 1 review' in page
    assert "3.75" not in page

    found = backend.search(SearchQuery(min_rating=Decimal("3.7")))
    assert [hit.service_id for hit in found.hits] == [service.pk]
    ranked = backend.search(SearchQuery(sort=Sort.RATING))
    assert [hit.service_id for hit in ranked.hits][:2] == [service.pk, rival.pk]

    client.force_login(staff)
    client.post(reverse("ratings:review_reply", args=[review.pk]), {"text": "Thank you, Pat."})
    reply = ReviewReply.objects.get()
    client.force_login(moderator)
    client.post(reverse("ratings_reply_approve", args=[reply.pk]))
    client.logout()
    page = client.get(service.get_absolute_url()).content.decode()
    assert "Reply from Holly Homecare" in page and "Thank you, Pat." in page
