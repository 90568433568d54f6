import shutil

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

from wagtail.models import Page, Site

import pytest

from marketplace.pages.services import site_install_home_page
from tests import migrated_template
from tests.factories import HomePageFactory
from tests.snapshots import restore_or_load

migrated_template.install()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own folder and vanish with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The abuse limits (core.limits) count in the cache: every test starts with full
    allowances, whatever earlier tests sent."""
    cache.clear()
    yield
    cache.clear()


def _install_home_page():
    site = Site.objects.get(is_default_site=True)
    return site_install_home_page(site=site, home=HomePageFactory.build())


@pytest.fixture
def home_page(db):
    """A site whose root is a published HomePage, as after a real install: installed for real
    the first time in each test process, and the tables that wrote put back for later tests
    (tests/snapshots.py; a third of the suite asks for a home page, and Wagtail's publish costs
    far more than the restore). The page is read afresh, so a test's changes to it stay its own."""
    home = restore_or_load("home-page", _install_home_page)
    return type(home).objects.get(pk=home.pk)


@pytest.fixture
def demo(db):
    """The full demo content and accounts, loaded by the real demo command (the first time in
    each test process; later tests get the tables it wrote put back, tests/snapshots.py)."""
    restore_or_load(
        "demo-small", lambda: call_command("load_demo_data", "--catalogue=small", verbosity=0)
    )
    return Site.objects.get(is_default_site=True).root_page.specific


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


def pytest_report_header(config):
    return f"database: {settings.DATABASES['default']['ENGINE']}"


def pytest_collection_modifyitems(config, items):
    """A test outside the test transaction (django_db(transaction=True)) must also ask for
    serialized_rollback: its closing flush otherwise re-creates the content types under new ids
    on PostgreSQL, and a later test that restores the migrated data (the race tests) then fails
    at setup with a duplicate content type. Caught here, at collection, on SQLite too."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or "browser" in item.keywords:
            continue
        if marker.kwargs.get("transaction") and not marker.kwargs.get("serialized_rollback"):
            raise pytest.UsageError(
                f"{item.nodeid}: django_db(transaction=True) needs serialized_rollback=True"
            )
