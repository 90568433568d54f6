"""Time the Open Referral UK API on the full demo catalogue in-process and print figures.

Run: .venv/bin/python bench/openreferral.py [--requests 100]

Uses a throwaway SQLite database with the full demo data and Django's test client (no network).
Prints, per request, the median and 95th-percentile time, the SQL queries and the ratio of the
median to a baseline measured in the same run (GET / of the API: the same middleware and JSON
rendering with no catalogue reads), so figures from different machines compare by their ratios.
The target (issue 9) is a p95 under 100 ms for /services?per_page=50.
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
API = "/api/openreferral/v3"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
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

    from catalogue.models import Postcode, Service

    settings.MEDIA_ROOT = Path(tmp) / "media"
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    client = Client()
    service = Service.objects.visible().own().order_by("pk").first()
    postcode = Postcode.objects.filter(locality__isnull=False).first()

    requests = [
        ("baseline: GET /", f"{API}/"),
        ("services p1 x50", f"{API}/services?per_page=50"),
        ("services p4 x50", f"{API}/services?per_page=50&page=4"),
        ("services x100", f"{API}/services?per_page=100"),
        ("service full", f"{API}/services/{service.uuid}"),
        ("sal 10 km", f"{API}/service_at_locations?postcode={postcode.postcode}&proximity=10000"),
        ("taxonomy_terms", f"{API}/taxonomy_terms"),
    ]
    rows = []
    for name, url in requests:
        response = client.get(url)  # warm caches
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        rows.append((name, times, len(queries.captured_queries)))

    total = Service.objects.visible().own().count()
    baseline = statistics.median(rows[0][1])
    print(
        f"{args.requests} requests each, Django test client, SQLite, full demo ({total} services)"
    )
    print(f"{'request':<18} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'x base':>7}")
    for name, times, query_count in rows:
        median = statistics.median(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        print(f"{name:<18} {median:>10.2f} {p95:>8.2f} {query_count:>8} {median / baseline:>7.2f}")


if __name__ == "__main__":
    main()
