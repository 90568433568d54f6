"""Relevance of catalogue search on the full demo catalogue: recall and precision of the first
10 results for each query of the relevance set (tests/search/relevance/cases.py), and their means.

Run: .venv/bin/python bench/relevance.py [--database-url URL] [--load] [--backend database]

Without --database-url it makes a throwaway SQLite database in a temporary folder, loads the
full demo (`load_demo_data`, a few minutes) and rebuilds the search index. With --database-url
(sqlite:////path/db.sqlite3 or postgres://user@host:5432/name) it measures a database that
already holds the demo and its index; add --load to load and index it first.

Recall: the share of a query's expected services found anywhere in its results. Precision: the
share of its first 10 results (or all, if fewer) that are expected; 0 when nothing came back.
Expected services come from the catalogue's structure (category, client group, place): see
cases.py.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--load", action="store_true", help="load the demo and index it first")
    parser.add_argument("--backend", default="database")
    args = parser.parse_args()
    load = args.load
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        tmp = tempfile.mkdtemp(prefix="caremarket-relevance-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/relevance.sqlite3"
        load = True
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if load:
        call_command("migrate", verbosity=0)
        call_command("load_demo_data", verbosity=0)
        call_command("rebuild_search_index", verbosity=0)

    from search.backends import get_backend
    from tests.search.relevance.cases import means, measure

    backend = get_backend(args.backend)
    scores = measure(backend)
    print(f"Relevance set on {connection.vendor} ({args.backend} backend)")
    print(f"{'query':45} {'expected':>8} {'found':>6} {'recall':>7} {'P@10':>6}")
    for s in scores:
        print(f"{s.case.text:45} {s.expected:8d} {s.found:6d} {s.recall:7.2f} {s.precision:6.2f}")
    recall, precision = means(scores)
    empty = [s.case.text for s in scores if not s.found]
    print(
        f"{len(scores)} queries: mean recall {recall:.3f}, mean precision of the first 10 "
        f"{precision:.3f}; queries finding nothing: {', '.join(empty) or 'none'}"
    )


if __name__ == "__main__":
    main()
