"""Reads about reviews that span models or aggregate: the summaries on service and organisation
pages, a page of reviews with their replies, what a provider should look at, the moderators'
queue."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from catalogue.models import Organisation, Service

from . import scoring
from .models import CATEGORIES, CATEGORY_FIELDS, Review, ReviewReply, ReviewReport

REVIEWS_PER_PAGE = 10
NEW_REVIEW_DAYS = 30


@dataclass(frozen=True)
class CategoryMean:
    label: str
    mean: Decimal | None
    answers: int


@dataclass
class ReviewSummary:
    """Published reviews of the last 24 months (they make the score); older ones are counted
    separately because they stay visible."""

    count: int
    mean: Decimal | None
    score: Decimal | None
    categories: list[CategoryMean] = field(default_factory=list)
    older_count: int = 0
    service_count: int = 0  # on an organisation's summary: services with reviews that count
    # Reviews readers see, of any age (Review.objects.public()): scored() is every published
    # review, so these are the rows read less those hidden while a moderator looks at reports.
    public_count: int = 0

    @property
    def total_shown(self) -> int:
        return self.count + self.older_count


def _window_start(today: date | None) -> datetime:
    start = scoring.score_window_start(today or timezone.localdate())
    return timezone.make_aware(datetime.combine(start, time.min))


def _summary(reviews: QuerySet[Review], today: date | None) -> ReviewSummary:
    start = _window_start(today)
    rows = list(
        reviews.values("overall", "written_at", "service_id", "hidden_by_reports", *CATEGORY_FIELDS)
    )
    counting = [row for row in rows if row["written_at"] >= start]
    summary = scoring.summarise([row["overall"] for row in counting])
    means = scoring.category_means(counting, CATEGORY_FIELDS)
    return ReviewSummary(
        count=summary.count,
        mean=summary.mean,
        score=summary.score,
        categories=[
            CategoryMean(label=label, mean=means[name][0], answers=means[name][1])
            for name, _question, label in CATEGORIES
        ],
        older_count=len(rows) - len(counting),
        service_count=len({row["service_id"] for row in counting}),
        public_count=sum(1 for row in rows if not row["hidden_by_reports"]),
    )


def service_review_summary(service: Service, *, today: date | None = None) -> ReviewSummary:
    """The score, mean and per-category means of a service's scored reviews of the last 24
    months (the same figures scoring.py stores on the service)."""
    return _summary(Review.objects.scored().filter(service=service), today)


def organisation_review_summary(
    organisation: Organisation, *, today: date | None = None
) -> ReviewSummary:
    """The same across the organisation's publicly listed services: every counting review
    weighs the same, whichever service it is about."""
    services = Service.objects.visible().filter(organisation=organisation).values("pk")
    return _summary(Review.objects.scored().filter(service__in=services), today)


class _CountedPaginator(Paginator):
    """A paginator told how many objects there are, rather than counting them again."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def service_reviews_page(
    service: Service,
    page_number,
    *,
    per_page: int = REVIEWS_PER_PAGE,
    public_count: int | None = None,
) -> Page:
    """One page of a service's public reviews, newest first, each with its published reply
    (as `published_reply`, None when there is none). `public_count`, when the caller has it
    (ReviewSummary.public_count), saves counting them again."""
    reviews = (
        Review.objects.public()
        .filter(service=service)
        .select_related("reply")
        .order_by("-written_at", "-pk")
    )
    paginator = (
        Paginator(reviews, per_page)
        if public_count is None
        else _CountedPaginator(reviews, per_page, count=public_count)
    )
    page = paginator.get_page(page_number)
    for review in page:
        review.published_reply = _published_reply(review)
    return page


def _published_reply(review: Review) -> ReviewReply | None:
    try:
        reply = review.reply
    except ReviewReply.DoesNotExist:
        return None
    return reply if reply is not None and reply.status == ReviewReply.Status.PUBLISHED else None


def provider_reviews(organisation: Organisation, *, days: int = NEW_REVIEW_DAYS):
    """Published reviews of the organisation's services from the last `days` days, newest
    first, with whether the organisation has replied: the provider dashboard's 'new reviews'."""
    since = timezone.now() - timedelta(days=days)
    return (
        Review.objects.published()
        .filter(service__organisation=organisation, published_at__gte=since)
        .select_related("service", "reply")
        .order_by("-published_at", "-pk")
    )


def organisation_reviews_for_staff(
    organisation: Organisation, *, awaiting_reply: bool
) -> QuerySet[Review]:
    """Every published review of the organisation's services, newest first, with its reply if
    any (the provider's reviews page); `awaiting_reply` keeps those with no reply yet."""
    reviews = (
        Review.objects.published()
        .filter(service__organisation=organisation)
        .select_related("service", "reply")
        .order_by("-published_at", "-pk")
    )
    return reviews.filter(reply__isnull=True) if awaiting_reply else reviews


def moderation_queue() -> dict[str, QuerySet]:
    """What waits for a moderator: pending reviews, reviews with open reports (hidden ones
    first) and pending replies, oldest first so nobody waits longest."""
    reported = (
        Review.objects.filter(reports__status=ReviewReport.Status.OPEN)
        .exclude(status=Review.Status.WITHDRAWN)
        .annotate(open_reports=Count("reports", filter=Q(reports__status=ReviewReport.Status.OPEN)))
        .select_related("service__organisation")
        .order_by("-hidden_by_reports", "written_at")
        .distinct()
    )
    return {
        "pending": Review.objects.filter(status=Review.Status.PENDING)
        .select_related("service__organisation", "author")
        .order_by("written_at", "pk"),
        "reported": reported,
        "replies": ReviewReply.objects.filter(status=ReviewReply.Status.PENDING)
        .select_related("review__service__organisation", "author")
        .order_by("written_at", "pk"),
    }


def moderation_counts() -> dict[str, int]:
    """How many items wait in each part of the queue."""
    return {
        "pending": Review.objects.filter(status=Review.Status.PENDING).count(),
        "reported": Review.objects.filter(reports__status=ReviewReport.Status.OPEN)
        .exclude(status=Review.Status.WITHDRAWN)
        .distinct()
        .count(),
        "replies": ReviewReply.objects.filter(status=ReviewReply.Status.PENDING).count(),
    }
