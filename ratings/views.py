"""Public review pages: write, read, change, withdraw and report a review; the provider's reply.

Who may do what (ratings/permissions.py; the services check again):
- reading a review: anyone if it is public; otherwise its author and moderators (404 for others);
- writing: signed-in people who are not staff of the organisation (anonymous -> sign in);
- changing and withdrawing: the author only;
- replying: the organisation's staff, on published reviews;
- reporting: anyone, on public reviews.
People who may see a review but not act on it get the 403 page; people who may not see it, 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from catalogue.models import Organisation, Service
from catalogue.permissions import can_edit_listings
from core.forms import add_service_errors
from core.limits import client_key

from . import limits, selectors, services
from .forms import ReplyForm, ReportForm, ReviewForm
from .models import REPORT_MESSAGE_MAX_LENGTH, Review, ReviewReply
from .permissions import (
    can_reply,
    can_see_review,
    is_author,
    is_moderator,
    is_provider_staff,
    review_refusal,
)


def _review_for(request, pk: int) -> Review:
    """The review at `pk` if the visitor may see it (404 otherwise)."""
    review = get_object_or_404(
        Review.objects.select_related("service__organisation", "service__locality", "author"), pk=pk
    )
    if not can_see_review(request.user, review):
        raise Http404("No such review.")
    return review


def _valid(form: ReviewForm) -> bool:
    """Whether the review form is valid; when it is not, the service's content checks add
    their messages to the fields the form had no quarrel with, so people see every problem
    at once."""
    if form.is_valid():
        return True
    for name, message in services.review_content_errors(**form.service_kwargs()).items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, message)
    return False


def _limited(request, service: Service):
    return render(
        request,
        "ratings/limited.html",
        {
            "service": service,
            "per_account": limits.submissions_per_account(),
            "hours": limits.submission_window() // 3600,
        },
        status=429,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_create(request, slug: str):
    service = get_object_or_404(
        Service.objects.visible().select_related("organisation", "locality"), slug=slug
    )
    refusal = review_refusal(request.user, service)
    if refusal:
        return render(
            request,
            "ratings/cannot_review.html",
            {"service": service, "reason": refusal},
            status=403,
        )
    existing = Review.objects.current().filter(service=service, author=request.user).first()
    if existing and request.method != "POST":
        return render(
            request, "ratings/already_reviewed.html", {"service": service, "review": existing}
        )
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        client = client_key(request)
        if limits.submission_limit_reached(user_id=request.user.pk, client=client):
            return _limited(request, service)
        if _valid(form):
            if not limits.submission_reserve(user_id=request.user.pk, client=client):
                return _limited(request, service)
            try:
                review = services.review_create(
                    author=request.user, service=service, **form.service_kwargs()
                )
            except BaseException as error:
                limits.submission_give_back(user_id=request.user.pk, client=client)
                if not isinstance(error, ValidationError):
                    raise
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Thank you. Your review has been sent. A moderator checks it before it "
                    "is published.",
                )
                return redirect(review)
    return render(
        request,
        "ratings/review_form.html",
        {"service": service, "form": form, "editing": None},
    )


@require_http_methods(["GET", "HEAD"])
def review_detail(request, pk: int):
    review = _review_for(request, pk)
    reply = ReviewReply.objects.filter(review=review).first()
    # The provider's staff and moderators see the reply at every stage; readers only once
    # it is published.
    staff = is_provider_staff(request.user, review.service) or is_moderator(request.user)
    published = reply is not None and reply.status == ReviewReply.Status.PUBLISHED
    return render(
        request,
        "ratings/review_detail.html",
        {
            "review": review,
            "service": review.service,
            "reply": reply,
            "reply_shown": reply if reply and (published or staff) else None,
            "is_author": is_author(request.user, review),
            "can_reply": can_reply(request.user, review),
        },
    )


def _review_for_author(request, pk: int) -> Review:
    review = _review_for(request, pk)
    if not is_author(request.user, review):
        raise PermissionDenied("Only the person who wrote a review can change it.")
    if review.status == Review.Status.WITHDRAWN:
        raise Http404("This review has been withdrawn.")
    return review


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_edit(request, pk: int):
    review = _review_for_author(request, pk)
    if request.method == "POST":
        form = ReviewForm(request.POST)
        client = client_key(request)
        if limits.submission_limit_reached(user_id=request.user.pk, client=client):
            return _limited(request, review.service)
        if _valid(form):
            if not limits.submission_reserve(user_id=request.user.pk, client=client):
                return _limited(request, review.service)
            try:
                services.review_update(author=request.user, review=review, **form.service_kwargs())
            except BaseException as error:
                limits.submission_give_back(user_id=request.user.pk, client=client)
                if not isinstance(error, ValidationError):
                    raise
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Your review has been changed. A moderator checks it again before it is "
                    "published.",
                )
                return redirect(review)
    else:
        form = ReviewForm(initial=ReviewForm.initial_for(review))
    return render(
        request,
        "ratings/review_form.html",
        {"service": review.service, "form": form, "editing": review},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_withdraw(request, pk: int):
    review = _review_for_author(request, pk)
    if request.method == "POST":
        services.review_withdraw(author=request.user, review=review)
        messages.success(
            request, f"Your review of {review.service.public_title} has been withdrawn."
        )
        return redirect(review.service)
    return render(request, "ratings/review_withdraw.html", {"review": review})


@require_http_methods(["GET", "HEAD", "POST"])
def review_report(request, pk: int):
    review = _review_for(request, pk)
    if not review.is_public:
        raise Http404("Only published reviews can be reported.")
    client = client_key(request)
    if limits.report_limit_reached(client=client):
        return render(
            request,
            "ratings/report_limited.html",
            {"review": review, "limit": limits.reports_per_address()},
            status=429,
        )
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not limits.report_reserve(client=client):
            return render(
                request,
                "ratings/report_limited.html",
                {"review": review, "limit": limits.reports_per_address()},
                status=429,
            )
        try:
            services.review_report(
                review=review,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
                reporter=request.user,
            )
        except BaseException as error:
            limits.report_give_back(client=client)
            if not isinstance(error, ValidationError):
                raise
            add_service_errors(form, error)
        else:
            messages.success(
                request, "Thank you. A moderator will look at the review you reported."
            )
            return redirect(review.service.get_absolute_url() + "#reviews")
    return render(
        request,
        "ratings/review_report.html",
        {"review": review, "form": form, "message_max_length": REPORT_MESSAGE_MAX_LENGTH},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_reply(request, pk: int):
    review = _review_for(request, pk)
    if not is_provider_staff(request.user, review.service):
        raise PermissionDenied("Only the provider's staff can reply to its reviews.")
    if not can_reply(request.user, review):
        raise Http404("You can reply once the review is published.")
    reply = ReviewReply.objects.filter(review=review).first()
    if request.method == "POST":
        form = ReplyForm(request.POST)
        client = client_key(request)
        if limits.submission_limit_reached(user_id=request.user.pk, client=client):
            return _limited(request, review.service)
        if form.is_valid():
            if not limits.submission_reserve(user_id=request.user.pk, client=client):
                return _limited(request, review.service)
            try:
                if reply is None:
                    services.reply_create(
                        user=request.user, review=review, text=form.cleaned_data["text"]
                    )
                else:
                    services.reply_update(
                        user=request.user, reply=reply, text=form.cleaned_data["text"]
                    )
            except BaseException as error:
                limits.submission_give_back(user_id=request.user.pk, client=client)
                if not isinstance(error, ValidationError):
                    raise
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    "Your reply has been sent. A moderator checks it before it is shown under "
                    "the review.",
                )
                return redirect(review)
    else:
        form = ReplyForm(initial={"text": reply.text} if reply else None)
    return render(
        request,
        "ratings/reply_form.html",
        {"review": review, "reply": reply, "form": form},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def my_reviews(request):
    """The signed-in person's own reviews, in every state, with what they can do next."""
    reviews = (
        Review.objects.current()
        .filter(author=request.user)
        .select_related("service__organisation", "service__locality")
        .order_by("-written_at", "-pk")
    )
    page = Paginator(reviews, 20).get_page(request.GET.get("page"))
    return render(request, "ratings/my_reviews.html", {"page_obj": page})


REVIEW_FILTERS = {"awaiting": "Awaiting your reply", "all": "All reviews"}


@login_required
@require_http_methods(["GET", "HEAD"])
def organisation_reviews(request, slug: str):
    """The provider's reviews of all its services, awaiting a reply (the default) or all, each
    with Reply (issue 20: the dashboard showed only the last 30 days, so older reviews could not
    be found to reply to)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not can_edit_listings(request.user, organisation):
        raise PermissionDenied("Only the organisation's staff can see this page.")
    show = request.GET.get("show", "awaiting")
    if show not in REVIEW_FILTERS:
        show = "awaiting"
    reviews = selectors.organisation_reviews_for_staff(
        organisation, awaiting_reply=show == "awaiting"
    )
    page = Paginator(reviews, 20).get_page(request.GET.get("page"))
    counts = {
        "awaiting": selectors.organisation_reviews_for_staff(
            organisation, awaiting_reply=True
        ).count(),
        "all": selectors.organisation_reviews_for_staff(organisation, awaiting_reply=False).count(),
    }
    filters = [
        {"key": key, "label": label, "count": counts[key], "current": key == show}
        for key, label in REVIEW_FILTERS.items()
    ]
    return render(
        request,
        "ratings/organisation_reviews.html",
        {"organisation": organisation, "page_obj": page, "filters": filters, "show": show},
    )


urlpatterns = [
    path("reviews/mine/", my_reviews, name="my_reviews"),
    path("services/<slug:slug>/reviews/write/", review_create, name="review_create"),
    path("reviews/<int:pk>/", review_detail, name="review"),
    path("reviews/<int:pk>/edit/", review_edit, name="review_edit"),
    path("reviews/<int:pk>/withdraw/", review_withdraw, name="review_withdraw"),
    path("reviews/<int:pk>/report/", review_report, name="review_report"),
    path("reviews/<int:pk>/reply/", review_reply, name="review_reply"),
    path(
        "provider/organisations/<slug:slug>/reviews/",
        organisation_reviews,
        name="organisation_reviews",
    ),
]
