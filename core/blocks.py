"""StreamField blocks pages of several apps share (advice pages, the market statement): prose,
headings and call-outs. Each has a template in templates/blocks/."""

from django.utils.text import slugify

from wagtail import blocks

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
