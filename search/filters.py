"""The search page's filters: a django-filter FilterSet whose every parameter is a plain GET value,
so that a search can be bookmarked and shared.

| parameter | meaning |
| --- | --- |
| q | free text |
| category | a category slug (a top-level one includes its sub-categories) |
| client_group, funding, cqc | repeatable: any of the values (OR); different filters AND |
| postcode, radius | a postcode, and a distance from it in **miles** (the backend gets km) |
| serves=1 | only services whose area served covers the postcode |
| locality | a locality slug (services serving or based in it) |
| max_price, unit | a price ceiling in pounds, per the category's reference unit (or `unit`) |
| min_rating | review score at or above 1-4 |
| accepting=1 | only services taking new clients |
| framework=1 | only services on a council framework or contract |
| sort | relevance, distance (needs a postcode), price, rating |

The FilterSet declares and validates the parameters (its form, search/forms.py) and turns them
into a `SearchQuery`; the filtering itself is the search backend's (get_backend()), which also
counts the facets, so `qs` is never used and refuses to run (see filter_queryset).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

import django_filters

from catalogue.models import (
    Category,
    CQCRating,
    Locality,
    Postcode,
    Service,
    Unit,
)
from search import understanding
from search.forms import SearchForm
from search.query import (
    MAX_TEXT_LENGTH,
    RATING_THRESHOLDS,
    GridPoint,
    SearchQuery,
    SearchResults,
    Sort,
)
from search.taxonomy import vocabularies

KM_PER_MILE = Decimal("1.609344")
PRICE_UNITS = [(unit.value, unit.label) for unit in Unit if unit != Unit.FREE]
RATING_CHOICES = [("", "Any score")] + [
    (str(n), f"{n} star{'' if n == 1 else 's'} or more") for n in RATING_THRESHOLDS
]
SORT_CHOICES = [
    (Sort.RELEVANCE.value, "Best match"),
    (Sort.DISTANCE.value, "Distance (nearest first)"),
    (Sort.PRICE.value, "Price (lowest first)"),
    (Sort.RATING.value, "Review score (highest first)"),
]


# No real value of any parameter is longer, or repeated more often.
MAX_VALUE_LENGTH = MAX_TEXT_LENGTH
MAX_VALUES = 50


def bounded(data: Any) -> Any:
    """The GET data with every value cut to MAX_VALUE_LENGTH and at most MAX_VALUES values per
    parameter (a pasted essay or a hand-built URL stays cheap to validate and to show again),
    the search words stripped first so the box shows exactly what was searched."""
    if data is None or not hasattr(data, "getlist"):
        return data
    copy = data.copy()
    for key in list(copy.keys()):
        values = copy.getlist(key)[:MAX_VALUES]
        if key == "q":
            values = [value.strip() for value in values]
        copy.setlist(key, [value[:MAX_VALUE_LENGTH] for value in values])
    return copy


def miles_to_km(miles: Decimal) -> Decimal:
    return (miles * KM_PER_MILE).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class Param(django_filters.Filter):
    """One GET parameter, validated by a plain Django form field of `field_class`."""

    def __init__(self, field_class: type[forms.Field], **kwargs: Any) -> None:
        self.field_class = field_class
        super().__init__(**kwargs)


def _choice_error(what: str) -> dict[str, str]:
    return {"invalid_choice": f"Select {what} from the list."}  # noqa: S608 (words, not SQL)


@dataclass(frozen=True)
class Criteria:
    """A validated search: the backend's query and what the page says about it."""

    query: SearchQuery
    category: Category | None
    postcode: Postcode | None
    locality: Locality | None
    radius_miles: Decimal | None
    price_unit: str
    # A place read from the search words ("in Ludlow"), as typed; "" when none. The place is
    # the locality (or postcode) filter, and the words without it are the query's text.
    place_words: str = ""
    text_typed: str = ""  # the words as typed, place included


class ServiceSearchFilter(django_filters.FilterSet):
    q = Param(
        forms.CharField,
        label="Search for services",
        help_text="For example, home care, dementia or the name of a provider",
        widget=forms.TextInput(attrs={"type": "search", "spellcheck": "true"}),
    )
    category = Param(
        forms.ChoiceField,
        label="Type of service",
        error_messages=_choice_error("a type of service"),
    )
    client_group = Param(
        forms.MultipleChoiceField,
        label="Who it is for",
        widget=forms.CheckboxSelectMultiple,
        error_messages=_choice_error("who the service is for"),
    )
    funding = Param(
        forms.MultipleChoiceField,
        label="How you will pay",
        widget=forms.CheckboxSelectMultiple,
        error_messages=_choice_error("how you will pay"),
    )
    postcode = Param(
        forms.CharField,
        label="Postcode",
        max_length=20,
        error_messages={"max_length": "Enter a real postcode, like SY1 1AA."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
    )
    radius = Param(
        forms.CharField,
        label="Distance from your postcode, in miles",
        max_length=20,
        error_messages={"max_length": "Enter the distance as a number of miles, like 5."},
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-4"}
        ),
    )
    serves = Param(
        forms.BooleanField,
        label="Only services that cover my postcode's area",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    locality = Param(forms.ChoiceField, label="Area", error_messages=_choice_error("an area"))
    max_price = Param(
        forms.CharField,
        label="Maximum price, in pounds",
        max_length=20,
        error_messages={"max_length": "Enter the maximum price as a number, like 25 or 25.50."},
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-5"}
        ),
    )
    unit = Param(
        forms.ChoiceField,
        label="Price per",
        choices=[("", "Choose a unit")] + PRICE_UNITS,
        error_messages=_choice_error("what the price is for"),
    )
    min_rating = Param(
        forms.ChoiceField,
        label="Review score",
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_choice_error("a review score"),
    )
    cqc = Param(
        forms.MultipleChoiceField,
        label="CQC rating",
        choices=CQCRating.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_choice_error("a CQC rating"),
    )
    accepting = Param(
        forms.BooleanField,
        label="Only services taking new clients",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    framework = Param(
        forms.BooleanField,
        label="Only services on the council's framework",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    sort = Param(
        forms.ChoiceField,
        label="Sort by",
        choices=SORT_CHOICES,
        # Shown at the top of the results, outside the <form> (templates/search/_results.html).
        widget=forms.Select(attrs={"form": "search-form"}),
        error_messages=_choice_error("how to sort the results"),
    )

    class Meta:
        model = Service
        fields: list[str] = []
        form = SearchForm

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        super().__init__(bounded(data), queryset, request=request, prefix=prefix)
        # The vocabularies, from the cache (search/taxonomy.py); the form validates against
        # them and the page labels them with facet counts after the search.
        known = vocabularies()
        self.categories = known.categories
        self.category_by_slug = {category.slug: category for category in self.categories}
        self.client_groups = known.client_groups
        self.funding_types = known.funding_types
        self.localities = known.localities
        self._label_choices({})

    # --- choices and labels ---------------------------------------------------------------

    def category_tree(self) -> list[tuple[Category, list[Category]]]:
        """Top-level categories in their order, each with its sub-categories."""
        children: dict[int, list[Category]] = {}
        for category in self.categories:
            if category.parent_id:
                children.setdefault(category.parent_id, []).append(category)
        return [(c, children.get(c.pk, [])) for c in self.categories if not c.parent_id]

    def _label_choices(self, counts: dict[str, dict[str, int]]) -> None:
        """Set the options of every vocabulary field; with `counts` (facet name -> key ->
        count), each option says how many services it would give: "Home care (12)"."""

        def label(facet: str, key: str, text: str) -> str:
            if facet not in counts:
                return text
            return f"{text} ({counts[facet].get(key, 0):,})"

        fields = self.form.fields
        category_choices: list[Any] = [("", "Any type of service")]
        for parent, children in self.category_tree():
            if children:
                options = [
                    (parent.slug, label("category", parent.slug, f"{parent.name}: all types"))
                ]
                options += [(c.slug, label("category", c.slug, c.name)) for c in children]
                category_choices.append((parent.name, options))
            else:
                category_choices.append((parent.slug, label("category", parent.slug, parent.name)))
        fields["category"].choices = category_choices
        fields["client_group"].choices = [
            (g.slug, label("client_group", g.slug, g.name)) for g in self.client_groups
        ]
        fields["funding"].choices = [
            (f.slug, label("funding", f.slug, f.name)) for f in self.funding_types
        ]
        fields["locality"].choices = [("", "Anywhere")] + [
            (loc.slug, label("locality", loc.slug, loc.name)) for loc in self.localities
        ]
        fields["cqc"].choices = [
            (value, label("cqc", value, text)) for value, text in CQCRating.choices
        ]
        fields["min_rating"].choices = [
            (value, label("rating", value, text) if value else text)
            for value, text in RATING_CHOICES
        ]
        accepting = label("accepting", "yes", "Only services taking new clients")
        # The bound field keeps its own copy of the label once the form has been validated.
        fields["accepting"].label = self.form["accepting"].label = accepting
        framework = label("framework", "yes", "Only services on the council's framework")
        fields["framework"].label = self.form["framework"].label = framework
        self.form.categories = self.category_by_slug

    def label_with_counts(self, results: SearchResults, *, has_origin: bool) -> None:
        """After the search: facet counts beside each option, and "Distance" offered as a sort
        only when there is a postcode to measure from."""
        self._label_choices({name: results.facet_counts(name) for name in results.facets})
        if not has_origin:
            self.form.fields["sort"].choices = [
                choice for choice in SORT_CHOICES if choice[0] != Sort.DISTANCE
            ]

    # --- the query ------------------------------------------------------------------------

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError("The search backend filters: use criteria() and get_backend().")

    def value(self, name: str) -> Any:
        """A validated value ('' / [] / None when absent or invalid)."""
        self.form.is_valid()
        return self.form.cleaned_data.get(name)

    def price_unit(self) -> str:
        """The unit max_price is in: the one chosen, else the category's reference unit."""
        return self.value("unit") or self.form.category_unit()

    def show_unit_select(self) -> bool:
        """Ask for the unit unless the chosen category names one (and no other was chosen)."""
        category_unit = self.form.category_unit()
        return not category_unit or bool(self.value("unit") and self.value("unit") != category_unit)

    def criteria(self, *, page: int = 1) -> Criteria:
        """The search asked for, leaving out every value that failed validation."""
        self.form.is_valid()
        category = self.category_by_slug.get(self.value("category") or "")
        postcode: Postcode | None = self.value("postcode")
        locality = next(
            (loc for loc in self.localities if loc.slug == self.value("locality")), None
        )
        radius_miles: Decimal | None = self.value("radius") if postcode else None
        unit = self.price_unit()
        max_price: Decimal | None = self.value("max_price") if unit else None
        min_rating = self.value("min_rating")
        typed = self.value("q") or ""
        text, place_words = typed, ""
        serves = bool(postcode and self.value("serves"))
        if typed and locality is None and postcode is None:
            locality, postcode, text, place_words = self._place_in_words(typed)
            serves = serves or postcode is not None
        sort = Sort(self.value("sort") or Sort.RELEVANCE)
        if sort == Sort.DISTANCE and postcode is None:
            sort = Sort.RELEVANCE
        if not self.value("sort") and postcode is not None and not understanding.words(text):
            # Nothing to match words against: nearest first, and the sort control says so.
            sort = Sort.DISTANCE
            data = self.form.data.copy()
            data["sort"] = Sort.DISTANCE.value
            self.form.data = data
        query = SearchQuery(
            text=text,
            categories=(category.slug,) if category else (),
            client_groups=tuple(self.value("client_group") or ()),
            funding=tuple(self.value("funding") or ()),
            locality=locality.slug if locality else None,
            origin=GridPoint(postcode.easting, postcode.northing) if postcode else None,
            origin_locality=postcode.locality.slug if postcode and postcode.locality else None,
            radius_km=miles_to_km(radius_miles) if radius_miles else None,
            serves_origin=serves,
            max_price=max_price,
            price_unit=unit if max_price is not None else None,
            min_rating=Decimal(min_rating) if min_rating else None,
            cqc_ratings=tuple(self.value("cqc") or ()),
            accepting_new_clients=True if self.value("accepting") else None,
            on_framework=True if self.value("framework") else None,
            sort=sort,
            page=page,
        )
        return Criteria(
            query=query,
            category=category,
            postcode=postcode,
            locality=locality,
            radius_miles=radius_miles,
            price_unit=unit,
            place_words=place_words,
            text_typed=typed,
        )

    def _place_in_words(self, typed: str) -> tuple[Locality | None, Postcode | None, str, str]:
        """(locality, postcode, the words without the place, the place as typed) for a town or
        locality name, a full postcode or a postcode district in the search words
        (search.understanding); the words unchanged when they name no place we know."""
        place = understanding.place_in_words(typed, {loc.name: loc.slug for loc in self.localities})
        if place is not None:
            locality = next(loc for loc in self.localities if loc.slug == place.key)
            return locality, None, place.rest, place.typed
        code = understanding.postcode_in_words(typed)
        if code is not None:
            outward, inward, rest = code
            if inward:
                found = (
                    Postcode.objects.select_related("locality")
                    .filter(postcode=f"{outward} {inward}")
                    .first()
                )
                if found is not None:
                    return None, found, rest, found.postcode
            else:
                for loc in self.localities:
                    if outward in (loc.postcode_districts or []):
                        return loc, None, rest, outward
        return None, None, typed, ""

    def names(self, field: str, values: Iterable[str]) -> list[str]:
        """The display names of vocabulary values (for headings and "remove" links)."""
        lookup = {
            "client_group": {g.slug: g.name for g in self.client_groups},
            "funding": {f.slug: f.name for f in self.funding_types},
            "cqc": dict(CQCRating.choices),
        }[field]
        return [lookup.get(value, value) for value in values]
