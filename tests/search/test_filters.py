"""The search page's FilterSet: GET parameters in, a SearchQuery out (search/filters.py and its
form, search/forms.py), without the page or the backend."""

from decimal import Decimal

from django.http import QueryDict

import pytest

from catalogue.models import Locality
from search.filters import MAX_VALUES, ServiceSearchFilter, bounded, miles_to_km
from search.forms import parse_amount, plain_words
from search.query import GridPoint, SearchQuery, Sort
from tests.factories import CategoryFactory, LocalityFactory, PostcodeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    care_at_home = CategoryFactory(name="Care at home", slug="care-at-home", reference_unit="hour")
    CategoryFactory(
        name="Live-in care", slug="live-in-care", parent=care_at_home, reference_unit="week"
    )
    CategoryFactory(name="Home care", slug="home-care", parent=care_at_home, reference_unit="")
    CategoryFactory(name="Advocacy", slug="advocacy", reference_unit="")
    ludlow = LocalityFactory(name="Ludlow", slug="ludlow")
    PostcodeFactory(
        postcode="SY8 1AA", district="SY8", easting=351000, northing=274500, locality=ludlow
    )
    PostcodeFactory(postcode="SY8 9ZZ", district="SY8", easting=352000, northing=275500)


def criteria(query_string: str):
    filterset = ServiceSearchFilter(QueryDict(query_string))
    return filterset, filterset.criteria()


def test_no_parameters_ask_for_everything(vocabulary):
    filterset, result = criteria("")

    assert result.query == SearchQuery()
    assert filterset.form.errors == {}


def test_every_parameter_reaches_the_query(vocabulary):
    filterset, result = criteria(
        "q=+night+help+&category=care-at-home&client_group=dementia&client_group=autism"
        "&funding=direct-payment&postcode=sy81aa&radius=10&serves=1&locality=ludlow"
        "&max_price=25.50&min_rating=4&cqc=Good&cqc=Outstanding&accepting=1&sort=distance&page=3"
    )

    assert filterset.form.errors == {}
    assert result.query == SearchQuery(
        text="night help",
        categories=("care-at-home",),
        client_groups=("dementia", "autism"),
        funding=("direct-payment",),
        locality="ludlow",
        origin=GridPoint(351000, 274500),
        origin_locality="ludlow",
        radius_km=Decimal("16.09"),
        serves_origin=True,
        max_price=Decimal("25.50"),
        price_unit="hour",
        min_rating=Decimal(4),
        cqc_ratings=("Good", "Outstanding"),
        accepting_new_clients=True,
        sort=Sort.DISTANCE,
    )
    assert result.postcode.postcode == "SY8 1AA"
    assert result.radius_miles == Decimal(10)
    assert result.category.slug == "care-at-home"


@pytest.mark.parametrize(
    ("query_string", "unit", "show_select"),
    [
        ("category=care-at-home&max_price=20", "hour", False),
        ("category=home-care&max_price=20", "hour", False),  # from its parent
        ("category=live-in-care&max_price=800", "week", False),  # its own unit
        ("category=advocacy&max_price=20&unit=hour", "hour", True),  # no unit: ask
        ("max_price=20&unit=session", "session", True),
        ("category=care-at-home&max_price=20&unit=visit", "visit", True),  # chosen wins, shown
        ("category=care-at-home&max_price=20&unit=hour", "hour", False),
    ],
)
def test_the_price_is_in_the_unit_chosen_or_the_categorys(
    vocabulary, query_string, unit, show_select
):
    filterset, result = criteria(query_string)

    assert filterset.form.errors == {}
    assert result.query.price_unit == unit
    assert result.query.max_price is not None
    assert filterset.show_unit_select() is show_select


def test_a_price_without_a_unit_is_left_out():
    filterset, result = criteria("max_price=20&category=")

    assert list(filterset.form.errors) == ["unit"]
    assert (result.query.max_price, result.query.price_unit) == (None, None)


@pytest.mark.parametrize(
    ("query_string", "field"),
    [
        ("postcode=SY8+0XX", "postcode"),
        ("postcode=SY8+1AA&radius=0", "radius"),
        ("serves=1", "serves"),
        ("sort=distance", "sort"),
        ("category=nope", "category"),
        ("client_group=nope", "client_group"),
        ("min_rating=5", "min_rating"),
    ],
)
def test_an_invalid_value_is_left_out_of_the_query(vocabulary, query_string, field):
    filterset, result = criteria(query_string)

    assert list(filterset.form.errors) == [field]
    query = result.query
    assert query.origin is None or field == "radius"
    assert query.radius_km is None
    assert not query.serves_origin
    # With no words, a postcode orders by distance (issue 23); otherwise the best match first.
    assert query.sort == (Sort.DISTANCE if query.origin is not None else Sort.RELEVANCE)
    assert query.categories == query.client_groups == ()
    assert query.min_rating is None


def test_a_postcode_outside_any_locality_still_gives_an_origin(vocabulary):
    _, result = criteria("postcode=SY8+9ZZ&serves=1")

    assert result.query.origin == GridPoint(352000, 275500)
    assert result.query.origin_locality is None
    assert result.query.serves_origin


def test_the_options_are_the_catalogues_vocabularies(vocabulary):
    filterset = ServiceSearchFilter(QueryDict(""))

    fields = filterset.form.fields
    assert fields["category"].choices[0] == ("", "Any type of service")
    group = dict(fields["category"].choices[1:])["Care at home"]
    assert [value for value, _ in group] == ["care-at-home", "home-care", "live-in-care"]
    assert ("ludlow", "Ludlow") in fields["locality"].choices
    assert len(fields["client_group"].choices) == 8  # seeded by catalogue migration 0002
    assert Locality.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "symbols", "expected"),
    [
        ("5", "", Decimal(5)),
        (" 2.5 ", "", Decimal("2.5")),
        (".5", "", Decimal("0.5")),
        ("-3", "", Decimal(-3)),
        ("£1,250.50", "£,", Decimal("1250.50")),
        ("£1,250.50", "", None),
        ("1e9", "", None),
        ("NaN", "", None),
        ("Infinity", "", None),
        ("0x10", "", None),
        ("5 miles", "", None),
        ("", "", None),
        ("1.2.3", "", None),
        ("٥", "", None),  # an Arabic-Indic digit: Decimal reads it, we do not
    ],
)
def test_parse_amount(text, symbols, expected):
    assert parse_amount(text, symbols=symbols) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Care" OR NEAR(home*', "care or near home"),
        ("  day   centre ", "day centre"),
        ("\"'*()%_\\", ""),
        ("Carers' support", "carers support"),
    ],
)
def test_plain_words(text, expected):
    assert plain_words(text) == expected


def test_miles_are_sent_as_kilometres():
    assert miles_to_km(Decimal(1)) == Decimal("1.61")
    assert miles_to_km(Decimal(100)) == Decimal("160.93")


def test_bounded_cuts_long_and_repeated_values():
    data = QueryDict(mutable=True)
    data["q"] = "  " + "x" * 5000
    data.setlist("cqc", ["Good"] * 500)

    cut = bounded(data)

    assert cut["q"] == "x" * 200
    assert len(cut.getlist("cqc")) == MAX_VALUES
    assert len(data["q"]) == 5002  # the request's own data is left alone
