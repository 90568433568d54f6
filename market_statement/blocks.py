"""StreamField blocks of the market position statement: prose, the four-column market frame,
commissioning intentions, and data blocks bound to a metric (market_statement/metrics.py).

A data block stores only what the editor chose (metric, category, locality, period); the
figures come from the page's FiguresSource at render time: frozen with the published version,
or live. Each block has a template in templates/blocks/ (prefixed mps_).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime

from wagtail import blocks

from core.blocks import (
    RICH_TEXT_FEATURES,
    CalloutBlock,
    HeadingBlock,
    ParagraphBlock,
)

from . import metrics
from .charts import Chart, build_chart
from .figures import NUMERIC_KINDS, Change, Figures, differences, format_value


def category_choices() -> list[tuple[str, str]]:
    from catalogue.models import Category

    return [
        (c.slug, str(c))
        for c in Category.objects.select_related("parent").order_by(
            "parent__sort_order", "parent__name", "sort_order", "name"
        )
    ]


def locality_choices() -> list[tuple[str, str]]:
    from catalogue.models import Locality

    return list(Locality.objects.order_by("name").values_list("slug", "name"))


# --- how a data block's figures are shown ---------------------------------------------------------


@dataclass
class DataView:
    """What a data block template shows: the figures, whether they are frozen or live, what
    changed since publication, the chart geometry and the CSV link."""

    figures: Figures
    mode: str  # "published" (frozen), "live", "preview" (a draft: live), "version" (an old one)
    csv_url: str = ""
    published: Figures | None = None
    changes: list[Change] = field(default_factory=list)

    @property
    def chart(self) -> Chart:
        return build_chart(self.figures)

    @property
    def as_of(self) -> datetime | None:
        return parse_datetime(self.figures.as_of)

    @property
    def published_as_of(self) -> datetime | None:
        return parse_datetime(self.published.as_of) if self.published else None

    @property
    def frozen(self) -> bool:
        return self.mode in {"published", "version"}

    @property
    def header(self) -> list[dict[str, Any]]:
        return [
            {"label": c.label, "numeric": c.kind in NUMERIC_KINDS} for c in self.figures.columns
        ]

    @property
    def table(self) -> list[list[dict[str, Any]]]:
        return [
            [
                {
                    "text": format_value(row.get(c.key), c.kind),
                    "numeric": c.kind in NUMERIC_KINDS,
                }
                for c in self.figures.columns
            ]
            for row in self.figures.rows
        ]


class FiguresSource:
    """Where the data blocks of one rendering get their figures.

    `frozen` maps block ids to the figures stored with a published version; `live` asks for
    the live figures instead (with the differences from the frozen ones). A block with no
    frozen figures (a draft preview, or a page published before freezing existed) is live."""

    def __init__(
        self,
        *,
        frozen: dict[str, dict] | None = None,
        live: bool = False,
        mode: str = "published",
        csv_url=None,
    ) -> None:
        self.frozen = frozen or {}
        self.live = live
        self.mode = mode
        self.csv_url = csv_url  # callable(block_id) -> str, or None

    def view(self, block_id: str, value: MetricValue) -> DataView:
        frozen_data = self.frozen.get(block_id)
        frozen = Figures.from_dict(frozen_data) if frozen_data else None
        url = self.csv_url(block_id) if self.csv_url and block_id else ""
        if frozen is not None and not self.live:
            return DataView(figures=frozen, mode=self.mode, csv_url=url)
        live = metrics.figures_for(value.metric_key(), value.options())
        if frozen is None:
            return DataView(figures=live, mode="live" if self.live else "preview", csv_url=url)
        return DataView(
            figures=live,
            mode="live",
            csv_url=url,
            published=frozen,
            changes=differences(frozen, live),
        )


class MetricValue(blocks.StructValue):
    def metric_key(self) -> str:
        return self.get("metric") or getattr(self.block.meta, "metric", "")

    def options(self) -> metrics.Options:
        return metrics.Options(
            category=self.get("category") or "",
            locality=self.get("locality") or "",
            period_months=int(self.get("period_months") or 12),
            distance_km=int(self.get("distance_km") or 10),
        )

    def anchor(self) -> str:
        from django.utils.text import slugify

        return slugify(self.get("heading") or self.metric_key())


# --- blocks ---------------------------------------------------------------------------------------


class DataBlock(blocks.StructBlock):
    """The fields every data block has; subclasses choose the metrics and the options."""

    heading = blocks.CharBlock(max_length=120)
    commentary = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        required=False,
        help_text="What the figures mean; shown above the chart.",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent = parent_context or {}
        source = parent.get("mps_source") or FiguresSource(live=False, mode="preview")
        context["data"] = source.view(parent.get("block_id", ""), value)
        context["block_id"] = parent.get("block_id", "")
        return context


class CatalogueChoiceBlock(blocks.ChoiceBlock):
    """A choice of catalogue categories or localities, stored as a slug. Reading a value is
    the slug as stored: the base class would look it up among the choices, which here means a
    query per block each time a page is read."""

    def to_python(self, value):
        return value

    def get_searchable_content(self, value):
        return []


def _category(required: bool = False, help_text: str = "Leave empty for every category."):
    return CatalogueChoiceBlock(choices=category_choices, required=required, help_text=help_text)


def _locality():
    return CatalogueChoiceBlock(
        choices=locality_choices, required=False, help_text="Leave empty for every locality."
    )


def _period():
    return blocks.ChoiceBlock(
        choices=[(str(months), label) for months, label in metrics.PERIOD_CHOICES],
        default="12",
        required=False,
        help_text="For figures over time.",
    )


class SupplyFiguresBlock(DataBlock):
    metric = blocks.ChoiceBlock(choices=metrics.choices_for("supply"), default="providers_services")
    category = _category()
    locality = _locality()
    period_months = _period()

    class Meta:
        icon = "group"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        label = "Supply figures"
        description = "Providers and services, care home beds and vacancies, openings and closures."
        preview_value = {"heading": "Providers and services", "metric": "providers_services"}


class PriceFiguresBlock(DataBlock):
    metric = blocks.ChoiceBlock(choices=metrics.choices_for("price"), default="price_summary")
    category = _category(help_text="Needed for prices over time; else leave empty for all.")
    locality = _locality()
    period_months = _period()

    class Meta:
        icon = "table"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        label = "Price figures"
        description = "Median and quartiles of prices in each category's unit, or their trend."
        preview_value = {"heading": "What care costs", "metric": "price_summary"}


class QualityFiguresBlock(DataBlock):
    metric = blocks.ChoiceBlock(choices=metrics.choices_for("quality"), default="cqc_ratings")
    category = _category()
    locality = _locality()

    class Meta:
        icon = "success"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        label = "Quality figures"
        description = "CQC rating distribution, or review scores."
        preview_value = {"heading": "CQC ratings", "metric": "cqc_ratings"}


class GapFiguresBlock(DataBlock):
    category = _category(required=True, help_text="The kind of service to look for.")
    distance_km = blocks.IntegerBlock(
        min_value=1,
        max_value=100,
        default=10,
        help_text="A locality is a gap if no such service is this close to its centre.",
    )

    class Meta:
        icon = "site"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        metric = "gaps"
        label = "Gaps"
        description = "Localities with no provider of a category within a set distance."
        preview_value = {"heading": "Where home care is hard to find", "category": "home-care"}


class DemandFiguresBlock(DataBlock):
    metric = blocks.ChoiceBlock(
        choices=metrics.choices_for("demand"), default="low_result_searches"
    )
    category = _category()
    locality = _locality()
    period_months = _period()

    class Meta:
        icon = "search"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        label = "Demand signals"
        description = "Searches with few or no results; enquiries, shortlists and support plans."
        preview_value = {"heading": "What people look for", "metric": "low_result_searches"}


class RasRateFiguresBlock(DataBlock):
    period_months = _period()

    class Meta:
        icon = "cog"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        metric = "ras_rate"
        label = "RAS rate"
        description = "The RAS money per point now, and how it moved with market prices."
        preview_value = {"heading": "The RAS rate", "period_months": "12"}


class PlanReviewFiguresBlock(DataBlock):
    class Meta:
        icon = "tick"
        template = "blocks/mps_data.html"
        value_class = MetricValue
        metric = "plan_reviews"
        label = "Support plan reviews"
        description = "Reviews due and done; outcomes achieved for people and carers at review."
        preview_value = {"heading": "Are plans meeting people's outcomes?"}


class FrameColumnBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=60)
    effects = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    drivers = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    impacts = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)


class MarketFrameValue(blocks.StructValue):
    def rows(self) -> list[dict[str, Any]]:
        """The frame read across: one row each for effects, drivers and impacts."""
        columns = self.get("columns") or []
        return [
            {"label": label, "cells": [column[key] for column in columns]}
            for key, label in (
                ("effects", "Effects"),
                ("drivers", "Drivers"),
                ("impacts", "Impacts"),
            )
        ]


class MarketFrameBlock(blocks.StructBlock):
    caption = blocks.CharBlock(max_length=120, default="The market at a glance")
    columns = blocks.ListBlock(FrameColumnBlock(), min_num=1, max_num=6)

    class Meta:
        icon = "list-ul"
        template = "blocks/mps_frame.html"
        value_class = MarketFrameValue
        label = "Market frame"
        description = (
            "The four-column frame: providers (supply), quality, resources and cost, customers "
            "(demand); each with its effects, drivers and impacts."
        )
        preview_value = {
            "caption": "The market at a glance",
            "columns": [
                {
                    "title": "Providers (supply)",
                    "effects": "<p>Fewer home care hours in rural areas.</p>",
                    "drivers": "<p>Recruitment and travel time.</p>",
                    "impacts": "<p>Longer waits for care at home.</p>",
                }
            ],
        }


class IntentionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    timescale = blocks.CharBlock(max_length=60, required=False, help_text="For example, 2027.")


class CommissioningIntentionsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Commissioning intentions")
    intentions = blocks.ListBlock(IntentionBlock(), min_num=1)

    class Meta:
        icon = "pick"
        template = "blocks/mps_intentions.html"
        label = "Commissioning intentions"
        description = "What the council means to buy, change or stop, and when."
        preview_value = {
            "heading": "Commissioning intentions",
            "intentions": [
                {
                    "title": "More home care in rural areas",
                    "text": "<p>We will pay a rural rate for calls beyond 10 miles.</p>",
                    "timescale": "2027",
                }
            ],
        }


DATA_BLOCK_TYPES = {
    "supply_figures",
    "price_figures",
    "quality_figures",
    "gap_figures",
    "demand_figures",
    "ras_figures",
    "plan_review_figures",
}


class StatementStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    callout = CalloutBlock()
    market_frame = MarketFrameBlock()
    intentions = CommissioningIntentionsBlock()
    supply_figures = SupplyFiguresBlock()
    price_figures = PriceFiguresBlock()
    quality_figures = QualityFiguresBlock()
    gap_figures = GapFiguresBlock()
    demand_figures = DemandFiguresBlock()
    ras_figures = RasRateFiguresBlock()
    plan_review_figures = PlanReviewFiguresBlock()
