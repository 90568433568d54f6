"""Reading the catalogue for the metrics: categories and localities (Reference), and a set of
services with their categories and where they serve (Listings), each in a fixed number of
queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from catalogue.models import (
    Category,
    Locality,
    Service,
)
from catalogue.selectors import Coverage, Place, coverages, serves

NOT_KNOWN = "Not known"


# --- reading the catalogue ----------------------------------------------------------------------


@dataclass
class CategoryInfo:
    id: int
    parent_id: int | None
    name: str
    slug: str
    label: str
    unit: str
    children: list[int] = field(default_factory=list)

    @property
    def family(self) -> set[int]:
        return {self.id, *self.children}


class Reference:
    """Categories and localities, read once (two queries)."""

    def __init__(self) -> None:
        rows = list(
            Category.objects.order_by("sort_order", "name").values(
                "id", "parent_id", "name", "slug", "reference_unit"
            )
        )
        by_id = {row["id"]: row for row in rows}
        self.categories: dict[int, CategoryInfo] = {}
        for row in rows:
            parent = by_id.get(row["parent_id"])
            self.categories[row["id"]] = CategoryInfo(
                id=row["id"],
                parent_id=row["parent_id"],
                name=row["name"],
                slug=row["slug"],
                label=f"{parent['name']} > {row['name']}" if parent else row["name"],
                unit=row["reference_unit"] or (parent["reference_unit"] if parent else ""),
            )
        for info in self.categories.values():
            if info.parent_id in self.categories:
                self.categories[info.parent_id].children.append(info.id)
        self.localities: list[dict[str, Any]] = [
            dict(row)
            for row in Locality.objects.order_by("name").values(
                "id", "name", "slug", "easting", "northing"
            )
        ]

    def tree(self) -> list[CategoryInfo]:
        """Top-level categories in order, each followed by its sub-categories."""
        ordered = []
        for info in self.categories.values():
            if info.parent_id is None:
                ordered.append(info)
                ordered.extend(self.categories[child] for child in info.children)
        return ordered

    def category(self, slug: str) -> CategoryInfo | None:
        return next((c for c in self.categories.values() if c.slug == slug), None)

    def locality(self, slug: str) -> dict | None:
        return next((loc for loc in self.localities if loc["slug"] == slug), None)

    def locality_name(self, locality_id: int | None) -> str:
        found = next((loc for loc in self.localities if loc["id"] == locality_id), None)
        return found["name"] if found else NOT_KNOWN


SERVICE_FIELDS = (
    "id",
    "organisation_id",
    "locality_id",
    "easting",
    "northing",
    "beds",
    "vacancies",
    "accepting_new_clients",
    "cqc_location_id",
    "cqc_overall",
    "review_count",
    "review_mean",
    "review_score",
    "published_at",
    "started_trading_on",
    "status",
)


class Listings:
    """A set of services with their categories and where they serve (four queries)."""

    def __init__(self, queryset: QuerySet[Service]) -> None:
        self.services: dict[int, dict[str, Any]] = {
            row["id"]: row for row in queryset.values(*SERVICE_FIELDS)
        }
        ids = queryset.values("pk")
        self.categories: dict[int, set[int]] = defaultdict(set)
        for service_id, category_id in Service.categories.through.objects.filter(
            service_id__in=ids
        ).values_list("service_id", "category_id"):
            self.categories[service_id].add(category_id)
        self.coverage: dict[int, Coverage] = coverages(queryset)
        self._places: dict[int, Place] = {}

    def in_category(self, service_id: int, category: CategoryInfo | None) -> bool:
        return category is None or bool(self.categories[service_id] & category.family)

    def in_locality(self, service_id: int, locality: dict | None) -> bool:
        if locality is None:
            return True
        place = self._places.get(locality["id"])
        if place is None:
            place = self._places[locality["id"]] = Place.of_locality(
                id=locality["id"],
                slug=locality["slug"],
                easting=locality["easting"],
                northing=locality["northing"],
            )
        return serves(self.coverage[service_id], place)

    def select(self, category: CategoryInfo | None, locality: dict | None) -> list[dict]:
        return [
            service
            for service_id, service in self.services.items()
            if self.in_category(service_id, category) and self.in_locality(service_id, locality)
        ]


def on_the_market() -> QuerySet[Service]:
    return Service.objects.visible()
