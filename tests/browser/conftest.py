"""Fixtures for the browser tests: a real Chromium driven by Playwright against the live server.

Every test here is marked `browser` and is skipped, with a message saying how to install it,
when Debian's Chromium is missing. We never download Playwright's own browsers: the tests use
the system Chromium (site_pages.DEFAULT_CHROMIUM_PATH: Debian's headless shell, else its
browser) or CHROMIUM_PATH.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

import pytest

from tests.browser.site_pages import CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH, INSTALL_HINT

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH
MISSING_MESSAGE = (
    f"Chromium not found at {CHROMIUM_PATH}: install it with {INSTALL_HINT} "
    "to run the browser tests"
)
# Short timeouts: the live server answers in milliseconds, so a wait of seconds means a bug.
DEFAULT_TIMEOUT_MS = 10_000

BROWSER_DIR = Path(__file__).resolve().parent


def chromium_available() -> bool:
    return Path(CHROMIUM_PATH).is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser as `browser`; skip them all if Chromium is missing."""
    available = chromium_available()
    if not available and os.environ.get("REQUIRE_BROWSER"):
        # CI sets REQUIRE_BROWSER: there, a missing Chromium is a failure, not a skip.
        raise pytest.UsageError(MISSING_MESSAGE)
    for item in items:
        if BROWSER_DIR not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        # The marker makes pytest-django create the test database for a browser-only run;
        # `_django_db_marker` below keeps it from wrapping each test in a transaction.
        item.add_marker(pytest.mark.django_db)
        if not available:
            item.add_marker(pytest.mark.skip(reason=MISSING_MESSAGE))


@pytest.fixture(autouse=True)
def _django_db_marker():
    """Replaces pytest-django's fixture of this name for the browser tests: no transaction
    around each test, because the live server's requests must commit (e-mails are sent on
    commit) and the demo is shared by the whole package (see `_browser_site`)."""


@pytest.fixture(scope="package")
def _browser_site(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """One live server, one demo site and one Chromium for every browser test in this process
    (where starting each afresh cost some 14 s a test). `make test-browser` runs one such
    process per core (pytest-xdist), each on its own test database.

    The demo is loaded once and committed (no test transaction: the server thread must see it),
    so the browser tests share it: a test that changes data does so for the tests after it, and
    each one is written to hold whatever order they run in (its own new account or records,
    nothing counted from a known total). When the package ends, if other tests run in the same
    process after these, the database goes back to what migrations made (flushed and restored
    from a serialization taken before the demo load, Django's serialized-rollback mechanism), so
    they see the empty database they expect; `make test-browser` runs these alone, and skips it.

    Playwright's sync API keeps an asyncio loop marked as running in the main thread while it
    is started; Django then refuses the ORM there unless DJANGO_ALLOW_ASYNC_UNSAFE is set, so it
    is set for the package and taken away after (it would otherwise fail the deploy checks test).
    """
    if not chromium_available():
        pytest.skip(MISSING_MESSAGE)
    from django.db import connection

    from playwright.sync_api import sync_playwright
    from pytest_django.live_server_helper import LiveServer

    if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
        raise RuntimeError("The browser tests must run on the test database.")
    media = tmp_path_factory.mktemp("browser-media")
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock():
        patch.setattr(settings, "MEDIA_ROOT", media)
        others_follow = any("browser" not in item.keywords for item in request.session.items)
        initial = connection.creation.serialize_db_to_string() if others_follow else None
        call_command("load_demo_data", "--catalogue=small", verbosity=0)
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            yield BrowserSite(url=server.url.rstrip("/"), browser=chromium, media=media)
        finally:
            playwright.stop()
            server._live_server_modified_settings.disable()
            server.stop()
            if initial is not None:
                call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
                connection.creation.deserialize_db_from_string(initial)


@dataclass(frozen=True)
class BrowserSite:
    url: str
    browser: object
    media: Path


@pytest.fixture
def _media_root(settings, _browser_site):
    """Browser tests keep the demo's media folder (the root conftest gives each test its own)."""
    settings.MEDIA_ROOT = _browser_site.media


@pytest.fixture
def site_url(_browser_site, django_db_blocker):
    """The live server's base URL (no trailing slash); the test may use the ORM, which commits."""
    with django_db_blocker.unblock():
        yield _browser_site.url


@pytest.fixture
def browser(_browser_site):
    """The package's headless Chromium."""
    return _browser_site.browser


@pytest.fixture
def context_options():
    """Options for the browser context; override in a test module to change them."""
    return {}


@pytest.fixture
def context(browser, context_options):
    ctx = browser.new_context(**context_options)
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    ctx.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A fresh page in a fresh browser context (no cookies shared between tests)."""
    return context.new_page()
