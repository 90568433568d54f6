"""Raising and handling safeguarding concerns.

Rules:
- Anyone may raise a concern (no account needed; contact details are optional, so a reporter may
  stay anonymous). It needs what happened (at most DESCRIPTION_MAX_LENGTH characters) and who or
  where it is about: a listing, an organisation or a place. Someone in danger now makes it urgent.
- The team is told at once: one e-mail to the safeguarding inbox (CouncilContacts), or to the
  team's members when no inbox is set, carrying the reference and a link only, never what was
  written nor who wrote it. Delivery is a task that marks the concern alerted once the mail server
  took it; `safeguarding_alert_retry` sends the ones still waiting (a mail server that was down).
- A reporter who gave an e-mail address gets the reference, what happens next and the council's
  numbers by e-mail (never what they wrote: the address is not checked).
- Only the Safeguarding team role opens or changes a concern; every opening and change is logged
  with who and when. Moderators and providers never see one; a provider is not told.
- Deleting the reporter's account keeps the concern (the council must keep it) and removes the
  reporter's details, logging the removal.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wagtail.models import Site

from django_tasks import task

from core.email import render_email, send_email
from core.roles import Role, has_role, role_holders
from core.site_url import site_url

from .models import DESCRIPTION_MAX_LENGTH, Concern, ConcernEvent, CouncilContacts

ALERT_TEMPLATE = "safeguarding/email/concern_alert"


def can_handle_concerns(user) -> bool:
    """Whether `user` may open and change concerns: the Safeguarding team only (superusers hold
    every role)."""
    return has_role(user, Role.SAFEGUARDING)


def council_contacts(site: Site | None = None) -> CouncilContacts:
    """The council's contact details for `site` (the default site), defaults until saved."""
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return CouncilContacts()
    return CouncilContacts.objects.filter(site=site).first() or CouncilContacts(site=site)


def team_addresses() -> list[str]:
    """Where a new concern is announced: the safeguarding inbox, else the team's members."""
    inbox = council_contacts().safeguarding_email
    if inbox:
        return [inbox]
    return sorted(
        set(role_holders(Role.SAFEGUARDING).exclude(email="").values_list("email", flat=True))
    )


def concern_admin_url(concern: Concern) -> str:
    return site_url() + reverse("safeguarding_concerns:inspect", args=[concern.pk])


def _name_of(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _log(concern: Concern, action: str, user=None, *, status: str = "", note: str = "") -> None:
    ConcernEvent.objects.create(
        concern=concern,
        action=action,
        user=user,
        user_name=_name_of(user),
        status=status,
        note=note,
    )


def concern_errors(
    *,
    description: str,
    place: str = "",
    service=None,
    organisation=None,
    reporter_email: str = "",
) -> dict[str, str]:
    """What is wrong with a concern's input, by field ({} when it can be saved)."""
    errors: dict[str, str] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = "Tell us what happened."
    elif len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"What happened must be {DESCRIPTION_MAX_LENGTH:,} characters or fewer."
        )
    if service is None and organisation is None and not (place or "").strip():
        errors["place"] = "Tell us where it happened, or which care service it is about."
    if reporter_email:
        try:
            validate_email(reporter_email)
        except ValidationError:
            errors["reporter_email"] = (
                "Enter an email address in the right format, like name@example.com."
            )
    return errors


@transaction.atomic
def concern_create(
    *,
    description: str,
    source: str = Concern.Source.PUBLIC,
    service=None,
    organisation=None,
    place: str = "",
    happened_when: str = "",
    danger_now: str = Concern.Answer.UNSURE,
    person_knows: str = Concern.Answer.UNSURE,
    reporter=None,
    reporter_name: str = "",
    reporter_email: str = "",
    reporter_phone: str = "",
) -> Concern:
    """Save a concern and tell the safeguarding team at once (after commit).

    Raises ValidationError keyed by field for bad input; nothing is saved then. `reporter` is the
    signed-in person (None or an anonymous user for the public)."""
    reporter_email = (reporter_email or "").strip()
    errors = concern_errors(
        description=description,
        place=place,
        service=service,
        organisation=organisation,
        reporter_email=reporter_email,
    )
    if errors:
        raise ValidationError(errors)
    if service is not None and organisation is None:
        organisation = service.organisation
    concern = Concern(
        source=source,
        service=service,
        organisation=organisation,
        place=(place or "").strip(),
        description=description.strip(),
        happened_when=(happened_when or "").strip(),
        danger_now=danger_now,
        person_knows=person_knows,
        urgent=danger_now == Concern.Answer.YES,
        reporter=reporter if getattr(reporter, "is_authenticated", False) else None,
        reporter_name=(reporter_name or "").strip(),
        reporter_email=reporter_email,
        reporter_phone=(reporter_phone or "").strip(),
    )
    concern.full_clean()
    concern.save()
    _log(concern, ConcernEvent.Action.CREATED, concern.reporter)
    transaction.on_commit(lambda: concern_alert_team.enqueue(concern_pk=concern.pk))
    if concern.reporter_email:
        contacts = council_contacts()
        send_email(
            template="safeguarding/email/concern_received",
            to=[concern.reporter_email],
            context={
                "reference": concern.reference,
                "adult_social_care_phone": contacts.adult_social_care_phone,
                "opening_hours": contacts.opening_hours,
                "out_of_hours_phone": contacts.out_of_hours_phone,
            },
        )
    return concern


@task()
def concern_alert_team(*, concern_pk: int) -> bool:
    """E-mail the team about one concern, once: the reference, whether it is urgent and the
    link, nothing else. Marks the concern alerted only when the mail server took the e-mail, so
    a failure leaves it for `concerns_alert_retry`."""
    concern = Concern.objects.filter(pk=concern_pk, team_alerted_at__isnull=True).first()
    to = team_addresses()
    if concern is None or not to:
        return False
    subject, body = render_email(
        template=ALERT_TEMPLATE,
        context={
            "reference": concern.reference,
            "urgent": concern.urgent,
            "url": concern_admin_url(concern),
        },
    )
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=to).send()
    Concern.objects.filter(pk=concern.pk).update(team_alerted_at=timezone.now())
    return True


def concerns_alert_retry() -> int:
    """Send the team the alerts that have not gone yet (the mail server was down); how many
    were sent."""
    sent = 0
    for pk in Concern.objects.filter(team_alerted_at__isnull=True).values_list("pk", flat=True):
        try:
            sent += bool(concern_alert_team.call(concern_pk=pk))
        except OSError:  # still down: the next run tries again
            break
    return sent


def concern_view(*, user, concern: Concern) -> Concern:
    """A team member opens a concern: logged (who, when). Anyone else is refused."""
    if not can_handle_concerns(user):
        raise PermissionDenied("Only the safeguarding team can see concerns.")
    _log(concern, ConcernEvent.Action.VIEWED, user)
    return concern


NEEDS_REASON = {Concern.Status.NO_FURTHER_ACTION}


@transaction.atomic
def concern_set_status(*, user, concern: Concern, status: str, reason: str = "") -> Concern:
    """A team member moves a concern on: new, acknowledged, passed to a section 42 enquiry, no
    further action (with the reason) or closed. Logged with who and when."""
    if not can_handle_concerns(user):
        raise PermissionDenied("Only the safeguarding team can change concerns.")
    reason = (reason or "").strip()
    if status not in Concern.Status.values:
        raise ValidationError({"status": "Select a status."})
    if status in NEEDS_REASON and not reason:
        raise ValidationError({"reason": "Say why no further action is needed."})
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    concern.status = status
    concern.status_reason = reason
    concern.full_clean()
    concern.save(update_fields=["status", "status_reason"])
    _log(concern, ConcernEvent.Action.STATUS, user, status=status, note=reason)
    return concern


@transaction.atomic
def concerns_retention_delete(*, now=None) -> int:
    """Delete the concerns the council no longer keeps: closed (or no further action) and
    raised more than CouncilContacts.concern_retention_years ago. Open concerns are never
    deleted, however old. Returns how many went."""
    now = now or timezone.now()
    years = council_contacts().concern_retention_years
    try:
        cutoff = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        cutoff = now.replace(year=now.year - years, day=28)
    expired = Concern.objects.filter(
        status__in=[Concern.Status.CLOSED, Concern.Status.NO_FURTHER_ACTION],
        created_at__lt=cutoff,
    )
    _, per_model = expired.delete()
    return per_model.get(Concern._meta.label, 0)


# --- personal data ------------------------------------------------------------------------


def concerns_export(user) -> list[dict[str, Any]]:
    """The concerns a person raised, as they told them: no status notes, no log, nothing the
    team wrote."""
    return [
        {
            "reference": concern.reference,
            "raised": concern.created_at,
            "about": concern.about,
            "what_happened": concern.description,
            "when": concern.happened_when,
            "your_name": concern.reporter_name,
            "your_email": concern.reporter_email,
            "your_phone": concern.reporter_phone,
        }
        for concern in Concern.objects.filter(reporter=user).select_related(
            "service", "organisation"
        )
    ]


def concerns_erase_reporter(user) -> None:
    """Account deletion: each concern stays (the council keeps it for its retention period);
    the reporter's link and contact details go, and the removal is logged."""
    for concern in Concern.objects.filter(reporter=user):
        concern.reporter = None
        concern.reporter_name = concern.reporter_email = concern.reporter_phone = ""
        concern.save(
            update_fields=["reporter", "reporter_name", "reporter_email", "reporter_phone"]
        )
        _log(
            concern,
            ConcernEvent.Action.REPORTER_REMOVED,
            note="The reporter deleted their account.",
        )
