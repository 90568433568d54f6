"""What every page of the site has, whichever app defines the page type."""

from django.db import models

from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index


class BasePage(Page):
    """Fields every page of the site has: a plain summary for listings and search results."""

    summary = models.TextField(
        blank=True, max_length=300, help_text="One or two sentences shown in lists and search."
    )

    search_fields = [*Page.search_fields, index.SearchField("summary")]
    content_panels = [*Page.content_panels, FieldPanel("summary")]

    class Meta:
        abstract = True
