"""Time catalogue search over synthetic catalogues of growing size and print figures.

Run: .venv/bin/python bench/search.py [--sizes 1000,10000,100000] [--runs 200] [--no-page]

Builds N synthetic services (a county of 20 market towns, the real taxonomy, prices in each
category's unit, reviews, CQC ratings, 5% stale, some suspended or archived) in a throwaway
SQLite database (a temporary folder; never var/db.sqlite3), growing it size by size, rebuilds
the index, and runs a fixed mix of queries, each drawn afresh (text, town, category, page) from
a seeded random generator so no two runs in a row repeat a query:

  text only; a synonym of the care vocabulary ("homecare"); a one-letter typo ("dementa"); text
  with a town name ("home care in Ashby", read as the place); text + category + postcode radius;
  filters only; sort by distance; sort by price; deep pages

through get_backend() (facet counts included) and through the HTTP search page (/search/ with
the Django test client, without the test environment's template instrumentation), printing
p50/p95 per size (and the p95 of the process's CPU time, which leaves out waiting for a core
on a busy machine), the time of the first search after a rebuild (it reads the index into the
process's postings), of a search after a one-service write (it patches them) and of a text
search whose words are looked up for the first time since a write. Baselines measured in the
same run: a bare
FTS5 MATCH (the first 20 ids by rank, no filters, no facets) and Wagtail's own database search
(`wagtail.search`, SQLite FTS5 too) over the same texts, with the ratios of the text-only query
to each. It ends with p95 at the largest size divided by p95 at 10,000.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTY = (330_000, 280_000, 390_000, 340_000)  # easting/northing box, 60 km square
TOWNS = [
    "Ashby", "Bridgeford", "Claymoor", "Dunstow", "Elmbury", "Fernleigh", "Gatcombe", "Holloway",
    "Ivybridge", "Kingsmead", "Longford", "Marston", "Newbold", "Oakham", "Pickering", "Queensway",
    "Redbrook", "Stoneleigh", "Thornbury", "Upton",
]  # fmt: skip
WORDS = [
    "care",
    "support",
    "home",
    "help",
    "people",
    "older",
    "personal",
    "visits",
    "staff",
    "team",
    "carers",
    "family",
    "daily",
    "living",
    "dementia",
    "companionship",
    "meals",
    "shopping",
    "cleaning",
    "medication",
    "washing",
    "dressing",
    "nursing",
    "respite",
    "short",
    "breaks",
    "day",
    "centre",
    "activities",
    "garden",
    "trips",
    "friendly",
    "trained",
    "experienced",
    "local",
    "community",
    "independence",
    "wellbeing",
    "safe",
    "reliable",
    "flexible",
    "night",
    "sitting",
    "live-in",
    "hourly",
    "weekly",
    "appointments",
    "transport",
    "hospital",
    "discharge",
    "reablement",
    "recovery",
    "therapy",
    "physiotherapy",
    "occupational",
    "equipment",
    "telecare",
    "alarm",
    "monitoring",
    "advice",
    "advocacy",
    "brokerage",
    "planning",
    "learning",
    "disability",
    "autism",
    "mental",
    "health",
    "sensory",
    "impairment",
    "physical",
    "wheelchair",
    "accessible",
    "hoist",
    "bathing",
    "toileting",
    "continence",
    "nutrition",
    "hydration",
    "cooking",
    "laundry",
    "gardening",
    "pets",
    "befriending",
    "social",
    "clubs",
    "music",
    "art",
    "exercise",
    "walking",
    "group",
    "lunch",
    "club",
    "hot",
    "delivered",
    "frozen",
    "specialist",
    "end-of-life",
    "palliative",
    "complex",
    "needs",
    "stroke",
    "parkinsons",
    "diabetes",
    "confidence",
    "routine",
    "choice",
    "dignity",
    "respect",
    "kind",
    "compassionate",
    "qualified",
    "registered",
    "inspected",
]
SUMMARIES = [
    "{adj} {what} for {who} in and around {town}.",
    "We offer {what} to {who}, seven days a week.",
    "{adj} {what} from a small local team based in {town}.",
    "Support with {what} so {who} can stay independent.",
]
WHO = ["older people", "carers", "people living with dementia", "adults with learning disabilities",
       "people with mental health needs", "families"]  # fmt: skip
ADJ = ["Friendly", "Reliable", "Flexible", "Specialist", "Local", "Trusted", "Award-winning"]
TEXTS = ["carer", "dementia", "home care", "night sitting", "meals delivered", "personal care",
         "respite", "befriending", "physiotherapy", "live-in care", "day centre", "companionship",
         "washing dressing", "hospital discharge", "stroke", "lunch club"]  # fmt: skip
# Words of the care vocabulary (search/data/synonyms.yaml) that each stand for several indexed
# terms ("homecare" -> home care, domiciliary care, ...), and one-letter typos of indexed words
# (each corrected to the nearest indexed word before matching).
SYNONYMS = ["homecare", "cleaner", "personal alarm", "lonely", "advocate", "night sitter",
            "alzheimers", "short breaks"]  # fmt: skip
TYPOS = ["dementa", "resspite", "befreinding", "physiotherapyy", "companionshp", "medicaton",
         "nursng", "telecar"]  # fmt: skip
PRICES = {"hour": (18, 35), "week": (700, 1600), "session": (30, 80), "visit": (5, 40),
          "day": (60, 150), "night": (90, 180), "month": (10, 40), "year": (100, 400),
          "one-off": (20, 500), "free": (0, 0)}  # fmt: skip
MILES_PER_KM = Decimal("0.621371")


def setup_django(tmp: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "marketplace.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["VAR_DIR"] = tmp
    os.environ.pop("ELASTICSEARCH_URL", None)
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = Path(tmp) / "media"
    settings.CATALOGUE_SEARCH_BACKEND = "database"


SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "go",
    "ka",
    "ke",
    "ki",
    "la",
    "le",
    "li",
    "lo",
    "ma",
    "me",
    "mi",
    "mo",
    "na",
    "ne",
    "ni",
    "no",
    "pa",
    "pe",
    "pi",
    "po",
    "ra",
    "re",
    "ri",
    "ro",
    "sa",
    "se",
    "si",
    "so",
    "ta",
    "te",
    "ti",
    "to",
    "va",
    "ve",
    "vi",
    "wa",
    "we",
]
COMMON = [
    "the",
    "and",
    "of",
    "to",
    "a",
    "in",
    "for",
    "is",
    "on",
    "that",
    "with",
    "we",
    "are",
    "our",
    "you",
    "can",
    "be",
    "at",
    "as",
    "your",
    "from",
    "by",
    "an",
    "this",
    "or",
    "will",
    "have",
    "all",
    "who",
    "their",
    "us",
    "more",
    "also",
]


def vocabulary(rng: random.Random, size: int = 4000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


GENERAL: list[str] = []


def describe(rng: random.Random) -> str:
    """A description with a text-like spread of words: common words, a long tail of rarer
    ones (Zipf-like), and a handful of care words on this service's own topics, so a care word
    matches a realistic share of services rather than nearly all of them."""
    if not GENERAL:
        GENERAL.extend(vocabulary(random.Random(7)))
    topics = rng.sample(WORDS, 8)
    words = []
    for _ in range(rng.randint(40, 100)):
        roll = rng.random()
        if roll < 0.35:
            words.append(rng.choice(COMMON))
        elif roll < 0.65:
            words.append(rng.choice(topics))
        else:
            words.append(GENERAL[min(len(GENERAL) - 1, int(rng.paretovariate(1.1)) * 7)])
    return " ".join(words)


def base_data(rng: random.Random):
    """Taxonomy, towns with 10 postcodes each; returns (categories, towns, postcodes)."""
    from catalogue.models import Category, Locality, Postcode
    from catalogue.taxonomy import categories_load

    categories_load()
    towns, postcodes = [], []
    for i, name in enumerate(TOWNS):
        e = COUNTY[0] + 6_000 + (i % 5) * 12_000
        n = COUNTY[1] + 6_000 + (i // 5) * 15_000
        district = f"ZZ{i + 1}"
        town = Locality.objects.create(
            name=name, slug=name.lower(), postcode_districts=[district], easting=e, northing=n
        )
        towns.append(town)
        for j in range(10):
            postcodes.append(
                Postcode.objects.create(
                    postcode=f"{district} {j}AB",
                    district=district,
                    easting=e + rng.randint(-3000, 3000),
                    northing=n + rng.randint(-3000, 3000),
                    locality=town,
                )
            )
    categories = [c for c in Category.objects.select_related("parent") if c.effective_unit]
    return categories, towns, postcodes


def grow(target: int, rng: random.Random, categories, towns) -> None:
    """Add synthetic services (with organisations, relations and prices) up to target."""
    from django.utils import timezone

    from catalogue.models import ClientGroup, FundingType, Organisation, PriceOption, Service

    now = timezone.now()
    groups = list(ClientGroup.objects.all())
    funding = list(FundingType.objects.all())
    start = Service.objects.count()
    through = {
        "categories": Service.categories.through,
        "client_groups": Service.client_groups.through,
        "funding_accepted": Service.funding_accepted.through,
        "localities_served": Service.localities_served.through,
    }
    batch = 2000
    for offset in range(start, target, batch):
        size = min(batch, target - offset)
        organisations = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"Bench Provider {offset + i}",
                    slug=f"bench-provider-{offset + i}",
                    status=(
                        Organisation.Status.SUSPENDED
                        if rng.random() < 0.01
                        else Organisation.Status.ACTIVE
                    ),
                )
                for i in range(0, size, 3)
            ]
        )
        services, picks = [], []
        for i in range(size):
            number = offset + i
            town = rng.choice(towns)
            category = rng.choice(categories)
            located = rng.random() < 0.9
            roll = rng.random()
            status = (
                Service.Status.SUSPENDED
                if roll < 0.02
                else Service.Status.ARCHIVED
                if roll < 0.04
                else Service.Status.PUBLISHED
            )
            age_days = rng.randint(370, 500) if rng.random() < 0.05 else rng.randint(0, 330)
            scored = rng.random() < 0.6
            what = category.name.lower()
            services.append(
                Service(
                    organisation=organisations[i // 3],
                    name=f"{town.name} {rng.choice(ADJ)} {category.name} {number}",
                    slug=f"bench-service-{number}",
                    summary=rng.choice(SUMMARIES).format(
                        adj=rng.choice(ADJ), what=what, who=rng.choice(WHO), town=town.name
                    ),
                    description=describe(rng),
                    status=status,
                    published_at=now,
                    last_confirmed_at=now - timezone.timedelta(days=age_days),
                    easting=town.easting + rng.randint(-5000, 5000) if located else None,
                    northing=town.northing + rng.randint(-5000, 5000) if located else None,
                    locality=town if located else None,
                    radius_km=Decimal(rng.choice([5, 10, 15, 25])) if rng.random() < 0.3 else None,
                    cqc_overall=rng.choice(
                        ["", "Outstanding", "Good", "Good", "Requires improvement", "Inadequate"]
                    ),
                    review_score=(Decimal(rng.randint(150, 490)) / 100 if scored else None),
                    review_count=rng.randint(1, 40) if scored else 0,
                    accepting_new_clients=rng.choice([True, True, False, None]),
                )
            )
            picks.append((category, town))
        Service.objects.bulk_create(services)
        rows: dict[str, list] = {name: [] for name in through}
        prices = []
        for service, (category, town) in zip(services, picks, strict=True):
            rows["categories"].append(
                through["categories"](service_id=service.pk, category_id=category.pk)
            )
            for group in rng.sample(groups, rng.randint(1, 3)):
                rows["client_groups"].append(
                    through["client_groups"](service_id=service.pk, clientgroup_id=group.pk)
                )
            for fund in rng.sample(funding, rng.randint(1, 3)):
                rows["funding_accepted"].append(
                    through["funding_accepted"](service_id=service.pk, fundingtype_id=fund.pk)
                )
            for place in {town, *rng.sample(towns, rng.randint(0, 2))}:
                rows["localities_served"].append(
                    through["localities_served"](service_id=service.pk, locality_id=place.pk)
                )
            unit = category.effective_unit
            low, high = PRICES[unit]
            for k in range(rng.randint(1, 3)):
                prices.append(
                    PriceOption(
                        service=service,
                        label=f"Option {k + 1}",
                        amount=Decimal(rng.randint(low * 100, high * 100)) / 100,
                        unit=unit,
                    )
                )
        for name, model in through.items():
            model.objects.bulk_create(rows[name])
        PriceOption.objects.bulk_create(prices)


def mix(rng: random.Random, categories, postcodes, towns):
    """The fixed mix: (name, SearchQuery, GET parameters of the page) drawn afresh each call.

    "text with a town" types the town in the words ("home care in Ashby"); the page reads it as
    the place (search.understanding.place_in_words) and the backend is given what the page
    gives it: the rest of the words and the town as the locality filter."""
    from search import understanding
    from search.query import GridPoint, SearchQuery, Sort

    slug = rng.choice(categories).slug
    category = rng.choice(categories)
    text = rng.choice(TEXTS)
    near = rng.choice(postcodes)
    origin = GridPoint(near.easting, near.northing)
    funding = rng.choice(["self-funded", "direct-payment", "personal-budget"])
    radius_km = Decimal(15)
    miles = str((radius_km * MILES_PER_KM).quantize(Decimal("0.1")))
    page = rng.randint(20, 50)
    synonym = rng.choice(SYNONYMS)
    typo = rng.choice(TYPOS)
    typed = f"{rng.choice(TEXTS)} in {rng.choice(towns).name}"
    place = understanding.place_in_words(typed, {town.name: town.slug for town in towns})
    assert place is not None, typed
    return [
        ("text only", SearchQuery(text=text), {"q": text}),
        ("synonym", SearchQuery(text=synonym), {"q": synonym}),
        ("typo", SearchQuery(text=typo), {"q": typo}),
        ("text with a town", SearchQuery(text=place.rest, locality=place.key), {"q": typed}),
        (
            "text+category+radius",
            SearchQuery(text=text, categories=(slug,), origin=origin, radius_km=radius_km),
            {"q": text, "category": slug, "postcode": near.postcode, "radius": miles},
        ),
        (
            "filters only",
            SearchQuery(categories=(slug,), funding=(funding,), accepting_new_clients=True),
            {"category": slug, "funding": funding, "accepting": "1"},
        ),
        (
            "sort by distance",
            SearchQuery(categories=(slug,), origin=origin, sort=Sort.DISTANCE),
            {"category": slug, "postcode": near.postcode, "sort": "distance"},
        ),
        (
            "sort by price",
            SearchQuery(
                categories=(category.slug,), price_unit=category.effective_unit, sort=Sort.PRICE
            ),
            {"category": category.slug, "unit": category.effective_unit, "sort": "price"},
        ),
        (
            "deep pages",
            SearchQuery(categories=(slug,), page=page),
            {"category": slug, "page": str(page)},
        ),
    ]


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def wagtail_model():
    """A plain model indexed by Wagtail's own search, over the services' texts."""
    from django.db import connection, models

    from wagtail.search import index

    class BenchText(index.Indexed, models.Model):
        name = models.CharField(max_length=220)
        summary = models.CharField(max_length=300)
        description = models.TextField()

        search_fields = [
            index.SearchField("name", boost=10),
            index.SearchField("summary", boost=4),
            index.SearchField("description"),
        ]

        class Meta:
            app_label = "catalogue_search"
            db_table = "bench_wagtail_text"

        def __str__(self) -> str:
            return self.name

    if BenchText._meta.db_table not in connection.introspection.table_names():
        with connection.schema_editor() as editor:
            editor.create_model(BenchText)
    return BenchText


def wagtail_grow(model, done: int) -> int:
    from wagtail.search.backends import get_search_backend

    from catalogue.models import Service

    backend = get_search_backend()
    rows = list(
        Service.objects.visible()
        .filter(pk__gt=done)
        .values_list("pk", "name", "summary", "description")
    )
    objs = model.objects.bulk_create(
        [model(id=pk, name=n, summary=s, description=d) for pk, n, s, d in rows]
    )
    for start in range(0, len(objs), 2000):
        backend.add_bulk(model, objs[start : start + 2000])
    return Service.objects.order_by("-pk").values_list("pk", flat=True).first() or done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    # 200: the 95th percentile of 40 runs is their third slowest, so one hiccup of the machine
    # moved a ratio of p95s by a whole unit from run to run; of 200 it is the tenth slowest.
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query and size")
    parser.add_argument("--no-page", action="store_true", help="skip the HTTP search page")
    parser.add_argument("--no-wagtail", action="store_true", help="skip the Wagtail baseline")
    parser.add_argument(
        "--baseline-runs",
        type=int,
        default=15,
        help="timed runs of each baseline (Wagtail's search takes seconds at 100,000)",
    )
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="measure again in the folder of an earlier run (it keeps what it already built)",
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    tmp = args.reuse or tempfile.mkdtemp(prefix="caremarket-search-bench-")
    setup_django(tmp)
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils.html import escape

    from search.backends import get_backend
    from search.backends.database.terms import quoted, search_terms
    from search.query import SearchQuery

    # No setup_test_environment(): its instrumented template rendering (for response.context)
    # is not what a real request costs.
    call_command("migrate", verbosity=0)
    rng = random.Random(4)
    from catalogue.models import Category, Locality, Postcode, Service

    if Locality.objects.exists():  # --reuse: the towns and postcodes are there already
        towns = list(Locality.objects.order_by("pk"))
        postcodes = list(Postcode.objects.order_by("pk"))
        categories = [c for c in Category.objects.select_related("parent") if c.effective_unit]
    else:
        categories, towns, postcodes = base_data(rng)
    backend = get_backend()
    client = Client()
    page_ok: bool | None = None if not args.no_page else False
    text_model = None if args.no_wagtail else wagtail_model()
    wagtail_done = (
        text_model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        if text_model
        else 0
    )

    results: dict[int, dict[str, tuple]] = {}
    print(f"SQLite {connection.Database.sqlite_version}; {args.runs} runs per query; {tmp}")
    for size in sizes:
        started = time.perf_counter()
        before = Service.objects.count()
        if before > size:
            print(f"\nN = {size:,}: the reused database already has {before:,} services; skipped.")
            continue
        grow(size, rng, categories, towns)
        built = time.perf_counter() - started
        started = time.perf_counter()
        from search.models import IndexedService

        if before == size and IndexedService.objects.exists():
            indexed = IndexedService.objects.count()  # --reuse: the index is up to date
        else:
            indexed = backend.rebuild()
        rebuilt = time.perf_counter() - started
        wagtail_s = 0.0
        if text_model is not None:
            started = time.perf_counter()
            wagtail_done = wagtail_grow(text_model, wagtail_done)
            wagtail_s = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        started = time.perf_counter()
        backend.search(SearchQuery())  # the first search after an index write reads it
        first_ms = (time.perf_counter() - started) * 1000
        print(
            f"\nN = {size:,}: built in {built:.0f} s; database index rebuilt in {rebuilt:.1f} s "
            f"({indexed:,} published, 5% of them stale)"
            + (f"; Wagtail index grown in {wagtail_s:.0f} s" if text_model is not None else "")
            + f"\n  first search after the rebuild (reads the postings): {first_ms:.0f} ms"
        )

        if page_ok is None:
            probe = SearchQuery(text="carer")
            top = backend.search(probe).hits
            response = client.get("/search/", {"q": "carer"})
            from catalogue.models import Service

            name = Service.objects.get(pk=top[0].service_id).name if top else ""
            page_ok = (
                response.status_code == 200
                and bool(name)
                and escape(name) in response.content.decode()
            )
            if not page_ok:
                print(
                    f"  The search page does not render the catalogue yet "
                    f"(/search/?q=carer -> {response.status_code}); its column is skipped."
                )

        timings: dict[str, list[float]] = {}
        page_timings: dict[str, list[float]] = {}
        # CPU time of this process for the same calls: on a shared machine the wall-clock time
        # includes the waits for a core, the CPU time does not.
        cpu: dict[str, list[float]] = {}
        page_cpu: dict[str, list[float]] = {}
        totals: dict[str, list[int]] = {}
        for run in range(args.runs + 3):
            for name, query, params in mix(rng, categories, postcodes, towns):
                started, cpu_started = time.perf_counter(), time.process_time()
                found = backend.search(query)
                took = (time.perf_counter() - started) * 1000
                cpu_took = (time.process_time() - cpu_started) * 1000
                if page_ok:
                    started, cpu_started = time.perf_counter(), time.process_time()
                    response = client.get("/search/", params)
                    page_took = (time.perf_counter() - started) * 1000
                    page_cpu_took = (time.process_time() - cpu_started) * 1000
                    assert response.status_code == 200, (params, response.status_code)
                if run < 3:
                    continue  # warm-up
                timings.setdefault(name, []).append(took)
                cpu.setdefault(name, []).append(cpu_took)
                totals.setdefault(name, []).append(found.total)
                if page_ok:
                    page_timings.setdefault(name, []).append(page_took)
                    page_cpu.setdefault(name, []).append(page_cpu_took)

        # An index write (one service edited), then the next search: it patches the postings
        # this process holds instead of reading the index again.
        writes, after = [], []
        visible = list(IndexedService.objects.values_list("service_id", flat=True)[:200])
        for pk in rng.sample(visible, min(10, len(visible))):
            started = time.perf_counter()
            backend.index_services([pk])
            writes.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            backend.search(SearchQuery())
            after.append((time.perf_counter() - started) * 1000)

        # Text searches whose words this process has not looked up since the last write (each
        # write starts the term postings afresh).
        cold = []
        for text in TEXTS:
            backend.index_services([rng.choice(visible)])
            backend.search(SearchQuery())
            started = time.perf_counter()
            backend.search(SearchQuery(text=text))
            cold.append((time.perf_counter() - started) * 1000)

        # Baselines: the same texts, a bare FTS5 MATCH and Wagtail's database search.
        bare, wagtail = [], []
        from wagtail.search.backends import get_search_backend

        wagtail_backend = get_search_backend()
        for run in range(args.baseline_runs + 3):
            text = rng.choice(TEXTS)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT rowid FROM search_text_fts WHERE search_text_fts MATCH %s "
                    "ORDER BY rank LIMIT 20",
                    [quoted(search_terms(text))],
                )
                cursor.fetchall()
            took = (time.perf_counter() - started) * 1000
            if run >= 3:
                bare.append(took)
            if text_model is not None:
                started = time.perf_counter()
                list(wagtail_backend.search(text, text_model.objects.all())[:20])
                took = (time.perf_counter() - started) * 1000
                if run >= 3:
                    wagtail.append(took)

        print(
            f"  {'query':<22} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8}"
            + (f" {'page p50':>9} {'page p95':>9}" if page_ok else "")
            + f" {'cpu p95':>8}"
            + (f" {'page cpu p95':>13}" if page_ok else "")
        )
        row: dict[str, tuple] = {}
        for name, times in timings.items():
            p50, p95 = percentiles(times)
            row[name] = (p50, p95)
            line = (
                f"  {name:<22} {int(statistics.median(totals[name])):>8,} {p50:>8.1f} {p95:>8.1f}"
            )
            if page_ok:
                q50, q95 = percentiles(page_timings[name])
                row["page " + name] = (q50, q95)
                line += f" {q50:>9.1f} {q95:>9.1f}"
            line += f" {percentiles(cpu[name])[1]:>8.1f}"
            if page_ok:
                line += f" {percentiles(page_cpu[name])[1]:>13.1f}"
            print(line)
        print(
            f"  one service re-indexed: p50 {statistics.median(writes):.1f} ms; the next search "
            f"(patches the postings): p50 {statistics.median(after):.1f} ms, "
            f"max {max(after):.1f} ms"
        )
        c50, c95 = percentiles(cold)
        print(
            f"  text only, words not looked up since the last write: p50 {c50:.1f} ms, "
            f"p95 {c95:.1f} ms, max {max(cold):.1f} ms"
        )
        b50, b95 = percentiles(bare)
        row["bare"] = (b50, b95)
        print(f"  {'baseline: bare FTS5':<22} {'':>8} {b50:>8.1f} {b95:>8.1f}")
        text50 = row["text only"][0]
        ratios = f"  text only / bare FTS5 (p50): {text50 / b50:.1f}x"
        if wagtail:
            w50, w95 = percentiles(wagtail)
            row["wagtail"] = (w50, w95)
            print(f"  {'baseline: Wagtail':<22} {'':>8} {w50:>8.1f} {w95:>8.1f}")
            ratios += f"; text only / Wagtail search (p50): {text50 / w50:.2f}x"
        print(ratios)
        results[size] = row

    if 10_000 in results and max(sizes) > 10_000:
        largest = max(sizes)
        print(f"\np95 at {largest:,} / p95 at 10,000:")
        for name, (_p50, p95) in results[largest].items():
            base = results[10_000][name][1]
            print(f"  {name:<28} {p95 / base:>5.2f}x")


if __name__ == "__main__":
    main()
