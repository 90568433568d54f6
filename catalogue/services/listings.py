"""Listings (services): creating, editing and archiving one, availability and freshness, and
the review summary the ratings app keeps. Every write is logged in the listing's change log
(`_log`, also used by the prices and publishing modules), which tells the search index."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.email import send_email

from .. import events, notifications, rules
from ..models import Organisation, Postcode, Service, ServiceChange
from ..permissions import require_commissioner, require_editor
from . import slugs

SERVICE_FIELDS = (
    "name",
    "summary",
    "description",
    "radius_km",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "hide_exact_address",
    "contact_name",
    "email",
    "phone",
    "website",
    "opening_times",
    "accessibility_features",
    "languages",
    "cqc_location_id",
    "beds",
    "started_trading_on",
)
SERVICE_RELATIONS = ("categories", "client_groups", "funding_accepted", "localities_served")


# --- services ---------------------------------------------------------------------------------


def _locate(service: Service) -> None:
    """Look the premises postcode up in the Postcode table (never online)."""
    if not service.postcode:
        service.easting = service.northing = None
        service.locality = None
        return
    normalised = rules.normalise_postcode(service.postcode)
    if normalised is None:
        raise ValidationError({"postcode": "Enter a real postcode, like SY1 1AA."})
    found = Postcode.objects.filter(postcode=normalised).first()
    if found is None:
        raise ValidationError(
            {"postcode": f"We cannot find {normalised}. Check it, or leave it blank."}
        )
    service.postcode = normalised
    service.easting, service.northing = found.easting, found.northing
    service.locality_id = found.locality_id


def _snapshot(service: Service) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(service, name) for name in SERVICE_FIELDS}
    if service.pk:
        for relation in SERVICE_RELATIONS:
            data[relation] = sorted(str(o) for o in getattr(service, relation).all())
    return data


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changed, in JSON-safe form."""

    def plain(value):
        return value if isinstance(value, (str, int, bool, list, type(None))) else str(value)

    return {
        name: [plain(before.get(name)), plain(after[name])]
        for name in after
        if before.get(name) != after[name]
    }


def _log(service: Service, user, action: str, changes=None, note: str = "") -> ServiceChange:
    # Every write to a listing (details, status, prices, availability, confirmation) is logged
    # here, so this is also where the search index hears about it (after commit).
    events.services_changed([service.pk])
    return ServiceChange.objects.create(
        service=service, user=user, action=action, changes=changes or {}, note=note
    )


def _set_relations(service: Service, relations: dict[str, Iterable]) -> None:
    for name, values in relations.items():
        getattr(service, name).set(values)
    if "categories" in relations and not service.categories.exists():
        raise ValidationError({"categories": "Choose at least one category."})


def _split(fields: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    plain, relations = {}, {}
    for name, value in fields.items():
        if name in SERVICE_FIELDS:
            plain[name] = value
        elif name in SERVICE_RELATIONS:
            relations[name] = value
        else:
            raise ValueError(f"{name} cannot be set here.")
    return plain, relations


def _slug_text(name: str, place: str) -> str:
    """A listing's slug names its place too, unless its name already does."""
    return name if place.lower() in name.lower() else f"{name} {place}"


@transaction.atomic
def service_create(*, user, organisation: Organisation, name: str, **fields: Any) -> Service:
    """Staff of an organisation create a listing; it starts as a draft and needs a category."""
    require_editor(user, organisation)
    plain, relations = _split(fields)
    slug_text = _slug_text(name, plain.get("town") or organisation.name)
    service = Service(
        organisation=organisation,
        name=name,
        slug=slugs.unique_slug(Service, slug_text),
        status=Service.Status.DRAFT,
        **plain,
    )
    _locate(service)
    service.full_clean(exclude=["slug"])  # ours, made free; a race is settled on saving
    slugs.save_with_unique_slug(service, slug_text)
    _set_relations(service, {"categories": [], **relations})
    _log(service, user, ServiceChange.Action.CREATED)
    return service


@transaction.atomic
def service_update(*, user, service: Service, **fields: Any) -> Service:
    """Staff edit a listing. A published listing stays published (edits publish at once) and
    the change log records which fields changed, for moderators to review."""
    require_editor(user, service.organisation)
    plain, relations = _split(fields)
    before = _snapshot(service)
    for name, value in plain.items():
        setattr(service, name, value)
    try:
        if "postcode" in plain:
            _locate(service)
        service.full_clean()
    except ValidationError:
        service.refresh_from_db()  # the caller's object is left as it was stored
        raise
    service.save()
    _set_relations(service, relations)
    changes = _diff(before, _snapshot(service))
    if changes:
        _log(service, user, ServiceChange.Action.EDITED, changes)
    return service


@transaction.atomic
def service_archive(*, user, service: Service) -> Service:
    """Staff take a listing down themselves (e.g. the service has closed)."""
    require_editor(user, service.organisation)
    service.status = Service.Status.ARCHIVED
    service.save()
    _log(service, user, ServiceChange.Action.ARCHIVED)
    return service


# --- availability and freshness ---------------------------------------------------------------


@transaction.atomic
def service_set_availability(
    *,
    user,
    service: Service,
    accepting_new_clients: bool | None,
    vacancies: int | None = None,
    earliest_start: date | None = None,
) -> Service:
    """Staff say whether they can take new clients (and vacancies, earliest start). Telling us
    this also confirms the listing is current."""
    require_editor(user, service.organisation)
    if vacancies is not None and vacancies < 0:
        raise ValidationError({"vacancies": "Vacancies cannot be less than zero."})
    if vacancies and service.beds is not None and vacancies > service.beds:
        raise ValidationError(
            {"vacancies": f"Vacancies cannot be more than the {service.beds} beds."}
        )
    if earliest_start and earliest_start < timezone.localdate():
        earliest_start = None  # 'from today' is what a past date means
    before = {
        "accepting_new_clients": service.accepting_new_clients,
        "vacancies": service.vacancies,
        "earliest_start": str(service.earliest_start) if service.earliest_start else None,
    }
    now = timezone.now()
    service.accepting_new_clients = accepting_new_clients
    service.vacancies = vacancies
    service.earliest_start = earliest_start
    service.availability_updated_at = now
    service.last_confirmed_at = now
    service.stale_reminder_sent_at = None
    try:
        service.full_clean()
    except ValidationError:
        service.refresh_from_db()
        raise
    service.save()
    after = {
        "accepting_new_clients": accepting_new_clients,
        "vacancies": vacancies,
        "earliest_start": str(earliest_start) if earliest_start else None,
    }
    _log(service, user, ServiceChange.Action.AVAILABILITY, _diff(before, after))
    return service


@transaction.atomic
def service_framework_set(*, user, service: Service, on_framework: bool, note: str = "") -> Service:
    """A commissioner says whether a listing is on a council framework or contract (and which).
    Only commissioners: providers cannot claim it for themselves by any route. Partner
    directories' listings are not the council's to contract. Logged in the listing's change
    log, so the history of the flag is kept."""
    require_commissioner(user)
    if on_framework and service.partner_source_id:
        raise ValidationError(
            "This listing comes from a partner directory; only the council's own listings can "
            "be on its framework."
        )
    note = note.strip() if on_framework else ""
    before = {
        "on_council_framework": service.on_council_framework,
        "framework_note": service.framework_note,
    }
    service.on_council_framework = on_framework
    service.framework_note = note
    service.full_clean()
    service.save(update_fields=["on_council_framework", "framework_note", "updated_at"])
    after = {"on_council_framework": on_framework, "framework_note": note}
    changes = _diff(before, after)
    if changes:
        _log(service, user, ServiceChange.Action.FRAMEWORK, changes)
    return service


@transaction.atomic
def service_confirm(*, user, service: Service) -> Service:
    """Staff confirm a published listing is still correct; this restarts the 6 and 12 month
    clocks."""
    require_editor(user, service.organisation)
    if service.status != Service.Status.PUBLISHED:
        raise ValidationError("Only a published listing can be confirmed.")
    service.last_confirmed_at = timezone.now()
    service.stale_reminder_sent_at = None
    service.save(update_fields=["last_confirmed_at", "stale_reminder_sent_at", "updated_at"])
    _log(service, user, ServiceChange.Action.CONFIRMED)
    return service


@transaction.atomic
def services_send_stale_reminders(*, now: datetime | None = None) -> int:
    """E-mail each organisation once about published listings unconfirmed for 6 months.

    Returns how many listings were reminded about. Run daily (manage.py send_stale_reminders).
    Partner listings are left out: their directory, not their provider, keeps them current.
    """
    now = now or timezone.now()
    due = (
        Service.objects.published()
        .own()
        .filter(
            last_confirmed_at__lt=rules.reminder_cutoff(now), stale_reminder_sent_at__isnull=True
        )
        .select_related("organisation")
        .order_by("organisation_id", "name")
    )
    by_organisation: dict[int, list[Service]] = {}
    for service in due:
        by_organisation.setdefault(service.organisation_id, []).append(service)
    for services in by_organisation.values():
        organisation = services[0].organisation
        send_email(
            template="catalogue/email/stale_reminder",
            to=notifications.organisation_addresses(organisation),
            context={
                "organisation": organisation,
                "services": services,
                "hidden_after": rules.STALE_AFTER_MONTHS,
            },
        )
        for service in services:
            service.stale_reminder_sent_at = now
            service.save(update_fields=["stale_reminder_sent_at"])
            _log(service, None, ServiceChange.Action.REMINDED)
    return sum(len(services) for services in by_organisation.values())


# --- review summary (kept by the ratings app) ---------------------------------------------------


@transaction.atomic
def service_set_review_summary(
    *, service: Service, count: int, mean: Decimal | None, score: Decimal | None
) -> Service:
    """Store a listing's review summary (published reviews of the last 24 months: how many,
    their mean, their ranking score), as computed by the ratings app, and tell the listeners
    (the search index) after commit. Only these three fields change: it is not an edit of the
    listing, so there is no change-log entry and updated_at is left alone."""
    service.review_count = count
    service.review_mean = mean
    service.review_score = score
    service.save(update_fields=["review_count", "review_mean", "review_score"])
    events.services_changed([service.pk])
    return service
