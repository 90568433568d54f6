"""The HTTP client, with urllib's urlopen stubbed (the network boundary) and nothing else."""

import io
import json
import urllib.error

import pytest

from marketplace.openreferral.client import PartnerFetchError, UrllibTransport, read_api


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_urllib_transport_asks_for_json_with_a_timeout(monkeypatch):
    seen = {}

    def urlopen(request, timeout):
        seen.update(url=request.full_url, accept=request.get_header("Accept"), timeout=timeout)
        seen["agent"] = request.get_header("User-agent")
        return FakeResponse(b'{"ok": true}')

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    assert UrllibTransport(timeout=5).get("https://x.example/services") == b'{"ok": true}'
    assert seen["accept"] == "application/json" and seen["timeout"] == 5
    assert seen["agent"].startswith("CareMarket")


@pytest.mark.parametrize(
    "failure,message",
    [
        (urllib.error.HTTPError("https://x.example/", 503, "Unavailable", {}, None), "503"),
        (urllib.error.URLError("Name or service not known"), "Could not read"),
        (TimeoutError("timed out"), "Could not read"),
    ],
)
def test_network_failures_become_fetch_errors(monkeypatch, failure, message):
    def urlopen(request, timeout):
        raise failure

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    with pytest.raises(PartnerFetchError, match=message):
        UrllibTransport().get("https://x.example/services")


def test_oversized_bodies_and_other_schemes_are_refused(monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: FakeResponse(b"x" * 11))
    with pytest.raises(PartnerFetchError, match="more than 10 bytes"):
        UrllibTransport(max_bytes=10).get("https://x.example/")
    with pytest.raises(PartnerFetchError, match="Only http and https"):
        UrllibTransport().get("file:///etc/passwd")


class Pages:
    def __init__(self, pages, details=None):
        self.pages, self.details, self.urls = pages, details or {}, []

    def get(self, url):
        self.urls.append(url)
        if "/services?" in url:
            number = int(url.split("page=")[1].split("&")[0])
            return json.dumps(self.pages[number - 1]).encode()
        service_id = url.rsplit("/", 1)[1]
        return json.dumps(self.details.get(service_id, {"id": service_id, "price": 1.5})).encode()


def page(ids, **envelope):
    return {"contents": [{"id": i} for i in ids], **envelope}


def test_read_api_follows_the_pages_until_the_last():
    transport = Pages([page(["a", "b"], total_pages=3), page(["c"]), page(["d"], last_page=True)])
    services = list(read_api("https://x.example/v3", transport=transport, per_page=2))
    assert [s["id"] for s in services] == ["a", "b", "c", "d"]
    assert str(type(services[0]["price"]).__name__) == "Decimal"
    assert transport.urls[0] == "https://x.example/v3/services?page=1&per_page=2"
    assert transport.urls[1] == "https://x.example/v3/services/a"


def test_read_api_stops_at_an_empty_page_and_skips_repeats():
    transport = Pages([page(["a"]), page(["a", "b"]), page([])])
    assert [s["id"] for s in read_api("https://x.example/", transport=transport)] == ["a", "b"]


@pytest.mark.parametrize("body", [b"<html>", b'{"items": []}', b"[1, 2]"])
def test_read_api_refuses_what_is_not_an_oruk_page(body):
    class Broken:
        def get(self, url):
            return body

    with pytest.raises(PartnerFetchError):
        list(read_api("https://x.example/", transport=Broken()))


def test_read_api_has_a_page_limit():
    class Endless:
        def get(self, url):
            if "/services?" in url:
                return json.dumps(page([url])).encode()
            return b"{}"

    with pytest.raises(PartnerFetchError, match="more than 3 pages"):
        list(read_api("https://x.example/", transport=Endless(), max_pages=3))
