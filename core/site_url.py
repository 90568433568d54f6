"""The site's address for links that leave the page, as in e-mails (issue 20: every notice
linked to http://127.0.0.1:8000/ when the site ran on another port).

During a request it is the address the person is using (scheme and host, checked against
ALLOWED_HOSTS by Django); outside one (a daily command, a queued task) it is the BASE_URL
setting, which `make run PORT=...` sets.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest

_current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def site_url() -> str:
    """'https://care.example' (no trailing slash): the request's site, else BASE_URL."""
    request = _current_request.get()
    if request is not None:
        try:
            return request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:  # an unknown host never makes a link
            pass
    return (settings.WAGTAILADMIN_BASE_URL or "").rstrip("/")


class SiteUrlMiddleware:
    """Remembers the request being answered, for `site_url`, and forgets it afterwards."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
