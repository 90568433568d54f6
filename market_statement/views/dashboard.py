"""The commissioner dashboard: every metric at once, for all categories and localities (or
the ones chosen), to find what the statement should say. Commissioners only."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse

from .. import metrics
from ..blocks import DataView
from ..forms import DashboardFilterForm
from ..permissions import is_commissioner
from .statement import csv_response

DEFAULT_TREND_CATEGORY = "home-care"
DASHBOARD_METRICS = [
    "providers_services",
    "care_homes",
    "openings_closures",
    "price_summary",
    "price_trend",
    "cqc_ratings",
    "review_scores",
    "gaps",
    "low_result_searches",
    "marketplace_activity",
    "ras_rate",
    "plan_reviews",
]


def _require_commissioner(request) -> None:
    if not is_commissioner(request.user):
        raise PermissionDenied


def _options_for(key: str, options: metrics.Options) -> metrics.Options:
    """Trends and gaps need one category: the chosen one, else home care."""
    if key in {"price_trend", "gaps"} and not options.category:
        return replace(options, category=DEFAULT_TREND_CATEGORY)
    return options


@login_required
def dashboard(request):
    _require_commissioner(request)
    form = DashboardFilterForm(request.GET or None)
    options = form.options()
    query = urlencode({k: v for k, v in request.GET.items() if k in form.fields})
    panels = []
    for key in DASHBOARD_METRICS:
        chosen = _options_for(key, options)
        figures = metrics.figures_for(key, chosen)
        url = reverse("market_statement:dashboard_csv", kwargs={"metric": key})
        panels.append(
            {
                "id": f"dashboard-{key}",
                "data": DataView(
                    figures=figures, mode="live", csv_url=f"{url}?{query}" if query else url
                ),
            }
        )
    return render(
        request,
        "market_statement/dashboard.html",
        {
            "form": form,
            "panels": panels,
            "matrix": metrics.coverage_matrix(options.distance_km),
        },
    )


@login_required
def dashboard_csv(request, metric: str):
    _require_commissioner(request)
    if metric not in metrics.METRICS:
        raise Http404("No such figures.")
    form = DashboardFilterForm(request.GET or None)
    figures = metrics.figures_for(metric, _options_for(metric, form.options()))
    return csv_response(figures, f"market-{metric}")


urlpatterns = [
    path("commissioning/dashboard/", dashboard, name="dashboard"),
    path("commissioning/dashboard/<slug:metric>.csv", dashboard_csv, name="dashboard_csv"),
]
