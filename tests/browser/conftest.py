"""Fixtures for the browser tests: a real Chromium driven by Playwright against the live server.

Every test here is marked `browser` and is skipped, with a message saying how to install it,
when Debian's Chromium is missing. We never download Playwright's own browsers: the tests use
the system Chromium at /usr/bin/chromium (or CHROMIUM_PATH).
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.browser.site_pages import CHROMIUM_ARGS, DEFAULT_CHROMIUM_PATH

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM_PATH
MISSING_MESSAGE = (
    f"Chromium not found at {CHROMIUM_PATH}: install it with `apt-get install -y chromium` "
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
        if not available:
            item.add_marker(pytest.mark.skip(reason=MISSING_MESSAGE))


@pytest.fixture
def site_url(live_server, transactional_db, django_db_serialized_rollback):
    """The live server's base URL (no trailing slash), with the demo site and accounts loaded.

    The live server runs in another thread, so the database is transactional (flushed after
    each test) rather than wrapped in a transaction the server could not see. The flush would
    also delete what migrations created (Wagtail's root page and default Site), so the test
    database is serialized once and restored for each test (serialized rollback).
    """
    call_command("load_demo_data", "--catalogue=small", verbosity=0)
    return live_server.url.rstrip("/")


@pytest.fixture
def browser(site_url, monkeypatch):
    """A headless Chromium for one test, started after (and stopped before) the database setup.

    Why not one browser for the whole session: Playwright's sync API leaves an asyncio event
    loop marked as running in the main thread for as long as it is started. While it is, Django
    (through asgiref's Local) hands out *different* database connection objects than the ones
    pytest-django set up, so the serialized-rollback data and the live server's connection are
    lost once any ordinary database test has run first, and every later test in the session
    would need DJANGO_ALLOW_ASYNC_UNSAFE (which itself fails `manage.py check --deploy` in
    tests/test_settings.py if it leaks into the environment). Starting Chromium costs about
    0.9 s a test, which is a price worth paying for tests that pass the same alone and in the
    whole suite. Depending on `site_url` makes the database fixtures wrap the browser's life.
    """
    if not chromium_available():
        pytest.skip(MISSING_MESSAGE)
    from playwright.sync_api import sync_playwright

    # Anything the test does with the ORM while Playwright runs happens "inside" its event
    # loop; allow it for this test only (like os.environ.setdefault, restored afterwards).
    if "DJANGO_ALLOW_ASYNC_UNSAFE" not in os.environ:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


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
