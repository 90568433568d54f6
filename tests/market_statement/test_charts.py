"""Chart labels people can read (issue 20: "Telecare and assistive techno...", two-series
values colliding, month labels "Nov 2026Dec 2026")."""

from market_statement.charts import build_chart, wrap
from market_statement.figures import Column, Figures


def figures(rows, series, kind="bar"):
    value_kind = "money" if kind == "line" else "count"
    return Figures(
        metric="test",
        title="Test",
        as_of="2026-12-05T12:00:00+00:00",
        columns=[
            Column("label", "Category", "text"),
            *(Column(key, key, value_kind) for key in series),
        ],
        rows=rows,
        chart={"kind": kind, "series": series},
    )


def test_long_labels_wrap_between_words_onto_two_lines():
    assert wrap("Telecare and assistive technology") == ["Telecare and assistive", "technology"]
    assert wrap("Home care") == ["Home care"]
    lines = wrap("Supported living for adults with learning disabilities and autism")
    assert len(lines) == 2 and lines[-1].endswith("…") and all(len(line) <= 30 for line in lines)


def test_a_bar_label_is_drawn_whole_on_two_lines_and_the_row_has_room():
    chart = build_chart(figures([{"label": "Telecare and assistive technology", "n": 3}], ["n"]))

    (bar,) = chart.bars
    assert [text for _y, text in bar.label_rows] == ["Telecare and assistive", "technology"]
    assert chart.height >= 2 * 14 + 12


def test_two_series_bars_are_tall_enough_for_their_figures():
    chart = build_chart(figures([{"label": "Home care", "a": 3, "b": 5}], ["a", "b"]))

    first, second = chart.bars
    assert first.height >= 12 and second.y >= first.y + first.height


def test_month_labels_never_crowd_the_last_one():
    months = [f"M{number}" for number in range(12)]
    rows = [{"label": month, "n": number + 1} for number, month in enumerate(months)]
    chart = build_chart(figures(rows, ["n"], kind="line"))

    xs = [x for x, _text in chart.x_labels]
    assert chart.x_labels[-1][1] == "M11"
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert len(xs) == 6 and len({round(gap) for gap in gaps}) == 1  # evenly spaced
