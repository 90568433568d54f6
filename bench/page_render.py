"""Time the public pages of the demo site in-process and print figures.

Run: .venv/bin/python bench/page_render.py [--requests 50]

Uses a throwaway SQLite database with the demo data, Django's test client (no network), and
prints, per page, the median and 95th-percentile time, the number of SQL queries and the ratio of
the median to the baseline measured in the same run (the designed 404 page: the site chrome with no
content), so figures from different machines can be compared by their ratios.
"""

import argparse
import os
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
    ("site search", "/search/?q=care"),
    ("sign in", "/accounts/login/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="caremarket-bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["VAR_DIR"] = tmp

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    settings.MEDIA_ROOT = Path(tmp) / "media"
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    client = Client()

    rows = []
    for name, url in PAGES:
        client.get(url)  # warm caches
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append((name, url, response.status_code, times, len(queries.captured_queries)))

    baseline = statistics.median(rows[0][3])
    print(f"{args.requests} requests per page, Django test client, SQLite, demo data")
    print(f"{'page':<16} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'x 404':>6}")
    for name, _url, status, times, query_count in rows:
        median = statistics.median(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        print(
            f"{name:<16} {status:>6} {median:>10.2f} {p95:>8.2f} {query_count:>8} "
            f"{median / baseline:>6.2f}"
        )


if __name__ == "__main__":
    main()
