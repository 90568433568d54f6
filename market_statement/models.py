"""The market position statement: a Wagtail page of prose and data blocks, the figures frozen
with each published version, and the consultation (comments and e-mail subscriptions).

Rules are in market_statement/services.py; these models hold data and read-side helpers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from core.blocks import RICH_TEXT_FEATURES
from core.pages import BasePage

from .blocks import DATA_BLOCK_TYPES, StatementStreamBlock


@dataclass
class Section:
    """A part of the statement that starts with a section heading; comments attach to it."""

    id: str
    title: str
    anchor: str
    blocks: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    # Set by views.statement.statement_context: where its rendered blocks are cached ('' for
    # none: live figures).
    cache_key: str = ""


class MarketPositionStatementPage(BasePage):
    """Where the local care market stands and where it is going, with live catalogue figures.

    Each publication is a numbered version whose figures are frozen (StatementVersion), so
    what was published can be cited later; readers may switch to the live figures.
    """

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    body = StreamField(StatementStreamBlock(), blank=True)
    consultation_opens = models.DateField(
        null=True, blank=True, help_text="The first day people can comment."
    )
    consultation_closes = models.DateField(
        null=True, blank=True, help_text="The last day people can comment."
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where to write about the statement, shown on the page."
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("consultation_opens"),
                FieldPanel("consultation_closes"),
                FieldPanel("contact_email"),
            ],
            "Consultation",
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro")]

    parent_page_types = ["pages.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "market position statement"

    def consultation_is_open(self, *, today=None) -> bool:
        today = today or timezone.localdate()
        if not self.consultation_opens or not self.consultation_closes:
            return False
        return self.consultation_opens <= today <= self.consultation_closes

    def data_blocks(self) -> list:
        return [block for block in self.body if block.block_type in DATA_BLOCK_TYPES]

    def find_block(self, block_id: str):
        return next((block for block in self.body if block.id == block_id), None)

    def sections(self) -> list[Section]:
        """The body split at section headings; blocks before the first one form an untitled
        opening section (which takes no comments)."""
        sections = [Section(id="", title="", anchor="")]
        for block in self.body:
            if block.block_type == "heading" and block.value["level"] == "h2":
                sections.append(
                    Section(id=block.id, title=block.value["text"], anchor=block.value.anchor())
                )
            sections[-1].blocks.append(block)
        return [section for section in sections if section.blocks]

    def current_version(self) -> StatementVersion | None:
        """The frozen figures of the revision the public sees now."""
        if not self.live_revision_id:
            return None
        return self.versions.filter(revision_id=self.live_revision_id).first()

    def get_context(self, request, *args, version: StatementVersion | None = None, **kwargs):
        from .views.statement import statement_context

        context = super().get_context(request, *args, **kwargs)
        context.update(statement_context(request, self, version=version))
        return context


class StatementVersion(models.Model):
    """One publication of a statement: its number, when, and the figures of every data block
    as they were then (block id -> figures), which never change afterwards."""

    page = models.ForeignKey(
        MarketPositionStatementPage, on_delete=models.CASCADE, related_name="versions"
    )
    revision = models.OneToOneField(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=255)
    published_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["page", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="statement_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title}, version {self.number}"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)


class Comment(models.Model):
    """A consultation comment on one section of a statement. Shown only once approved; the
    author's name and e-mail are never shown, only who they speak for if they say."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for moderation"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Not published"

    page = models.ForeignKey(
        MarketPositionStatementPage, on_delete=models.CASCADE, related_name="comments"
    )
    version = models.ForeignKey(
        StatementVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section_id = models.CharField(max_length=64, help_text="The id of the section heading block.")
    section_title = models.CharField(max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statement_comments"
    )
    on_behalf_of = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=3000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    moderation_note = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(blank=True, max_length=3000)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.section_title} ({self.get_status_display()})"

    @property
    def speaker(self) -> str:
        return self.on_behalf_of or "A stakeholder"


class Subscription(models.Model):
    """Someone who wants an e-mail each time a new version of a statement is published."""

    page = models.ForeignKey(
        MarketPositionStatementPage, on_delete=models.CASCADE, related_name="subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="statement_subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="statement_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} follows {self.page}"
