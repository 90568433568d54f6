"""Fetching another directory's services: its ORUK 3.0 API (paged /services, then each
/services/{id} fully nested) or an ORUK JSON data package (an array of nested services).

The network is reached only through a `Transport` (`get(url) -> bytes`); the real one uses
urllib from the standard library, with a timeout, a size limit and http(s) only. Tests give a
stub transport at that boundary and exercise everything else for real.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

USER_AGENT = "CareMarket-ORUK-importer/1.0 (+https://github.com/openreferral/uk-profile)"
TIMEOUT_SECONDS = 30
MAX_RESPONSE_BYTES = 20 * 1024 * 1024
PER_PAGE = 50
MAX_PAGES = 1000


class PartnerFetchError(Exception):
    """The source could not be read completely; nothing should be changed from it."""


class Transport(Protocol):
    def get(self, url: str) -> bytes: ...


class UrllibTransport:
    """GET over HTTP(S) with urllib: JSON accepted, a timeout, and a cap on the body size."""

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS, max_bytes: int = MAX_RESPONSE_BYTES):
        self.timeout = timeout
        self.max_bytes = max_bytes

    def get(self, url: str) -> bytes:
        if urlsplit(url).scheme not in ("http", "https"):
            raise PartnerFetchError(f"Only http and https addresses can be read, not {url}.")
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(self.max_bytes + 1)
        except urllib.error.HTTPError as error:
            raise PartnerFetchError(f"{url} answered {error.code} {error.reason}.") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PartnerFetchError(f"Could not read {url}: {reason}.") from error
        if len(body) > self.max_bytes:
            raise PartnerFetchError(f"{url} sent more than {self.max_bytes:,} bytes.")
        return body


def _decode(body: bytes, where: str) -> Any:
    try:
        return json.loads(body.decode("utf-8-sig"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as error:
        raise PartnerFetchError(f"{where} is not JSON: {error}.") from error


def _api_url(base_url: str, path: str, **query: Any) -> str:
    base = base_url if base_url.endswith("/") else base_url + "/"
    url = urljoin(base, path)
    return f"{url}?{urlencode(query)}" if query else url


def read_api(
    base_url: str,
    *,
    transport: Transport | None = None,
    per_page: int = PER_PAGE,
    max_pages: int = MAX_PAGES,
) -> Iterator[dict[str, Any]]:
    """Every service of an ORUK 3.0 API, fully nested: /services page by page (until the
    envelope says last_page, or total_pages is reached, or a page is empty), then
    /services/{id} for each id. Raises PartnerFetchError if any request fails, so a partial
    read is never taken for the whole directory."""
    transport = transport or UrllibTransport()
    seen: set[str] = set()
    page = 1
    while True:
        if page > max_pages:
            raise PartnerFetchError(f"{base_url} has more than {max_pages} pages of services.")
        url = _api_url(base_url, "services", page=page, per_page=per_page)
        envelope = _decode(transport.get(url), url)
        contents = envelope.get("contents") if isinstance(envelope, dict) else None
        if not isinstance(contents, list):
            raise PartnerFetchError(f"{url} is not an ORUK page of services (no contents).")
        for item in contents:
            service_id = str(item.get("id", "")) if isinstance(item, dict) else ""
            if not service_id or service_id in seen:
                continue
            seen.add(service_id)
            detail_url = _api_url(base_url, f"services/{service_id}")
            yield _decode(transport.get(detail_url), detail_url)
        total_pages = envelope.get("total_pages")
        if (
            not contents
            or envelope.get("last_page") is True
            or (isinstance(total_pages, int) and page >= total_pages)
        ):
            return
        page += 1


def read_data_package(path: str | Path) -> list[dict[str, Any]]:
    """An ORUK JSON data package: an array of fully nested services, or an object holding one
    under "services" or "contents" (a saved page of the API)."""
    path = Path(path)
    try:
        body = path.read_bytes()
    except OSError as error:
        raise PartnerFetchError(f"Could not read {path}: {error.strerror}.") from error
    data = _decode(body, str(path))
    if isinstance(data, dict):
        data = data.get("services", data.get("contents"))
    if not isinstance(data, list):
        raise PartnerFetchError(
            f"{path} is not an ORUK data package (a JSON array of services, or an object with "
            "'services' or 'contents')."
        )
    return data
