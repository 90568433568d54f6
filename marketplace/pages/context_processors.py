from django.conf import settings
from django.urls import reverse

from wagtail.models import Site

from core.caching import PAGES, cached

from .models import AdviceIndexPage, SiteSettings


def _chrome(site: Site) -> tuple[SiteSettings, list[dict[str, str]]]:
    """The site's settings (with the pages the footer links to) and its audience sections."""
    site_settings = (
        SiteSettings.objects.select_related("accessibility_page", "privacy_page", "cookies_page")
        .filter(site=site)
        .first()
    ) or SiteSettings(site=site)  # the defaults, until an editor saves the settings
    sections = AdviceIndexPage.objects.child_of(site.root_page).live().public().in_menu()
    nav = [
        {"title": page.menu_title or page.title, "url": page.relative_url(site)}
        for page in sections
    ]
    return site_settings, nav


def site_chrome(request):
    """Site settings and the service navigation (search plus one link per audience section).

    Every page shows them and they change only when editors change pages or settings, so they
    are cached per site (core.caching, topic "pages": see marketplace/pages/apps.py).
    """
    site = Site.find_for_request(request)
    nav = [{"title": "Find services", "url": reverse("site_search")}]
    if site:
        site_settings, sections = cached(PAGES, f"chrome:{site.pk}", lambda: _chrome(site))
        nav += [dict(item) for item in sections]
    else:
        site_settings = SiteSettings()
    for item in nav:
        item["active"] = request.path.startswith(item["url"])
    return {
        "site_settings": site_settings,
        "nav_items": nav,
        "service_name": site_settings.service_name or settings.WAGTAIL_SITE_NAME,
    }
