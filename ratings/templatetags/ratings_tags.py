"""Reviews on other apps' pages (service page, organisation page, provider dashboard) and
helpers to show ratings. Catalogue templates load these; catalogue code never imports ratings.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from catalogue.permissions import can_edit_listings
from ratings import scoring, selectors
from ratings.models import Review, ReviewReply
from ratings.permissions import is_provider_staff, review_refusal

register = template.Library()

RELATIONSHIP_TEXT = {
    Review.Relationship.SELF: "By the person who received the care",
    Review.Relationship.FAMILY: "By a family member of the person who received the care",
    Review.Relationship.FRIEND: "By a friend of the person who received the care",
    Review.Relationship.ADVOCATE: "By an advocate for the person who received the care",
}


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# '☆☆☆☆☆' to '★★★★★', by the number of whole stars.
STARS = tuple(
    "★" * whole + "☆" * (scoring.MAX_RATING - whole) for whole in range(scoring.MAX_RATING + 1)
)


@register.filter
def stars(value) -> str:
    """4.4 -> '★★★★☆' (rounded to whole stars, for sighted readers; the text says it exactly)."""
    number = _number(value)
    if number is None:
        return ""
    whole = int(number.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return STARS[max(0, min(scoring.MAX_RATING, whole))]


@register.filter
def rating_text(value) -> str:
    """4 -> '4 out of 5 stars'; Decimal('4.25') -> '4.3 out of 5 stars'."""
    number = _number(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        shown = str(int(number))
    else:
        shown = str(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    return f"{shown} out of {scoring.MAX_RATING} star{'' if shown == '1' else 's'}"


def _star_rating_html(value) -> SafeString:
    return format_html(
        '\n<span class="app-stars" aria-hidden="true">{}</span> '
        '<span class="app-stars__text">{}</span>\n',
        stars(value),
        rating_text(value),
    )


# The whole-star ratings (every answer in a review is one), built once rather than per answer:
# a service page shows dozens.
WHOLE_STAR_RATINGS = {whole: _star_rating_html(whole) for whole in range(scoring.MAX_RATING + 1)}


@register.filter
def star_rating(value) -> SafeString:
    """A star rating as text, with the stars hidden from screen readers, in one call rather
    than a template per rating."""
    if type(value) is int and value in WHOLE_STAR_RATINGS:
        return WHOLE_STAR_RATINGS[value]
    return _star_rating_html(value)


@register.filter
def average_number(value) -> str:
    """The average people are shown: Decimal('4.50') -> '4.5', 5 -> '5', 3.333 -> '3.3'."""
    number = _number(value)
    if number is None:
        return ""
    shown = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return str(int(shown)) if shown == shown.to_integral_value() else str(shown)


@register.filter
def reviewer_text(review: Review) -> str:
    """Who wrote it, without naming them."""
    return RELATIONSHIP_TEXT.get(review.relationship, "By someone who used the service")


def _prior() -> dict:
    return {"prior_mean": scoring.PRIOR_MEAN, "prior_weight": scoring.PRIOR_WEIGHT}


@register.inclusion_tag("ratings/service_section.html", takes_context=True)
def service_reviews(context, service):
    """The service page's reviews: summary, category breakdown, a page of reviews (newest
    first, ?page=N) with replies, and the link to write one."""
    request = context["request"]
    user = request.user
    own_review = None
    if user.is_authenticated:
        own_review = Review.objects.current().filter(service=service, author=user).first()
    summary = selectors.service_review_summary(service)
    # The summary has read every review already: the page takes its count from there.
    page = selectors.service_reviews_page(
        service, request.GET.get("page"), public_count=summary.public_count
    )
    for review in page:
        # A reply names the provider: the service this page has, not a query per review.
        review.service = service
    return {
        "request": request,
        "user": user,
        "service": service,
        "summary": summary,
        "page_obj": page if page.paginator.count else None,
        "own_review": own_review,
        "is_staff_here": is_provider_staff(user, service),
        # Only a public listing can be reviewed (staff and moderators also see hidden ones).
        "may_review": not context.get("not_public") and review_refusal(user, service) is None,
        **_prior(),
    }


@register.inclusion_tag("ratings/organisation_summary.html", takes_context=True)
def organisation_reviews(context, organisation):
    """The organisation page's summary across its public services."""
    return {
        "request": context.get("request"),
        "organisation": organisation,
        "summary": selectors.organisation_review_summary(organisation),
        **_prior(),
    }


@register.inclusion_tag("ratings/dashboard_reviews.html", takes_context=True)
def new_reviews(context, organisation):
    """The provider dashboard's 'new reviews' for one organisation, with reply status; empty
    for anyone who is not its staff."""
    request = context["request"]
    reviews = []
    if can_edit_listings(request.user, organisation):
        reviews = list(selectors.provider_reviews(organisation)[:20])
        for review in reviews:
            reply = _reply(review)
            review.reply_status = reply.status if reply else ""
            review.reply_status_display = reply.get_status_display() if reply else ""
    return {
        "request": request,
        "organisation": organisation,
        "reviews": reviews,
        "days": selectors.NEW_REVIEW_DAYS,
    }


def _reply(review: Review) -> ReviewReply | None:
    try:
        return review.reply
    except ReviewReply.DoesNotExist:
        return None
