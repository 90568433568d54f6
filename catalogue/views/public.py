"""Public catalogue pages: a service, an organisation, "report a problem with this listing" and
"report a concern about an adult" from a listing or organisation (the safeguarding app's form).

Only what the public may find is public (Service.objects.visible(), active organisations);
anything else is a 404, except for the organisation's own staff and the council's moderators,
who see it with a banner saying it is not public and why.
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.dispatch import Signal
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import dateformat, timezone
from django.views.decorators.http import require_http_methods

from catalogue import reports, rules, vocabulary
from catalogue.models import (
    ListingReport,
    Membership,
    Organisation,
    Postcode,
    PriceOption,
    Service,
    ServicePhoto,
)
from catalogue.permissions import can_edit_listings, is_commissioner, is_moderator
from catalogue.remembered_postcode import postcode_data, remember_postcode
from core.limits import client_key
from safeguarding.models import Concern
from safeguarding.views import CARRIED_SESSION_KEY, concern_page

# --- who may see what -----------------------------------------------------------------------


def _can_see_unpublished(user, organisation: Organisation) -> bool:
    """Staff of the organisation and moderators see listings the public cannot."""
    return can_edit_listings(user, organisation) or is_moderator(user)


def _with_reason(text: str, reason: str) -> str:
    return f"{text} The reason given: {reason.strip()}" if reason.strip() else text


def organisation_not_public_reasons(organisation: Organisation) -> list[str]:
    """Why an organisation's page is hidden, in plain words ([] when it is public)."""
    texts: dict[str, str] = {
        Organisation.Status.PENDING: "The organisation is waiting for a moderator to approve it.",
        Organisation.Status.REJECTED: "A moderator rejected the organisation.",
        Organisation.Status.SUSPENDED: "A moderator suspended the organisation.",
    }
    text = texts.get(organisation.status)
    return [_with_reason(text, organisation.status_reason)] if text else []


def service_not_public_reasons(service: Service, *, now=None) -> list[str]:
    """Why a listing is hidden, in plain words (the rule itself is Service.objects.visible())."""
    reasons = organisation_not_public_reasons(service.organisation)
    texts: dict[str, str] = {
        Service.Status.DRAFT: "It is a draft: it has not been sent for approval.",
        Service.Status.PENDING: "It is waiting for a moderator to approve it.",
        Service.Status.REJECTED: "A moderator rejected it.",
        Service.Status.SUSPENDED: "A moderator suspended it.",
        Service.Status.ARCHIVED: "It has been archived.",
    }
    text = texts.get(service.status)
    if text:
        reasons.append(_with_reason(text, service.status_reason))
    if service.status == Service.Status.PUBLISHED and service.last_confirmed_at < (
        rules.stale_cutoff(now or timezone.now())
    ):
        reasons.append(
            "Nobody has confirmed it is still correct since "
            f"{dateformat.format(timezone.localtime(service.last_confirmed_at), 'j F Y')}. "
            f"Listings not confirmed for {rules.STALE_AFTER_MONTHS} months are hidden."
        )
    return reasons


def _service_for_viewer(request, slug: str) -> tuple[Service, list[str]]:
    """The service at `slug` and why it is not public ([] when it is); 404 for those who may not
    see it."""
    listings = Service.objects.select_related("organisation", "locality")
    # The public case in one query; a 404 or a staff preview in a second.
    public = listings.visible().filter(slug=slug).first()
    if public is not None:
        return public, []
    service = get_object_or_404(listings, slug=slug)
    if not _can_see_unpublished(request.user, service.organisation):
        raise Http404("No such listing.")
    return service, service_not_public_reasons(service) or ["It is not public."]


# --- forms --------------------------------------------------------------------------------------


class DistanceForm(forms.Form):
    postcode = forms.CharField(
        label="Your postcode",
        max_length=20,
        error_messages={
            "required": "Enter your postcode.",
            "max_length": "Enter a real postcode, like SY1 1AA.",
        },
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )

    def clean_postcode(self) -> Postcode:
        typed = self.cleaned_data["postcode"]
        normalised = rules.normalise_postcode(typed)
        if normalised is None:
            raise ValidationError("Enter a real postcode, like SY1 1AA.")
        found = Postcode.objects.filter(postcode=normalised).first()
        if found is None:
            raise ValidationError(
                f"We cannot find {normalised} in our list of local postcodes. Check it, or try "
                "a postcode nearer the service."
            )
        return found


class ListingReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with the listing?",
        choices=ListingReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select what is wrong with the listing.",
            "invalid_choice": "Select what is wrong with the listing.",
        },
    )
    message = forms.CharField(
        label="Tell us what is wrong",
        help_text="Do not include personal details, like names or medical information.",
        max_length=reports.MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "class": "govuk-js-character-count"}),
        error_messages={
            "required": "Tell us what is wrong with the listing.",
            "max_length": (
                f"Your message must be {reports.MESSAGE_MAX_LENGTH:,} characters or fewer."
            ),
        },
    )
    email = forms.EmailField(
        label="Your email address (optional)",
        help_text="Only if you would like a reply. We will not share it with the provider.",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the right format, like name@example.com."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The GOV.UK character count tells people the limit; a maxlength attribute would cut
        # their text off silently instead.
        self.fields["message"].widget.attrs.pop("maxlength", None)

    def message_widget(self):
        """The textarea, described by its hint, its error and the character count message."""
        field = self["message"]
        described_by = [f"{field.auto_id}-info", f"{field.auto_id}_helptext"]
        if field.errors:
            described_by.append(f"{field.auto_id}_error")
        return field.as_widget(attrs={"aria-describedby": " ".join(described_by)})


# --- views --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distance:
    postcode: str
    km: float | int  # an int when rounded on purpose (the exact address is hidden)


def _distance(service: Service, postcode: Postcode) -> Distance:
    # From the public location: a hidden address's kilometre square, in whole km. (Measured
    # from the exact point, even rounded, distances from a few postcodes located the home.)
    km = service.public_location.distance_km((postcode.easting, postcode.northing))
    assert km is not None
    return Distance(postcode.postcode, km)


# Sent for each public view of a listing page (not staff previews of hidden ones): the plans app
# counts views for the provider's usage figures. The catalogue imports none of its dependants.
service_viewed = Signal()


@require_http_methods(["GET", "HEAD"])
def service_detail(request, slug: str):
    service, not_public = _service_for_viewer(request, slug)
    prefetch_related_objects(
        [service],
        Prefetch(
            "price_options",
            queryset=PriceOption.objects.current().order_by("sort_order", "pk"),
            to_attr="current_prices",
        ),
        Prefetch(
            "photos",
            queryset=ServicePhoto.objects.select_related("image").prefetch_related(
                "image__renditions"
            ),
        ),
    )

    if not not_public and request.method == "GET":
        service_viewed.send(sender=Service, service=service, request=request)

    location = service.public_location
    located = location.point is not None
    # The postcode given in search (or here before) shows the distance straight away.
    distance_form = DistanceForm(postcode_data(request) if located else None)
    distance = None
    if located and distance_form.is_valid():
        distance = _distance(service, distance_form.cleaned_data["postcode"])
        remember_postcode(request, distance.postcode)

    return render(
        request,
        "catalogue/public/service_detail.html",
        {
            "service": service,
            # What it is listed under, by name: from the cached vocabularies.
            "terms": vocabulary.service_terms(service),
            "organisation": service.organisation,
            "not_public": not_public,
            "can_edit": can_edit_listings(request.user, service.organisation),
            "can_set_framework": is_commissioner(request.user),
            "located": located,
            "distance_form": distance_form,
            "distance": distance,
            "location": location,
            "today": timezone.localdate(),
            "base_town": location.town or (service.locality.name if service.locality else ""),
            # The listing's own contact details, else its organisation's.
            "contact": {
                "name": service.contact_name,
                "phone": service.phone or service.organisation.phone,
                "email": service.email or service.organisation.email,
                "website": service.website or service.organisation.website,
            },
        },
    )


# What catalogue/public/service_card.html shows of a service (with its current prices and
# `category_names`).
SERVICE_CARD_FIELDS = (
    "name",
    "slug",
    "summary",
    "cqc_location_id",
    "cqc_overall",
    "accepting_new_clients",
    "vacancies",
)


@require_http_methods(["GET", "HEAD"])
def organisation_detail(request, slug: str):
    organisation = get_object_or_404(
        Organisation.objects.annotate(
            has_members=Exists(Membership.objects.filter(organisation=OuterRef("pk")))
        ),
        slug=slug,
    )
    not_public = organisation_not_public_reasons(organisation)
    staff_view = False
    if not_public or request.user.is_authenticated:
        staff_view = _can_see_unpublished(request.user, organisation)
        if not_public and not staff_view:
            raise Http404("No such organisation.")

    services = list(
        Service.objects.visible()
        .filter(organisation=organisation)
        .only(*SERVICE_CARD_FIELDS)
        .prefetch_related(
            Prefetch(
                "price_options",
                queryset=PriceOption.objects.current().order_by("sort_order", "pk"),
                to_attr="current_prices",
            ),
        )
        .order_by("name")
    )
    categories = vocabulary.category_names([service.pk for service in services])
    for service in services:
        service.category_names = categories[service.pk]
    # Staff are told how many of their listings this public page leaves out.
    hidden_count = (
        organisation.services.exclude(status=Service.Status.ARCHIVED).count() - len(services)
        if staff_view
        else 0
    )
    return render(
        request,
        "catalogue/public/organisation_detail.html",
        {
            "organisation": organisation,
            "not_public": not_public,
            "can_edit": can_edit_listings(request.user, organisation),
            "claimable": not organisation.has_members,
            "services": services,
            "hidden_count": hidden_count,
        },
    )


REPORT_SENT_SESSION_KEY = "catalogue:listing-report-sent"


def _report_limited(request, service):
    return render(
        request,
        "catalogue/public/report_limited.html",
        {
            "service": service,
            "limit": reports.REPORTS_PER_WINDOW,
            "window_minutes": reports.REPORT_WINDOW_SECONDS // 60,
        },
        status=429,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def service_report(request, slug: str):
    service, _ = _service_for_viewer(request, slug)
    client = client_key(request)
    if reports.listing_report_limit_reached(client=client):
        return _report_limited(request, service)

    if request.method == "POST":
        form = ListingReportForm(request.POST)
        if request.POST.get("reason") == ListingReport.Reason.CONCERN:
            # Worry about someone's safety is a safeguarding concern, not a listing report: it
            # goes to the safeguarding team's form (which asks about danger first), carrying
            # what was typed, and no listing report is made.
            request.session[CARRIED_SESSION_KEY] = request.POST.get("message", "").strip()
            return redirect("catalogue:service_concern", slug=service.slug)
        if form.is_valid():
            if not reports.listing_report_reserve(client=client):
                return _report_limited(request, service)
            try:
                reports.listing_report_create(
                    service=service,
                    reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                    email=form.cleaned_data["email"],
                    reporter=request.user,
                )
            except BaseException as error:
                reports.listing_report_give_back(client=client)
                if not isinstance(error, ValidationError):
                    raise
                form.add_error(None, error)
            else:
                request.session[REPORT_SENT_SESSION_KEY] = {
                    "service": service.pk,
                    "reply": bool(form.cleaned_data["email"]),
                }
                return redirect("catalogue:service_report_sent", slug=service.slug)
    else:
        initial = {"email": request.user.email} if request.user.is_authenticated else {}
        form = ListingReportForm(initial=initial)

    return render(
        request,
        "catalogue/public/service_report.html",
        {"service": service, "form": form, "message_max_length": reports.MESSAGE_MAX_LENGTH},
    )


@require_http_methods(["GET", "HEAD"])
def service_report_sent(request, slug: str):
    service, _ = _service_for_viewer(request, slug)
    sent = request.session.get(REPORT_SENT_SESSION_KEY)
    if not sent or sent.get("service") != service.pk:
        return redirect("catalogue:service_report", slug=service.slug)
    return render(
        request,
        "catalogue/public/service_report_sent.html",
        {"service": service, "reply": sent.get("reply", False)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def service_concern(request, slug: str):
    """A safeguarding concern about a listing: the safeguarding team's form, about it."""
    service, _ = _service_for_viewer(request, slug)
    return concern_page(
        request,
        source=Concern.Source.LISTING,
        service=service,
        back_url=service.get_absolute_url(),
        back_text=f"Back to {service.public_title}",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def organisation_concern(request, slug: str):
    """A safeguarding concern about an organisation (any of its services)."""
    organisation = get_object_or_404(
        Organisation.objects.filter(status=Organisation.Status.ACTIVE), slug=slug
    )
    return concern_page(
        request,
        source=Concern.Source.LISTING,
        organisation=organisation,
        back_url=organisation.get_absolute_url(),
        back_text=f"Back to {organisation.name}",
    )


urlpatterns = [
    path("services/<slug:slug>/", service_detail, name="service"),
    path("services/<slug:slug>/concern/", service_concern, name="service_concern"),
    path("organisations/<slug:slug>/concern/", organisation_concern, name="organisation_concern"),
    path("services/<slug:slug>/report/", service_report, name="service_report"),
    path("services/<slug:slug>/report/sent/", service_report_sent, name="service_report_sent"),
    path("organisations/<slug:slug>/", organisation_detail, name="organisation"),
]
