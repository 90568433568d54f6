"""A data block's chart and table are drawn once per distinct set of figures (mps_tags)."""

from django.template import engines

from market_statement.blocks import DataView
from market_statement.figures import Column, Figures
from market_statement.templatetags import mps_tags

TEMPLATE = engines["django"].from_string("{% load mps_tags %}{% mps_figures data fig_id %}")


def figures(count: int) -> Figures:
    return Figures(
        metric="supply",
        title="Services by type",
        as_of="2026-12-04T10:00:00+00:00",
        columns=[Column("category", "Type of service", "text"), Column("services", "Services")],
        rows=[{"category": "Home care", "services": count}],
        chart={"kind": "bar", "label": "category", "value": "services"},
        summary=f"{count} home care services.",
    )


def test_the_same_figures_are_drawn_once_and_new_figures_at_once(monkeypatch):
    drawn = []
    original = mps_tags.render_to_string
    monkeypatch.setattr(
        mps_tags, "render_to_string", lambda *a, **k: drawn.append(a) or original(*a, **k)
    )
    data = DataView(figures=figures(12), mode="live")

    first = TEMPLATE.render({"data": data, "fig_id": "supply"})
    second = TEMPLATE.render(
        {"data": DataView(figures=figures(12), mode="live"), "fig_id": "supply"}
    )
    changed = TEMPLATE.render(
        {"data": DataView(figures=figures(13), mode="live"), "fig_id": "supply"}
    )
    frozen = TEMPLATE.render(
        {"data": DataView(figures=figures(13), mode="published"), "fig_id": "supply"}
    )

    assert first == second and len(drawn) == 3
    assert "12 home care services." in first
    assert "13 home care services." in changed and "12 home care" not in changed
    assert "Published figures" in frozen and "Published figures" not in changed
