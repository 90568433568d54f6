"""Time the public pages of the demo site in-process and print figures.

Run: .venv/bin/python bench/page_render.py [--requests 100] [--reuse DIR] [--services N]

Uses a throwaway SQLite database with the full demo (or the one in --reuse DIR, made by an earlier
run), Django's test client (no network, no template instrumentation) and the settings the demo is
served with (DEBUG off). With --services N the demo catalogue is grown with synthetic services
(bench/search.py's generator, over the demo's taxonomy and towns) to N services and the index
rebuilt, so the pages are timed over a catalogue of that size (100,000: about ten minutes to build
once; keep the folder with --reuse).

Prints, per page, the median and 95th-percentile time, the number of SQL queries, and the ratio
of each to the baseline measured in the same run: the designed 404 page (the site chrome with no
content). The pages are requested in turn (one request of each page, then again), so a busy spell
of the machine falls on every page alike rather than on whichever page was being timed. Ratios
let figures from different machines be compared; the target is every public page's p95 under 3x
the 404's.
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("baseline: 404", "/no-such-page/"),
    ("home", "/"),
    ("advice index", "/people-who-need-care/"),
    ("advice page", "/people-who-need-care/personal-budgets-and-direct-payments/"),
    ("search: words", "/search/?q=home+care"),
    ("search: filters", "/search/?category=care-at-home&client_group=older-people"),
    ("search: postcode", "/search/?q=care&postcode=SY1+1HH&radius=10&sort=distance"),
    ("service", "{service}"),
    ("organisation", "{organisation}"),
    ("compare", "/shortlist/compare/"),
    ("market statement", "/market-position-statement/"),
    ("sign in", "/accounts/login/"),
]


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, int(len(times) * 0.95) - 1)]


def grow_catalogue(target: int) -> None:
    """Synthetic services (bench/search.py's) over the demo's categories and towns, up to
    `target` services in all, then the search index rebuilt."""
    import random

    from django.core.management import call_command
    from django.db import connection

    from bench.search import grow
    from catalogue.models import Category, Locality

    started = time.perf_counter()
    categories = [c for c in Category.objects.select_related("parent") if c.effective_unit]
    towns = list(Locality.objects.filter(easting__isnull=False, northing__isnull=False))
    grow(target, random.Random(4), categories, towns)
    call_command("rebuild_search_index", verbosity=0)
    # The planner's statistics, as bench/search.py gathers them (PostgreSQL's autovacuum does
    # this by itself): without them SQLite walks 100,000 services by status for an
    # organisation's few.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Grew the catalogue to {target:,} services in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--reuse", help="a folder holding the demo database of an earlier run")
    parser.add_argument(
        "--services",
        type=int,
        default=0,
        help="grow the catalogue with synthetic services to this many (e.g. 100000)",
    )
    args = parser.parse_args()

    tmp = args.reuse or tempfile.mkdtemp(prefix="caremarket-bench-")
    Path(tmp).mkdir(parents=True, exist_ok=True)
    fresh = not (Path(tmp) / "bench.sqlite3").exists()
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["VAR_DIR"] = tmp

    import logging

    import django

    django.setup()
    # One warning a request for the 404 baseline would only fill the screen.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from catalogue.models import Service

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.MEDIA_ROOT = Path(tmp) / "media"
    if fresh:
        call_command("migrate", verbosity=0)
        call_command("load_demo_data", verbosity=0)
        call_command("rebuild_search_index", verbosity=0)
    if args.services and Service.objects.count() < args.services:
        grow_catalogue(args.services)
    service = Service.objects.filter(status="published").order_by("pk").first()
    client = Client()
    # A shortlist of two, through the real form, for the compare page.
    for shortlisted in Service.objects.filter(status="published").order_by("pk")[:2]:
        html = client.get(shortlisted.get_absolute_url()).content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        client.post("/shortlist/add/", {"service": shortlisted.pk, "csrfmiddlewaretoken": token[1]})
    urls = {
        "service": service.get_absolute_url(),
        "organisation": service.organisation.get_absolute_url(),
    }

    pages = [(name, template.format(**urls)) for name, template in PAGES]
    for _ in range(3):
        for _name, url in pages:
            client.get(url)  # warm caches
    times: dict[str, list[float]] = {name: [] for name, _url in pages}
    for _ in range(args.requests):
        for name, url in pages:
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    rows = []
    for name, url in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        rows.append((name, url, response.status_code, times[name], len(queries.captured_queries)))

    base_median, base_p95 = statistics.median(rows[0][3]), p95(rows[0][3])
    size = f"{Service.objects.count():,} services" if args.services else "full demo"
    print(f"{args.requests} requests per page, Django test client, SQLite, {size}, DEBUG off")
    print(
        f"{'page':<18} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} "
        f"{'median x 404':>13} {'p95 x 404':>10}"
    )
    for name, _url, status, times, query_count in rows:
        median, high = statistics.median(times), p95(times)
        print(
            f"{name:<18} {status:>6} {median:>10.2f} {high:>8.2f} {query_count:>8} "
            f"{median / base_median:>13.2f} {high / base_p95:>10.2f}"
        )


if __name__ == "__main__":
    main()
