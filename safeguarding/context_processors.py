from wagtail.models import Site

from core.caching import PAGES, cached

from .models import CouncilContacts


def council_contacts(request):
    """The council's numbers for the footer and the concern pages, on every page: cached per
    site with the rest of the chrome (topic "pages"; safeguarding/apps.py invalidates it when
    the contact details are saved)."""
    site = Site.find_for_request(request)
    if site is None:
        return {"council_contacts": CouncilContacts()}
    contacts = cached(
        PAGES,
        f"council-contacts:{site.pk}",
        lambda: CouncilContacts.objects.filter(site=site).first() or CouncilContacts(site=site),
    )
    return {"council_contacts": contacts}
