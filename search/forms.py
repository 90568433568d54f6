"""Validation of the search page's GET parameters, with the messages a person sees.

The fields themselves are declared by the FilterSet (search/filters.py); this is its base form.
Nothing a person can type (or put in a shared link) raises: each bad value becomes a message in
the GOV.UK error summary and that one filter is left out, while the others still apply
(Django keeps the valid fields in `cleaned_data` of an invalid form).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.safestring import SafeString

from catalogue import rules
from catalogue.models import Category, Postcode
from core.forms import GovukFormRenderer
from search import form_html
from search.query import MAX_TEXT_LENGTH, Sort

MAX_RADIUS_MILES = Decimal(100)
MIN_RADIUS_MILES = Decimal(1)
MAX_PRICE = Decimal("100000")  # the catalogue's own ceiling on a price (catalogue.services)
WORD = re.compile(r"[^\W_]+")
NUMBER = re.compile(r"^-?([0-9]+(\.[0-9]+)?|\.[0-9]+)$")


def parse_amount(text: str, *, symbols: str = "") -> Decimal | None:
    """A plain decimal number ('5', '-2.5', '£1,250.50' with symbols='£,'); None for anything
    else, including '1e9', 'NaN', 'Infinity' and '0x10'."""
    cleaned = text.strip()
    for symbol in symbols:
        cleaned = cleaned.replace(symbol, "")
    cleaned = cleaned.strip()
    if not NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern only lets plain numbers through
        return None


def plain_words(text: str) -> str:
    """Only the words of `text`, lower-cased: 'Care" OR NEAR(home*' -> 'care or near home'.
    For Wagtail's page search, which otherwise reads quotes and upper-case AND / OR / NOT /
    NEAR as syntax (and fails on an unbalanced quote on SQLite)."""
    return " ".join(word.lower() for word in WORD.findall(text or ""))


INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html" for name in ("text", "search", "number", "checkbox")
)
SELECT_TEMPLATE = "django/forms/widgets/select.html"


class SearchFormRenderer(GovukFormRenderer):
    """The site's renderer, with the search form's inputs and selects written in one pass
    (search/form_html.py): the markup of Django's input.html and attrs.html and of the site's
    select.html (a template and two includes per widget, on the page people load most)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and template_name in INPUT_TEMPLATES:
            return SafeString(form_html.input_html(widget))
        if widget is not None and template_name == SELECT_TEMPLATE:
            return SafeString(form_html.select_html(widget))
        return super().render(template_name, context, request)


class SearchForm(forms.Form):
    """Base form of ServiceSearchFilter. The FilterSet sets `categories` (slug -> Category)
    before validation, so that a price can be read in the chosen category's unit."""

    default_renderer = SearchFormRenderer
    categories: dict[str, Category] = {}

    def clean_q(self) -> str:
        # A long query is cut, not refused: people paste whole sentences.
        return (self.cleaned_data.get("q") or "").strip()[:MAX_TEXT_LENGTH]

    def clean_postcode(self) -> Postcode | None:
        typed = self.cleaned_data.get("postcode") or ""
        if not typed.strip():
            return None
        normalised = rules.normalise_postcode(typed)
        if normalised is None:
            raise forms.ValidationError("Enter a real postcode, like SY1 1AA.")
        found = Postcode.objects.select_related("locality").filter(postcode=normalised).first()
        if found is None:
            raise forms.ValidationError(
                f"We cannot find {normalised} in our list of local postcodes. Check it, or "
                "choose an area instead."
            )
        return found

    def clean_radius(self) -> Decimal | None:
        typed = self.cleaned_data.get("radius") or ""
        if not typed.strip():
            return None
        miles = parse_amount(typed)
        if miles is None:
            raise forms.ValidationError("Enter the distance as a number of miles, like 5.")
        if miles < MIN_RADIUS_MILES:
            # Tiny radii from a few postcodes would bisect their way to a hidden address.
            raise forms.ValidationError(f"Enter a distance of {MIN_RADIUS_MILES} mile or more.")
        if miles > MAX_RADIUS_MILES:
            raise forms.ValidationError(
                f"Enter a distance of {MAX_RADIUS_MILES} miles or less, or leave it empty to "
                "search any distance."
            )
        return miles

    def clean_max_price(self) -> Decimal | None:
        typed = self.cleaned_data.get("max_price") or ""
        if not typed.strip():
            return None
        amount = parse_amount(typed, symbols="£,")
        if amount is None:
            raise forms.ValidationError("Enter the maximum price as a number, like 25 or 25.50.")
        if amount < 0:
            raise forms.ValidationError("Enter a maximum price of £0 or more.")
        if amount % Decimal("0.01"):
            raise forms.ValidationError("Enter the maximum price in pounds and pence, like 25.50.")
        if amount > MAX_PRICE:
            raise forms.ValidationError(f"Enter a maximum price of £{MAX_PRICE:,} or less.")
        return amount

    def category_unit(self) -> str:
        """The reference unit of the chosen category ('' without one)."""
        category = self.categories.get(self.cleaned_data.get("category") or "")
        return category.effective_unit if category else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        unit_error = "unit" in self.errors
        postcode = cleaned.get("postcode")
        postcode_error = "postcode" in self.errors
        if cleaned.get("serves") and postcode is None and not postcode_error:
            self.add_error(
                "serves", "Enter your postcode to see only the services that cover your area."
            )
        if cleaned.get("sort") == Sort.DISTANCE and postcode is None and not postcode_error:
            self.add_error("sort", "Enter your postcode to sort the results by distance.")
        if cleaned.get("radius") is not None and postcode is None and not postcode_error:
            self.add_error("postcode", "Enter your postcode to search within a distance of it.")
        if (
            cleaned.get("max_price") is not None
            and not cleaned.get("unit")
            and not unit_error
            and not self.category_unit()
        ):
            self.add_error(
                "unit",
                "Select what the maximum price is for, like per hour, or choose a type of service.",
            )
        return cleaned
