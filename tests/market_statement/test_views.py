"""The statement page with every block type, its CSV downloads, bounded queries, and the
commissioner dashboard."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from catalogue.models import Service
from core.roles import Role
from market_statement.models import MarketPositionStatementPage
from tests.factories import PriceOptionFactory, ServiceFactory, make_user
from tests.market_statement.conftest import data_block, publish_statement, statement_body

pytestmark = pytest.mark.django_db

EVERY_BLOCK = [
    data_block(
        "supply_figures",
        "Providers",
        metric="providers_services",
        category="",
        locality="",
        period_months="12",
    ),
    data_block(
        "supply_figures",
        "Care homes",
        metric="care_homes",
        category="",
        locality="",
        period_months="12",
    ),
    data_block(
        "supply_figures",
        "Openings",
        metric="openings_closures",
        category="",
        locality="",
        period_months="12",
    ),
    data_block(
        "price_figures",
        "Prices",
        metric="price_summary",
        category="home-care",
        locality="",
        period_months="12",
    ),
    data_block(
        "price_figures",
        "Trend",
        metric="price_trend",
        category="home-care",
        locality="",
        period_months="6",
    ),
    data_block("quality_figures", "CQC", metric="cqc_ratings", category="", locality=""),
    data_block("quality_figures", "Reviews", metric="review_scores", category="", locality=""),
    data_block("gap_figures", "Gaps", category="home-care", distance_km=5),
    data_block(
        "demand_figures",
        "Searches",
        metric="low_result_searches",
        category="",
        locality="",
        period_months="12",
    ),
    data_block(
        "demand_figures",
        "Activity",
        metric="marketplace_activity",
        category="",
        locality="",
        period_months="12",
    ),
    data_block("ras_figures", "RAS", period_months="12"),
    data_block("plan_review_figures", "Plan reviews"),
    {
        "type": "market_frame",
        "value": {
            "caption": "The market at a glance",
            "columns": [
                {"title": t, "effects": "<p>E</p>", "drivers": "<p>D</p>", "impacts": "<p>I</p>"}
                for t in (
                    "Providers (supply)",
                    "Quality",
                    "Resources and cost",
                    "Customers (demand)",
                )
            ],
        },
    },
    {
        "type": "intentions",
        "value": {
            "heading": "Commissioning intentions",
            "intentions": [
                {"title": "Rural home care", "text": "<p>A rural rate.</p>", "timescale": "2027"}
            ],
        },
    },
    {"type": "callout", "value": {"style": "info", "title": "Note", "text": "<p>Draft.</p>"}},
]


@pytest.fixture
def statement(home_page, market):
    # One home care service started trading this year: the openings block has figures.
    Service.objects.filter(pk=market.s2.pk).update(
        started_trading_on=timezone.localdate() - timedelta(days=60)
    )
    return publish_statement(home_page, statement_body(*EVERY_BLOCK))


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_every_data_block_has_a_chart_with_text_a_table_a_csv_link_and_a_time(client, statement):
    page = soup(client.get(statement.url))
    figures = page.select("section.app-mps-figures")
    assert len(figures) == 12
    with_figures = 0
    for section in figures:
        heading = section.find("h3").get_text(strip=True)
        assert "Published figures as of" in section.get_text(" "), heading
        assert section.find("time")["datetime"]
        if not section.select("tbody tr"):
            # No data yet (no searches, enquiries or RAS scheme here): a sentence says so.
            assert section.find("p", class_="govuk-body").get_text(strip=True), heading
            continue
        with_figures += 1
        assert section.select_one("table.govuk-table caption"), heading
        link = section.select_one("a[download]")
        assert "Download these figures (CSV)" in link.get_text()
        assert link["href"].startswith(f"/market-statement/{statement.pk}/figures/")
        if heading == "Trend":
            continue  # a line chart needs price history, which this catalogue lacks
        svg = section.find("svg")
        assert svg is not None, heading
        assert svg["role"] == "img"
        labelled = svg["aria-labelledby"].split()
        assert svg.find("title")["id"] == labelled[0]
        assert svg.find("desc")["id"] == labelled[1] and svg.find("desc").get_text(strip=True)
        assert section.find("figcaption").get_text(strip=True)
    assert with_figures == 9  # plan reviews: counts of none, never an empty table


def test_the_frame_and_the_intentions_render(client, statement):
    page = soup(client.get(statement.url))
    frame = page.select_one(".app-mps-frame table")
    assert [th.get_text(strip=True) for th in frame.select("thead th")] == [
        "Providers (supply)",
        "Quality",
        "Resources and cost",
        "Customers (demand)",
    ]
    assert [th.get_text(strip=True) for th in frame.select("tbody th")] == [
        "Effects",
        "Drivers",
        "Impacts",
    ]
    intentions = page.select_one(".app-mps-intentions")
    assert "Rural home care" in intentions.get_text() and "By 2027" in intentions.get_text()


def test_the_print_stylesheet_is_linked(client, statement):
    link = soup(client.get(statement.url)).find("link", media="print")
    assert link["href"].endswith("css/print-statement.css")


def block_id(page, heading):
    return next(b.id for b in page.data_blocks() if b.value["heading"] == heading)


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_download_of_published_and_live_figures(client, statement, market):
    url = f"/market-statement/{statement.pk}/figures/{block_id(statement, 'Prices')}.csv"
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="market-position-statement-price_summary-'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Locality",
        "Unit",
        "Prices",
        "Lowest",
        "Lower quartile",
        "Median",
        "Upper quartile",
        "Highest",
    ]
    assert rows[1] == ["Ashby", "per hour", "3", "20.00", "21.00", "22.00", "26.00", "30.00"]
    PriceOptionFactory(service=market.s1, amount=Decimal("40.00"))
    assert read_csv(client.get(url))[1][2] == "3"  # published figures do not move
    assert read_csv(client.get(url, {"figures": "live"}))[1][2] == "4"
    assert read_csv(client.get(url, {"version": "1"}))[1][2] == "3"


@pytest.mark.parametrize(
    "suffix",
    [
        "/figures/not-a-block.csv",
        "/figures/{frame}.csv",
        "/figures/{prices}.csv?version=9",
        "/figures/{prices}.csv?version=x",
    ],
)
def test_csv_of_nothing_is_404(client, statement, suffix):
    frame = next(b.id for b in statement.body if b.block_type == "market_frame")
    path = suffix.format(frame=frame, prices=block_id(statement, "Prices"))
    assert client.get(f"/market-statement/{statement.pk}{path}").status_code == 404


def test_an_unpublished_statement_has_no_public_addresses(client, statement):
    statement.unpublish()
    assert client.get(f"/market-statement/{statement.pk}/versions/").status_code == 404
    url = f"/market-statement/{statement.pk}/figures/{block_id(statement, 'Prices')}.csv"
    assert client.get(url).status_code == 404


def grow(market, count):
    for number in range(count):
        service = ServiceFactory(
            organisation=market.o2,
            categories=[market.home_care if number % 2 else market.residential],
            locality=market.a,
            easting=300000 + number,
            northing=300000,
            beds=10,
            cqc_location_id=f"1-{number}",
            cqc_overall="Good",
        )
        service.localities_served.set([market.b, market.c])
        PriceOptionFactory(service=service, amount=Decimal("20.00") + number)


# Live figures: a handful of queries per data block (11 here), none per service.
MAX_QUERIES = 100


@pytest.mark.parametrize("figures", ["published", "live"])
def test_statement_queries_do_not_grow_with_the_number_of_services(
    client, statement, market, django_assert_max_num_queries, figures
):
    query = {"figures": "live"} if figures == "live" else {}
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(statement.url, query).status_code == 200
    grow(market, 40)
    cache.clear()
    with django_assert_max_num_queries(len(small)):
        response = client.get(statement.url, query)
    assert response.status_code == 200
    assert len(small) <= MAX_QUERIES
    if figures == "published":
        assert len(small) <= 20  # frozen figures need no catalogue queries at all


# --- the dashboard --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 302),
        (Role.PUBLIC, 403),
        (Role.PROVIDER_STAFF, 403),
        (Role.MODERATOR, 403),
        (Role.EDITOR, 403),
        (Role.PRACTITIONER, 403),
        (Role.COMMISSIONER, 200),
    ],
)
def test_the_dashboard_is_for_commissioners_only(client, market, role, status):
    if role:
        client.force_login(make_user("", role))
    assert client.get("/commissioning/dashboard/").status_code == status
    assert client.get("/commissioning/dashboard/price_summary.csv").status_code == status


def test_the_dashboard_shows_every_metric_and_the_coverage_matrix(client, market):
    client.force_login(make_user("", Role.COMMISSIONER))
    page = soup(client.get("/commissioning/dashboard/", {"distance_km": "5"}))
    titles = [h.get_text(strip=True) for h in page.select("section.app-mps-figures h2")]
    assert titles == [
        "Providers and services",
        "Care home beds and vacancies",
        "Services opened and closed in the last 12 months",
        "Prices: median and quartiles",
        "Prices over the last 12 months: Care at home > Home care",
        "CQC ratings",
        "Review scores",
        "Gaps in Care at home > Home care within 5 km",
        "Searches with few or no results in the last 12 months",
        "Enquiries, shortlists and support plans in the last 12 months",
        "RAS money per point",
        "Support plan reviews and outcomes",
    ]
    matrix = page.select_one("table.app-mps-matrix")
    dale = next(tr for tr in matrix.select("tbody tr") if tr.th.get_text() == "Dale")
    assert [td.get_text(strip=True) for td in dale.find_all("td")] == ["0 gap", "0 gap", "0 gap"]
    csv_link = page.select_one("section.app-mps-figures a[download]")["href"]
    assert csv_link == "/commissioning/dashboard/providers_services.csv?distance_km=5"


def test_the_dashboard_filters_and_its_csv(client, market):
    client.force_login(make_user("", Role.COMMISSIONER))
    response = client.get("/commissioning/dashboard/price_summary.csv", {"category": "home-care"})
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == ["Ashby", "Beacon", "Church"]
    assert client.get("/commissioning/dashboard/nothing.csv").status_code == 404


def test_the_dashboard_explains_a_bad_filter(client, market):
    client.force_login(make_user("", Role.COMMISSIONER))
    response = client.get("/commissioning/dashboard/", {"distance_km": "500"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a distance of 100 km or less." in response.text


def test_the_statement_page_type_lives_under_the_home_page(home_page):
    assert MarketPositionStatementPage.can_exist_under(home_page)
    assert MarketPositionStatementPage.subpage_types == []


def test_the_coverage_matrix_scrolls_in_a_region_a_keyboard_can_reach(client, market):
    # Issue 20: the locality x category table was clipped with no cue.
    client.force_login(make_user("", Role.COMMISSIONER))
    page = soup(client.get("/commissioning/dashboard/"))
    region = page.select_one("table.app-mps-matrix").parent
    assert "app-table-scroll" in region["class"]
    assert (region["role"], region["tabindex"]) == ("region", "0")
    assert region["aria-label"] == "Services by locality and category"
    hint = page.select_one(f"#{region['aria-describedby']}")
    assert "Scroll the table sideways" in hint.get_text()
    # Three categories fit a desktop's column: the hint is for narrow screens only.
    assert "app-table-scroll__hint--always" not in hint["class"]
