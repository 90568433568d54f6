"""The review moderation screens in the Wagtail admin: the queue, one review with its history,
and the decisions (approve, reject with a reason, dismiss reports; the same for replies).

Only moderators (the Moderators group) and superusers get in; every decision calls a service
(ratings/services.py), which checks the permission and the transition again. A refused
transition comes back as an admin error message, never a 500.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.forms.utils import ErrorList
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from catalogue.admin_views import is_moderator_cached

from . import selectors, services
from .forms import RejectForm
from .models import RejectionReason, Review, ReviewReply, ReviewReport

PER_PAGE = 25


class ModeratorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if not is_moderator_cached(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def queue_url() -> str:
    return reverse("ratings_queue")


def review_url(review: Review) -> str:
    return reverse("ratings_review", args=[review.pk])


class ReviewQueueView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """Pending reviews, reported reviews (hidden ones first) and pending replies; or, with
    ?status=..., every review in that state, with a search."""

    template_name = "ratings/admin/queue.html"
    page_title = "Reviews"
    header_icon = "openquote"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        queue = selectors.moderation_queue()
        page = self.request.GET.get
        status = page("status", "")
        query = page("q", "").strip()
        browse = None
        if status in Review.Status.values or query:
            reviews = Review.objects.select_related("service__organisation").order_by(
                "-written_at", "-pk"
            )
            if status in Review.Status.values:
                reviews = reviews.filter(status=status)
            if query:
                reviews = reviews.filter(
                    Q(title__icontains=query)
                    | Q(text__icontains=query)
                    | Q(service__name__icontains=query)
                )
            browse = Paginator(reviews, PER_PAGE).get_page(page("page"))
        context.update(
            pending=Paginator(queue["pending"], PER_PAGE).get_page(page("pending")),
            reported=Paginator(queue["reported"], PER_PAGE).get_page(page("reported")),
            replies=Paginator(queue["replies"], PER_PAGE).get_page(page("replies")),
            browse=browse,
            statuses=Review.Status.choices,
            status=status,
            query=query,
        )
        return context


class ReviewInspectView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, TemplateView):
    """One review: what it says, who wrote it, its reports, the reply and its history."""

    template_name = "ratings/admin/review.html"
    header_icon = "openquote"

    @cached_property
    def review(self) -> Review:
        return get_object_or_404(
            Review.objects.select_related("service__organisation", "author"), pk=self.kwargs["pk"]
        )

    def get_page_title(self):
        return f"Review: {self.review.title}"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": queue_url(), "label": "Reviews"},
            {"url": "", "label": self.review.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        review = self.review
        context.update(
            review=review,
            reply=ReviewReply.objects.filter(review=review).select_related("author").first(),
            reports=review.reports.select_related("reporter").order_by("-created_at"),
            open_reports=review.reports.filter(status=ReviewReport.Status.OPEN).count(),
            events=review.events.select_related("user").order_by("-created_at", "-pk"),
            can_approve=review.status == Review.Status.PENDING,
            can_reject=review.status in (Review.Status.PENDING, Review.Status.PUBLISHED),
        )
        return context


class DecisionView(ModeratorOnlyMixin, View):
    """A one-click decision (POST only) through a service; back to where the moderator was."""

    http_method_names = ["post"]
    success_message = ""

    def perform(self, pk: int) -> Review:
        raise NotImplementedError

    def post(self, request, pk: int):
        try:
            review = self.perform(pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(request.POST.get("next") or queue_url())
        messages.success(request, self.success_message.format(review=review))
        return redirect(review_url(review))


class ReviewApproveView(DecisionView):
    success_message = "Review '{review.title}' approved and published."

    def perform(self, pk):
        review = get_object_or_404(Review.objects.select_related("service__organisation"), pk=pk)
        return services.review_approve(moderator=self.request.user, review=review)


class ReviewDismissReportsView(DecisionView):
    success_message = "Reports dismissed: review '{review.title}' stays published."

    def perform(self, pk):
        review = get_object_or_404(Review.objects.select_related("service"), pk=pk)
        return services.review_dismiss_reports(moderator=self.request.user, review=review)


class ReplyApproveView(DecisionView):
    success_message = "Reply to '{review.title}' approved and published."

    def perform(self, pk):
        reply = get_object_or_404(ReviewReply.objects.select_related("review__service"), pk=pk)
        services.reply_approve(moderator=self.request.user, reply=reply)
        return reply.review


class RejectView(ModeratorOnlyMixin, WagtailAdminTemplateMixin, FormView):
    """Reject a review or a reply with a reason from the list (e-mailed to its author)."""

    template_name = "ratings/admin/reject.html"
    form_class = RejectForm
    header_icon = "openquote"
    what = "review"

    def get_object(self):
        raise NotImplementedError

    @cached_property
    def object(self):
        return self.get_object()

    @cached_property
    def review(self) -> Review:
        return self.object if isinstance(self.object, Review) else self.object.review

    def get_page_title(self):
        return f"Reject {self.what}"

    def get_page_subtitle(self):
        return self.review.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": queue_url(), "label": "Reviews"},
            {"url": review_url(self.review), "label": self.review.title},
            {"url": "", "label": f"Reject {self.what}"},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            review=self.review,
            object=self.object,
            what=self.what,
            cancel_url=review_url(self.review),
        )
        return context

    def reject(self, reason: str, note: str) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.reject(form.cleaned_data["reason"], form.cleaned_data["note"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, ErrorList(errors))
                return self.form_invalid(form)
            messages.error(self.request, " ".join(error.messages))
            return redirect(review_url(self.review))
        done = f"The {self.what} was rejected and its author has been e-mailed."
        if form.cleaned_data["reason"] == RejectionReason.SAFEGUARDING:
            done += " Its text has been sent to the safeguarding team as a concern."
        messages.success(self.request, done)
        return redirect(review_url(self.review))


class ReviewRejectView(RejectView):
    what = "review"

    def get_object(self):
        return get_object_or_404(
            Review.objects.select_related("service__organisation", "author"), pk=self.kwargs["pk"]
        )

    def reject(self, reason, note):
        services.review_reject(
            moderator=self.request.user, review=self.object, reason=reason, note=note
        )


class ReplyRejectView(RejectView):
    what = "reply"

    def get_object(self):
        return get_object_or_404(
            ReviewReply.objects.select_related("review__service__organisation", "author"),
            pk=self.kwargs["pk"],
        )

    def reject(self, reason, note):
        services.reply_reject(
            moderator=self.request.user, reply=self.object, reason=reason, note=note
        )


class ReviewModerationPanel(Component):
    """What waits in the review queue, on the admin dashboard, for moderators."""

    name = "ratings_moderation"
    template_name = "ratings/admin/panel.html"
    order = 160

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        counts = selectors.moderation_counts()
        url = queue_url()
        return {
            "rows": [
                ("Reviews waiting for moderation", counts["pending"], f"{url}#pending-title"),
                ("Reported reviews", counts["reported"], f"{url}#reported-title"),
                ("Provider replies waiting", counts["replies"], f"{url}#replies-title"),
            ]
        }
