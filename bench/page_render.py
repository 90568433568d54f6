"""Time the public pages of the demo site in-process and print figures.

Run: .venv/bin/python bench/page_render.py [--requests 100] [--reuse DIR]

Uses a throwaway SQLite database with the full demo (or the one in --reuse DIR, made by an earlier
run), Django's test client (no network, no template instrumentation) and the settings the demo is
served with (DEBUG off). Prints, per page, the median and 95th-percentile time, the number of SQL
queries, and the ratio of each to the baseline measured in the same run: the designed 404 page
(the site chrome with no content). Ratios let figures from different machines be compared; the
target is every public page's p95 under 3x the 404's.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--reuse", help="a folder holding the demo database of an earlier run")
    args = parser.parse_args()

    tmp = args.reuse or tempfile.mkdtemp(prefix="caremarket-bench-")
    Path(tmp).mkdir(parents=True, exist_ok=True)
    fresh = not (Path(tmp) / "bench.sqlite3").exists()
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["VAR_DIR"] = tmp

    import django

    django.setup()
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

    rows = []
    for name, template in PAGES:
        url = template.format(**urls)
        for _ in range(3):
            client.get(url)  # warm caches
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append((name, url, response.status_code, times, len(queries.captured_queries)))

    base_median, base_p95 = statistics.median(rows[0][3]), p95(rows[0][3])
    print(f"{args.requests} requests per page, Django test client, SQLite, full demo, DEBUG off")
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
