from django.db import models

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from catalogue.remembered_postcode import remembered_postcode
from core.blocks import RICH_TEXT_FEATURES
from core.pages import BasePage

from .blocks import AdviceStreamBlock


class HomePage(BasePage):
    """The front page: what the service is, a search box and a route for each audience."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)
    search_heading = models.CharField(max_length=120, default="Find care and support")
    search_hint = models.CharField(
        max_length=200,
        blank=True,
        default="For example, home care, day centre or befriending",
    )

    content_panels = [
        *BasePage.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("search_heading"), FieldPanel("search_hint")], "Search box"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "pages.AdviceIndexPage",
        "pages.AdvicePage",
        "market_statement.MarketPositionStatementPage",
    ]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["audiences"] = AdviceIndexPage.objects.child_of(self).live().public().in_menu()
        # The postcode given earlier in this visit, so the box need not be filled again.
        context["remembered_postcode"] = remembered_postcode(request)
        return context


class AdviceIndexPage(BasePage):
    """A section of advice for one audience (people who need care, carers, providers...)."""

    menu_title = models.CharField(
        max_length=30,
        blank=True,
        help_text="A short name for the site menu, e.g. 'Carers'. Defaults to the title.",
    )
    body = StreamField(AdviceStreamBlock(), blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    promote_panels = [*BasePage.promote_panels, FieldPanel("menu_title")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.AdvicePage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = AdvicePage.objects.child_of(self).live().public()
        return context


class AdvicePage(BasePage):
    """An advice article: headings, text, call-outs, links to services and downloads."""

    body = StreamField(AdviceStreamBlock())

    content_panels = [*BasePage.content_panels, FieldPanel("body")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]

    parent_page_types = ["pages.AdviceIndexPage", "pages.HomePage"]
    subpage_types: list[str] = []

    def contents(self) -> list[dict]:
        """The page's section headings, for the 'Contents' list at the top."""
        return [
            {"text": block.value["text"], "anchor": block.value.anchor()}
            for block in self.body
            if block.block_type == "heading" and block.value["level"] == "h2"
        ]


class SiteSettings(BaseSiteSetting):
    """What a council sets once: its name, contact details and the pages the footer links to."""

    council_name = models.CharField(max_length=100, default="Westshire Council")
    service_name = models.CharField(max_length=60, default="Care Market")
    council_url = models.URLField(blank=True)
    contact_email = models.EmailField(blank=True)
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    privacy_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cookies_page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("council_name"),
                FieldPanel("service_name"),
                FieldPanel("council_url"),
                FieldPanel("contact_email"),
            ],
            "Council",
        ),
        MultiFieldPanel(
            [
                FieldPanel("accessibility_page"),
                FieldPanel("privacy_page"),
                FieldPanel("cookies_page"),
            ],
            "Footer links",
        ),
    ]

    class Meta:
        verbose_name = "site settings"
