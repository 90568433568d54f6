"""Provider self-service for listings: the dashboard, the service form, prices, availability,
confirming, sending for publication, archiving and the change log.

Every view is for signed-in people (login_required sends others to sign in) and loads what it
acts on through catalogue/views/common.py, which refuses anyone who is not staff of the
organisation. Writes go through catalogue/services/; a ValidationError it raises is shown on
the form beside the field it is about, and nothing is saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from catalogue import rules, services
from catalogue.forms_services import AvailabilityForm, PriceForm, ServiceForm
from catalogue.models import (
    Category,
    Membership,
    Organisation,
    PriceRecord,
    Service,
    ServiceChange,
    Unit,
)
from catalogue.views.common import organisation_for_staff, service_for_staff
from core.forms import add_service_errors

HISTORY_PER_PAGE = 25

STATUS_TAGS = {
    Service.Status.DRAFT: "govuk-tag--grey",
    Service.Status.PENDING: "govuk-tag--yellow",
    Service.Status.PUBLISHED: "govuk-tag--green",
    Service.Status.REJECTED: "govuk-tag--red",
    Service.Status.SUSPENDED: "govuk-tag--red",
    Service.Status.ARCHIVED: "govuk-tag--grey",
}
SUBMITTABLE = (Service.Status.DRAFT, Service.Status.REJECTED, Service.Status.ARCHIVED)

# How the change log names fields (services.py records them by their code names).
FIELD_LABELS = {
    "name": "Name",
    "summary": "Summary",
    "description": "Description",
    "categories": "Kinds of service",
    "client_groups": "Who it is for",
    "funding_accepted": "How people can pay",
    "localities_served": "Areas served",
    "radius_km": "Distance served (km)",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "town": "Town",
    "postcode": "Postcode",
    "hide_exact_address": "Hide exact address",
    "contact_name": "Contact name",
    "email": "Email address",
    "phone": "Phone number",
    "website": "Website",
    "opening_times": "Opening times",
    "accessibility_features": "Accessibility",
    "languages": "Languages",
    "cqc_location_id": "CQC location ID",
    "beds": "Beds",
    "on_council_framework": "On the council's framework",
    "framework_note": "Framework or contract",
    "label": "Price name",
    "amount": "Price",
    "unit": "Unit",
    "conditions": "Conditions",
    "valid_from": "Valid from",
    "valid_to": "Valid until",
    "sort_order": "Order",
    "accepting_new_clients": "Accepting new clients",
    "vacancies": "Vacancies",
    "earliest_start": "Earliest start",
}


def _posted(request):
    """The submitted data, or None for a GET (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


# --- dashboard --------------------------------------------------------------------------------


@dataclass
class ServiceRow:
    """One line of the dashboard table: the service and what its staff should do next."""

    service: Service
    form: AvailabilityForm
    attention: list[str] = field(default_factory=list)
    can_submit: bool = False
    can_confirm: bool = False

    @property
    def tag(self) -> str:
        return STATUS_TAGS.get(self.service.status, "govuk-tag--grey")


def needs_attention(service: Service, *, now) -> list[str]:
    """What the provider should do about a listing, in plain words (most urgent first).

    Expects `service.price_count` (annotated)."""
    notes: list[str] = []
    status = service.status
    if status == Service.Status.DRAFT:
        if service.price_count:
            notes.append("Draft: send it for approval")
        else:
            notes.append("Draft: add a price and send it for approval")
    elif status == Service.Status.REJECTED:
        notes.append(f"Rejected: {service.status_reason or 'no reason given'}")
    elif status == Service.Status.SUSPENDED:
        notes.append(f"Suspended by the council: {service.status_reason or 'no reason given'}")
    elif status == Service.Status.PENDING and service.moderator_hold:
        notes.append(
            f"Waiting for the council to look again ({service.get_moderator_hold_display()}: "
            f"{service.status_reason or 'no reason given'})"
        )
    elif status == Service.Status.PENDING:
        notes.append("Waiting for the council to approve it")
    elif status == Service.Status.PUBLISHED:
        if service.last_confirmed_at < rules.stale_cutoff(now):
            notes.append("Stale: hidden from search until you confirm it")
        elif service.last_confirmed_at < rules.reminder_cutoff(now):
            notes.append(
                f"Not checked for {rules.REMIND_AFTER_MONTHS} months: confirm it is still correct"
            )
    if status != Service.Status.ARCHIVED and service.accepting_new_clients is None:
        notes.append("No availability given")
    return notes


@login_required
def dashboard(request):
    """The provider's home: their organisations and every listing with what needs attention."""
    user = request.user
    now = timezone.now()
    categories = Category.objects.select_related("parent")
    listings = (
        Service.objects.annotate(price_count=Count("price_options"))
        .prefetch_related(Prefetch("categories", queryset=categories))
        .order_by("name")
    )
    role = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("role")[:1]
    organisations = list(
        Organisation.objects.for_user(user)
        .annotate(my_role=Subquery(role))
        .prefetch_related(Prefetch("services", queryset=listings))
        .order_by("name")
    )
    for organisation in organisations:
        organisation.is_owner = organisation.my_role == Membership.Role.OWNER
        organisation.rows = [
            ServiceRow(
                service=service,
                form=AvailabilityForm(service=service),
                attention=needs_attention(service, now=now),
                can_submit=service.status in SUBMITTABLE and service.price_count > 0,
                can_confirm=service.status == Service.Status.PUBLISHED,
            )
            for service in organisation.services.all()
        ]
    return render(request, "catalogue/provider/dashboard.html", {"organisations": organisations})


# --- the service form -------------------------------------------------------------------------


@login_required
def service_create(request, slug: str):
    organisation = organisation_for_staff(request, slug)
    form = ServiceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(
                user=request.user, organisation=organisation, **form.service_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                f"{service.name} has been saved as a draft. Add at least one price, "
                "then send it for approval.",
            )
            return redirect("catalogue:service_prices", slug=service.slug)
    return render(
        request,
        "catalogue/provider/service_form.html",
        {"form": form, "organisation": organisation, "service": None},
    )


@login_required
def service_edit(request, slug: str):
    service = service_for_staff(request, slug)
    name = service.name
    form = ServiceForm(_posted(request), service=service)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_update(
                user=request.user, service=service, **form.service_fields()
            )
        except ValidationError as error:
            form.add_service_errors(error)
            service = service_for_staff(request, slug)  # forget what the failed save set
        else:
            shown = " and are shown to the public now" if _is_public(service) else ""
            messages.success(request, f"Your changes to {service.name} are saved{shown}.")
            return redirect("catalogue:dashboard")
    return render(
        request,
        "catalogue/provider/service_form.html",
        {
            "form": form,
            "organisation": service.organisation,
            "service": service,
            "heading_name": name,
        },
    )


def _is_public(service: Service) -> bool:
    return (
        service.status == Service.Status.PUBLISHED
        and service.organisation.status == Organisation.Status.ACTIVE
    )


# --- prices -----------------------------------------------------------------------------------


@login_required
def service_prices(request, slug: str):
    """The service's prices, the form to add one, and the price history."""
    service = service_for_staff(request, slug)
    form = PriceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            option = services.price_option_save(
                user=request.user, service=service, **form.price_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _price_saved(service, option.label))
            return redirect("catalogue:service_prices", slug=service.slug)
    history = (
        PriceRecord.objects.filter(service=service)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    page_obj = Paginator(history, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/provider/service_prices.html",
        {
            "service": service,
            "options": service.price_options.all(),
            "form": form,
            "page_obj": page_obj,
            "can_submit": service.status in SUBMITTABLE,
            "is_public": _is_public(service),
            "today": timezone.localdate(),
        },
    )


def _price_saved(service: Service, label: str) -> str:
    if _is_public(service):
        return f"The price {label} is saved and shown on your public page now."
    return f"The price {label} is saved."


@login_required
def price_edit(request, slug: str, uuid):
    service = service_for_staff(request, slug)
    option = get_object_or_404(service.price_options, uuid=uuid)
    label = option.label
    form = PriceForm(_posted(request), option=option)
    if request.method == "POST" and form.is_valid():
        try:
            services.price_option_save(
                user=request.user,
                service=service,
                option=option,
                seen=form.cleaned_data["seen"] or None,
                **form.price_fields(),
            )
        except services.PriceChangedMeanwhile as error:
            form.changed_meanwhile(error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _price_saved(service, form.cleaned_data["label"]))
            return redirect("catalogue:service_prices", slug=service.slug)
    return render(
        request,
        "catalogue/provider/price_form.html",
        {"service": service, "option": option, "label": label, "form": form},
    )


@login_required
def price_delete(request, slug: str, uuid):
    service = service_for_staff(request, slug)
    option = get_object_or_404(service.price_options, uuid=uuid)
    if request.method == "POST":
        services.price_option_delete(user=request.user, option=option)
        messages.success(request, f"The price {option.label} has been deleted.")
        return redirect("catalogue:service_prices", slug=service.slug)
    return render(
        request, "catalogue/provider/price_delete.html", {"service": service, "option": option}
    )


# --- availability, confirming, publishing, archiving ------------------------------------------


@login_required
def service_availability(request, slug: str):
    """The dashboard's inline form posts here; this page also shows the form on its own (and
    with its errors, when what was typed is wrong)."""
    service = service_for_staff(request, slug)
    form = AvailabilityForm(_posted(request), service=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_set_availability(
                user=request.user, service=service, **form.availability_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Availability for {service.name} is updated.")
            return redirect("catalogue:dashboard")
    return render(
        request, "catalogue/provider/availability.html", {"service": service, "form": form}
    )


@login_required
@require_POST
def service_confirm(request, slug: str):
    service = service_for_staff(request, slug)
    try:
        services.service_confirm(user=request.user, service=service)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Thank you. You confirmed {service.name} is still correct.")
    return redirect("catalogue:dashboard")


@login_required
@require_POST
def service_submit(request, slug: str):
    service = service_for_staff(request, slug)
    try:
        services.service_submit(user=request.user, service=service)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("catalogue:service_prices", slug=service.slug)
    if service.status == Service.Status.PUBLISHED:
        messages.success(request, f"{service.name} is published.")
    else:
        messages.success(
            request,
            f"{service.name} has been sent to the council for approval. "
            "We will email you when it is published.",
        )
    return redirect("catalogue:dashboard")


@login_required
def service_archive(request, slug: str):
    service = service_for_staff(request, slug)
    if request.method == "POST":
        services.service_archive(user=request.user, service=service)
        messages.success(request, f"{service.name} is archived. The public can no longer see it.")
        return redirect("catalogue:dashboard")
    return render(request, "catalogue/provider/service_confirm_archive.html", {"service": service})


# --- the change log ---------------------------------------------------------------------------


@dataclass
class ChangeRow:
    change: ServiceChange
    fields: list[tuple[str, str, str]]


def _plain(value: Any) -> str:
    """A logged value as a person reads it."""
    if value is None or value == "" or value == []:
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        if all(isinstance(item, dict) for item in value):
            return "; ".join(
                f"{item.get('day', '')} {item.get('opens', '')} to {item.get('closes', '')}"
                for item in value
            )
        return ", ".join(str(item) for item in value)
    if value in Unit.values:
        return Unit(value).label
    return str(value)


def change_rows(changes) -> list[ChangeRow]:
    rows = []
    for change in changes:
        fields = []
        for name, pair in (change.changes or {}).items():
            old, new = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
            fields.append((FIELD_LABELS.get(name, name), _plain(old), _plain(new)))
        rows.append(ChangeRow(change=change, fields=fields))
    return rows


@login_required
def service_history(request, slug: str):
    """Who changed what on the listing, and when (the same log moderators review)."""
    service = service_for_staff(request, slug)
    changes = ServiceChange.objects.filter(service=service).select_related("user")
    page_obj = Paginator(changes, HISTORY_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/provider/service_history.html",
        {"service": service, "page_obj": page_obj, "rows": change_rows(page_obj.object_list)},
    )


urlpatterns = [
    path("provider/", dashboard, name="dashboard"),
    path("provider/organisations/<slug:slug>/services/new/", service_create, name="service_create"),
    path("provider/services/<slug:slug>/edit/", service_edit, name="service_edit"),
    path("provider/services/<slug:slug>/prices/", service_prices, name="service_prices"),
    path("provider/services/<slug:slug>/prices/<uuid:uuid>/edit/", price_edit, name="price_edit"),
    path(
        "provider/services/<slug:slug>/prices/<uuid:uuid>/delete/",
        price_delete,
        name="price_delete",
    ),
    path(
        "provider/services/<slug:slug>/availability/",
        service_availability,
        name="service_availability",
    ),
    path("provider/services/<slug:slug>/confirm/", service_confirm, name="service_confirm"),
    path("provider/services/<slug:slug>/submit/", service_submit, name="service_submit"),
    path("provider/services/<slug:slug>/archive/", service_archive, name="service_archive"),
    path("provider/services/<slug:slug>/history/", service_history, name="service_history"),
]
