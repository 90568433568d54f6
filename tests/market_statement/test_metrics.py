"""Every market metric, with worked numbers on the small known catalogue of conftest.py."""

from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from catalogue import services as catalogue
from catalogue.models import PriceRecord, Service
from market_statement import metrics
from market_statement.metrics import Options, compute, figures_for
from tests.factories import PriceOptionFactory, ServiceFactory, make_provider

pytestmark = pytest.mark.django_db


def table(figures, *keys):
    """The rows as tuples of the given columns, for comparing with a worked table."""
    return [tuple(row[key] for key in ("label", *keys)) for row in figures.rows]


# --- supply ---------------------------------------------------------------------------------------


def test_providers_and_services_by_category(market):
    figures = compute("providers_services", Options())
    assert table(figures, "providers", "services") == [
        ("Care at home", 2, 3),
        ("Care at home > Home care", 2, 3),
        ("Care homes", 2, 2),
        ("Care homes > Residential", 2, 2),
    ]  # the draft day centre is not on the market
    assert figures.summary.startswith("5 services from 3 providers.")


def test_providers_and_services_of_a_category_by_locality_counts_areas_served(market):
    figures = compute("providers_services", Options(category="home-care"))
    assert [c.label for c in figures.columns][0] == "Locality"
    assert table(figures, "providers", "services") == [
        ("Ashby", 2, 2),  # s1 (O1) and s3 (O2) are based there
        ("Beacon", 1, 1),  # s2
        ("Church", 1, 1),  # s2 lists Church as an area served
    ]  # nothing reaches Dale, so it has no row


def test_providers_and_services_in_one_locality(market):
    figures = compute("providers_services", Options(locality="c"))
    assert table(figures, "providers", "services") == [
        ("Care at home", 1, 1),
        ("Care at home > Home care", 1, 1),
        ("Care homes", 1, 1),
        ("Care homes > Residential", 1, 1),
    ]
    assert "in Church" in figures.summary


def test_stale_and_suspended_listings_are_not_on_the_market(market):
    Service.objects.filter(pk=market.s1.pk).update(
        last_confirmed_at=timezone.now() - timedelta(days=400)
    )
    Service.objects.filter(pk=market.s3.pk).update(status=Service.Status.SUSPENDED)
    figures = compute("providers_services", Options(category="home-care"))
    assert table(figures, "services") == [("Beacon", 1), ("Church", 1)]


def test_care_home_beds_and_vacancies_by_locality(market):
    figures = compute("care_homes", Options())
    assert table(figures, "homes", "beds", "vacancies", "vacancy_rate", "accepting") == [
        ("Beacon", 1, 40, 4, "10.0", 1),
        ("Church", 1, 20, 0, "0.0", 0),
    ]
    assert figures.summary == "2 homes with 60 beds; 4 vacancies (6.7% of beds)."


def test_care_homes_in_one_locality(market):
    figures = compute("care_homes", Options(locality="b"))
    assert table(figures, "beds") == [("Beacon", 40)]


def _started(service, days_ago):
    service.started_trading_on = timezone.localdate() - timedelta(days=days_ago)
    Service.objects.filter(pk=service.pk).update(started_trading_on=service.started_trading_on)


def test_openings_and_closures_in_a_period(market):
    # Every listing joined the site just now; what counts is when each started trading.
    _started(market.s1, 500)
    _started(market.s2, 100)
    _started(market.s3, 200)
    _started(market.s4, 30)
    _started(market.s6, 10)  # a draft: not on the market, so not opened
    # s5 gives no date: not counted as opened, and said so
    owner = make_provider(market.o1)
    catalogue.service_archive(user=owner, service=market.s2)
    figures = compute("openings_closures", Options(period_months=12))
    assert table(figures, "opened", "closed", "net") == [
        # s2 and s3 started trading (s1 500 days ago), and s2 closed again
        ("Care at home", 2, 1, 1),
        ("Care at home > Home care", 2, 1, 1),
        ("Care homes", 1, 0, 1),
        ("Care homes > Residential", 1, 0, 1),
    ]
    longer = compute("openings_closures", Options(period_months=24))
    assert table(longer, "opened")[0] == ("Care at home", 3)
    assert figures.summary == (
        "In the last 12 months, 3 services opened and 1 closed: a net change of +2. "
        "1 service on the market does not say when it started trading and is not counted "
        "as opened."
    )
    assert "not the date the listing joined this site" in figures.notes[0]
    assert figures.notes[1] == (
        "Services with no trading start date are not counted as opened: 1 on the market have none."
    )


def test_listings_joining_the_site_are_not_openings(market):
    """The first year of a deployment: every listing is new to the site, none opened."""
    figures = compute("openings_closures", Options(period_months=12))
    assert figures.rows == []
    assert figures.summary.startswith("In the last 12 months, 0 services opened and 0 closed")
    assert "5 services on the market do not say when they started trading" in figures.summary


def test_services_without_a_trading_start_are_counted_in_the_scope_asked_for(market):
    _started(market.s1, 20)
    figures = compute("openings_closures", Options(category="home-care"))
    assert sum(row["opened"] for row in figures.rows) == 1
    # s2 and s3 are home care without a date; the care homes are not in this scope
    assert "2 services on the market do not say" in figures.summary


def test_a_restored_service_does_not_count_as_closed(market):
    owner = make_provider(market.o1)
    catalogue.service_archive(user=owner, service=market.s2)
    Service.objects.filter(pk=market.s2.pk).update(status=Service.Status.PUBLISHED)  # restored
    figures = compute("openings_closures", Options(category="home-care"))
    assert sum(row["closed"] for row in figures.rows) == 0


# --- price ----------------------------------------------------------------------------------------


def test_price_median_and_quartiles_per_category_in_its_unit(market):
    figures = compute("price_summary", Options())
    assert table(
        figures, "unit", "count", "minimum", "lower_quartile", "median", "upper_quartile", "maximum"
    ) == [
        # 20, 22, 24, 30 per hour; s3's weekly price is not in the category's unit
        ("Care at home", "per hour", 4, "20.00", "21.50", "23.00", "25.50", "30.00"),
        ("Care at home > Home care", "per hour", 4, "20.00", "21.50", "23.00", "25.50", "30.00"),
        # Residential has no unit of its own: it uses its parent's (per week)
        ("Care homes", "per week", 2, "900.00", "950.00", "1000.00", "1050.00", "1100.00"),
        (
            "Care homes > Residential",
            "per week",
            2,
            "900.00",
            "950.00",
            "1000.00",
            "1050.00",
            "1100.00",
        ),
    ]  # the day centre's price belongs to a draft


def test_price_of_a_category_by_locality(market):
    figures = compute("price_summary", Options(category="home-care"))
    assert table(figures, "count", "lower_quartile", "median", "upper_quartile") == [
        ("Ashby", 3, "21.00", "22.00", "26.00"),  # 20, 22, 30
        ("Beacon", 1, "24.00", "24.00", "24.00"),
        ("Church", 1, "24.00", "24.00", "24.00"),  # s2 serves Church
    ]
    assert figures.summary == (
        "The median price in Care at home > Home care is £23.00 per hour "
        "(4 prices; half lie between £21.50 and £25.50)."
    )
    assert figures.unit == "per hour"


def test_price_of_a_category_in_one_locality(market):
    figures = compute("price_summary", Options(category="home-care", locality="a"))
    assert table(figures, "median") == [("Care at home > Home care", "22.00")]
    assert "£22.00 per hour" in figures.summary


def test_expired_and_future_prices_are_left_out(market):
    today = timezone.localdate()
    PriceOptionFactory(
        service=market.s2, amount=Decimal("99.00"), valid_to=today - timedelta(days=1)
    )
    PriceOptionFactory(
        service=market.s2, amount=Decimal("98.00"), valid_from=today + timedelta(days=1)
    )
    figures = compute("price_summary", Options(category="home-care", locality="b"))
    assert table(figures, "count", "median") == [("Care at home > Home care", 1, "24.00")]


def _record(service, option_uuid, amount, days_ago, category, unit="hour"):
    return PriceRecord.objects.create(
        service=service,
        option_uuid=option_uuid,
        category=category,
        label="Weekday",
        amount=Decimal(amount) if amount is not None else None,
        unit=unit,
        recorded_at=timezone.now() - timedelta(days=days_ago),
    )


def test_price_trend_from_the_price_history(market):
    import uuid

    one, two = uuid.uuid4(), uuid.uuid4()
    _record(market.s1, one, "20.00", 100, market.home_care)
    _record(market.s2, two, "24.00", 100, market.home_care)
    _record(market.s1, one, "22.00", 0, market.home_care)  # a rise today
    _record(market.s2, two, "99.00", 50, market.home_care, unit="week")  # not per hour
    figures = compute("price_trend", Options(category="home-care", period_months=6))
    # Six months asked for; the months before the first price are left out (issue 20).
    assert 2 <= len(figures.rows) < 6
    assert all(row["median"] is not None for row in figures.rows)
    assert figures.rows[-1]["median"] == "23.00"  # 22 and 24 now
    assert figures.rows[-1]["count"] == 2
    assert figures.rows[-2]["median"] == "22.00"  # 20 and 24 last month
    assert "went from £22.00 per hour" in figures.summary
    assert "to £23.00" in figures.summary


def test_a_withdrawn_price_leaves_the_trend(market):
    import uuid

    one, two = uuid.uuid4(), uuid.uuid4()
    _record(market.s1, one, "20.00", 100, market.home_care)
    _record(market.s2, two, "30.00", 100, market.home_care)
    _record(market.s2, two, None, 0, market.home_care)
    figures = compute("price_trend", Options(category="home-care", period_months=3))
    assert figures.rows[-1]["median"] == "20.00"
    assert figures.rows[-2]["median"] == "25.00"


def test_price_trend_in_one_locality(market):
    import uuid

    _record(market.s1, uuid.uuid4(), "20.00", 10, market.home_care)
    _record(market.s2, uuid.uuid4(), "30.00", 10, market.home_care)
    figures = compute("price_trend", Options(category="home-care", locality="c", period_months=3))
    assert figures.rows[-1]["median"] == "30.00"  # only s2 serves Church


def test_price_trend_needs_a_category(market):
    figures = compute("price_trend", Options())
    assert figures.rows == []
    assert "Choose a category" in figures.summary


# --- quality --------------------------------------------------------------------------------------


def test_cqc_rating_distribution(market):
    ServiceFactory(organisation=market.o1, categories=[market.residential], cqc_location_id="1-333")
    figures = compute("cqc_ratings", Options())
    assert table(figures, "services", "share") == [
        ("Outstanding", 0, "0.0"),
        ("Good", 1, "33.3"),
        ("Requires improvement", 1, "33.3"),
        ("Inadequate", 0, "0.0"),
        ("Not yet rated", 1, "33.3"),
    ]
    assert "3 CQC-registered services; 1 of the 2 rated (50.0%)" in figures.summary


def test_cqc_ratings_in_a_locality(market):
    figures = compute("cqc_ratings", Options(locality="b"))
    assert [row["services"] for row in figures.rows] == [0, 1, 0, 0, 0]


def test_review_scores_weigh_means_by_their_number_of_reviews(market):
    Service.objects.filter(pk=market.s1.pk).update(
        review_count=3, review_mean=Decimal("4.00"), review_score=Decimal("3.90")
    )
    Service.objects.filter(pk=market.s3.pk).update(
        review_count=1, review_mean=Decimal("5.00"), review_score=Decimal("4.10")
    )
    figures = compute("review_scores", Options())
    assert table(figures, "services", "reviewed", "reviews", "mean", "score")[:2] == [
        ("Care at home", 3, 2, 4, "4.25", "4.00"),
        ("Care at home > Home care", 3, 2, 4, "4.25", "4.00"),
    ]
    assert table(figures, "reviewed", "mean")[2] == ("Care homes", 0, None)
    assert figures.summary == "4 reviews of 2 services, with a mean rating of 4.25 out of 5."


# --- gaps -----------------------------------------------------------------------------------------


def test_gaps_within_5_km(market):
    figures = compute("gaps", Options(category="home-care", distance_km=5))
    assert table(figures, "nearest_km", "within", "serving", "status") == [
        # "Serving": catalogue.selectors.serves, so the services based there count too.
        ("Ashby", "0.5", 2, 2, "Covered"),
        ("Beacon", "1.0", 1, 1, "Covered"),
        ("Church", "30.0", 0, 1, "Covered"),  # far away, but s2 names it
        ("Dale", "50.0", 0, 0, "Gap"),
    ]
    assert figures.summary == (
        "1 of 4 localities have no Care at home > Home care service within 5 km or serving "
        "the area: Dale."
    )


def test_gaps_close_as_the_distance_grows(market):
    figures = compute("gaps", Options(category="home-care", distance_km=60))
    assert table(figures, "within", "status") == [
        ("Ashby", 3, "Covered"),
        ("Beacon", 3, "Covered"),
        ("Church", 3, "Covered"),
        ("Dale", 3, "Covered"),
    ]


def test_gaps_of_a_parent_category_include_its_children(market):
    figures = compute("gaps", Options(category="care-at-home", distance_km=5))
    assert [row["status"] for row in figures.rows] == ["Covered", "Covered", "Covered", "Gap"]


def test_a_locality_without_a_centre_is_covered_only_by_areas_served(market):
    market.d.easting = market.d.northing = None
    market.d.save()
    figures = compute("gaps", Options(category="home-care", distance_km=100))
    assert table(figures, "nearest_km", "within", "status")[-1] == ("Dale", None, None, "Gap")


def test_coverage_matrix_marks_gaps_for_every_category_at_once(market):
    matrix = metrics.coverage_matrix(5)
    assert matrix["categories"] == ["Care at home", "Care homes", "Day centres"]
    dale = next(row for row in matrix["rows"] if row["locality"] == "Dale")
    assert [(c["count"], c["gap"]) for c in dale["cells"]] == [(0, True), (0, True), (0, True)]
    ashby = next(row for row in matrix["rows"] if row["locality"] == "Ashby")
    assert [(c["count"], c["gap"]) for c in ashby["cells"]] == [(2, False), (0, True), (0, True)]
    assert matrix["gap_counts"] == {"Care at home": 1, "Care homes": 2, "Day centres": 4}


# --- robustness, caching and bounded queries ----------------------------------------------------


@pytest.mark.parametrize(
    ("key", "options", "note"),
    [
        ("providers_services", Options(category="gone"), "category chosen"),
        ("price_summary", Options(locality="gone"), "locality chosen"),
        ("no-such-metric", Options(), "no longer available"),
        ("gaps", Options(), "Choose a category"),
    ],
)
def test_missing_choices_give_a_note_not_an_error(market, key, options, note):
    figures = compute(key, options)
    assert figures.rows == []
    assert note in figures.summary


def test_figures_are_cached_until_the_catalogue_changes(market):
    options = Options(category="home-care", locality="b")
    assert figures_for("price_summary", options).rows[0]["median"] == "24.00"
    with CaptureQueriesContext(connection) as queries:
        assert figures_for("price_summary", options).rows[0]["median"] == "24.00"
    assert len(queries) == 0
    owner = make_provider(market.o1)
    option = market.s2.price_options.get()
    catalogue.price_option_save(
        user=owner,
        service=market.s2,
        option=option,
        label=option.label,
        amount=Decimal("26.00"),
        unit="hour",
    )
    assert figures_for("price_summary", options).rows[0]["median"] == "26.00"


def _grow(market, count):
    for number in range(count):
        service = ServiceFactory(
            organisation=market.o2,
            categories=[market.home_care],
            locality=market.b,
            easting=310000 + number,
            northing=300000,
        )
        service.localities_served.set([market.a, market.c])
        PriceOptionFactory(service=service, amount=Decimal("25.00") + number)


ALL_OPTIONS = [
    ("providers_services", Options()),
    ("providers_services", Options(category="home-care")),
    ("care_homes", Options()),
    ("openings_closures", Options()),
    ("price_summary", Options()),
    ("price_summary", Options(category="home-care", locality="a")),
    ("price_trend", Options(category="home-care", locality="a")),
    ("cqc_ratings", Options()),
    ("review_scores", Options()),
    ("gaps", Options(category="home-care")),
]


@pytest.mark.parametrize(("key", "options"), ALL_OPTIONS)
def test_queries_do_not_grow_with_the_catalogue(market, key, options):
    with CaptureQueriesContext(connection) as small:
        compute(key, options)
    _grow(market, 25)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        compute(key, options)
    assert len(large) == len(small)
    assert len(small) <= 8
