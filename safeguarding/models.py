"""Safeguarding concerns about adults, and the council's contact details.

A concern is not a listing report: it goes to the council's safeguarding team only (the
Safeguarding team role), never to moderators or to the provider it is about. Every time a member
of the team opens or changes one, a ConcernEvent records who and when.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting

DESCRIPTION_MAX_LENGTH = 5000
# No 0/O, 1/I/L: a reference read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_reference() -> str:
    return "SG-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


class ConcernQuerySet(models.QuerySet):
    def queue_order(self) -> ConcernQuerySet:
        """The team's queue: someone in danger now first, then the newest."""
        return self.order_by("-urgent", "-created_at")

    def open(self) -> ConcernQuerySet:
        return self.exclude(status__in=[Concern.Status.CLOSED, Concern.Status.NO_FURTHER_ACTION])


class Concern(models.Model):
    """Someone tells the council they are worried an adult is being abused or neglected."""

    class Source(models.TextChoices):
        PUBLIC = "public", "Report a concern page"
        LISTING = "listing", "A listing"
        LISTING_REPORT = "listing-report", "A report about a listing"
        REVIEW = "review", "A review a moderator rejected"
        REPLY = "reply", "A reply a moderator rejected"
        ENQUIRY = "enquiry", "A provider, from an enquiry"
        PLAN = "plan", "A practitioner, from a support plan"

    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        SECTION_42 = "section-42", "Passed to a section 42 enquiry"
        NO_FURTHER_ACTION = "no-further-action", "No further action"
        CLOSED = "closed", "Closed"

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        UNSURE = "unsure", "I do not know"

    reference = models.CharField(max_length=12, unique=True, default=new_reference, editable=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.PUBLIC)
    # What it is about: a listing or organisation where there is one, otherwise a place.
    service = models.ForeignKey(
        "catalogue.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        "catalogue.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.CharField("where it happened", max_length=300, blank=True)
    description = models.TextField("what happened", max_length=DESCRIPTION_MAX_LENGTH)
    happened_when = models.CharField("when it happened", max_length=200, blank=True)
    danger_now = models.CharField(
        "anyone in danger now", max_length=10, choices=Answer.choices, default=Answer.UNSURE
    )
    person_knows = models.CharField(
        "the person knows", max_length=10, choices=Answer.choices, default=Answer.UNSURE
    )
    urgent = models.BooleanField(default=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="safeguarding_concerns",
    )
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    team_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-urgent", "-created_at"]
        # Only the safeguarding team's policy (safeguarding/wagtail_hooks.py) opens concerns.
        default_permissions = ()

    def __str__(self) -> str:
        return self.reference

    @property
    def about(self) -> str:
        if self.service_id:
            return str(self.service)
        if self.organisation_id:
            return str(self.organisation)
        return self.place or "Not given"

    @property
    def anonymous(self) -> bool:
        return not (self.reporter_id or self.reporter_name or self.reporter_email)


class ConcernEvent(models.Model):
    """The log of a concern: who opened or changed it, and when. Never edited or deleted."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        VIEWED = "viewed", "Viewed"
        STATUS = "status", "Status changed"
        REPORTER_REMOVED = "reporter-removed", "Reporter's details removed"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the log still says who after their account is deleted.
    user_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Concern.Status.choices, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.concern}: {self.get_action_display()}"


class CouncilContacts(BaseSiteSetting):
    """The council's numbers people need when they are worried about someone: shown in the
    footer, on the concern pages and in advice. The demo's numbers are fictional (Ofcom's
    drama range)."""

    adult_social_care_phone = models.CharField(max_length=40, blank=True, default="0118 496 0000")
    out_of_hours_phone = models.CharField(max_length=40, blank=True, default="0118 496 0999")
    opening_hours = models.CharField(
        max_length=200, blank=True, default="Monday to Friday, 9am to 5pm"
    )
    safeguarding_email = models.EmailField(
        blank=True,
        help_text=(
            "The safeguarding team's inbox: told at once of every new concern (only a link, no "
            "personal details). Without it, the team's members are e-mailed."
        ),
    )
    concern_retention_years = models.PositiveSmallIntegerField(
        default=6, help_text="How long the council keeps a closed concern."
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("adult_social_care_phone"),
                FieldPanel("out_of_hours_phone"),
                FieldPanel("opening_hours"),
            ],
            "Adult social care",
        ),
        MultiFieldPanel(
            [FieldPanel("safeguarding_email"), FieldPanel("concern_retention_years")],
            "Safeguarding",
        ),
    ]

    class Meta:
        verbose_name = "council contact details"
