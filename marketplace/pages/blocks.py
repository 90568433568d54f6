"""StreamField blocks for advice pages (the prose blocks they share with other pages: core.blocks).
Each has a template in templates/blocks/."""

from urllib.parse import urlencode

from django.urls import reverse

from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock

from core.blocks import CalloutBlock, HeadingBlock, ParagraphBlock


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


class CouncilContactsBlock(blocks.StaticBlock):
    """The council's adult social care and out-of-hours numbers as set in Settings > Council
    contact details (safeguarding.CouncilContacts), so advice never goes out of date."""

    class Meta:
        icon = "mobile-alt"
        template = "blocks/council_contacts.html"
        admin_text = "The council's phone numbers, from Settings > Council contact details."
        description = "The council's adult social care and out-of-hours phone numbers."
        preview_value = None


class AdviceStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    callout = CalloutBlock()
    related_services = RelatedServicesBlock()
    download = DownloadBlock()
    council_contacts = CouncilContactsBlock()
