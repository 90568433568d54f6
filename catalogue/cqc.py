"""Importing the Care Quality Commission's register of locations into the catalogue.

Reading a source (the CQC API's JSON or a CSV) and checking each location is
catalogue/cqc_reading.py; this module writes what it read, through the catalogue's rules.

What an import does (cqc_import):
- A location that is not "Registered" is skipped and reported.
- A location already listed (a Service with its cqc_location_id) has only its CQC fields
  refreshed: ratings, report date, beds, and the organisation's CQC provider id when it has none.
  The provider's own words, prices, areas and availability are never touched. Each change goes
  to the service's change log (action "imported", with old -> new values).
- A new location becomes a published listing of an unclaimed organisation (found by providerId,
  or created: source CQC, active, no members), with categories and client groups mapped from the
  CQC's service types and specialisms, and the postcode looked up in our Postcode table. A
  location none of whose service types maps to one of our categories is skipped and reported.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue import events
from catalogue.cqc_reading import (
    REGISTERED,
    SERVICE_TYPES,
    CQCLocation,
    LocationRecord,
    RecordNote,
    parse_location,
)
from catalogue.models import (
    Category,
    ClientGroup,
    Organisation,
    Postcode,
    Service,
    ServiceChange,
)
from catalogue.services import save_with_unique_slug, unique_slug

PROGRESS_EVERY = 100
SKIP_NOT_REGISTERED = "not registered with the CQC"
SKIP_NO_SERVICE_TYPE = "no service type we list"


# --- results ------------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    organisations_created: int = 0
    records_read: int = 0
    skipped: list[RecordNote] = field(default_factory=list)
    skipped_by_reason: Counter[str] = field(default_factory=Counter)
    errors: list[RecordNote] = field(default_factory=list)
    warnings: list[RecordNote] = field(default_factory=list)
    dry_run: bool = False

    def __str__(self) -> str:
        text = f"created {self.created}, updated {self.updated}, skipped {len(self.skipped)}"
        if self.unchanged:
            text += f" ({self.unchanged} already up to date)"
        return text


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def organisation_create_from_cqc(*, provider_id: str, name: str) -> Organisation:
    """The council lists a CQC provider that is not on the catalogue yet.

    It is active at once (the CQC has registered it), marked as loaded from CQC data, and has no
    members: it is unclaimed until someone who works there claims it and a moderator agrees.
    """
    organisation = Organisation(
        name=name,
        slug=unique_slug(Organisation, name),
        cqc_provider_id=provider_id,
        status=Organisation.Status.ACTIVE,
        source=Organisation.Source.CQC,
    )
    organisation.full_clean(exclude=["slug"])  # made free; a race is settled on saving
    save_with_unique_slug(organisation, name)
    return organisation


def _summary_text(location: CQCLocation, categories: list[Category]) -> str:
    names = [c.name if i == 0 else c.name[0].lower() + c.name[1:] for i, c in enumerate(categories)]
    kinds = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    where = f" in {location.town}" if location.town else ""
    return f"{kinds}{where}, registered with the Care Quality Commission (CQC)."[:300]


@transaction.atomic
def service_create_from_cqc(
    *,
    organisation: Organisation,
    location: CQCLocation,
    categories: list[Category],
    client_groups: list[ClientGroup],
    postcode: Postcode | None,
    note: str = "",
) -> Service:
    """The council lists a registered CQC location as a published service of `organisation`.

    It is published at once, without moderation: the CQC has registered and inspected it, and
    the council is the publisher. It counts as checked now (last_confirmed_at), so the staleness
    clock starts at the import. The premises take coordinates from our Postcode table when the
    postcode is there (`postcode`), and none otherwise. Its change log says it was imported.
    """
    now = timezone.now()
    slug_text = f"{location.name} {location.town or organisation.name}"
    service = Service(
        organisation=organisation,
        name=location.name,
        slug=unique_slug(Service, slug_text),
        summary=_summary_text(location, categories),
        status=Service.Status.PUBLISHED,
        published_at=now,
        last_confirmed_at=now,
        address_line_1=location.address_line_1,
        address_line_2=location.address_line_2,
        town=location.town,
        postcode=location.postcode,
        phone=location.phone,
        website=location.website,
        cqc_location_id=location.location_id,
        started_trading_on=location.registration_date,
        **location.cqc_values,
    )
    if postcode is not None:
        service.easting, service.northing = postcode.easting, postcode.northing
        service.locality_id = postcode.locality_id
    service.full_clean(exclude=["slug"])  # made free; a race is settled on saving
    save_with_unique_slug(service, slug_text)
    service.categories.set(categories)
    service.client_groups.set(client_groups)
    ServiceChange.objects.create(
        service=service,
        action=ServiceChange.Action.IMPORTED,
        note=note or "Listed from the CQC register.",
    )
    events.services_changed([service.pk])  # published at once: index it after commit
    return service


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, bool, type(None))) else str(value)


@transaction.atomic
def service_refresh_from_cqc(
    *, service: Service, location: CQCLocation, note: str = ""
) -> dict[str, list[Any]]:
    """Bring a listing's CQC fields in line with the register; returns {field: [old, new]}.

    Only CQC_FIELDS change: the ratings and report date follow the CQC exactly (a rating the CQC
    no longer shows is cleared); the beds follow it when it gives a number (a provider's own
    figure is kept when the CQC gives none); the registration date becomes the trading start
    of a listing that has none. Everything the provider wrote (text, prices,
    areas, availability) is left alone. A change is written to the change log as "imported".
    """
    values = location.cqc_values
    if values["beds"] is None:
        values["beds"] = service.beds
    # The registration date fills a trading start the listing lacks; never replaces one.
    if service.started_trading_on is None and location.registration_date is not None:
        values["started_trading_on"] = location.registration_date
    changes = {
        name: [_plain(getattr(service, name)), _plain(value)]
        for name, value in values.items()
        if getattr(service, name) != value
    }
    if not changes:
        return {}
    for name, value in values.items():
        setattr(service, name, value)
    service.full_clean()
    service.save()
    ServiceChange.objects.create(
        service=service,
        action=ServiceChange.Action.IMPORTED,
        changes=changes,
        note=note or "CQC details refreshed from the register.",
    )
    events.services_changed([service.pk])  # the CQC rating is a search filter
    return changes


@transaction.atomic
def organisation_set_cqc_provider_id(*, organisation: Organisation, provider_id: str) -> bool:
    """Record the CQC provider id of an organisation that has none, unless another organisation
    already has it (an id belongs to one organisation). Returns whether it was set."""
    if organisation.cqc_provider_id:
        return False
    if Organisation.objects.filter(cqc_provider_id=provider_id).exists():
        return False
    organisation.cqc_provider_id = provider_id
    organisation.full_clean()
    organisation.save()
    return True


# --- the import ---------------------------------------------------------------------------------


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def cqc_import(
    *,
    records: Iterable[LocationRecord],
    progress: Callable[[int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
    dry_run: bool = False,
) -> ImportSummary:
    """Create and refresh listings from CQC locations (see the module docstring for the rules).

    Never half-applied:
    - Each record is checked first (parse_location) and, when its objects are built, by the
      models' full_clean(). A record that fails is reported with its number and writes nothing:
      its writes (organisation, service, categories, change log) run in a savepoint that is
      rolled back if any of them fails.
    - All records go in one transaction. If the source turns out to be unreadable part way
      (CQCFileError) or anything unexpected fails, nothing from the file is kept; as records are
      matched by their CQC ids, running the file again is safe.
    One transaction rather than savepoints alone, because an import is a snapshot of the
    register: after a crash "nothing changed" is obvious and a re-run fixes it, while a partly
    applied snapshot looks complete. The cost is one write transaction for the whole file,
    which for a council's few hundred locations takes seconds.
    With `dry_run`, everything is done and counted, then rolled back.
    `progress(records_read)` is called every `progress_every` records.
    """
    summary = ImportSummary(dry_run=dry_run)
    needed_categories = {slug for _name, _description, slug in SERVICE_TYPES}
    categories = {c.slug: c for c in Category.objects.filter(slug__in=needed_categories)}
    client_groups = {g.slug: g for g in ClientGroup.objects.all()}
    seen: dict[str, int] = {}

    with transaction.atomic():
        for record in records:
            summary.records_read += 1
            if progress and summary.records_read % progress_every == 0:
                progress(summary.records_read)

            def note(message: str, location_id: str = "", record=record) -> RecordNote:
                return RecordNote(record.number, location_id, message, record.where)

            location, problems = (
                parse_location(record.data) if not record.problem else (None, [record.problem])
            )
            if location is None:
                raw_id = record.data.get("locationId") if isinstance(record.data, dict) else ""
                summary.errors.append(note("; ".join(problems), str(raw_id or "")))
                continue
            location_id = location.location_id
            if location_id in seen:
                summary.errors.append(
                    note(
                        f"this location is already in {record.where} {seen[location_id]}: "
                        "only the first is used",
                        location_id,
                    )
                )
                continue
            seen[location_id] = record.number
            source = f"{record.where} {record.number}"
            try:
                with transaction.atomic():
                    _import_location(
                        location, summary, note, categories, client_groups, source=source
                    )
            except ValidationError as error:
                summary.errors.append(note(_messages(error), location_id))
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _import_location(
    location: CQCLocation,
    summary: ImportSummary,
    note: Callable[..., RecordNote],
    categories: dict[str, Category],
    client_groups: dict[str, ClientGroup],
    *,
    source: str,
) -> None:
    """Apply one checked location (inside its savepoint; ValidationError undoes it)."""
    location_id = location.location_id
    listed = list(
        Service.objects.filter(cqc_location_id=location_id).select_related("organisation")
    )
    if location.registration_status != REGISTERED:
        summary.skipped.append(
            note(f"{SKIP_NOT_REGISTERED} ({location.registration_status})", location_id)
        )
        summary.skipped_by_reason[SKIP_NOT_REGISTERED] += 1
        for service in listed:
            summary.warnings.append(
                note(
                    f"the listing {service.name!r} ({service.slug}) is for this location, which "
                    f"is {location.registration_status.lower()}: check whether it has closed",
                    location_id,
                )
            )
        return
    warnings: list[RecordNote] = []

    if listed:
        changed = False
        for service in listed:
            changed |= bool(
                service_refresh_from_cqc(
                    service=service,
                    location=location,
                    note=f"CQC details refreshed from the register ({source}).",
                )
            )
            organisation = service.organisation
            if organisation.cqc_provider_id and organisation.cqc_provider_id != (
                location.provider_id
            ):
                warnings.append(
                    note(
                        f"the CQC now registers this location to provider "
                        f"{location.provider_id}, but its listing {service.name!r} belongs to "
                        f"{organisation.name} ({organisation.cqc_provider_id}): check it",
                        location_id,
                    )
                )
            elif not organisation.cqc_provider_id and not organisation_set_cqc_provider_id(
                organisation=organisation, provider_id=location.provider_id
            ):
                holder = Organisation.objects.get(cqc_provider_id=location.provider_id)
                warnings.append(
                    note(
                        f"the listing {service.name!r} belongs to {organisation.name}, but the "
                        f"CQC provider {location.provider_id} is {holder.name}: if they are the "
                        "same organisation, ask a moderator to merge them",
                        location_id,
                    )
                )
        if changed:
            summary.updated += 1
        else:
            summary.unchanged += 1
        summary.warnings += warnings
        return

    if not location.category_slugs:
        types = ", ".join(location.service_types) or "none given"
        summary.skipped.append(note(f"{SKIP_NO_SERVICE_TYPE} ({types})", location_id))
        summary.skipped_by_reason[SKIP_NO_SERVICE_TYPE] += 1
        return
    missing = [slug for slug in location.category_slugs if slug not in categories]
    if missing:
        raise ValidationError(
            f"our categor{'ies' if len(missing) > 1 else 'y'} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} not loaded: run manage.py load_categories"
        )

    # What could not be used of the record's contact details and address (a refresh uses none).
    warnings += [note(text, location_id) for text in location.notes]
    postcode = None
    if location.postcode:
        postcode = Postcode.objects.filter(postcode=location.postcode).first()
        if postcode is None:
            warnings.append(
                note(
                    f"postcode {location.postcode} is not in our postcode table: listed "
                    "without a map position (distance searches will not find it)",
                    location_id,
                )
            )
    elif not location.postcode_as_given:
        warnings.append(note("no postcode: listed without a map position", location_id))

    found = Organisation.objects.filter(cqc_provider_id=location.provider_id).first()
    new_organisation = found is None
    organisation = found or organisation_create_from_cqc(
        provider_id=location.provider_id, name=location.provider_name
    )
    if organisation.status != Organisation.Status.ACTIVE:
        warnings.append(
            note(
                f"{organisation.name} is {organisation.get_status_display().lower()}: the "
                "listing will not show until the organisation is active",
                location_id,
            )
        )
    service_create_from_cqc(
        organisation=organisation,
        location=location,
        categories=[categories[slug] for slug in location.category_slugs],
        client_groups=[
            client_groups[slug] for slug in location.client_group_slugs if slug in client_groups
        ],
        postcode=postcode,
        note=f"Listed from the CQC register ({source}).",
    )
    summary.created += 1
    summary.organisations_created += new_organisation
    summary.warnings += warnings
