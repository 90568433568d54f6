"""Loading the service taxonomy from catalogue/data/categories.yaml (or a council's own file)."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

import yaml

from .models import Category, Unit

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "categories.yaml"


@dataclass
class TaxonomySummary:
    created: int = 0
    updated: int = 0


@transaction.atomic
def categories_load(*, path: Path = DEFAULT_FILE) -> TaxonomySummary:
    """Create or update categories from YAML, matched on slug; two levels; units validated.

    Categories missing from the file are left alone (services may still use them).
    """
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    summary = TaxonomySummary()

    def save(entry: dict, parent: Category | None, order: int) -> Category:
        unit = entry.get("unit", "")
        if unit and unit not in Unit.values:
            raise ValueError(f"{path}: {entry['name']} has an unknown unit {unit!r}")
        category, created = Category.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "parent": parent,
                "reference_unit": unit,
                "description": entry.get("description", ""),
                "sort_order": order,
            },
        )
        category.full_clean()
        if created:
            summary.created += 1
        else:
            summary.updated += 1
        return category

    for order, entry in enumerate(entries):
        parent = save(entry, None, order)
        for child_order, child in enumerate(entry.get("children", [])):
            if child.get("children"):
                raise ValueError(f"{path}: {child['name']}: categories have two levels only")
            save(child, parent, child_order)
    return summary
