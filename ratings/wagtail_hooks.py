"""Review moderation in the Wagtail admin: its URLs and its item in the Moderation menu.

The screens are plain admin views (ratings/admin_views.py) rather than a model viewset:
reviews change only through the moderation decisions, never through an edit form.
"""

from django.urls import path, reverse

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem

from catalogue.admin_views import is_moderator_cached

from . import admin_views, selectors


class ReviewQueueMenuItem(MenuItem):
    """'Reviews (N)' in the Moderation menu: N is what waits (pending, reported, replies)."""

    def is_shown(self, request):
        return is_moderator_cached(request.user)

    def render_component(self, request):
        counts = getattr(request, "_ratings_queue_counts", None)
        if counts is None:
            counts = request._ratings_queue_counts = selectors.moderation_counts()
        return LinkMenuItem(
            self.name,
            f"{self.label} ({sum(counts.values())})",
            self.url,
            icon_name=self.icon_name,
            classname=self.classname,
            attrs=self.attrs,
        )


@hooks.register("register_moderation_menu_item")
def register_review_queue_menu_item():
    return ReviewQueueMenuItem(
        "Reviews", reverse("ratings_queue"), name="moderation-reviews", order=50
    )


@hooks.register("register_admin_urls")
def register_ratings_admin_urls():
    return [
        path("ratings/", admin_views.ReviewQueueView.as_view(), name="ratings_queue"),
        path(
            "ratings/reviews/<int:pk>/",
            admin_views.ReviewInspectView.as_view(),
            name="ratings_review",
        ),
        path(
            "ratings/reviews/<int:pk>/approve/",
            admin_views.ReviewApproveView.as_view(),
            name="ratings_review_approve",
        ),
        path(
            "ratings/reviews/<int:pk>/reject/",
            admin_views.ReviewRejectView.as_view(),
            name="ratings_review_reject",
        ),
        path(
            "ratings/reviews/<int:pk>/dismiss-reports/",
            admin_views.ReviewDismissReportsView.as_view(),
            name="ratings_review_dismiss_reports",
        ),
        path(
            "ratings/replies/<int:pk>/approve/",
            admin_views.ReplyApproveView.as_view(),
            name="ratings_reply_approve",
        ),
        path(
            "ratings/replies/<int:pk>/reject/",
            admin_views.ReplyRejectView.as_view(),
            name="ratings_reply_reject",
        ),
    ]


@hooks.register("construct_homepage_panels")
def add_review_moderation_panel(request, panels):
    if is_moderator_cached(request.user):
        panels.append(admin_views.ReviewModerationPanel(request))
