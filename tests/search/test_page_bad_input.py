"""Nothing a person can type, or put in a shared link, gives the search page a server error:
each bad value gets a clear message in the GOV.UK error summary (and that one filter is left
out while the others still apply), or an empty, correct result."""

import pytest

from tests.search.test_page import ALL_VISIBLE, build_catalogue, errors, heading, names, soup

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(home_page):
    return build_catalogue()


HOME_CARE = ["Bridgnorth Homecare", "Ludlow Home Care"]

# (parameters, the message in the error summary, the services still found)
BAD_INPUT = [
    # Postcodes: unknown, not a postcode, far too long. The category still applies.
    (
        {"postcode": "ZZ9 9ZZ", "category": "home-care"},
        "We cannot find ZZ9 9ZZ in our list of local postcodes. Check it, or choose an area "
        "instead.",
        HOME_CARE,
    ),
    (
        {"postcode": "not a postcode", "category": "home-care"},
        "Enter a real postcode, like SY1 1AA.",
        HOME_CARE,
    ),
    ({"postcode": "SY8 1AA" * 1000}, "Enter a real postcode, like SY1 1AA.", ALL_VISIBLE),
    # Radius: zero, negative, huge, not a number; without a postcode.
    ({"postcode": "SY8 1AA", "radius": "0"}, "Enter a distance of 1 mile or more.", ALL_VISIBLE),
    (
        {"postcode": "SY8 1AA", "radius": "-5"},
        "Enter a distance of 1 mile or more.",
        ALL_VISIBLE,
    ),
    # Tiny radii would let someone bisect their way to a hidden address (issue 18, item 3).
    (
        {"postcode": "SY8 1AA", "radius": "0.01"},
        "Enter a distance of 1 mile or more.",
        ALL_VISIBLE,
    ),
    (
        {"postcode": "SY8 1AA", "radius": "100000", "category": "home-care"},
        "Enter a distance of 100 miles or less, or leave it empty to search any distance.",
        HOME_CARE,
    ),
    (
        {"postcode": "SY8 1AA", "radius": "1e9"},
        "Enter the distance as a number of miles, like 5.",
        ALL_VISIBLE,
    ),
    (
        {"postcode": "SY8 1AA", "radius": "five"},
        "Enter the distance as a number of miles, like 5.",
        ALL_VISIBLE,
    ),
    (
        {"postcode": "SY8 1AA", "radius": "NaN"},
        "Enter the distance as a number of miles, like 5.",
        ALL_VISIBLE,
    ),
    ({"radius": "5"}, "Enter your postcode to search within a distance of it.", ALL_VISIBLE),
    # Prices that are not a number, negative, fractions of a penny, huge, without a unit.
    (
        {"category": "home-care", "max_price": "cheap"},
        "Enter the maximum price as a number, like 25 or 25.50.",
        HOME_CARE,
    ),
    (
        {"category": "home-care", "max_price": "1e3"},
        "Enter the maximum price as a number, like 25 or 25.50.",
        HOME_CARE,
    ),
    (
        {"category": "home-care", "max_price": "-5"},
        "Enter a maximum price of £0 or more.",
        HOME_CARE,
    ),
    (
        {"category": "home-care", "max_price": "20.005"},
        "Enter the maximum price in pounds and pence, like 25.50.",
        HOME_CARE,
    ),
    (
        {"category": "home-care", "max_price": "99999999999"},
        "Enter a maximum price of £100,000 or less.",
        HOME_CARE,
    ),
    (
        {"max_price": "20"},
        "Select what the maximum price is for, like per hour, or choose a type of service.",
        ALL_VISIBLE,
    ),
    (
        {"max_price": "20", "unit": "fortnight"},
        "Select what the price is for from the list.",
        ALL_VISIBLE,
    ),
    # Unknown vocabulary values.
    (
        {"category": "no-such-category", "cqc": "Good"},
        "Select a type of service from the list.",
        ["Ludlow Home Care"],
    ),
    ({"client_group": "aliens"}, "Select who the service is for from the list.", ALL_VISIBLE),
    ({"funding": "bitcoin"}, "Select how you will pay from the list.", ALL_VISIBLE),
    ({"locality": "atlantis"}, "Select an area from the list.", ALL_VISIBLE),
    ({"cqc": "Brilliant"}, "Select a CQC rating from the list.", ALL_VISIBLE),
    ({"min_rating": "7"}, "Select a review score from the list.", ALL_VISIBLE),
    ({"min_rating": "lots"}, "Select a review score from the list.", ALL_VISIBLE),
    ({"sort": "cheapest"}, "Select how to sort the results from the list.", ALL_VISIBLE),
    # Asking for what needs a postcode without one.
    ({"sort": "distance"}, "Enter your postcode to sort the results by distance.", ALL_VISIBLE),
    (
        {"serves": "1"},
        "Enter your postcode to see only the services that cover your area.",
        ALL_VISIBLE,
    ),
    # A null character in the text.
    ({"q": "care\x00"}, "Null characters are not allowed.", ALL_VISIBLE),
]


@pytest.mark.parametrize(("params", "message", "expected"), BAD_INPUT)
def test_bad_input_gets_a_message_and_the_other_filters_still_apply(
    client, catalogue, params, message, expected
):
    response = client.get("/search/", params)

    page = soup(response)
    assert errors(page) == [message]
    assert page.title.get_text().startswith("Error: ")
    assert sorted(names(page)) == expected
    # The link in the error summary leads to the field.
    target = page.select_one(".govuk-error-summary__list a")["href"].lstrip("#")
    assert page.select_one(f"[id='{target}']")


@pytest.mark.parametrize(
    ("page_param", "shown"),
    [("0", 1), ("-1", 1), ("abc", 1), ("", 1), ("2", 2), (str(10**9), 2), ("9" * 40, 2)],
)
def test_a_bad_page_number_shows_a_real_page(client, catalogue, page_param, shown):
    from tests.factories import CategoryFactory, ServiceFactory
    from tests.search.test_page import reindex

    meals = CategoryFactory(name="Meals", slug="meals")
    for n in range(25):
        ServiceFactory(name=f"Meals {n:02d}", summary="Hot meals.", categories=[meals])
    reindex()

    page = soup(client.get("/search/", {"category": "meals", "page": page_param}))

    assert errors(page) == []
    assert len(names(page)) == (20 if shown == 1 else 5)
    current = page.select_one(".govuk-pagination__item--current a")
    assert current.get_text(strip=True) == str(shown)


def test_a_very_long_query_is_cut_not_refused(client, catalogue):
    page = soup(client.get("/search/", {"q": "nursing " + "x" * 5000}))

    assert errors(page) == []
    assert page.select_one("input[name=q]")["value"] == "nursing " + "x" * 192
    assert names(page) == []  # the x...x word matches nothing: an empty, correct result


# None: nothing searchable is left; the page must still answer (all services, or none).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"nursing', ["Riverside Nursing Home"]),
        ('"nursing home"', ["Riverside Nursing Home"]),
        ("nursing*", ["Riverside Nursing Home"]),
        ("-nursing", ["Riverside Nursing Home"]),  # not "everything but nursing"
        ("nursing OR zzzz", []),  # OR is a word, not an operator
        # "near" is a filler word (search.understanding), never FTS5's NEAR operator.
        ("NEAR(nursing river)", ["Riverside Nursing Home"]),
        ("'; DROP TABLE catalogue_service; --", []),
        ("%", None),
        ("_", None),
        ("\\", None),
        ("()", None),
        ("*", None),
        ('"', None),
    ],
)
def test_search_syntax_in_the_text_is_never_syntax(client, catalogue, text, expected):
    page = soup(client.get("/search/", {"q": text}))

    assert errors(page) == []
    found = sorted(names(page))
    assert found in (ALL_VISIBLE, []) if expected is None else found == expected
    assert heading(page).startswith(f"{len(found)} service")
