"""Demo reviews for the demo catalogue, written, moderated, replied to and reported through the
ratings services, from the pieces in content/reviews/reviews.yaml.

Deterministic: every choice comes from a random generator seeded with the service's slug, so
two loads give the same reviews. Idempotent: if the demo reviewers have written anything, the
step does nothing. Most reviews are published; about one service in seven has a review still
waiting for moderation, about one in nine a reported one (a few reported often enough to be
hidden), and the organisations with staff have replied to about a third of their reviews.
Reviews are then back-dated (some beyond 24 months, so they show but leave the score) and
every summary is recomputed through the ratings services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone

import yaml

from catalogue.models import Membership, Service
from marketplace.accounts.models import User
from marketplace.accounts.services import user_create
from ratings import services as ratings
from ratings.models import CATEGORY_FIELDS, Review, ReviewReport

CONTENT = Path(__file__).resolve().parent / "content" / "reviews" / "reviews.yaml"
REVIEWER_DOMAIN = "reviewers.caremarket.example"
DEMO_SERVICE = "home-care-in-bridgnorth"  # the demo provider's listing: always reviewed
# How many reviews a service gets (drawn per service).
REVIEW_COUNTS = [0, 1, 1, 2, 2, 3, 3, 4, 5, 6]
RELATIONSHIPS = [
    Review.Relationship.FAMILY,
    Review.Relationship.FAMILY,
    Review.Relationship.FAMILY,
    Review.Relationship.SELF,
    Review.Relationship.FRIEND,
    Review.Relationship.ADVOCATE,
]


@dataclass
class ReviewsSummary:
    reviews: int = 0
    pending: int = 0
    reported: int = 0
    replies: int = 0

    def __str__(self) -> str:
        return (
            f"{self.reviews} reviews ({self.pending} waiting for moderation, "
            f"{self.reported} reported), {self.replies} replies"
        )


def _reviewers(names: list[str]) -> list[User]:
    people = []
    for index, name in enumerate(names, start=1):
        email = f"{name.lower()}{index:02d}@{REVIEWER_DOMAIN}"
        user = User.objects.filter(email=email).first() or user_create(
            email=email, password=None, first_name=name, last_name="Reviewer", verified=True
        )
        people.append(user)
    return people


def _tone(overall: int) -> str:
    return "good" if overall >= 4 else "mixed" if overall == 3 else "poor"


def _review_fields(content: dict, rng: random.Random, service: Service, overall: int) -> dict:
    tone = _tone(overall)
    town = service.town or (service.locality.name if service.locality else "the county")
    details = rng.sample(content["details"][tone], k=min(2, len(content["details"][tone])))
    text = " ".join(
        [
            rng.choice(content["openings"][tone]).format(service=service.name, town=town),
            *details[: rng.choice([1, 2])],
            rng.choice(content["closings"][tone]),
        ]
    )
    answered = rng.sample(CATEGORY_FIELDS, k=rng.choice([3, 4, 5, 5]))
    ratings_given = {
        name: (max(1, min(5, overall + rng.choice([-1, 0, 0, 1]))) if name in answered else None)
        for name in CATEGORY_FIELDS
    }
    return {
        "overall": overall,
        "ratings": ratings_given,
        "relationship": rng.choice(RELATIONSHIPS),
        "care_date": timezone.localdate() - timedelta(days=rng.randint(3, 120)),
        "title": rng.choice(content["titles"][overall]),
        "text": text,
    }


def _owner(service: Service) -> User | None:
    membership = (
        Membership.objects.filter(organisation=service.organisation, role=Membership.Role.OWNER)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def _back_date(review: Review, days: int) -> None:
    """Demo only: move a review (and its care date) back in time, as if written then."""
    shift = timedelta(days=days)
    Review.objects.filter(pk=review.pk).update(
        created_at=review.created_at - shift,
        written_at=review.written_at - shift,
        published_at=review.published_at - shift if review.published_at else None,
        care_date=review.care_date - shift,
    )


def load_reviews(*, moderator: User) -> ReviewsSummary:
    """Reviews for the demo services (see the module docstring)."""
    summary = ReviewsSummary()
    if Review.objects.filter(author__email__endswith=f"@{REVIEWER_DOMAIN}").exists():
        summary.reviews = Review.objects.count()
        return summary
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    reviewers = _reviewers(content["reviewers"])
    services = list(
        Service.objects.visible().select_related("organisation", "locality").order_by("slug")
    )
    for position, service in enumerate(services):
        rng = random.Random(f"demo-reviews:{service.slug}")
        count = rng.choice(REVIEW_COUNTS)
        if service.slug == DEMO_SERVICE:
            count = max(count, 5)
        if not count:
            continue
        # Each service has its own level of quality; reviews scatter around it.
        quality = rng.choice([5, 5, 4, 4, 4, 3, 2])
        owner = _owner(service)
        written: list[Review] = []
        for author in rng.sample(reviewers, k=count):
            overall = max(1, min(5, quality + rng.choice([-2, -1, 0, 0, 0, 1])))
            try:
                review = ratings.review_create(
                    author=author,
                    service=service,
                    **_review_fields(content, rng, service, overall),
                )
            except ValidationError:
                continue  # a duplicate text: this reviewer says nothing here
            written.append(review)
        # The newest stays waiting for moderation on some services (and on the demo one).
        keep_pending = written[-1:] if (position % 7 == 3 or service.slug == DEMO_SERVICE) else []
        for review in written:
            if review in keep_pending:
                summary.pending += 1
                continue
            # Old news: the provider is not e-mailed about the demo's back catalogue.
            Review.objects.filter(pk=review.pk).update(provider_notified_at=timezone.now())
            ratings.review_approve(moderator=moderator, review=review)
            if owner and rng.random() < 0.35:
                reply = ratings.reply_create(
                    user=owner,
                    review=review,
                    text=rng.choice(content["replies"][_tone(review.overall)]),
                )
                summary.replies += 1
                if rng.random() < 0.8:
                    ratings.reply_approve(moderator=moderator, reply=reply)
        summary.reviews += len(written)
        published = [r for r in written if r not in keep_pending]
        if published and position % 9 == 4:
            target = published[0]
            times = ratings.reports_to_hide() if position % 18 == 4 else 1
            for reporter in rng.sample(reviewers, k=times):
                if reporter.pk != target.author_id:
                    ratings.review_report(
                        review=target,
                        reason=rng.choice(content["report_reasons"]),
                        message="This does not sound like a real experience.",
                        reporter=reporter,
                    )
            summary.reported += 1
        for review in written:
            review.refresh_from_db()
            if review not in keep_pending:
                # Spread over three years: some leave the score but stay visible.
                _back_date(review, rng.choice([2, 9, 30, 60, 120, 200, 300, 450, 600, 800]))
    ratings.review_summaries_refresh()
    summary.reported = (
        Review.objects.filter(reports__status=ReviewReport.Status.OPEN).distinct().count()
    )
    return summary
