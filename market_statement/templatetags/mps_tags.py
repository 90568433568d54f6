"""The figures of a data block, rendered once per distinct set of figures.

A statement has a dozen data blocks, each an SVG chart and a table drawn by template loops: more
than half the page's time. The rendered HTML depends only on the figures (live or frozen), what
changed since publication, the mode, the CSV link and the element id, so it is cached under a
digest of exactly those; new figures give a new digest, so nothing stale is ever shown.
"""

import hashlib
import json
from dataclasses import asdict

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from core.caching import PAGES, cached
from market_statement import metrics
from market_statement.blocks import DataView

register = template.Library()


def _digest(data: DataView, fig_id: str) -> str:
    parts = {
        "figures": data.figures.to_dict(),
        "published": data.published.to_dict() if data.published else None,
        "changes": [asdict(change) for change in data.changes],
        "mode": data.mode,
        "csv": data.csv_url,
        "id": fig_id,
    }
    encoded = json.dumps(parts, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


@register.simple_tag
def mps_figures(data: DataView, fig_id: str) -> SafeString:
    """blocks/mps_figures.html for `data`, from the cache when these figures were drawn before."""
    key = f"mps-figures-html:{_digest(data, fig_id)}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("blocks/mps_figures.html", {"data": data, "fig_id": fig_id})
        cache.set(key, html, metrics.cache_seconds())
    return mark_safe(html)  # noqa: S308  (our own template's output)


@register.simple_tag(takes_context=True)
def statement_blocks(context, section) -> SafeString:
    """The blocks of one section of the statement, as {% include_block %} renders them; from
    the cache when the section's figures are frozen (section.cache_key, set by
    views.statement.statement_context): text, charts and tables then depend only on the
    stored body and the version, and the chrome's topic (core.caching.PAGES) goes stale when
    pages are published."""

    def render() -> str:
        parent = context.flatten()
        parts = []
        for block in section.blocks:
            parent["block_id"] = block.id
            parts.append(block.render_as_block(context=parent))
        return "".join(parts)

    key = getattr(section, "cache_key", "")
    html = cached(PAGES, f"mps-section:{key}", render) if key else render()
    return mark_safe(html)  # noqa: S308  (our own blocks' rendered templates)
