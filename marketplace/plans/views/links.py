"""A carer's own plan linked with the plan of the person they care for: asking, confirming (or
declining), unlinking, and the two plans side by side. Nobody sees the other plan before both
have confirmed."""

from __future__ import annotations

import uuid as uuid_lib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import add_service_errors

from .. import selectors, services
from ..forms import LinkConfirmForm, PlanLinkForm
from ..models import PlanLink
from ..permissions import plan_access
from .common import plan_for_viewer, posted

TEMPLATES = "plans/"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def plan_link(request, uuid):
    plan = plan_for_viewer(request, uuid)
    if plan_access(request.user, plan) != "owner":
        raise PermissionDenied
    form = PlanLinkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            link = services.plan_link_ask(
                user=request.user, plan=plan, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"We have emailed {link.email}. The plans are linked once they confirm.",
            )
            return redirect(plan.get_absolute_url())
    return render(
        request,
        TEMPLATES + "plan_link.html",
        {"plan": plan, "form": form, "links": selectors.links_of(plan)},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def link_accept(request, token):
    try:
        key = uuid_lib.UUID(str(token))
    except ValueError as error:
        raise Http404 from error
    link = PlanLink.objects.select_related("from_plan", "invited_by").filter(token=key).first()
    if link is None:
        return render(request, TEMPLATES + "link_invalid.html", {"reason": ""}, status=404)
    try:
        services.plan_link_check(user=request.user, link=link)
    except ValidationError as error:
        return render(
            request,
            TEMPLATES + "link_invalid.html",
            {"reason": " ".join(error.messages)},
            status=403,
        )
    plans = services.plans_to_link(user=request.user, link=link)
    if request.method == "POST" and "decline" in request.POST:
        services.plan_unlink(user=request.user, link=link)
        messages.success(request, "You have said no. The plans are not linked.")
        return redirect("plans:plans")
    # Opening the link only asks: a mail scanner fetching it must not confirm for the person.
    form = LinkConfirmForm(posted(request), plans=plans)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.plan_link_confirm(
                user=request.user, link=link, plan=form.cleaned_data["plan"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The plans are linked. You can see them side by side.")
            assert link.to_plan is not None
            return redirect("plans:plan_linked", uuid=link.to_plan.uuid, link_id=link.pk)
    return render(
        request,
        TEMPLATES + "link_accept.html",
        {
            "link": link,
            "form": form,
            "has_plans": plans.exists(),
            "asker_is_carer": link.from_plan.plan_for == "carer",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def plan_linked(request, uuid, link_id: int):
    plan = plan_for_viewer(request, uuid)
    link = get_object_or_404(PlanLink.objects.select_related("from_plan", "to_plan"), pk=link_id)
    try:
        this, other = services.linked_plans_for(user=request.user, plan=plan, link=link)
    except PermissionDenied as error:
        raise Http404("These plans are not linked.") from error
    carer, cared_for = (this, other) if this.plan_for == "carer" else (other, this)
    return render(
        request,
        TEMPLATES + "plan_linked.html",
        {
            "plan": plan,
            "link": link,
            "sides": [
                selectors.plan_summary(cared_for),
                selectors.plan_summary(carer),
            ],
            "can_unlink": request.user.pk in (this.owner_id, other.owner_id),
        },
    )


@login_required
@require_POST
def plan_unlink(request, uuid, link_id: int):
    plan = plan_for_viewer(request, uuid)
    link = get_object_or_404(
        PlanLink.objects.select_related("from_plan", "to_plan").filter(
            pk=link_id, ended_at__isnull=True
        )
    )
    if plan.pk not in (link.from_plan_id, link.to_plan_id):
        raise Http404("No such link.")
    services.plan_unlink(user=request.user, link=link)
    messages.success(
        request,
        "The plans are no longer linked." if link.confirmed_at else "The request is cancelled.",
    )
    return redirect(plan.get_absolute_url())
