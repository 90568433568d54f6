"""Raising a safeguarding concern from an enquiry (its provider's staff) or from a support plan
(a practitioner it is shared with). The form and the rules are the safeguarding app's; these
views only check who may raise it here and say who it is about. The person who enquired or
whose plan it is is not told."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.views.decorators.http import require_http_methods

from safeguarding.models import Concern
from safeguarding.views import concern_page

from ..permissions import can_agree_plan
from .common import enquiry_for_provider, plan_for_viewer


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def provider_enquiry_concern(request, uuid):
    enquiry = enquiry_for_provider(request, uuid)
    return concern_page(
        request,
        source=Concern.Source.ENQUIRY,
        place=(
            f"{enquiry.sender_name}, who enquired about {enquiry.service.name} "
            f"({enquiry.organisation.name}) on {enquiry.created_at:%d %B %Y}"
        ),
        back_url=enquiry.get_provider_url(),
        back_text="Back to the enquiry",
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_concern(request, uuid):
    plan = plan_for_viewer(request, uuid)
    # A practitioner the plan is shared with (never its owner): whoever may agree it.
    if not can_agree_plan(request.user, plan):
        raise PermissionDenied
    return concern_page(
        request,
        source=Concern.Source.PLAN,
        place=f"{plan.person_name}, whose support plan was shared with a practitioner",
        back_url=plan.get_absolute_url(),
        back_text="Back to the plan",
    )
