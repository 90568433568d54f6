"""What the plans views share: loading what they act on with its permission check, and safe
redirects back to where a form came from."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Enquiry, SupportPlan
from ..permissions import (
    can_edit_plan,
    can_view_plan,
    is_enquiry_provider,
    is_enquiry_sender,
)


def posted(request):
    return request.POST if request.method == "POST" else None


def safe_next(request, default: str) -> str:
    """The `next` the form sent, if it is a path on this site; `default` otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise Http404("No such page.") from error


def enquiry_for_sender(request, value: str) -> Enquiry:
    """The enquiry, if the signed-in person sent it. Anyone else gets 404: that an enquiry
    exists is itself private."""
    enquiry = get_object_or_404(
        Enquiry.objects.select_related("service", "organisation"), uuid=_uuid(value)
    )
    if not is_enquiry_sender(request.user, enquiry):
        raise Http404("No such enquiry.")
    return enquiry


def enquiry_for_provider(request, value: str) -> Enquiry:
    """The enquiry, if the signed-in person is staff of the organisation it went to."""
    enquiry = get_object_or_404(
        Enquiry.objects.select_related("service", "organisation"), uuid=_uuid(value)
    )
    if not is_enquiry_provider(request.user, enquiry):
        raise Http404("No such enquiry.")
    return enquiry


def plan_for_viewer(request, value: str) -> SupportPlan:
    """The plan, if it is the person's own or shared with them; 404 otherwise."""
    plan = get_object_or_404(
        SupportPlan.objects.select_related("owner", "agreed_by"), uuid=_uuid(value)
    )
    if not can_view_plan(request.user, plan):
        raise Http404("No such plan.")
    return plan


def plan_for_editor(request, value: str) -> SupportPlan:
    """The plan, if the person may change it: 404 if they may not see it, 403 if only see it."""
    plan = plan_for_viewer(request, value)
    if not can_edit_plan(request.user, plan):
        raise PermissionDenied
    return plan
