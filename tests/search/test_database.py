"""The database backend's own parts: safe terms, highlights, vendor choice, index upkeep."""

from __future__ import annotations

from decimal import Decimal

from django.core.management import call_command
from django.db import connection

import pytest

from search.backends import get_backend
from search.backends.database import DatabaseSearchBackend
from search.backends.database import sql as database_sql
from search.backends.database.terms import MAX_TERMS, marked_html, quoted, search_terms
from search.models import IndexedService, IndexState
from search.query import SearchQuery, Sort
from tests.factories import ServiceFactory


@pytest.mark.parametrize(
    "text, terms",
    [
        ("", []),
        ("carer", ["carer"]),
        ("Home CARE home", ["home", "care"]),  # lower case, each once
        ('"night sitting"', ["night", "sitting"]),
        ("NEAR(carer, home)", ["near", "carer", "home"]),
        ("carer* -home OR respite", ["carer", "home", "respite"]),  # "or" is a stop word
        ("the and of", []),
        ("' ; DROP TABLE x; --", ["drop", "table", "x"]),
        ("name:carer^2", ["name", "carer", "2"]),
        ("café über", ["café", "über"]),
        ("home_care", ["home", "care"]),
        ("a" * 100, ["a" * 40]),
    ],
)
def test_search_terms(text, terms):
    assert search_terms(text) == terms


def test_search_terms_are_capped():
    assert len(search_terms(" ".join(f"word{i}" for i in range(100)))) == MAX_TERMS


def test_quoted_terms_hold_no_operator():
    assert quoted(search_terms('carer" OR NEAR(x')) == '"carer" "near" "x"'


@pytest.mark.parametrize(
    "snippet, html",
    [
        (None, ""),
        ("no match here", ""),
        (
            "\ue000Carers\ue001 & <b>friends</b>",
            "<mark>Carers</mark> &amp; &lt;b&gt;friends&lt;/b&gt;",
        ),
        ('say "\ue000hi\ue001"', "say &quot;<mark>hi</mark>&quot;"),
    ],
)
def test_marked_html_escapes_everything_but_the_marks(snippet, html):
    assert marked_html(snippet) == html


@pytest.mark.django_db
def test_the_vendor_implementation_is_chosen_from_the_connection():
    backend = DatabaseSearchBackend()
    assert backend.vendor == connection.vendor
    assert type(get_backend("database")) is type(backend)


@pytest.mark.django_db
def test_index_rows_hold_the_filter_columns():
    service = ServiceFactory(review_score="3.456", accepting_new_clients=False, cqc_overall="Good")
    get_backend("database").index_services([service.pk])

    row = IndexedService.objects.get(service_id=service.pk)
    assert (row.review_score, row.rating_floor, row.accepting, row.cqc) == (346, 3, 0, 2)


@pytest.mark.django_db
def test_a_stale_service_stays_indexed_but_is_never_returned():
    from datetime import timedelta

    from django.utils import timezone

    service = ServiceFactory(last_confirmed_at=timezone.now() - timedelta(days=370))
    backend = get_backend("database")
    backend.index_services([service.pk])

    assert IndexedService.objects.filter(service_id=service.pk).exists()
    assert backend.search(SearchQuery()).total == 0


@pytest.mark.django_db
def test_rebuild_is_all_or_nothing(monkeypatch):
    backend = get_backend("database")
    kept = ServiceFactory(name="Kept service")
    backend.rebuild()
    ServiceFactory.create_batch(3)
    monkeypatch.setattr(database_sql, "CHUNK", 2)
    calls = []
    original = type(backend)._write

    def failing_write(self, documents, bits):
        calls.append(len(documents))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return original(self, documents, bits)

    monkeypatch.setattr(type(backend), "_write", failing_write)
    with pytest.raises(RuntimeError):
        backend.rebuild()

    assert list(IndexedService.objects.values_list("service_id", flat=True)) == [kept.pk]
    assert [h.service_id for h in backend.search(SearchQuery(text="kept")).hits] == [kept.pk]


@pytest.mark.django_db
def test_every_index_write_changes_the_state_so_held_postings_are_brought_up_to_date():
    backend = get_backend("database")
    first = ServiceFactory()
    backend.index_services([first.pk])
    token = IndexState.objects.get().token
    assert backend.search(SearchQuery()).total == 1

    second = ServiceFactory()
    backend.index_services([second.pk])

    assert IndexState.objects.get().token != token
    assert backend.search(SearchQuery()).total == 2


@pytest.mark.django_db
def test_a_search_makes_a_bounded_number_of_queries(django_assert_max_num_queries):
    ServiceFactory.create_batch(30, summary="Help for carers at home.")
    backend = get_backend("database")
    backend.rebuild()

    # The first search after an index write reads the postings: the rows, their order of
    # confirmation, the facet keys and the token again; and the care vocabulary (kept for a
    # minute after).
    # The highlights take four on SQLite (SQLiteSearchBackend.highlights), one on PostgreSQL.
    with django_assert_max_num_queries(12):
        results = backend.search(SearchQuery(text="carer", per_page=25))
    assert len(results.hits) == 25
    # Then: the index state and the highlights (the term's postings are kept with the
    # snapshot until the next index write).
    with django_assert_max_num_queries(5):
        results = backend.search(SearchQuery(text="carer", per_page=25))
    assert len(results.hits) == 25


@pytest.mark.django_db
def test_a_radius_among_few_services_measures_each_and_agrees_with_the_cells():
    import random

    from django.db import connection

    from search.backends.database import postings

    rng = random.Random(5)
    _random_catalogue(rng)
    snap = postings.current(connection.alias)
    checked = 0
    for _ in range(40):
        few = postings.bits_of(rng.sample(snap.ids, 5))
        e, n, r = rng.randint(295_000, 330_000), rng.randint(295_000, 305_000), rng.randint(0, 9000)
        everything = snap.within(e, n, r)
        assert snap.within(e, n, r, among=few) == everything & few
        checked += bool(everything & few)
    assert checked > 5


def test_members_lists_the_ids_of_a_bitset_in_order():
    from search.backends.database.postings import _members, bits_of

    ids = [0, 1, 7, 8, 63, 64, 1000, 99_999]
    assert _members(bits_of(ids)) == ids
    assert _members(0) == []


def test_bitsets_made_with_numpy_equal_those_made_in_python(monkeypatch):
    import random
    from array import array

    import numpy as np

    from search.backends.database import postings

    rng = random.Random(3)
    for count in (0, 1, 255, 256, 5_000):
        ids = [rng.randrange(100_000) for _ in range(count)]  # unsorted, some twice
        expected = sum(1 << i for i in set(ids))
        for size in (0, 50_000, 100_000, 200_000):  # a bound below some ids is only a hint
            for given in (ids, array("q", ids), np.array(ids, dtype=np.int64), iter(ids)):
                assert postings.bits_of(given, size) == expected
        assert postings._members(expected) == sorted(set(ids))
        flags = postings.flags_of(expected, 100_000)
        assert len(flags) == 100_000 and np.flatnonzero(flags).tolist() == sorted(set(ids))


@pytest.mark.django_db
def test_relevance_is_the_field_tier_then_the_review_ranking():
    """Every word in the name and summary, then in the name, then in the summary, then
    anywhere; inside a tier, the best review ranking first. No term frequency is counted, so
    repeating a word gains nothing."""
    both = ServiceFactory(name="Respite care", summary="Respite breaks.", review_score=None)
    name = ServiceFactory(name="Respite at home", summary="Time away.", review_score="2.0")
    summary_low = ServiceFactory(name="Breaks", summary="Respite for carers.", review_score="3.0")
    summary_high = ServiceFactory(name="Sitting", summary="Respite nights.", review_score="4.5")
    stuffed = ServiceFactory(
        name="Day club", summary="Lunch.", description="respite " * 50, review_score="5.0"
    )
    backend = get_backend("database")
    backend.rebuild()

    results = backend.search(SearchQuery(text="respite"))

    expected = [both, name, summary_high, summary_low, stuffed]
    assert [h.service_id for h in results.hits] == [s.pk for s in expected]
    assert [h.score for h in results.hits] == [4.0, 3.0, 2.0, 2.0, 1.0]
    page_two = backend.search(SearchQuery(text="respite", per_page=2, page=2))
    assert [h.service_id for h in page_two.hits] == [summary_high.pk, summary_low.pk]


@pytest.mark.django_db
def test_rebuild_command_shows_progress_and_a_summary(capsys):
    ServiceFactory.create_batch(3)
    ServiceFactory(status="draft")

    call_command("rebuild_search_index", "--backend", "database")

    out = capsys.readouterr().out
    assert "Rebuilding the database search index" in out
    assert "[##############################] 3/3 services (100%)" in out
    assert "Indexed 3 services" in out
    assert "1 services are not published" in out
    assert IndexedService.objects.count() == 3


def _expected(documents, query: SearchQuery, cutoff):
    """The contract of search.query worked out the slow, obvious way over the documents."""
    from search.query import FACETS, RATING_THRESHOLDS, Sort

    def distance2(d):
        if d.easting is None or query.origin is None:
            return None
        return (d.easting - query.origin.easting) ** 2 + (d.northing - query.origin.northing) ** 2

    def base(d):
        if d.last_confirmed_at < cutoff:
            return False
        if query.origin is not None and query.radius_km is not None:
            d2 = distance2(d)
            if d2 is None or d2 > (int(query.radius_km * 1000)) ** 2:
                return False
        if query.serves_origin:
            d2 = distance2(d)
            own = d.radius_km is not None and d2 is not None and d2 <= int(d.radius_km * 1000) ** 2
            # catalogue.selectors.serves: its own locality, a locality it names, its radius.
            named = query.origin_locality in (*d.localities_served, d.locality)
            if not (query.origin_locality and named or own):
                return False
        if query.max_price is not None:
            price = d.prices.get(query.price_unit)
            if price is None or price > query.max_price:
                return False
        return True

    places = lambda d: {*d.localities_served, *([d.locality] if d.locality else [])}  # noqa: E731
    tests = {
        "category": lambda d: bool(set(query.categories) & set(d.category_slugs)),
        "client_group": lambda d: bool(set(query.client_groups) & set(d.client_group_slugs)),
        "funding": lambda d: bool(set(query.funding) & set(d.funding_slugs)),
        "locality": lambda d: query.locality in places(d),
        "cqc": lambda d: d.cqc_overall in query.cqc_ratings,
        "rating": lambda d: d.review_score is not None and d.review_score >= query.min_rating,
        "accepting": lambda d: d.accepting_new_clients is True,
        "framework": lambda d: d.on_framework,
    }
    active = {
        "category": bool(query.categories),
        "client_group": bool(query.client_groups),
        "funding": bool(query.funding),
        "locality": bool(query.locality),
        "cqc": bool(query.cqc_ratings),
        "rating": query.min_rating is not None,
        "accepting": bool(query.accepting_new_clients),
        "framework": bool(query.on_framework),
    }
    values = {
        "category": lambda d: d.category_slugs,
        "client_group": lambda d: d.client_group_slugs,
        "funding": lambda d: d.funding_slugs,
        "locality": places,
        "cqc": lambda d: [d.cqc_overall] if d.cqc_overall else [],
        "rating": lambda d: [
            str(t) for t in RATING_THRESHOLDS if d.review_score is not None and d.review_score >= t
        ],
        "accepting": lambda d: ["yes"] if d.accepting_new_clients else [],
        "framework": lambda d: ["yes"] if d.on_framework else [],
    }
    kept = [d for d in documents if base(d)]
    facets = {}
    for facet in FACETS:
        counts: dict[str, int] = {}
        for d in kept:
            if all(tests[f](d) for f in tests if active[f] and f != facet):
                for key in set(values[facet](d)):
                    counts[key] = counts.get(key, 0) + 1
        facets[facet] = sorted(counts.items())
    matched = [d for d in kept if all(tests[f](d) for f in tests if active[f])]
    if query.sort == Sort.DISTANCE and query.origin is not None:
        matched.sort(key=lambda d: (distance2(d) is None, distance2(d) or 0, d.service_id))
    elif query.sort == Sort.PRICE:
        matched.sort(
            key=lambda d: (
                d.prices.get(query.price_unit) is None,
                d.prices.get(query.price_unit) or 0,
                d.service_id,
            )
        )
    else:
        matched.sort(
            key=lambda d: (
                d.review_score is None,
                -(d.review_score or 0),
                -d.review_count,
                d.service_id,
            )
        )
        if query.sort != Sort.RATING:  # relevance, or by distance without a place
            # Issue 23: Inadequate last; then the more complete listing (a price, availability,
            # reviews); then Requires improvement after the others (a stable sort keeps the
            # review order inside).
            matched.sort(
                key=lambda d: (
                    d.cqc_overall == "Inadequate",
                    -bool(d.prices) - (d.accepting_new_clients is not None) - (d.review_count > 0),
                    d.cqc_overall == "Requires improvement",
                )
            )
    ids = [d.service_id for d in matched]
    return len(ids), facets, ids[query.offset : query.offset + query.per_page]


def _random_catalogue(rng):
    """70 services with random facets, places, prices, scores and staleness, indexed."""
    from django.utils import timezone

    from catalogue.models import ClientGroup, FundingType
    from tests.factories import CategoryFactory, LocalityFactory, PriceOptionFactory

    towns = [
        LocalityFactory(slug=f"town-{i}", easting=300_000 + i * 7000, northing=300_000)
        for i in range(4)
    ]
    parent = CategoryFactory(slug="at-home", reference_unit="hour")
    categories = [parent] + [CategoryFactory(slug=f"kind-{i}", parent=parent) for i in range(3)]
    groups = list(ClientGroup.objects.all())
    funding = list(FundingType.objects.all())
    now = timezone.now()
    for index in range(70):
        located = rng.random() < 0.8
        service = ServiceFactory(
            categories=rng.sample(categories, rng.randint(1, 2)),
            easting=rng.randint(295_000, 330_000) if located else None,
            northing=rng.randint(295_000, 305_000) if located else None,
            locality=rng.choice(towns) if located and rng.random() < 0.7 else None,
            radius_km=Decimal(rng.choice([3, 8])) if rng.random() < 0.3 else None,
            cqc_overall=rng.choice(["", "Good", "Outstanding", "Inadequate"]),
            review_score=Decimal(rng.randint(100, 500)) / 100 if rng.random() < 0.7 else None,
            review_count=rng.randint(0, 3),
            accepting_new_clients=rng.choice([True, False, None]),
            last_confirmed_at=now - timezone.timedelta(days=rng.choice([1, 100, 400])),
            on_council_framework=index % 4 == 0,  # not drawn: the random stream stays as it was
        )
        service.client_groups.set(rng.sample(groups, rng.randint(0, 2)))
        service.funding_accepted.set(rng.sample(funding, rng.randint(0, 2)))
        service.localities_served.set(rng.sample(towns, rng.randint(0, 2)))
        for _ in range(rng.randint(0, 2)):
            unit = rng.choice(["hour", "week"])
            amount = Decimal(rng.randint(500, 4000)) / 100
            PriceOptionFactory(service=service, amount=amount, unit=unit)
    backend = get_backend("database")
    backend.rebuild()

    def pick(values, most=2):
        return tuple(rng.sample(values, rng.randint(1, most))) if rng.random() < 0.35 else ()

    return backend, pick, towns, categories, groups, funding


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sparse", "walk"),
    [("by size", "by size"), ("always", "by size"), ("never", "python"), ("never", "numpy")],
)
def test_postings_agree_with_the_contract_worked_out_by_hand(monkeypatch, sparse, walk):
    """Random queries: every total, facet count and page of hits of the postings engine
    equals the obvious evaluation of search.query's contract, whichever way a page is ordered
    (sorting the members, walking a whole order in Python, or selecting from it with numpy)
    and however bitsets are made."""
    import random

    from search.backends.database import postings

    if sparse != "by size":
        monkeypatch.setattr(postings, "_sparse", lambda *args: sparse == "always")
    if walk != "by size":
        monkeypatch.setattr(postings, "_walked", lambda *args: walk == "python")
        # numpy for every bitset too (the catalogue is too small to reach NUMPY_FROM), or never
        monkeypatch.setattr(postings, "NUMPY_FROM", 0 if walk == "numpy" else 10**9)
    rng = random.Random(11)
    backend, pick, towns, categories, groups, funding = _random_catalogue(rng)
    checked = _check_random_queries(
        backend, rng, pick, towns, categories, groups, funding, runs=150
    )
    assert checked > 75  # most queries found something: the comparison is not of empties


def _check_random_queries(backend, rng, pick, towns, categories, groups, funding, runs):
    from django.utils import timezone

    from catalogue.rules import stale_cutoff
    from search.indexing import service_documents
    from search.query import GridPoint, Sort

    documents = list(service_documents(None))
    cutoff = stale_cutoff(timezone.now())
    checked = 0
    for run in range(runs):
        origin = rng.choice(towns) if rng.random() < 0.5 else None
        query = SearchQuery(
            categories=pick([c.slug for c in categories], 1),
            client_groups=pick([g.slug for g in groups]),
            funding=pick([f.slug for f in funding]),
            locality=rng.choice([None, None, *[t.slug for t in towns]]),
            origin=GridPoint(origin.easting, origin.northing) if origin else None,
            origin_locality=origin.slug if origin else None,
            radius_km=Decimal(rng.choice([2, 6, 15])) if origin and rng.random() < 0.6 else None,
            serves_origin=bool(origin) and rng.random() < 0.3,
            max_price=Decimal(rng.randint(5, 40)) if rng.random() < 0.3 else None,
            price_unit=rng.choice(["hour", "week"]),
            min_rating=Decimal(rng.choice([1, 2, 3, 4])) if rng.random() < 0.3 else None,
            cqc_ratings=pick(["Good", "Outstanding", "Inadequate"]),
            accepting_new_clients=True if rng.random() < 0.3 else None,
            on_framework=True if run % 5 == 4 else None,
            sort=rng.choice(list(Sort)),
            page=rng.choice([1, 1, 2, 3]),
            per_page=7,
        )
        results = backend.search(query)
        total, facets, ids = _expected(documents, query, cutoff)
        assert results.total == total, query
        found = {f: sorted((v.key, v.count) for v in vs) for f, vs in results.facets.items()}
        assert found == facets, query
        assert [h.service_id for h in results.hits] == ids, query
        checked += bool(total)
    return checked


@pytest.mark.django_db
def test_patched_postings_agree_with_the_contract_after_every_kind_of_change():
    """After index writes, each process patches the changed services into the postings it
    holds (no whole read); the figures still equal the contract worked out by hand."""
    import random

    from django.utils import timezone

    from catalogue.models import Service
    from search.backends.database import postings

    rng = random.Random(12)
    backend, pick, towns, categories, groups, funding = _random_catalogue(rng)
    assert _check_random_queries(backend, rng, pick, towns, categories, groups, funding, 10)
    services = list(Service.objects.order_by("pk"))
    for _round in range(4):
        whole = postings.reads["whole"]
        patched = postings.reads["patched"]
        changed = rng.sample(services, 8)
        for service in changed:
            change = rng.choice(["place", "score", "category", "hide", "stale", "funding"])
            if change == "place":
                located = rng.random() < 0.5
                service.easting = rng.randint(295_000, 330_000) if located else None
                service.northing = rng.randint(295_000, 305_000) if located else None
            elif change == "score":
                service.review_score = rng.choice([None, Decimal("4.20"), Decimal("1.50")])
                service.review_count = rng.randint(0, 9)
            elif change == "category":
                service.categories.set(rng.sample(categories, 1))
            elif change == "hide":
                service.status = rng.choice([Service.Status.SUSPENDED, Service.Status.PUBLISHED])
            elif change == "stale":
                days = rng.choice([2, 500])
                service.last_confirmed_at = timezone.now() - timezone.timedelta(days=days)
            else:
                service.funding_accepted.set(rng.sample(funding, 1))
            service.save()
        changed[0].on_council_framework = not changed[0].on_council_framework
        changed[0].save()
        new = ServiceFactory(categories=[categories[1]], easting=301_000, northing=300_500)
        backend.index_services([s.pk for s in changed] + [new.pk])
        services.append(new)

        checked = _check_random_queries(
            backend, rng, pick, towns, categories, groups, funding, runs=40
        )
        assert checked > 15
        assert (postings.reads["whole"], postings.reads["patched"]) == (whole, patched + 1)


@pytest.mark.django_db
def test_the_postings_are_read_whole_after_a_rebuild_or_a_break_in_the_log():
    from search.backends.database import postings
    from search.models import IndexChange

    backend = get_backend("database")
    first, _second = ServiceFactory.create_batch(2)
    backend.rebuild()
    assert backend.search(SearchQuery()).total == 2
    whole = postings.reads["whole"]

    backend.rebuild()  # a rebuild: the log says "everything"
    assert backend.search(SearchQuery()).total == 2
    assert postings.reads["whole"] == whole + 1

    gone = first.pk
    first.delete()  # the log loses the state this process holds (as after a rolled-back write)
    IndexChange.objects.all().delete()
    backend.index_services([gone])
    assert backend.search(SearchQuery()).total == 1
    assert postings.reads["whole"] == whole + 2


@pytest.mark.django_db
def test_the_change_log_is_kept_short(monkeypatch):
    from search.backends.database import postings
    from search.models import IndexChange

    monkeypatch.setattr(postings, "KEEP_CHANGES", 3)
    service = ServiceFactory()
    backend = get_backend("database")
    for _ in range(6):
        backend.index_services([service.pk])

    state = IndexState.objects.get()
    assert state.sequence == 6
    assert list(IndexChange.objects.values_list("sequence", flat=True).order_by("sequence")) == [
        4,
        5,
        6,
    ]
    assert IndexChange.objects.get(sequence=6).token == state.token


# --- ranking people would trust (issue 23) ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["garden", ""])
def test_equal_relevance_puts_complete_listings_first_and_inadequate_last(text):
    """A bare imported entry (no price, availability or reviews) after listings that have them;
    Requires improvement after Good; Inadequate after every other, however complete."""
    from tests.factories import PriceOptionFactory

    def listing(name, *, cqc="", complete=True, score=None):
        service = ServiceFactory(
            name=name,
            cqc_overall=cqc,
            accepting_new_clients=True if complete else None,
            review_count=3 if complete else 0,
            review_score=Decimal(score) if complete and score else None,
        )
        if complete:
            PriceOptionFactory(service=service)
        return service

    inadequate = listing("Garden club Inadequate", cqc="Inadequate", score="4.90")
    stub = listing("Garden club stub", cqc="Good", complete=False)
    improve = listing("Garden club improving", cqc="Requires improvement", score="4.50")
    good = listing("Garden club good", cqc="Good", score="3.00")
    unrated = listing("Garden club unrated", score="3.50")
    backend = get_backend("database")
    backend.rebuild()

    hits = backend.search(SearchQuery(text=text)).hits

    assert [h.service_id for h in hits] == [unrated.pk, good.pk, improve.pk, stub.pk, inadequate.pk]


@pytest.mark.django_db
def test_sorting_by_rating_is_by_reviews_alone():
    worse = ServiceFactory(review_count=2, review_score=Decimal("3.00"), cqc_overall="Good")
    better = ServiceFactory(review_count=1, review_score=Decimal("4.00"), cqc_overall="Inadequate")
    backend = get_backend("database")
    backend.rebuild()

    hits = backend.search(SearchQuery(sort=Sort.RATING)).hits

    assert [h.service_id for h in hits] == [better.pk, worse.pk]


@pytest.mark.django_db
def test_an_index_write_moves_a_service_in_the_trust_order():
    first = ServiceFactory(name="Garden one", accepting_new_clients=True)
    second = ServiceFactory(name="Garden two")
    backend = get_backend("database")
    backend.rebuild()
    assert [h.service_id for h in backend.search(SearchQuery(text="garden")).hits] == [
        first.pk,
        second.pk,
    ]

    type(first).objects.filter(pk=first.pk).update(cqc_overall="Inadequate")
    backend.index_services([first.pk])

    assert [h.service_id for h in backend.search(SearchQuery(text="garden")).hits] == [
        second.pk,
        first.pk,
    ]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 highlights: SQLite only")
def test_sqlite_highlights_of_a_page_are_those_of_the_whole_index():
    """Issue 23, bench at 100,000 services: the page's marks are made on a scratch table of its
    rows, not by MATCH over the whole index (20 ms a page for a phrase). Same rows, same marks,
    as the whole index gives, for words, phrases and terms found only in fields not shown."""
    from tests.factories import LocalityFactory, OrganisationFactory

    texts = [
        ("Home care in Ludlow", "Home care and night sitting.", "We visit people at home."),
        ("Night sitting", "Sitters for carers who need sleep.", "Care at home by night."),
        ("Lunch club", "A hot lunch on Tuesdays.", "Meals and company for older people."),
        ("Day centre", "Activities & <b>friends</b>.", "A day centre for people with dementia."),
        ("Befriending", "Company for lonely people.", "Visits from a friendly volunteer."),
    ]
    organisation = OrganisationFactory(name="Home Care Partners")
    place = LocalityFactory(name="Ludlow Care Village")
    services = [
        ServiceFactory(
            organisation=organisation,
            name=name,
            summary=summary,
            description=description,
            locality=place,
        )
        for name, summary, description in texts
    ]
    ServiceFactory.create_batch(20, summary="Help at home for carers.")
    backend = get_backend("database")
    backend.rebuild()
    ids = [s.pk for s in services]

    def whole_index(terms):
        sql = (
            "SELECT rowid, highlight(search_text_fts, 0, %s, %s), "  # noqa: S608 (placeholders)
            "snippet(search_text_fts, 1, %s, %s, '…', 40), "
            "snippet(search_text_fts, 2, %s, %s, '…', 30) FROM search_text_fts "
            f"WHERE search_text_fts MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})"
        )
        from search.backends.database.terms import MARK_CLOSE, MARK_OPEN, any_of

        with connection.cursor() as cursor:
            cursor.execute(sql, [MARK_OPEN, MARK_CLOSE] * 3 + [any_of(terms), *ids])
            rows = cursor.fetchall()
        result = {}
        for pk, name, summary, description in rows:
            fields = {"name": name, "summary": summary, "description": description}
            result[pk] = {k: marked_html(v) for k, v in fields.items() if marked_html(v)}
        return result

    cases = [["home care"], ["care"], ["sitter"], ["ludlow"], ["partners"], ["lunch", "company"],
             ["friends"], ["dementia", "day centre"], ["nothing"]]  # fmt: skip
    for terms in cases:
        expected = whole_index(terms)
        assert backend.highlights(ids, terms) == expected, terms
        assert backend.highlights(ids, terms) == expected, terms  # again, on the same connection
    # "care" is everywhere: in names, texts and, for all five, the organisation and the place.
    assert set(backend.highlights(ids, ["care"])) == set(ids)
    assert (
        backend.highlights(ids, ["home care"])[ids[0]]["name"] == "<mark>Home care</mark> in Ludlow"
    )
    assert backend.highlights([], ["care"]) == {}
