"""StreamField blocks for advice pages. Each has a template in templates/blocks/."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.text import slugify
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]


class HeadingValue(blocks.StructValue):
    def anchor(self) -> str:
        return slugify(self.get("text") or "")


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading"), ("h3", "Sub-heading")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        value_class = HeadingValue
        description = "A section heading; section headings also appear in the page contents."
        preview_value = {"text": "What a personal budget is", "level": "h2"}


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        super().__init__(features=RICH_TEXT_FEATURES, **kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/paragraph.html"
        description = "Body text: paragraphs, lists and links."
        preview_value = (
            "<p>A personal budget is the money the council agrees to spend on your care.</p>"
        )


class CalloutBlock(blocks.StructBlock):
    style = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("warning", "Warning")], default="info"
    )
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "info-circle"
        template = "blocks/callout.html"
        description = "A highlighted box for a key fact or a warning."
        preview_value = {
            "style": "warning",
            "title": "If someone is in danger",
            "text": "<p>Call 999 now.</p>",
        }


class RelatedServiceLinkValue(blocks.StructValue):
    def url(self) -> str:
        return f"{reverse('site_search')}?{urlencode({'q': self.get('query')})}"


class RelatedServiceLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=80)
    query = blocks.CharBlock(max_length=80, help_text="The words to search the catalogue for.")

    class Meta:
        value_class = RelatedServiceLinkValue


class RelatedServicesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=80, default="Find services")
    links = blocks.ListBlock(RelatedServiceLinkBlock(), min_num=1)

    class Meta:
        icon = "link"
        template = "blocks/related_services.html"
        description = "Links to searches of the service catalogue."
        preview_value = {
            "heading": "Find services",
            "links": [{"label": "Home care", "query": "home care"}],
        }


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=120, required=False, help_text="Defaults to the title.")
    description = blocks.TextBlock(required=False, max_length=300)

    class Meta:
        icon = "download"
        template = "blocks/download.html"
        description = "A file to download, with its type and size."


class AdviceStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    callout = CalloutBlock()
    related_services = RelatedServicesBlock()
    download = DownloadBlock()
