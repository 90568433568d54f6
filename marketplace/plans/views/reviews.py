"""Reviews of agreed plans: asking for an early review, recording a review, and the
commissioners' review figures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.roles import Role, has_role

from .. import selectors, services
from ..forms import ReviewRecordForm, ReviewRequestForm
from ..models import PlanReview
from ..permissions import can_agree_plan, can_edit_plan
from .common import plan_for_viewer, posted

TEMPLATES = "plans/"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_request(request, uuid):
    plan = plan_for_viewer(request, uuid)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    form = ReviewRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_request_review(user=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "You have asked for an early review. The practitioner has been told."
            )
            return redirect(plan.get_absolute_url())
    return render(request, TEMPLATES + "review_request.html", {"plan": plan, "form": form})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_record(request, uuid, review_id: int):
    plan = plan_for_viewer(request, uuid)
    if not can_agree_plan(request.user, plan):
        raise PermissionDenied
    review = get_object_or_404(PlanReview.objects.select_related("plan"), plan=plan, pk=review_id)
    if review.status != PlanReview.Status.PENDING:
        raise Http404("This review has been recorded.")
    outcomes = list(plan.outcome_items.all())
    form = ReviewRecordForm(posted(request), outcomes=outcomes)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_record_review(
                user=request.user,
                review=review,
                progress=form.progress(),
                changes=form.cleaned_data["changes"],
                cost_in_period=form.cleaned_data["cost_in_period"],
                person_view=form.cleaned_data["person_view"],
                decision=form.cleaned_data["decision"],
                new_estimate=form.cleaned_data["new_estimate"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The review has been recorded.")
            return redirect(plan.get_absolute_url())
    return render(
        request,
        TEMPLATES + "review_record.html",
        {"plan": plan, "review": review, "form": form},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def review_figures(request):
    if not has_role(request.user, Role.COMMISSIONER):
        raise PermissionDenied
    figures = selectors.review_figures()
    shares = [
        ("Outcomes achieved at review: people", figures.achieved_people, "people"),
        ("Outcomes achieved at review: carers", figures.achieved_carers, "carers"),
        ("Early reviews within the new estimate", figures.within_new_estimate, "estimate"),
    ]
    return render(
        request, TEMPLATES + "review_figures.html", {"figures": figures, "shares": shares}
    )
