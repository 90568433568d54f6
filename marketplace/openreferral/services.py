"""Writes for partner directories: read-only listings refreshed from another council's ORUK data.

Rules (issue 9):
- A partner listing belongs to a PartnerSource and keeps the partner's id (`external_id`); our
  own UUIDs for it are derived from the source and that id, so a refresh finds the same rows.
- It is published at once (the partner is the publisher, as the council is for CQC data) and
  counts as checked at each refresh (last_confirmed_at), so an abandoned source goes stale after
  12 months like any listing.
- Nobody edits it here (catalogue.permissions refuses); each refresh replaces its details and
  prices with the partner's, logs what changed, and withdraws (archives) listings that are no
  longer in the source; a listing that comes back is published again.
- Its prices append no price history: the history feeds our market figures, and a partner's
  prices are not our market.
- Categories are matched to ours by id, then by slug, then by name (case-insensitive); client
  groups likewise; funding by name; areas served by locality name. What does not match is
  reported, never invented.
- One refresh is one transaction: each record is applied in a savepoint (a bad one is reported
  and leaves its existing listing alone), and a dry run rolls everything back.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.events import services_changed
from catalogue.models import (
    Category,
    ClientGroup,
    FundingType,
    Locality,
    Organisation,
    PartnerSource,
    Postcode,
    PriceOption,
    Service,
    ServiceChange,
)
from catalogue.rules import normalise_postcode
from catalogue.services import check_price, save_with_unique_slug, unique_slug

from . import mapping
from .reading import PartnerService, parse_service

SERVICE_DETAILS = (
    "name",
    "summary",
    "description",
    "website",
    "email",
    "phone",
    "contact_name",
    "address_line_1",
    "town",
    "postcode",
    "cqc_location_id",
    "radius_km",
    "languages",
    "accessibility_features",
    "opening_times",
)
ORGANISATION_DETAILS = (
    "name",
    "description",
    "email",
    "website",
    "companies_house_number",
    "charity_number",
)


@dataclass
class RefreshSummary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    restored: int = 0
    organisations_created: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unmatched_terms: Counter = field(default_factory=Counter)

    def __str__(self) -> str:
        return (
            f"{self.read} read, {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.withdrawn} withdrawn, {self.restored} back, "
            f"{len(self.errors)} not usable"
        )


def _namespace(source: PartnerSource) -> uuid.UUID:
    return uuid.uuid5(mapping.NAMESPACE, f"partner:{source.slug}")


def partner_uuid(source: PartnerSource, kind: str, external_id: str) -> uuid.UUID:
    """Our stable UUID for a partner's object (never the partner's own id, which could be
    the same as one of ours: e.g. a partner running Care Market that imported our data)."""
    return uuid.uuid5(_namespace(source), f"{kind}:{external_id}")


@transaction.atomic
def partner_source_save(
    *,
    slug: str,
    name: str = "",
    base_url: str = "",
    website: str = "",
    licence: str | None = None,
    attribution: str | None = None,
) -> PartnerSource:
    """Create a partner directory, or update the details given for an existing one. A new one
    needs a name (shown on its listings: "Listed by <name>")."""
    source = PartnerSource.objects.filter(slug=slug).first() or PartnerSource(slug=slug)
    if name:
        source.name = name
    if not source.name:
        raise ValidationError({"name": "Give the partner's name; it is shown on its listings."})
    if base_url:
        source.base_url = base_url
    if website:
        source.website = website
    if licence is not None:
        source.licence = licence
    if attribution is not None:
        source.attribution = attribution
    source.full_clean()
    source.save()
    return source


class _Matcher:
    """Our categories, client groups, funding types and localities, read once per refresh."""

    def __init__(self) -> None:
        self.categories = list(Category.objects.all())
        self.client_groups = list(ClientGroup.objects.all())
        self.funding = {f.name.lower(): f for f in FundingType.objects.all()}
        self.funding.update({f.slug: f for f in self.funding.values()})
        self.localities = {loc.name.lower(): loc for loc in Locality.objects.all()}

    @staticmethod
    def _find(objects, term) -> Any:
        for obj in objects:
            if str(getattr(obj, "uuid", "")) == term.external_id:
                return obj
        for obj in objects:
            if term.term and obj.slug == term.term:
                return obj
        for obj in objects:
            if obj.name.lower() == term.name.lower():
                return obj
        return None

    def terms(self, service: PartnerService, summary: RefreshSummary):
        categories, groups = [], []
        for term in service.terms:
            if term.taxonomy_id == str(mapping.FRAMEWORK_TAXONOMY_ID):
                continue  # another council's framework: only our commissioners set ours
            if term.taxonomy == mapping.CLIENT_GROUP_TAXONOMY_NAME or (
                term.taxonomy_id == str(mapping.CLIENT_GROUP_TAXONOMY_ID)
            ):
                group = self._find(self.client_groups, term)
                if group is None:
                    group_id = mapping.client_group_id
                    group = next(
                        (g for g in self.client_groups if group_id(g) == term.external_id), None
                    )
                if group is not None:
                    groups.append(group)
                    continue
            else:
                category = self._find(self.categories, term)
                if category is not None:
                    categories.append(category)
                    continue
                group = self._find(self.client_groups, term)
                if group is not None:
                    groups.append(group)
                    continue
            summary.unmatched_terms[term.name] += 1
        return categories, groups


def _organisation(
    source: PartnerSource, data, summary: RefreshSummary
) -> tuple[Organisation, dict[str, list[Any]]]:
    organisation = Organisation.objects.filter(
        partner_source=source, external_id=data.external_id
    ).first()
    values = {name: getattr(data, name) for name in ORGANISATION_DETAILS}
    if organisation is None:
        organisation = Organisation(
            uuid=partner_uuid(source, "organisation", data.external_id),
            partner_source=source,
            external_id=data.external_id,
            slug=unique_slug(Organisation, data.name),
            status=Organisation.Status.ACTIVE,
            source=Organisation.Source.PARTNER,
            verified_at=timezone.now(),
            **values,
        )
        organisation.full_clean(exclude=["slug"])  # made free; a race is settled on saving
        save_with_unique_slug(organisation, data.name)
        summary.organisations_created += 1
        return organisation, {}
    changes = _apply(organisation, values)
    if changes:
        organisation.full_clean()
        organisation.save()
    return organisation, changes


def _plain(value: Any) -> Any:
    return value if isinstance(value, (str, int, bool, list, type(None))) else str(value)


def _apply(obj, values: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for name, value in values.items():
        if getattr(obj, name) != value:
            changes[name] = [_plain(getattr(obj, name)), _plain(value)]
            setattr(obj, name, value)
    return changes


def _locate(service: Service, data: PartnerService, notes: list[str]) -> None:
    """Coordinates from our own postcode table (never online); an unknown postcode is kept as
    text and the listing has no map position."""
    normalised = normalise_postcode(data.postcode) if data.postcode else None
    if data.postcode and normalised is None:
        notes.append(f"{data.name}: {data.postcode!r} is not a UK postcode, left out")
    service.postcode = normalised or ""
    found = Postcode.objects.filter(postcode=normalised).first() if normalised else None
    if normalised and found is None:
        notes.append(f"{data.name}: postcode {normalised} is not in our postcode table")
    service.easting = found.easting if found else None
    service.northing = found.northing if found else None
    service.locality_id = found.locality_id if found else None


def _set_prices(service: Service, source: PartnerSource, data: PartnerService) -> list[str]:
    """Make the listing's price options exactly the partner's (matched by the partner's ids)."""
    changed: list[str] = []
    wanted = {}
    for order, price in enumerate(data.prices, start=1):
        check_price(price.amount, price.unit)
        wanted[partner_uuid(source, "price", f"{data.external_id}/{price.external_id}")] = (
            order,
            price,
        )
    existing = {option.uuid: option for option in service.price_options.all()}
    for option_uuid, option in existing.items():
        if option_uuid not in wanted:
            changed.append(f"withdrawn {option.label}")
            option.delete()
    for option_uuid, (order, price) in wanted.items():
        option = existing.get(option_uuid) or PriceOption(service=service, uuid=option_uuid)
        values = {
            "label": price.label,
            "amount": price.amount,
            "unit": price.unit,
            "kind": price.kind,
            "conditions": price.conditions,
            "valid_from": price.valid_from,
            "valid_to": price.valid_to,
            "sort_order": order,
        }
        if option.pk is None:
            changed.append(f"added {price.label}")
        if _apply(option, values) or option.pk is None:
            if option.pk is not None:
                changed.append(f"changed {price.label}")
            option.full_clean()
            option.save()
    return changed


def _set_relation(service: Service, name: str, objects: Iterable) -> bool:
    wanted = {obj.pk for obj in objects}
    current = set(getattr(service, name).values_list("pk", flat=True))
    if wanted == current:
        return False
    getattr(service, name).set(wanted)
    return True


def _apply_service(
    source: PartnerSource,
    data: PartnerService,
    matcher: _Matcher,
    summary: RefreshSummary,
    now: datetime,
) -> Service:
    organisation, organisation_changes = _organisation(source, data.organisation, summary)
    service = Service.objects.filter(partner_source=source, external_id=data.external_id).first()
    created = service is None
    restored = False
    slug_text = f"{data.name} {data.town or organisation.name}"
    if service is None:
        service = Service(
            uuid=partner_uuid(source, "service", data.external_id),
            partner_source=source,
            external_id=data.external_id,
            organisation=organisation,
            slug=unique_slug(Service, slug_text),
            status=Service.Status.PUBLISHED,
            published_at=now,
        )
    elif service.moderator_hold:
        # A moderator rejected or suspended it: the details refresh, the hold and reason stay
        # (also when the partner dropped it and lists it again).
        service.status = Service.Status(service.moderator_hold)
    elif service.status != Service.Status.PUBLISHED:
        restored = service.status == Service.Status.ARCHIVED
        service.status, service.status_reason = Service.Status.PUBLISHED, ""
    service.organisation = organisation
    before_postcode = service.postcode
    changes = _apply(service, {name: getattr(data, name) for name in SERVICE_DETAILS})
    _locate(service, data, summary.notes)
    if service.postcode == before_postcode:
        changes.pop("postcode", None)
    service.last_confirmed_at = now
    if created:
        service.full_clean(exclude=["slug"])  # made free; a race is settled on saving
        save_with_unique_slug(service, slug_text)
    else:
        service.full_clean()
        service.save()

    categories, groups = matcher.terms(data, summary)
    funding = [
        matcher.funding[n.lower()] for n in data.funding_names if n.lower() in matcher.funding
    ]
    localities = [
        matcher.localities[n.lower()] for n in data.area_names if n.lower() in matcher.localities
    ]
    for name, objects in (
        ("categories", categories),
        ("client_groups", groups),
        ("funding_accepted", funding),
        ("localities_served", localities),
    ):
        if _set_relation(service, name, objects):
            changes[name] = sorted(str(obj) for obj in objects)
    prices = _set_prices(service, source, data)
    if prices:
        changes["prices"] = prices
    if organisation_changes:
        changes["organisation"] = sorted(organisation_changes)
    summary.notes.extend(f"{data.name}: {note}" for note in data.notes)

    if created:
        summary.created += 1
        note = f"Listed from {source.name}'s directory."
    elif restored:
        summary.restored += 1
        note = f"Back in {source.name}'s directory."
    elif changes:
        summary.updated += 1
        note = f"Refreshed from {source.name}'s directory."
    else:
        summary.unchanged += 1
        return service
    ServiceChange.objects.create(
        service=service,
        action=ServiceChange.Action.IMPORTED,
        changes={} if created else changes,
        note=note,
    )
    return service


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def partner_source_refresh(
    *,
    source: PartnerSource,
    records: Iterable[Any],
    origin: str,
    dry_run: bool = False,
    now: datetime | None = None,
) -> RefreshSummary:
    """Bring a partner's listings in line with `records` (its fully nested ORUK services, the
    whole directory): create, update, withdraw the ones that are gone, restore the ones that
    came back. See the module docstring for the rules. `records` is read inside the
    transaction, so a PartnerFetchError part way leaves everything as it was."""
    now = now or timezone.now()
    summary = RefreshSummary(dry_run=dry_run)
    touched: list[int] = []
    with transaction.atomic():
        matcher = _Matcher()
        seen: set[str] = set()
        for number, record in enumerate(records, start=1):
            summary.read += 1
            raw_id = str(record.get("id", ""))[:100] if isinstance(record, dict) else ""
            status = str(record.get("status") or "active").lower() if raw_id else ""
            if status and status != "active":
                summary.notes.append(f"service {number} ({raw_id}) is {status}: withdrawn")
                continue  # not seen, so its listing (if any) is withdrawn below
            data, problems = parse_service(record)
            if data is None:
                # Unusable this time: its existing listing, if any, is left as it was.
                if raw_id:
                    seen.add(raw_id)
                summary.errors.append(
                    f"service {number} ({raw_id or 'no id'}): {'; '.join(problems)}"
                )
                continue
            if data.external_id in seen:
                summary.errors.append(f"service {number} ({raw_id}): listed twice, first one used")
                continue
            seen.add(data.external_id)
            try:
                with transaction.atomic():
                    service = _apply_service(source, data, matcher, summary, now)
                    touched.append(service.pk)
            except ValidationError as error:
                summary.errors.append(f"service {number} ({raw_id}): {_messages(error)}")
        gone = source.services.filter(status=Service.Status.PUBLISHED).exclude(external_id__in=seen)
        for service in gone:
            service.status = Service.Status.ARCHIVED
            service.status_reason = f"No longer in {source.name}'s directory ({now:%-d %B %Y})."
            service.save(update_fields=["status", "status_reason", "updated_at"])
            ServiceChange.objects.create(
                service=service, action=ServiceChange.Action.ARCHIVED, note=service.status_reason
            )
            touched.append(service.pk)
            summary.withdrawn += 1
        source.origin = origin[:500]
        source.last_refreshed_at = now
        source.save(update_fields=["origin", "last_refreshed_at"])
        if dry_run:
            transaction.set_rollback(True)
        else:
            services_changed(touched)
    return summary
