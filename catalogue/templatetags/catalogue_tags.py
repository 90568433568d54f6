"""Presentation helpers for catalogue pages: money, prices, CQC ratings, opening times, text.

Money is shown the GOV.UK way: "£28.50", "£1,234.50", and whole pounds without pence ("£900").
Amounts are rounded to the penny by core.money.to_penny, the site's one rounding rule.
"""

import re
from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html_join

from catalogue.models import CQCRating, Unit
from core.money import to_penny

register = template.Library()

KM_PER_MILE = 1.609344

CQC_TAG_CLASSES: dict[str, str] = {
    CQCRating.OUTSTANDING: "",  # the default (blue) tag
    CQCRating.GOOD: "govuk-tag--green",
    CQCRating.REQUIRES_IMPROVEMENT: "govuk-tag--orange",
    CQCRating.INADEQUATE: "govuk-tag--red",
}
CQC_KEY_QUESTIONS = (
    ("Safe", "cqc_safe"),
    ("Effective", "cqc_effective"),
    ("Caring", "cqc_caring"),
    ("Responsive", "cqc_responsive"),
    ("Well-led", "cqc_well_led"),
)
TIME = re.compile(r"^([01]?[0-9]|2[0-4]):([0-5][0-9])$")


@register.filter
def money(amount) -> str:
    """Decimal('1234.5') -> '£1,234.50'; Decimal('900') -> '£900'; '' for no amount."""
    if amount is None or amount == "":
        return ""
    try:
        value = to_penny(amount)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


def price_text(amount, unit: str) -> str:
    """'£28.50 per hour', '£250 one-off', 'Free'."""
    if unit == Unit.FREE or (amount is not None and Decimal(amount) == 0):
        return "Free"
    shown = money(amount)
    try:
        label = Unit(unit).label
    except ValueError:
        label = ""
    return f"{shown} {label}".strip()


@register.filter
def price(option) -> str:
    """A price option in plain units: '£28.50 per hour'."""
    return price_text(option.amount, option.unit)


@register.filter
def headline_price(service) -> str:
    """The price to show on a card: the lowest current price in the unit of the first option.

    Reads `service.current_prices` (a Prefetch to_attr) when present so lists stay at a bounded
    number of queries. 'From £25 per hour' when that unit has several prices.
    """
    options = getattr(service, "current_prices", None)
    if options is None:
        options = list(service.price_options.current())
    if not options:
        return ""
    unit = options[0].unit
    amounts = sorted({option.amount for option in options if option.unit == unit})
    text = price_text(amounts[0], unit)
    if len(amounts) > 1 and text != "Free":
        return f"From {text}"
    return text


@register.filter
def cqc_tag_class(rating: str) -> str:
    return CQC_TAG_CLASSES.get(rating, "govuk-tag--grey")


@register.inclusion_tag("catalogue/public/cqc_tag.html")
def cqc_tag(rating: str, empty: str = "Not rated"):
    """A coloured tag for a CQC rating; `empty` when there is none."""
    return {"rating": rating, "text": rating or empty, "css": cqc_tag_class(rating)}


@register.filter
def cqc_key_questions(service) -> list[tuple[str, str]]:
    """[('Safe', 'Good'), ...] for the five CQC key questions ('' when not rated)."""
    return [(label, getattr(service, field) or "") for label, field in CQC_KEY_QUESTIONS]


@register.filter(needs_autoescape=True)
def paragraphs(text: str, autoescape: bool = True) -> str:
    """Plain text as GOV.UK paragraphs: blank lines split paragraphs, single newlines break."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", str(text or "").replace("\r\n", "\n"))]
    return format_html_join(
        "\n",
        '<p class="govuk-body">{}</p>',
        ((linebreaksbr(block, autoescape),) for block in blocks if block),
    )


@register.filter
def text_items(value) -> list[str]:
    """The non-empty strings of a JSON list (accessibility features, languages); [] otherwise."""
    if not isinstance(value, list):
        return []
    return [item.strip() for item in value if isinstance(item, str) and item.strip()]


def clock(value: object) -> str | None:
    """'09:00' -> '9am', '17:30' -> '5:30pm', '12:00' -> 'midday', '00:00' -> 'midnight'."""
    match = TIME.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour == 24 and minute:
        return None
    if minute == 0 and hour in (0, 24):
        return "midnight"
    if minute == 0 and hour == 12:
        return "midday"
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}{suffix}" if minute == 0 else f"{hour}:{minute:02d}{suffix}"


@register.filter
def opening_rows(value) -> list[tuple[str, str]]:
    """Service.opening_times as [(day, hours)] rows; malformed entries are left out.

    Each entry is {"day": "Monday", "opens": "09:00", "closes": "17:00"}; {"day": ...,
    "closed": true} reads as "Closed".
    """
    if not isinstance(value, list):
        return []
    rows = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        day = entry.get("day")
        if not isinstance(day, str) or not day.strip():
            continue
        if entry.get("closed") is True:
            rows.append((day.strip(), "Closed"))
            continue
        opens, closes = clock(entry.get("opens")), clock(entry.get("closes"))
        if opens and closes:
            rows.append((day.strip(), f"{opens} to {closes}"))
    return rows


@register.filter
def distance(km) -> str:
    """Miles first, as everywhere on the site: 5.81 -> '3.6 miles (5.8 km)'. An int stays whole
    (rounded on purpose, for listings whose exact address is hidden): 6 -> '4 miles (6 km)',
    0 -> 'less than 1 mile (less than 1 km)'."""
    if km is None:
        return ""
    miles = km / KM_PER_MILE
    if isinstance(km, int):
        if km == 0:
            return "less than 1 mile (less than 1 km)"
        whole_miles = round(miles)
        return f"{whole_miles:,} mile{'' if whole_miles == 1 else 's'} ({km:,} km)"
    return f"{miles:,.1f} miles ({km:,.1f} km)"


@register.filter
def radius(value) -> str:
    """Decimal('15.0') -> '15', Decimal('7.5') -> '7.5'."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def radius_text(value) -> str:
    """A service radius, miles first: Decimal('15.0') -> '9 miles (15 km)'."""
    if value is None:
        return ""
    miles = round(float(value) / KM_PER_MILE)
    return f"{miles} mile{'' if miles == 1 else 's'} ({radius(value)} km)"


@register.filter
def phone_href(number: str) -> str:
    """A tel: link target: digits and a leading + only."""
    digits = re.sub(r"[^\d+]", "", number or "")
    return f"tel:{digits}" if digits else ""
