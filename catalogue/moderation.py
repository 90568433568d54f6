"""Moderation: the council's queues, what a moderator may do next, and closing listing reports.

The decisions themselves (approve, reject, suspend, restore) are in catalogue/services/; this
module adds the one write they lack (closing a listing report) and the reads the moderation
screens share, so the admin views hold no rules of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from .models import Claim, ListingReport, Organisation, Service
from .permissions import require_moderator

# --- writes -----------------------------------------------------------------------------------


@transaction.atomic
def listing_report_close(*, moderator, report: ListingReport, outcome: str) -> ListingReport:
    """A moderator closes an open report about a listing, saying what was done about it.

    Only moderators close reports; a report is closed once; the outcome is required so the next
    moderator (and the council, if the reporter complains) can see what happened.
    """
    require_moderator(moderator)
    if report.status != ListingReport.Status.OPEN:
        raise ValidationError("This report has already been closed.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Say what was done about the report."})
    report.status = ListingReport.Status.CLOSED
    report.outcome = outcome.strip()
    report.closed_at = timezone.now()
    report.closed_by = moderator
    report.full_clean()
    report.save()
    return report


# --- what a moderator may do next -------------------------------------------------------------

# The action names match the admin URLs (catalogue/wagtail_hooks.py) and the service functions
# (`organisation_<action>`, `service_<action>`, `claim_<action>`, `listing_report_close`).
APPROVE, REJECT, SUSPEND, RESTORE, CLOSE = "approve", "reject", "suspend", "restore", "close"


def organisation_actions(organisation: Organisation) -> list[str]:
    """The decisions that make sense for an organisation in its current state.

    These only decide which buttons to show: the service functions check the transition again
    and refuse one that is not allowed.
    """
    status = organisation.status
    if status == Organisation.Status.PENDING:
        return [APPROVE, REJECT]
    if status == Organisation.Status.ACTIVE:
        return [SUSPEND]
    if status == Organisation.Status.SUSPENDED:
        return [RESTORE]
    return []


def service_actions(service: Service) -> list[str]:
    """The decisions that make sense for a listing now (its organisation must be loaded).

    A pending listing of an organisation that is not yet approved cannot be approved: the
    organisation comes first.
    """
    status = service.status
    if status == Service.Status.PENDING:
        approvable = service.organisation.status == Organisation.Status.ACTIVE
        return [APPROVE, REJECT, SUSPEND] if approvable else [REJECT, SUSPEND]
    if status == Service.Status.PUBLISHED:
        return [SUSPEND]
    if status == Service.Status.SUSPENDED:
        return [RESTORE]
    return []


def claim_actions(claim: Claim) -> list[str]:
    return [APPROVE, REJECT] if claim.status == Claim.Status.PENDING else []


def listing_report_actions(report: ListingReport) -> list[str]:
    return [CLOSE] if report.status == ListingReport.Status.OPEN else []


# --- queues -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    """One moderation queue: what is in it, and how the admin listing shows just those rows."""

    key: str
    label: str
    description: str
    model: type[Model]
    items: Callable[[], QuerySet]
    # The admin listing's filter that shows this queue: {query parameter: value}.
    filter: dict[str, str]


QUEUES: tuple[Queue, ...] = (
    Queue(
        key="organisations",
        label="Pending organisations",
        description="New organisations waiting for approval.",
        model=Organisation,
        items=lambda: Organisation.objects.filter(status=Organisation.Status.PENDING),
        filter={"status": Organisation.Status.PENDING},
    ),
    Queue(
        key="claims",
        label="Pending claims",
        description="People asking to manage an organisation the council loaded.",
        model=Claim,
        items=lambda: Claim.objects.filter(status=Claim.Status.PENDING),
        filter={"status": Claim.Status.PENDING},
    ),
    Queue(
        key="services",
        label="Pending services",
        description="First listings of new organisations, waiting for approval.",
        model=Service,
        items=lambda: Service.objects.filter(status=Service.Status.PENDING),
        filter={"status": Service.Status.PENDING},
    ),
    Queue(
        key="stale",
        label="Stale services",
        description="Published listings not confirmed for 12 months: hidden from search.",
        model=Service,
        items=lambda: Service.objects.stale(),
        filter={"stale": "true"},
    ),
    Queue(
        key="reports",
        label="Open listing reports",
        description="Reports from the public that a listing is wrong.",
        model=ListingReport,
        items=lambda: ListingReport.objects.filter(status=ListingReport.Status.OPEN),
        filter={"status": ListingReport.Status.OPEN},
    ),
)


def queue_counts() -> dict[str, int]:
    """How many items wait in each queue, keyed by Queue.key (one COUNT per queue)."""
    return {queue.key: queue.items().count() for queue in QUEUES}
