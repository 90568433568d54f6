"""Reviews of agreed plans: asking for an early review, recording a review, and the
commissioners' review figures."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import add_service_errors
from core.roles import Role, has_role

from .. import selectors, services
from ..forms import ReviewRecordForm, ReviewRequestForm
from ..models import PlanReview, SupportPlan
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
    form = ReviewRecordForm(
        posted(request),
        outcomes=outcomes,
        reassessments=selectors.reassessments_for(review, user=request.user),
        figure_of=(services.carer_element if plan.plan_for == SupportPlan.PlanFor.CARER else None),
    )
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
                reassessment=form.reassessment(),
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


FIGURE_COLUMNS = [
    "Client group",
    "Month",
    "Estimates",
    "Assessments",
    "Plans submitted",
    "Plans agreed",
    "Conversion (%)",
    "Average agreed budget a week",
    "Average agreed budget a year",
    "At or under the estimate (%)",
    "Within tolerance (%)",
    "Average change from the cost before the RAS a week",
]


def _figure_cells(row) -> list:
    def blank(value):
        return "" if value is None else value

    return [
        row.client_group,
        row.month.strftime("%Y-%m") if row.month else "All months",
        row.estimates,
        row.assessments,
        row.submitted,
        row.agreed,
        blank(row.conversion),
        blank(row.average_weekly),
        blank(row.average_annual),
        blank(row.at_or_under_percent),
        blank(row.within_percent),
        blank(row.change_from_before),
    ]


@login_required
@require_http_methods(["GET", "HEAD"])
def budget_figures(request):
    """Commissioners' figures from the product's own budgets and decisions, per client group
    and month, on a page and as CSV (?format=csv)."""
    if not has_role(request.user, Role.COMMISSIONER):
        raise PermissionDenied
    figures = selectors.commissioner_figures()
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="budget-figures.csv"'
        writer = csv.writer(response)
        writer.writerow(FIGURE_COLUMNS)
        for row in [*figures.rows, figures.total]:
            writer.writerow(_figure_cells(row))
        return response
    return render(request, TEMPLATES + "budget_figures.html", {"figures": figures})
