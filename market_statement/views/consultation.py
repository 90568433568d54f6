"""Moderating the consultation: commissioners and moderators approve or decline comments;
commissioners reply. Anonymous visitors are sent to sign in; anyone else gets the 403 page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors

from .. import services
from ..forms import ModerationForm, ReplyForm
from ..models import Comment
from ..permissions import can_moderate_comments, is_commissioner


def _require_moderator(request) -> None:
    if not can_moderate_comments(request.user):
        raise PermissionDenied


@login_required
def queue(request):
    """Comments waiting for moderation, and published ones still without a reply."""
    _require_moderator(request)
    comments = Comment.objects.select_related("page")
    return render(
        request,
        "market_statement/consultation_queue.html",
        {
            "pending": comments.pending(),
            "unanswered": comments.approved().filter(reply=""),
            "answered": comments.approved().exclude(reply="").order_by("-replied_at")[:20],
            "may_reply": is_commissioner(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def moderate(request, pk: int):
    _require_moderator(request)
    comment = get_object_or_404(Comment.objects.select_related("page"), pk=pk)
    if comment.status != Comment.Status.PENDING:
        messages.info(request, "That comment has already been moderated.")
        return redirect("market_statement:consultation")
    form = ModerationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_moderate(
                moderator=request.user,
                comment=comment,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "The comment is published."
                if comment.status == Comment.Status.APPROVED
                else "The comment is not published; its author is told why.",
            )
            return redirect("market_statement:consultation")
    return render(
        request, "market_statement/comment_moderate.html", {"comment": comment, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply(request, pk: int):
    if not is_commissioner(request.user):
        raise PermissionDenied
    comment = get_object_or_404(Comment.objects.select_related("page").approved(), pk=pk)
    form = ReplyForm(request.POST or None, initial={"text": comment.reply})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_reply(
                commissioner=request.user, comment=comment, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your reply is published under the comment.")
            return redirect("market_statement:consultation")
    return render(
        request, "market_statement/comment_reply.html", {"comment": comment, "form": form}
    )


urlpatterns = [
    path("market-statement/consultation/", queue, name="consultation"),
    path("market-statement/consultation/<int:pk>/moderate/", moderate, name="comment_moderate"),
    path("market-statement/consultation/<int:pk>/reply/", reply, name="comment_reply"),
]
