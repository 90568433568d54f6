"""What the blocks share: the scope of a block's options, the words of its summary, the rows of a
by-category-or-locality table, and the start of a period."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from catalogue.rules import months_before

from .reading import CategoryInfo, Listings, Reference
from .registry import Options


def _scope(options: Options, reference: Reference) -> tuple[CategoryInfo | None, dict | None]:
    return reference.category(options.category), reference.locality(options.locality)


def _options_text(options: Options, reference: Reference, **extra: str) -> dict[str, str]:
    category, locality = _scope(options, reference)
    text = {
        "Category": category.label if category else "All categories",
        "Locality": locality["name"] if locality else "All localities",
    }
    text.update(extra)
    return text


def _count(number: int, one: str, many: str) -> str:
    """1 -> '1 support plan', 2 -> '2 support plans'."""
    return f"{number} {one if number == 1 else many}"


def _group_name(label: str) -> str:
    """A row label inside a sentence: the searches with no category read as such."""
    return "searches with no category chosen" if label == "No category chosen" else label


def _where(category: CategoryInfo | None, locality: dict | None) -> str:
    parts = []
    if category:
        parts.append(f"in {category.label}")
    if locality:
        parts.append(f"in {locality['name']}")
    return (" " + " ".join(parts)) if parts else ""


Membership = Callable[["Listings", int], bool]


def _locality_test(locality: dict[str, Any]) -> Membership:
    return lambda listings, service_id: listings.in_locality(service_id, locality)


def _category_test(category: CategoryInfo) -> Membership:
    return lambda listings, service_id: listings.in_category(service_id, category)


def _groups(
    options: Options, reference: Reference
) -> tuple[str, list[tuple[str, Callable[[Listings, int], bool]]]]:
    """The rows of a by-category-or-locality table: by locality when a category is chosen
    without a locality, otherwise by category (the chosen one and its sub-categories)."""
    category, locality = _scope(options, reference)
    if category and not locality:
        return "Locality", [(loc["name"], _locality_test(loc)) for loc in reference.localities]
    infos = reference.tree()
    if category:
        infos = [info for info in infos if info.id in category.family]
    return "Category", [(info.label, _category_test(info)) for info in infos]


def period_start(months: int, now: datetime) -> datetime:
    return months_before(now, months)
