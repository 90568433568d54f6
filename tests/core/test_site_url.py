"""core.site_url: the one address every e-mail links to (issue 20: links were dead when the site
ran on a port other than 8000)."""

from django.test import RequestFactory

from core.email import render_email
from core.site_url import SiteUrlMiddleware, site_url

TEMPLATE = "catalogue/email/claim_approved"  # links to {{ base_url }}/provider/


class Organisation:
    name = "Sunrise Care"


def test_outside_a_request_links_use_base_url(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://care.westshire.example/"

    _, body = render_email(template=TEMPLATE, context={"organisation": Organisation()})

    assert site_url() == "https://care.westshire.example"
    assert "https://care.westshire.example/provider/" in body


def test_during_a_request_links_use_the_requests_host_and_port(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    seen = {}

    def view(request):
        seen["url"] = site_url()
        seen["body"] = render_email(template=TEMPLATE, context={"organisation": Organisation()})[1]

    SiteUrlMiddleware(view)(RequestFactory().get("/", HTTP_HOST="localhost:8123"))

    assert seen["url"] == "http://localhost:8123"
    assert "http://localhost:8123/provider/" in seen["body"]
    assert "8000" not in seen["body"]
    assert site_url() == "http://127.0.0.1:8000"  # forgotten once the request is answered


def test_a_host_outside_allowed_hosts_never_makes_a_link(settings):
    settings.WAGTAILADMIN_BASE_URL = "https://care.westshire.example"
    seen = {}

    def view(request):
        seen["url"] = site_url()

    SiteUrlMiddleware(view)(RequestFactory().get("/", HTTP_HOST="evil.example"))

    assert seen["url"] == "https://care.westshire.example"


def test_the_middleware_is_installed(settings):
    assert "core.site_url.SiteUrlMiddleware" in settings.MIDDLEWARE
