"""Reviews of services, the provider's replies, reports from readers and the moderation history.

Rules live in ratings/services.py; these models hold data and the read-side QuerySets.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from catalogue.models import Service

RATING_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
TITLE_MAX_LENGTH = 100
TEXT_MIN_LENGTH = 30
TEXT_MAX_LENGTH = 3000
REPLY_MAX_LENGTH = 2000
REPORT_MESSAGE_MAX_LENGTH = 1000

# The category questions: (field name, question shown to the reviewer, short label).
CATEGORIES = [
    ("rating_dignity", "Treating people with dignity and respect", "Dignity and respect"),
    ("rating_reliability", "Reliability and punctuality", "Reliability and punctuality"),
    ("rating_communication", "Staff and communication", "Staff and communication"),
    ("rating_outcomes", "Helping the person achieve what matters to them", "Meeting outcomes"),
    ("rating_value", "Value for money", "Value for money"),
]
CATEGORY_FIELDS = [name for name, _question, _label in CATEGORIES]


class RejectionReason(models.TextChoices):
    """Why a moderator refused a review or reply; the label is e-mailed to its author."""

    NOT_FIRST_HAND = "not-first-hand", "It is not about first-hand experience of this service"
    PERSONAL_DATA = (
        "personal-data",
        "It names or identifies people (staff, residents or others) or shares private details",
    )
    ABUSIVE = "abusive", "It is abusive, threatening, discriminatory or offensive"
    SAFEGUARDING = (
        "safeguarding",
        "It raises a safeguarding concern that the council must deal with directly",
    )
    ADVERTISING = "advertising", "It advertises, promotes or contains links"
    CONFLICT = "conflict", "It appears to be written by someone with a conflict of interest"
    OFF_TOPIC = "off-topic", "It is not about the care and support received"
    OTHER = "other", "Another reason (explained in the moderator's note)"


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Review.Status.PUBLISHED)

    def scored(self):
        """What the score counts: published reviews, including those hidden while a moderator
        looks at reports (reports alone never move the score; a moderator's decision does)."""
        return self.published()

    def public(self):
        """What readers see: published and not hidden pending a decision on reports."""
        return self.published().filter(hidden_by_reports=False)

    def current(self):
        """Reviews that still stand for their author: anything not withdrawn."""
        return self.exclude(status=Review.Status.WITHDRAWN)


class Review(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Relationship(models.TextChoices):
        SELF = "self", "I received the care myself"
        FAMILY = "family", "A family member received it"
        FRIEND = "friend", "A friend received it"
        ADVOCATE = "advocate", "I am an advocate or representative for the person"

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="reviews")
    # Null once the author's account is erased: the review is then withdrawn and anonymous.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    care_date = models.DateField(help_text="When the care was received.")
    overall = models.PositiveSmallIntegerField(validators=RATING_VALIDATORS)
    rating_dignity = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    rating_reliability = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    rating_communication = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    rating_outcomes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    rating_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=RATING_VALIDATORS
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    text = models.TextField(validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    text_fingerprint = models.CharField(max_length=64, db_index=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    moderation_note = models.TextField(blank=True, max_length=2000)
    hidden_by_reports = models.BooleanField(
        default=False, help_text="Hidden from readers until a moderator looks at the reports."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # When the current text was written (set again on every edit): the review's date for
    # readers and for the 24-month score window.
    written_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Set the first time the review is published, when the provider is told about it.
    provider_notified_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-written_at", "-pk"]
        indexes = [models.Index(fields=["service", "status", "written_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "author"],
                condition=~models.Q(status="withdrawn"),
                name="review_one_current_per_author",
                violation_error_message="You have already reviewed this service.",
            ),
            models.CheckConstraint(
                condition=models.Q(overall__gte=1, overall__lte=5), name="review_overall_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.service})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("ratings:review", kwargs={"pk": self.pk})

    @property
    def category_ratings(self) -> list[tuple[str, int | None]]:
        return [(label, getattr(self, name)) for name, _question, label in CATEGORIES]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.hidden_by_reports


class ReviewReply(models.Model):
    """The provider's one reply to a review; moderated like reviews, editable by its staff."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="reply")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_replies",
    )
    text = models.TextField(validators=[MaxLengthValidator(REPLY_MAX_LENGTH)])
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    moderation_note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    written_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "review replies"
        ordering = ["-written_at"]

    def __str__(self) -> str:
        return f"Reply to {self.review}"


class ReviewReport(models.Model):
    """A reader tells the moderators a published review breaks the rules."""

    class Reason(models.TextChoices):
        FAKE = "fake", "I do not think it is genuine"
        PERSONAL = "personal", "It identifies people or shares private details"
        ABUSIVE = "abusive", "It is abusive or offensive"
        WRONG_SERVICE = "wrong-service", "It is about a different service"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld: the review was removed"
        DISMISSED = "dismissed", "Dismissed: the review stays"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    message = models.TextField(blank=True, max_length=REPORT_MESSAGE_MAX_LENGTH)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "reporter"],
                condition=models.Q(status="open", reporter__isnull=False),
                name="review_report_one_open_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"Report on {self.review}: {self.get_reason_display()}"


class ReviewEvent(models.Model):
    """The history of a review and its reply: who did what, when, with what note."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Review submitted"
        EDITED = "edited", "Review edited (back to moderation)"
        APPROVED = "approved", "Review approved"
        REJECTED = "rejected", "Review rejected"
        WITHDRAWN = "withdrawn", "Review withdrawn by its author"
        REPORTED = "reported", "Review reported"
        HIDDEN = "hidden", "Review hidden pending a decision on reports"
        REPORTS_DISMISSED = "reports-dismissed", "Reports dismissed: review stays"
        REPLY_SUBMITTED = "reply-submitted", "Reply submitted"
        REPLY_EDITED = "reply-edited", "Reply edited (back to moderation)"
        REPLY_APPROVED = "reply-approved", "Reply approved"
        REPLY_REJECTED = "reply-rejected", "Reply rejected"
        ERASED = "erased", "Author's account erased: review withdrawn and anonymised"

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} at {self.created_at:%Y-%m-%d %H:%M}"
