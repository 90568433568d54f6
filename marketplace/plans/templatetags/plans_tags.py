"""Template pieces the plans app lends to other pages: the provider dashboard's enquiry counts
and usage figures, and the "your account" sections."""

from decimal import Decimal

from django import template

from .. import selectors
from ..models import Enquiry, ShortlistItem, SupportPlan
from ..permissions import sees_tolerance_band

register = template.Library()


@register.simple_tag(takes_context=True)
def tolerance_band_shown(context) -> bool:
    """Whether the page's reader sees the no-panel band (permissions.sees_tolerance_band)."""
    request = context.get("request")
    return sees_tolerance_band(getattr(request, "user", None))


USAGE_WEEKS = 8


@register.filter
def absolute(value):
    """-12.50 -> 12.50 (for "over the budget by £12.50")."""
    if value is None or value == "":
        return ""
    return abs(Decimal(value))


@register.filter
def reply_time(hours) -> str:
    """A time to reply as people say it: 0.2 -> 'less than an hour', 1.4 -> '1 hour',
    30 -> '30 hours', 80 -> '3 days' (issue 20: the inbox said '0.0 hours')."""
    if hours is None:
        return ""
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        whole = round(hours)
        return f"{whole} hour{'' if whole == 1 else 's'}"
    days = round(hours / 24)
    return f"{days} days"


@register.filter
def percent(value):
    """0.1207 -> "12.07%" (rates are stored as fractions)."""
    if value is None or value == "":
        return ""
    return f"{(Decimal(str(value)) * 100).normalize():f}%"


def _dashboard_figures(context) -> dict:
    """Inbox counts and usage of every organisation on the dashboard, worked out once per page
    (two queries however many organisations and listings it shows)."""
    request = context.get("request")
    cached = getattr(request, "_plans_dashboard_figures", None)
    if cached is not None:
        return cached
    organisations = list(context.get("organisations") or [])
    listings = {
        organisation.pk: [
            row.service
            for row in getattr(organisation, "rows", [])
            if row.service.status != "archived"
        ]
        for organisation in organisations
    }
    figures = {
        "counts": selectors.inbox_counts_by_organisation(
            organisations, user=getattr(request, "user", None)
        ),
        "usage": selectors.listings_usage(listings, weeks=USAGE_WEEKS),
    }
    if request is not None:
        request._plans_dashboard_figures = figures
    return figures


@register.inclusion_tag("plans/provider/_dashboard_enquiries.html", takes_context=True)
def organisation_enquiries(context, organisation):
    """The dashboard's link to the inbox, with the organisation's new and open enquiries."""
    counts = _dashboard_figures(context)["counts"].get(organisation.pk, {"new": 0, "open": 0})
    return {"organisation": organisation, "counts": counts}


@register.inclusion_tag("plans/provider/_usage.html", takes_context=True)
def organisation_usage(context, organisation):
    """Views, shortlists and enquiries of each listing by week, for the dashboard."""
    rows = _dashboard_figures(context)["usage"].get(organisation.pk, [])
    return {
        "organisation": organisation,
        "rows": rows,
        "mondays": [cell[0] for cell in rows[0].weeks] if rows else [],
    }


@register.inclusion_tag("plans/_account_sections.html", takes_context=True)
def account_sections(context):
    """Shortlist, enquiries, plans and reviews on the "your account" page."""
    user = context["request"].user
    return {
        "request": context["request"],
        "shortlist_count": ShortlistItem.objects.filter(shortlist__user=user).count(),
        "enquiry_count": Enquiry.objects.sent_by(user).count(),
        "replied_count": Enquiry.objects.sent_by(user)
        .filter(status=Enquiry.Status.REPLIED)
        .count(),
        "plan_count": SupportPlan.objects.visible_to(user).count(),
    }
