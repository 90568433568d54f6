"""The search page at /search/, through the real search backend, on a small known catalogue.

What a person sees: every filter as a GET parameter, facet counts beside the options, result
cards, pagination that keeps the filters, the advice pages beside the services, and a bounded
number of queries whatever the number of results.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from catalogue.models import ClientGroup, FundingType, Service
from search.backends import get_backend
from tests.factories import (
    AdviceIndexPageFactory,
    AdvicePageFactory,
    CategoryFactory,
    LocalityFactory,
    OrganisationFactory,
    PostcodeFactory,
    PriceOptionFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db

# Ludlow and Bridgnorth are about 28 km (17.4 miles) apart on the grid.
LUDLOW = (351000, 274500)
BRIDGNORTH = (371500, 293000)


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split()) if element else ""


def names(page) -> list[str]:
    """The service names on the result cards, in order (each card's title is the public title,
    "Provider: name in Town", with the name in .app-card__name)."""
    return [
        text_of(a) for a in page.select("[data-service-results] .app-card__title a .app-card__name")
    ]


def heading(page) -> str:
    return text_of(page.select_one("#results-heading"))


def errors(page) -> list[str]:
    return [text_of(a) for a in page.select(".govuk-error-summary__list a")]


def option_label(page, name: str, value: str) -> str:
    """The visible label of an option of a select, radio or checkbox filter."""
    option = page.select_one(f"select[name={name}] option[value='{value}']")
    if option is not None:
        return text_of(option)
    box = page.select_one(f"input[name={name}][value='{value}']")
    return text_of(page.select_one(f"label[for={box['id']}]"))


def reindex():
    get_backend().rebuild()


@pytest.fixture
def catalogue(home_page):
    return build_catalogue()


def build_catalogue():
    """Four visible services in two towns, plus a draft and a stale one that never show."""
    care_at_home = CategoryFactory(name="Care at home", slug="care-at-home", reference_unit="hour")
    home_care = CategoryFactory(
        name="Home care", slug="home-care", parent=care_at_home, reference_unit=""
    )
    care_homes = CategoryFactory(name="Care homes", slug="care-homes", reference_unit="week")
    nursing = CategoryFactory(name="Nursing home", slug="nursing-home", parent=care_homes)
    day = CategoryFactory(
        name="Day opportunities", slug="day-opportunities", reference_unit="session"
    )
    ludlow = LocalityFactory(name="Ludlow", slug="ludlow", postcode_districts=["SY8"])
    bridgnorth = LocalityFactory(name="Bridgnorth", slug="bridgnorth", postcode_districts=["WV16"])
    PostcodeFactory(
        postcode="SY8 1AA", district="SY8", easting=LUDLOW[0], northing=LUDLOW[1], locality=ludlow
    )
    PostcodeFactory(
        postcode="WV16 4AA",
        district="WV16",
        easting=BRIDGNORTH[0],
        northing=BRIDGNORTH[1],
        locality=bridgnorth,
    )
    groups = {g.slug: g for g in ClientGroup.objects.all()}
    funding = {f.slug: f for f in FundingType.objects.all()}

    def service(
        name, category, town, at, *, summary, groups_=(), funding_=(), price=None, **fields
    ):
        made = ServiceFactory(
            name=name,
            slug=name.lower().replace(" ", "-"),
            organisation=OrganisationFactory(name=f"{name} Ltd"),
            summary=summary,
            categories=[category],
            locality=town,
            easting=at[0],
            northing=at[1],
            **fields,
        )
        made.client_groups.set([groups[g] for g in groups_])
        made.funding_accepted.set([funding[f] for f in funding_])
        if price:
            PriceOptionFactory(service=made, amount=Decimal(price[0]), unit=price[1])
        return made

    services = {
        "ludlow": service(
            "Ludlow Home Care",
            home_care,
            ludlow,
            (351200, 274600),
            summary="Personal care at home across south Shropshire.",
            groups_=("older-people", "dementia"),
            funding_=("self-funded", "direct-payment"),
            price=("24.50", "hour"),
            cqc_location_id="1-111",
            cqc_overall="Good",
            accepting_new_clients=True,
            review_score=Decimal("4.50"),
            review_mean=Decimal("4.70"),
            review_count=10,
        ),
        "bridgnorth": service(
            "Bridgnorth Homecare",
            home_care,
            bridgnorth,
            (371600, 293100),
            summary="Help with washing, dressing and meals in your own home.",
            groups_=("older-people",),
            funding_=("self-funded",),
            price=("19.00", "hour"),
            cqc_location_id="1-222",
            cqc_overall="Outstanding",
            accepting_new_clients=False,
            review_score=Decimal("3.20"),
            review_count=5,
        ),
        "nursing": service(
            "Riverside Nursing Home",
            nursing,
            ludlow,
            (351500, 275000),
            summary="A nursing home by the river with 40 beds.",
            groups_=("dementia",),
            funding_=("council-contract",),
            price=("950.00", "week"),
            cqc_location_id="1-333",
            cqc_overall="Requires improvement",
            accepting_new_clients=True,
            hide_exact_address=True,
        ),
        "day": service(
            "Carers Day Centre",
            day,
            bridgnorth,
            (371000, 292500),
            summary="A day centre where carers can take a break.",
            groups_=("carers",),
            funding_=("personal-budget",),
            price=("35.00", "session"),
        ),
    }
    services["ludlow"].localities_served.set([ludlow])
    services["bridgnorth"].localities_served.set([bridgnorth])
    services["day"].localities_served.set([bridgnorth, ludlow])
    service(
        "Draft Home Care",
        home_care,
        ludlow,
        LUDLOW,
        summary="Not yet sent.",
        status=Service.Status.DRAFT,
    )
    service(
        "Stale Home Care",
        home_care,
        ludlow,
        LUDLOW,
        summary="Nobody confirmed it.",
        last_confirmed_at=timezone.now() - timedelta(days=400),
    )
    reindex()
    return services


ALL_VISIBLE = [
    "Bridgnorth Homecare",
    "Carers Day Centre",
    "Ludlow Home Care",
    "Riverside Nursing Home",
]


# --- rendering ----------------------------------------------------------------------------------


def test_the_page_lists_every_visible_service_with_the_filters_beside(client, catalogue):
    page = soup(client.get("/search/"))

    assert text_of(page.h1) == "Find care and support services"
    assert page.title.get_text().startswith("Find care and support services - ")
    assert sorted(names(page)) == ALL_VISIBLE  # never the draft nor the stale listing
    assert heading(page) == "4 services"
    sidebar = page.select_one(".govuk-grid-column-one-third form[method=get]")
    assert sidebar["action"] == "/search/"
    for name in (
        "q",
        "category",
        "client_group",
        "funding",
        "postcode",
        "radius",
        "serves",
        "locality",
        "max_price",
        "min_rating",
        "cqc",
        "accepting",
    ):
        assert sidebar.select_one(f"[name={name}]"), name
    assert page.select_one(".govuk-grid-column-two-thirds #results-heading")
    # Sort sits at the top of the results, part of the same form through its form attribute.
    sort = page.select_one(".govuk-grid-column-two-thirds select[name=sort]")
    assert sort["form"] == sidebar["id"] == "search-form"
    assert text_of(sidebar.select_one("button.govuk-button--secondary")) == "Apply filters"
    assert page.select_one("script[src$='js/search.js']")
    assert page.select_one("[aria-live=polite][data-search-status]")


def test_on_a_phone_the_filters_wait_behind_a_filter_control_and_sort_tops_the_results(
    client, catalogue
):
    # Issue 20: on a 390px phone the first result was 2,856px down, after every filter.
    page = soup(client.get("/search/", {"q": "care", "funding": "self-funded", "accepting": "1"}))

    form = page.select_one("form#search-form")
    # The search words stay in view; every filter is inside a closed <details>.
    assert form.select_one("input[name=q]").find_parent("details") is None
    filters = form.select_one("details[data-filters]")
    assert not filters.has_attr("open")
    assert text_of(filters.summary) == "Filter (2 in use)"
    for name in ("category", "postcode", "funding", "max_price", "min_rating", "accepting"):
        assert filters.select_one(f"[name={name}]"), name
    assert text_of(filters.select_one("button[type=submit]")) == "Apply filters"
    skip = page.select_one("a#skip-to-results")
    assert text_of(skip) == "Skip to results" and skip["href"] == "#search-results"
    assert page.select_one("#search-results [data-service-results]")
    results = page.select_one("#search-results")
    # "Sort by" comes before the first result, with a button that sorts without JavaScript.
    order = [el.name for el in results.select("select[name=sort], [data-service-results]")]
    assert order == ["select", "ul"]
    button = results.select_one("[data-sort] button[type=submit]")
    assert button["form"] == "search-form" and text_of(button) == "Sort"


def test_filters_with_a_mistake_are_shown_open(client, catalogue):
    page = soup(client.get("/search/", {"max_price": "cheap", "category": "care-at-home"}))

    assert page.select_one("details[data-filters]").has_attr("open")


def test_a_result_card_says_what_a_family_needs_to_compare(client, catalogue):
    page = soup(client.get("/search/", {"q": "personal care", "postcode": "SY8 1AA"}))

    card = page.select_one(f"[data-service-id='{catalogue['ludlow'].pk}']")
    link = card.select_one(".app-card__title a")
    assert link["href"] == "/services/ludlow-home-care/"
    text = text_of(card)
    assert "Ludlow Home Care Ltd" in text
    assert "Price: £24.50 per hour" in text
    assert "Distance: 0.1 miles from SY8 1AA" in text
    # The average of the reviews, as on the service page; the ranking score (4.50) only orders.
    reviews = text_of(card.select_one("li:-soup-contains('Reviews:')"))
    assert reviews == "Reviews: ★★★★★ 4.7 out of 5 stars, from 10 reviews"
    assert text_of(card.select_one(".govuk-tag")) == "Good"
    assert "Taking new clients" in text
    assert card.select("mark"), "the words found are highlighted"
    assert page.title.get_text().startswith("‘personal care’ - Find care and support services")
    assert heading(page) == "1 service for ‘personal care’ near SY8 1AA"


def test_the_distance_to_a_hidden_address_is_rounded(client, catalogue):
    page = soup(client.get("/search/", {"postcode": "SY8 1AA", "sort": "distance"}))

    card = page.select_one(f"[data-service-id='{catalogue['nursing'].pk}']")
    # Measured to the centre of its kilometre square (351 500, 275 500): 1.1 km, not 0.7 km.
    assert "Distance: about 1 mile" in text_of(card)


def test_markup_typed_in_the_search_is_shown_as_text(client, catalogue):
    response = client.get("/search/", {"q": "<script>alert(1)</script>"})

    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content


# --- every filter through the page --------------------------------------------------------------

FILTER_CASES = [
    ({"q": "nursing"}, ["Riverside Nursing Home"]),
    ({"q": "breaks"}, ["Carers Day Centre"]),  # stemming: "breaks" finds "break"
    ({"category": "care-at-home"}, ["Bridgnorth Homecare", "Ludlow Home Care"]),
    ({"category": "nursing-home"}, ["Riverside Nursing Home"]),
    ({"client_group": "dementia"}, ["Ludlow Home Care", "Riverside Nursing Home"]),
    (
        {"client_group": ["dementia", "carers"]},
        ["Carers Day Centre", "Ludlow Home Care", "Riverside Nursing Home"],
    ),
    ({"funding": "direct-payment"}, ["Ludlow Home Care"]),
    ({"postcode": "SY8 1AA", "radius": "5"}, ["Ludlow Home Care", "Riverside Nursing Home"]),
    ({"postcode": "sy81aa", "radius": "30"}, ALL_VISIBLE),
    # Riverside states no area: it serves its own locality, Ludlow (catalogue.selectors.serves).
    (
        {"postcode": "SY8 1AA", "serves": "1"},
        ["Carers Day Centre", "Ludlow Home Care", "Riverside Nursing Home"],
    ),
    ({"locality": "bridgnorth"}, ["Bridgnorth Homecare", "Carers Day Centre"]),
    ({"category": "care-at-home", "max_price": "20"}, ["Bridgnorth Homecare"]),
    (
        {"category": "care-at-home", "max_price": "£24.50"},
        ["Bridgnorth Homecare", "Ludlow Home Care"],
    ),
    ({"max_price": "1000", "unit": "week"}, ["Riverside Nursing Home"]),
    ({"max_price": "30", "unit": "week"}, []),
    ({"min_rating": "4"}, ["Ludlow Home Care"]),
    ({"min_rating": "3"}, ["Bridgnorth Homecare", "Ludlow Home Care"]),
    ({"cqc": "Good"}, ["Ludlow Home Care"]),
    ({"cqc": ["Good", "Outstanding"]}, ["Bridgnorth Homecare", "Ludlow Home Care"]),
    ({"accepting": "1"}, ["Ludlow Home Care", "Riverside Nursing Home"]),
    ({"client_group": "older-people", "accepting": "1"}, ["Ludlow Home Care"]),
]


@pytest.mark.parametrize(("params", "expected"), FILTER_CASES)
def test_each_filter_narrows_the_results(client, catalogue, params, expected):
    page = soup(client.get("/search/", params))

    assert sorted(names(page)) == expected
    assert errors(page) == []
    assert heading(page).startswith(f"{len(expected)} service")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"category": "care-at-home", "sort": "price"},
            ["Bridgnorth Homecare", "Ludlow Home Care"],
        ),
        ({"sort": "rating"}, ["Ludlow Home Care", "Bridgnorth Homecare"]),
        (
            {"postcode": "WV16 4AA", "sort": "distance"},
            ["Bridgnorth Homecare", "Carers Day Centre"],
        ),
        (
            {"postcode": "SY8 1AA", "sort": "distance"},
            ["Ludlow Home Care", "Riverside Nursing Home"],
        ),
    ],
)
def test_sorting(client, catalogue, params, expected):
    page = soup(client.get("/search/", params))

    assert names(page)[: len(expected)] == expected


def test_distance_is_offered_as_a_sort_only_with_a_postcode(client, catalogue):
    without = soup(client.get("/search/"))
    with_postcode = soup(client.get("/search/", {"postcode": "SY8 1AA"}))

    assert not without.select_one("select[name=sort] option[value=distance]")
    assert with_postcode.select_one("select[name=sort] option[value=distance]")


def test_the_price_label_says_the_unit_of_the_category(client, catalogue):
    with_category = soup(client.get("/search/", {"category": "home-care"}))
    without = soup(client.get("/search/"))

    # Home care has no unit of its own: it uses its parent's ("per hour").
    label = with_category.select_one("label[for=id_max_price]")
    assert text_of(label) == "Maximum price per hour, in pounds"
    assert not with_category.select_one("select[name=unit]")
    assert text_of(without.select_one("label[for=id_max_price]")) == "Maximum price, in pounds"
    assert without.select_one("select[name=unit]")


def test_taking_the_type_of_service_away_keeps_the_price_in_its_unit(client, catalogue):
    # Issue 20: removing "Type of service" with a maximum price set showed a red error
    # ("Select what the maximum price is for") that the person did not cause.
    page = soup(client.get("/search/", {"category": "care-at-home", "max_price": "30"}))
    assert page.select_one("form#search-form input[type=hidden][name=unit]")["value"] == "hour"
    remove = next(
        a["href"] for a in page.select("[data-active-filters] a") if "Type of service" in text_of(a)
    )
    assert "category" not in remove and "unit=hour" in remove and "max_price=30" in remove

    after = soup(client.get(remove))
    assert not after.select(".govuk-error-summary, .govuk-error-message")
    assert after.select_one("select[name=unit] option[selected]")["value"] == "hour"
    assert any(
        text_of(li).startswith("Maximum price: £30 per hour remove")
        for li in after.select("[data-active-filters] li")
    )
    # The form sent with the type changed to "any" (search.js does so on change) is the same.
    sent = soup(client.get("/search/", {"category": "", "max_price": "30", "unit": "hour"}))
    assert not sent.select(".govuk-error-summary")


def test_the_filters_keep_what_was_chosen(client, catalogue):
    page = soup(
        client.get(
            "/search/",
            {
                "q": "care",
                "category": "home-care",
                "client_group": ["dementia", "carers"],
                "postcode": "SY8 1AA",
                "radius": "10",
                "accepting": "1",
                "sort": "distance",
            },
        )
    )

    assert page.select_one("input[name=q]")["value"] == "care"
    assert page.select_one("select[name=category] option[selected]")["value"] == "home-care"
    checked = [box["value"] for box in page.select("input[name=client_group][checked]")]
    assert checked == ["dementia", "carers"]
    assert page.select_one("input[name=radius]")["value"] == "10"
    assert page.select_one("input[name=accepting]").has_attr("checked")
    assert page.select_one("select[name=sort] option[selected]")["value"] == "distance"


# --- facet counts -------------------------------------------------------------------------------


def test_each_option_says_how_many_services_it_would_give(client, catalogue):
    page = soup(client.get("/search/", {"client_group": "dementia"}))

    # Other filters are counted within the dementia services ...
    assert option_label(page, "category", "home-care") == "Home care (1)"
    assert option_label(page, "category", "nursing-home") == "Nursing home (1)"
    assert option_label(page, "category", "care-at-home") == "Care at home: all types (1)"
    assert option_label(page, "category", "day-opportunities") == "Day opportunities (0)"
    assert option_label(page, "cqc", "Good") == "Good (1)"
    assert option_label(page, "accepting", "1") == "Only services taking new clients (2)"
    assert option_label(page, "locality", "ludlow") == "Ludlow (2)"
    # ... and the client groups themselves disjunctively: what ticking another one would add.
    assert option_label(page, "client_group", "older-people") == "Older people (2)"
    assert option_label(page, "client_group", "carers") == "Carers (1)"
    assert option_label(page, "min_rating", "4") == "4 stars or more (1)"


def test_the_category_select_shows_the_two_level_taxonomy(client, catalogue):
    page = soup(client.get("/search/"))

    groups = {
        group["label"]: [text_of(o) for o in group.select("option")]
        for group in page.select("select[name=category] optgroup")
    }
    assert groups["Care at home"] == ["Care at home: all types (2)", "Home care (2)"]
    assert groups["Care homes"] == ["Care homes: all types (1)", "Nursing home (1)"]
    top = [text_of(o) for o in page.select("select[name=category] > option")]
    assert top == ["Any type of service", "Day opportunities (1)"]


# --- pagination ---------------------------------------------------------------------------------


def test_pagination_keeps_the_filters(client, catalogue):
    meals = CategoryFactory(name="Meals", slug="meals", reference_unit="visit")
    for n in range(23):
        ServiceFactory(name=f"Meals service {n:02d}", summary="Hot meals.", categories=[meals])
    reindex()

    first = soup(client.get("/search/", {"category": "meals", "q": "meals"}))
    assert heading(first) == "23 services for ‘meals’ in Meals"
    assert len(names(first)) == 20
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "category=meals" in next_link and "q=meals" in next_link and "page=2" in next_link

    second = soup(client.get(f"/search/{next_link}"))
    assert len(names(second)) == 3
    assert set(names(first)).isdisjoint(names(second))
    previous = second.select_one(".govuk-pagination__prev a")["href"]
    assert "category=meals" in previous and "page=1" in previous


# --- widening an empty search -------------------------------------------------------------------


def test_the_empty_page_suggests_how_to_widen_the_search(client, catalogue):
    page = soup(
        client.get(
            "/search/",
            {
                "q": "nursing",
                "category": "nursing-home",
                "client_group": "dementia",
                "postcode": "WV16 4AA",
                "radius": "2",
            },
        )
    )

    assert names(page) == []
    empty = page.select_one("[data-no-results]")
    links = {text_of(a): a["href"] for a in empty.select("a")}
    without_category = links["search without ‘Type of service: Nursing home’"]
    assert "category" not in without_category and "client_group=dementia" in without_category
    assert "client_group" not in links["search without ‘Who it is for: Dementia’"]
    assert "q=" not in links["search without ‘Search words: nursing’"]
    assert "radius=5" in links["search within 5 miles instead"]
    assert "check the spelling" in text_of(empty)
    # Riverside is 28 km away: only dropping the place finds it.
    assert names(soup(client.get(links["search within 5 miles instead"]))) == []
    assert names(soup(client.get(without_category))) == []
    wider = soup(client.get(links["search without ‘Near WV16 4AA’"]))
    assert names(wider) == ["Riverside Nursing Home"]
    assert "postcode" not in links["search without ‘Near WV16 4AA’"]


# --- advice pages beside services ---------------------------------------------------------------


def test_advice_pages_are_shown_beside_services(client, catalogue, home_page):
    section = AdviceIndexPageFactory(parent=home_page, title="Help for carers")
    for n in range(7):
        AdvicePageFactory(
            parent=section,
            title=f"Taking a break {n}",
            summary="How carers can take a break.",
            body=[{"type": "paragraph", "value": "<p>Short breaks for carers.</p>"}],
        )

    page = soup(client.get("/search/", {"q": "carers"}))

    assert names(page) == ["Carers Day Centre"]
    advice = page.select("[data-advice-results] .app-card__title a")
    assert len(advice) == 5
    see_all = page.find("a", string=lambda s: s and s.startswith("See all"))
    assert text_of(see_all) == "See all 8 advice pages about ‘carers’"  # and the section itself
    assert see_all["href"] == "/search/advice/?q=carers"

    everything = soup(client.get(see_all["href"]))
    assert len(everything.select(".app-search-results li")) == 8


def test_no_advice_section_without_search_words(client, catalogue, home_page):
    AdvicePageFactory(parent=home_page, title="Care at home explained")

    page = soup(client.get("/search/", {"category": "home-care"}))

    assert not page.select("[data-advice-results]")


# --- query counts -------------------------------------------------------------------------------


def test_the_page_does_a_bounded_number_of_queries(
    client, catalogue, django_assert_max_num_queries
):
    params = {"q": "care", "postcode": "SY8 1AA", "category": "care-at-home"}
    client.get("/search/", params)  # warm the site-root cache
    with django_assert_max_num_queries(QUERY_BUDGET) as few:
        assert client.get("/search/", params).status_code == 200
    budget = len(few.captured_queries)  # read now: a request clears the connection's log

    home_care = catalogue["ludlow"].categories.get()
    for n in range(15):
        made = ServiceFactory(
            name=f"More home care {n}",
            summary="Personal care at home.",
            categories=[home_care],
            easting=351000,
            northing=274000,
        )
        PriceOptionFactory(service=made)
    reindex()
    client.get("/search/", params)  # the first search after an index write reads the postings
    with django_assert_max_num_queries(budget):
        page = soup(client.get("/search/", params))
    assert len(names(page)) >= 16  # more cards, the same number of queries


QUERY_BUDGET = 25


# --- shortlist ----------------------------------------------------------------------------------


def test_each_card_can_add_its_service_to_the_shortlist(client, catalogue):
    nursing = catalogue["nursing"]
    page = soup(client.get("/search/", {"category": "nursing-home"}))

    form = page.select_one(f"[data-service-id='{nursing.pk}'] form.app-shortlist-form")
    assert (form["method"], form["action"]) == ("post", "/shortlist/add/")
    assert form.select_one("input[name=service]")["value"] == str(nursing.pk)
    # Back at the same card, not the top of the page (issue 20).
    card = f"service-{nursing.pk}"
    assert page.select_one(f"li#{card}")["data-service-id"] == str(nursing.pk)
    back = f"/search/?category=nursing-home#{card}"
    assert form.select_one("input[name=next]")["value"] == back
    assert (
        " ".join(form.button.get_text().split())
        == "Add to shortlist: Riverside Nursing Home in Ludlow"
    )

    response = client.post(form["action"], {"service": nursing.pk, "next": back})
    assert response.status_code == 302
    assert response["Location"] == back

    again = soup(client.get("/search/", {"category": "nursing-home"}))
    form = again.select_one(f"[data-service-id='{nursing.pk}'] form.app-shortlist-form")
    assert form["action"] == "/shortlist/remove/"
    assert " ".join(form.button.get_text().split()) == (
        "Remove from shortlist: Riverside Nursing Home in Ludlow"
    )


def test_the_filters_in_use_can_each_be_removed(client, catalogue):
    page = soup(
        client.get(
            "/search/",
            {
                "postcode": "SY8 1AA",
                "radius": "5",
                "sort": "distance",
                "accepting": "1",
                "min_rating": "4",
            },
        )
    )

    links = {
        text_of(li).removesuffix(" remove").split(" remove the filter ")[0]: li.a["href"]
        for li in page.select("[data-active-filters] li")
    }
    assert list(links) == [
        "Near SY8 1AA",
        "Within 5 miles",
        "Review score: 4 stars or more",
        "Taking new clients",
    ]
    # Without the postcode, sorting by distance would be an error: it goes too.
    assert links["Near SY8 1AA"] == "/search/?accepting=1&min_rating=4"
    assert "radius" not in links["Within 5 miles"] and "sort=distance" in links["Within 5 miles"]
    assert errors(soup(client.get(links["Near SY8 1AA"]))) == []


def test_the_results_link_to_how_they_are_ordered(client, catalogue, home_page):
    AdvicePageFactory(
        parent=home_page, title="How results are ordered", slug="how-results-are-ordered"
    )

    page = soup(client.get("/search/", {"q": "home care"}))

    assert page.select_one("[data-ordering-link]")["href"] == "/how-results-are-ordered/"


def test_no_ordering_link_when_the_site_has_no_such_page(client, catalogue, home_page):
    page = soup(client.get("/search/", {"q": "home care"}))

    assert page.select_one("[data-ordering-link]") is None
