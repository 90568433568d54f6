"""Provider self-service for organisations and people.

Anyone signed in may register a new organisation or ask to manage (claim) one the council
loaded from CQC data. Owners and editors keep the organisation's details up to date; every
member sees who else manages it; only owners invite, remove and hand over ownership; anyone may
leave. Objects are loaded through catalogue.views.common (the one permission check) and every
write goes to catalogue.services, whose refusals are shown in the error summary.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from catalogue import services
from catalogue.forms_organisations import (
    ClaimForm,
    ConfirmForm,
    InvitationForm,
    OrganisationForm,
)
from catalogue.models import Claim, Invitation, Organisation, Service
from catalogue.permissions import can_manage_people
from catalogue.views.common import organisation_for_owner, organisation_for_staff
from core.email import address_hint
from core.forms import add_service_errors

CLAIM_RESULTS_PER_PAGE = 20
MAX_QUERY_LENGTH = 100
CLAIMABLE = (Organisation.Status.ACTIVE, Organisation.Status.PENDING)

TEMPLATES = "catalogue/provider/"


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- register and claim ----------------------------------------------------------------------


@login_required
def organisation_register(request):
    form = OrganisationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_register(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("catalogue:organisation_registered", slug=organisation.slug)
    return render(request, TEMPLATES + "register.html", {"form": form})


@login_required
def organisation_registered(request, slug):
    organisation = organisation_for_staff(request, slug)
    return render(request, TEMPLATES + "register_done.html", {"organisation": organisation})


@login_required
def claim_search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]
    results = Organisation.objects.none()
    if query:
        first_town = (
            Service.objects.filter(organisation=OuterRef("pk"))
            .exclude(town="")
            .order_by("town")
            .values("town")[:1]
        )
        results = (
            Organisation.objects.unclaimed()
            .filter(status__in=CLAIMABLE)
            .filter(Q(name__icontains=query) | Q(cqc_provider_id__iexact=query))
            .annotate(service_count=Count("services", distinct=True), town=Subquery(first_town))
            .order_by("name", "pk")
        )
    page = Paginator(results, CLAIM_RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    already_asked = set(
        Claim.objects.filter(
            user=request.user,
            status=Claim.Status.PENDING,
            organisation__in=[organisation.pk for organisation in page.object_list],
        ).values_list("organisation_id", flat=True)
    )
    return render(
        request,
        TEMPLATES + "claim_search.html",
        {
            "query": query,
            "page_obj": page,
            "results": page.object_list,
            "already_asked": already_asked,
        },
    )


@login_required
def claim_create(request, slug):
    organisation = get_object_or_404(Organisation.objects.filter(status__in=CLAIMABLE), slug=slug)
    form = ClaimForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_create(user=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("catalogue:claim_sent", slug=organisation.slug)
    return render(
        request,
        TEMPLATES + "claim.html",
        {
            "organisation": organisation,
            "form": form,
            "managed": organisation.memberships.exists(),
        },
    )


@login_required
def claim_sent(request, slug):
    claim = (
        Claim.objects.select_related("organisation")
        .filter(organisation__slug=slug, user=request.user)
        .order_by("-created_at")
        .first()
    )
    if claim is None:
        raise Http404
    return render(request, TEMPLATES + "claim_sent.html", {"claim": claim})


# --- the organisation's details --------------------------------------------------------------


@login_required
def organisation_edit(request, slug):
    organisation = organisation_for_staff(request, slug)
    form = OrganisationForm(
        _posted(request),
        organisation=organisation,
        initial=OrganisationForm.initial_from(organisation),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                user=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            organisation.refresh_from_db()
        else:
            messages.success(request, "The organisation's details have been saved.")
            return redirect("catalogue:organisation_edit", slug=organisation.slug)
    return render(
        request,
        TEMPLATES + "organisation_edit.html",
        {
            "organisation": organisation,
            "form": form,
            "is_owner": can_manage_people(request.user, organisation),
        },
    )


# --- people ----------------------------------------------------------------------------------


@login_required
def people(request, slug):
    organisation = organisation_for_staff(request, slug)
    members = organisation.memberships.select_related("user").order_by("-role", "user__email")
    invitations = organisation.invitations.filter(
        accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")
    return render(
        request,
        TEMPLATES + "people.html",
        {
            "organisation": organisation,
            "members": members,
            "invitations": invitations,
            "is_owner": can_manage_people(request.user, organisation),
        },
    )


@login_required
def invitation_create(request, slug):
    organisation = organisation_for_owner(request, slug)
    form = InvitationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                user=request.user, organisation=organisation, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"We have sent an invitation to {invitation.email}.")
            return redirect("catalogue:people", slug=organisation.slug)
    return render(
        request, TEMPLATES + "people_invite.html", {"organisation": organisation, "form": form}
    )


@login_required
@require_POST
def invitation_cancel(request, slug, pk):
    organisation = organisation_for_owner(request, slug)
    invitation = get_object_or_404(
        organisation.invitations.filter(accepted_at__isnull=True, cancelled_at__isnull=True),
        pk=pk,
    )
    services.invitation_cancel(user=request.user, invitation=invitation)
    messages.success(request, f"The invitation to {invitation.email} has been cancelled.")
    return redirect("catalogue:people", slug=organisation.slug)


def _confirm(request, write) -> tuple[ConfirmForm, bool]:
    """Run `write` on POST; a service refusal lands in the form's error summary."""
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            write()
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return form, True
    return form, False


@login_required
def membership_remove(request, slug, pk):
    organisation = organisation_for_owner(request, slug)
    membership = get_object_or_404(organisation.memberships.select_related("user"), pk=pk)
    if membership.user_id == request.user.pk:
        return redirect("catalogue:membership_leave", slug=organisation.slug)
    form, done = _confirm(
        request,
        lambda: services.membership_remove(user=request.user, membership=membership),
    )
    if done:
        messages.success(
            request, f"{membership.user} no longer manages {organisation.name} on this site."
        )
        return redirect("catalogue:people", slug=organisation.slug)
    return render(
        request,
        TEMPLATES + "people_remove.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
def ownership_transfer(request, slug, pk):
    organisation = organisation_for_owner(request, slug)
    membership = get_object_or_404(organisation.memberships.select_related("user"), pk=pk)
    form, done = _confirm(
        request,
        lambda: services.ownership_transfer(
            user=request.user, organisation=organisation, to=membership
        ),
    )
    if done:
        messages.success(
            request, f"{membership.user} is now an owner of {organisation.name}. You are an editor."
        )
        return redirect("catalogue:people", slug=organisation.slug)
    return render(
        request,
        TEMPLATES + "people_make_owner.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@login_required
def membership_leave(request, slug):
    organisation = organisation_for_staff(request, slug)
    membership = get_object_or_404(organisation.memberships, user=request.user)
    form, done = _confirm(
        request,
        lambda: services.membership_remove(user=request.user, membership=membership),
    )
    if done:
        messages.success(request, f"You no longer manage {organisation.name}.")
        return redirect("catalogue:dashboard")
    return render(
        request,
        TEMPLATES + "people_leave.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


# --- accepting an invitation -----------------------------------------------------------------


def _invitation(token: str) -> Invitation | None:
    try:
        token_uuid = uuid.UUID(token)
    except ValueError:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(token=token_uuid)
        .first()
    )


@login_required
def invitation_accept(request, token):
    """The page behind the e-mailed link (Invitation.accept_path). Anonymous visitors sign in or
    create an account first and come back here."""
    invitation = _invitation(token)
    if invitation is None:
        return render(request, TEMPLATES + "invitation_invalid.html", status=404)
    form = ConfirmForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(user=request.user, token=invitation.token)
        except ValidationError as error:
            add_service_errors(form, error)
            invitation.refresh_from_db()
        else:
            organisation = invitation.organisation
            messages.success(request, f"You now help manage {organisation.name}.")
            return redirect("catalogue:organisation_edit", slug=organisation.slug)
    return render(
        request,
        TEMPLATES + "invitation_accept.html",
        {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "form": form,
            "is_member": invitation.organisation.memberships.filter(user=request.user).exists(),
            "address_matches": request.user.email.lower() == invitation.email.lower(),
            # Not the address: whoever holds a forwarded link sees only a hint of it.
            "address_hint": address_hint(invitation.email),
        },
    )


urlpatterns = [
    path("provider/register/", organisation_register, name="organisation_register"),
    path("provider/claim/", claim_search, name="claim_search"),
    path("provider/claim/<slug:slug>/", claim_create, name="claim_create"),
    path("provider/claim/<slug:slug>/sent/", claim_sent, name="claim_sent"),
    path("provider/organisations/<slug:slug>/", organisation_edit, name="organisation_edit"),
    path(
        "provider/organisations/<slug:slug>/registered/",
        organisation_registered,
        name="organisation_registered",
    ),
    path("provider/organisations/<slug:slug>/people/", people, name="people"),
    path(
        "provider/organisations/<slug:slug>/people/invite/",
        invitation_create,
        name="invitation_create",
    ),
    path(
        "provider/organisations/<slug:slug>/people/<int:pk>/remove/",
        membership_remove,
        name="membership_remove",
    ),
    path(
        "provider/organisations/<slug:slug>/people/<int:pk>/make-owner/",
        ownership_transfer,
        name="ownership_transfer",
    ),
    path("provider/organisations/<slug:slug>/leave/", membership_leave, name="membership_leave"),
    path(
        "provider/organisations/<slug:slug>/invitations/<int:pk>/cancel/",
        invitation_cancel,
        name="invitation_cancel",
    ),
    path("provider/invitations/<str:token>/", invitation_accept, name="invitation_accept"),
]
