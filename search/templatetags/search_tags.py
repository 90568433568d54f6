"""Presentation helpers of the search page: distances in miles, the price on a result card,
highlighted snippets, the headings that say what was searched, and the search form's fields
(written in Python by search/form_html.py)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString, mark_safe

from catalogue.models import Unit
from catalogue.templatetags.catalogue_tags import KM_PER_MILE, headline_price, price_text
from search import form_html

register = template.Library()

# Anything in a highlight that is not a <mark> or </mark> tag (defence in depth: the backends
# promise HTML-safe snippets, and this keeps a broken one from injecting markup).
OTHER_TAGS = re.compile(r"<(?!/?mark>)[^>]*>")


@register.filter
def miles(km: float | None, rounded: bool = False) -> str:
    """3.72 km -> '2.3 miles'; under a tenth of a mile -> 'less than 0.1 miles'. `rounded`
    gives whole miles, for listings whose exact address is hidden (a precise distance from
    any postcode would give the address away)."""
    if km is None:
        return ""
    value = km / KM_PER_MILE
    if rounded:
        whole = round(value)
        if whole == 0:
            return "less than 1 mile"
        return f"about {whole:,} mile{'' if whole == 1 else 's'}"
    if value < 0.1:
        return "less than 0.1 miles"
    return f"{value:,.1f} miles"


@register.filter
def card_price(service: Any, unit: str = "") -> str:
    """The price on a result card: the lowest current price in `unit` (the unit the search
    compares prices in), 'From ...' when there are several; else the listing's headline
    price. Reads `service.current_prices` (prefetched by the search page)."""
    options = getattr(service, "current_prices", None) or []
    if unit:
        amounts = sorted({o.amount for o in options if o.unit == unit})
        if amounts:
            text = price_text(amounts[0], unit)
            return f"From {text}" if len(amounts) > 1 and text != "Free" else text
    return headline_price(service)


@register.filter
def contains(collection: Any, item: Any) -> bool:
    """`shortlisted_ids|contains:service.pk`: whether item is in collection (False for none)."""
    try:
        return item in (collection or ())
    except TypeError:
        return False


@register.filter
def unit_label(unit: str) -> str:
    """'hour' -> 'per hour'; '' for no unit."""
    try:
        return str(Unit(unit).label)
    except ValueError:
        return ""


@register.filter
def highlight(hit: Any, name: str) -> SafeString | str:
    """The backend's snippet of field `name` with <mark> around the words found ('' if none)."""
    snippet = (getattr(hit, "highlights", None) or {}).get(name) or ""
    return mark_safe(OTHER_TAGS.sub("", snippet)) if snippet else ""  # noqa: S308


@register.filter
def stars(score: Decimal | None) -> str:
    """Decimal('4.25') -> '4.3 out of 5'."""
    if score is None:
        return ""
    return f"{Decimal(score):.1f} out of 5"


@register.simple_tag(takes_context=True)
def result_cards(context: Any, cards: list[Any]) -> SafeString:
    """The result cards of the page (search/cards.py renders them in one pass)."""
    from search.cards import CardRenderer

    return CardRenderer(context).cards(cards)


@register.simple_tag
def results_heading(total: int, criteria: Any) -> str:
    """'12 services for ‘home care’ within 5 miles of SY1 1AA' (plain text; the template
    escapes it)."""
    parts = [f"{total:,} service{'' if total == 1 else 's'}"]
    query = criteria.query
    if query.text:
        parts.append(f"for ‘{query.text}’")
    if criteria.category:
        parts.append(f"in {criteria.category.name}")
    if criteria.postcode:
        if criteria.radius_miles:
            parts.append(f"within {criteria.radius_miles:f} miles of {criteria.postcode.postcode}")
        elif query.serves_origin:
            parts.append(f"covering {criteria.postcode.postcode}")
        else:
            parts.append(f"near {criteria.postcode.postcode}")
    if criteria.locality:
        parts.append(f"in the {criteria.locality.name} area")
    return " ".join(parts)


@register.simple_tag
def search_field(field: BoundField) -> SafeString:
    """As `{% include "components/field.html" with field=field %}`."""
    return form_html.safe(form_html.field_html(field))


@register.simple_tag
def search_choices(field: BoundField) -> SafeString:
    """As `{% include "search/_choices.html" with field=field %}`."""
    return form_html.safe(form_html.choices(field))


@register.simple_tag
def search_hint_and_errors(field: BoundField) -> SafeString:
    """As `{% include "components/field_hint_and_errors.html" %}` with `field`."""
    return form_html.safe(form_html.hint_and_errors(field))


@register.simple_tag
def search_widget(field: BoundField) -> SafeString:
    """As `{{ field }}`."""
    return form_html.safe(form_html.widget(field))
