from django.conf import settings
from django.urls import reverse
from wagtail.models import Site

from .models import AdviceIndexPage, SiteSettings


def site_chrome(request):
    """Site settings and the service navigation (search plus one link per audience section)."""
    site = Site.find_for_request(request)
    site_settings = SiteSettings.for_site(site) if site else SiteSettings()
    nav = [{"title": "Find services", "url": reverse("site_search")}]
    if site:
        sections = AdviceIndexPage.objects.child_of(site.root_page).live().public().in_menu()
        nav += [
            {"title": page.menu_title or page.title, "url": page.get_url(request)}
            for page in sections
        ]
    for item in nav:
        item["active"] = request.path.startswith(item["url"])
    return {
        "site_settings": site_settings,
        "nav_items": nav,
        "service_name": site_settings.service_name or settings.WAGTAIL_SITE_NAME,
    }
