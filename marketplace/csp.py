"""Content-Security-Policy on every response (defence in depth against stored script).

The public site runs only its own script files plus one inline script (base.html's
`js-enabled` switch), allowed by its SHA-256 hash rather than a nonce so that cached fragments of
the page stay valid. Inline `style` attributes (chart bars, table widths) are allowed: styles
cannot run code. The Wagtail admin has its own inline scripts, so it gets a looser policy that
still refuses other sites' scripts, plugins and framing by other sites.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Must match templates/base.html byte for byte (tests/marketplace/test_csp.py checks it).
JS_ENABLED_SCRIPT = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' govuk-frontend-supported' : '');"
)


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _media_origin() -> str:
    """MEDIA_URL's origin when photos are served from another host (a CDN), else ''."""
    parts = urlsplit(settings.MEDIA_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def public_policy() -> str:
    media = [_media_origin()] if _media_origin() else []
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'", script_hash(JS_ENABLED_SCRIPT)],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", *media],
            "font-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'none'"],
        }
    )


def admin_policy() -> str:
    media = [_media_origin()] if _media_origin() else []
    return _policy(
        {
            "default-src": ["'self'"],
            "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:", "blob:", *media],
            "font-src": ["'self'", "data:"],
            "connect-src": ["'self'"],
            "frame-src": ["'self'"],
            "object-src": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
            "frame-ancestors": ["'self'"],  # the page preview
        }
    )


class ContentSecurityPolicyMiddleware:
    """Adds the policy unless the view set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.public, self.admin = public_policy(), admin_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path.startswith("/admin/")
            response["Content-Security-Policy"] = self.admin if admin else self.public
        return response
