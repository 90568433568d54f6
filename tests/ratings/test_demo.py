"""The demo reviews: loaded through the services, deterministic, idempotent, with a mix of
states, and summaries that agree with the maths."""

from django.core.management import call_command

import pytest

from catalogue.models import Service
from ratings import scoring
from ratings.models import Review, ReviewReply, ReviewReport
from ratings.selectors import service_review_summary

pytestmark = pytest.mark.django_db


def test_demo_reviews(demo):
    reviews = Review.objects.all()
    assert reviews.filter(status=Review.Status.PUBLISHED).count() >= 10
    assert reviews.filter(status=Review.Status.PENDING).exists()
    assert ReviewReport.objects.filter(status=ReviewReport.Status.OPEN).exists()
    assert ReviewReply.objects.filter(status=ReviewReply.Status.PUBLISHED).exists()
    assert Service.objects.filter(review_count__gt=0).count() >= 5
    # The demo provider's listing has reviews, one waiting for moderation.
    demo_service = Service.objects.get(slug="home-care-in-bridgnorth")
    assert demo_service.reviews.filter(status=Review.Status.PUBLISHED).exists()
    assert demo_service.reviews.filter(status=Review.Status.PENDING).exists()
    # The public demo account has not reviewed anything, so it can write one in `make run`.
    assert not reviews.filter(author__email="public@caremarket.example").exists()
    # Stored summaries agree with the selector (and so with scoring.py).
    for service in Service.objects.filter(review_count__gt=0):
        summary = service_review_summary(service)
        assert (service.review_count, service.review_mean, service.review_score) == (
            summary.count,
            summary.mean,
            summary.score,
        )
        assert summary.score == scoring.bayesian_score(
            list(
                Review.objects.scored()
                .filter(service=service, written_at__gte=_window())
                .values_list("overall", flat=True)
            )
        )
    before = sorted(reviews.values_list("service__slug", "title", "overall"))
    call_command("load_demo_data", "--catalogue=small", verbosity=0)
    assert sorted(Review.objects.values_list("service__slug", "title", "overall")) == before


def _window():
    from datetime import datetime, time

    from django.utils import timezone

    start = scoring.score_window_start(timezone.localdate())
    return timezone.make_aware(datetime.combine(start, time.min))
