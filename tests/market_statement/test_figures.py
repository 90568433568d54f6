"""Figures as data: formatting, CSV, what changed between two sets, and chart geometry."""

from market_statement.charts import build_chart
from market_statement.figures import Column, Figures, differences, format_value, to_csv


def figures(rows, chart=None):
    return Figures(
        metric="price_summary",
        title="Prices",
        as_of="2026-12-02T08:00:00+00:00",
        columns=[
            Column("label", "Category", "text"),
            Column("count", "Prices"),
            Column("median", "Median", "money"),
        ],
        rows=rows,
        chart=chart or {"kind": "bar", "series": ["count"]},
    )


def test_format_value():
    assert format_value("1234.5", "money") == "£1,234.50"
    assert format_value(1234, "count") == "1,234"
    assert format_value("6.7", "percent") == "6.7%"
    assert format_value("2.5", "distance") == "2.5 km"
    assert format_value(None, "distance") == "not known"
    assert format_value(None, "money") == "none"
    assert format_value(None, "text") == ""


def test_round_trip_through_a_dict():
    original = figures([{"label": "Home care", "count": 3, "median": "22.00"}])
    assert Figures.from_dict(original.to_dict()) == original


def test_csv_has_plain_numbers_and_defuses_formulas():
    text = to_csv(
        figures(
            [
                {"label": "Home care", "count": 3, "median": "22.00"},
                {"label": "=HYPERLINK(1)", "count": -1, "median": None},
            ]
        )
    )
    assert text.splitlines() == [
        "Category,Prices,Median",
        "Home care,3,22.00",
        "'=HYPERLINK(1),-1,",
    ]


def test_differences_cell_by_cell_and_rows_that_came_or_went():
    before = figures(
        [
            {"label": "Home care", "count": 3, "median": "22.00"},
            {"label": "Day care", "count": 1, "median": "40.00"},
        ]
    )
    after = figures(
        [
            {"label": "Home care", "count": 3, "median": "26.00"},
            {"label": "Meals", "count": 2, "median": "5.00"},
        ]
    )
    assert [(c.row, c.column, c.was, c.now) for c in differences(before, after)] == [
        ("Home care", "Median", "£22.00", "£26.00"),
        ("Day care", "", "listed", "not listed"),
        ("Meals", "", "not listed", "listed"),
    ]
    assert differences(before, before) == []


def test_bar_chart_scales_to_the_largest_value():
    chart = build_chart(
        figures(
            [
                {"label": "A", "count": 10, "median": "1"},
                {"label": "B", "count": 5, "median": "1"},
            ]
        )
    )
    assert [bar.width for bar in chart.bars] == [340.0, 170.0]
    assert [bar.value_text for bar in chart.bars] == ["10", "5"]
    assert chart.bars[1].y > chart.bars[0].y


def test_range_chart_places_quartiles_and_median():
    rows = [{"label": "Home care", "min": "0", "lq": "25", "med": "50", "uq": "75", "max": "100"}]
    chart = build_chart(
        Figures(
            metric="x",
            title="x",
            as_of="2026-12-02T08:00:00+00:00",
            columns=[Column("label", "Category", "text")],
            rows=rows,
            chart={
                "kind": "range",
                "min": "min",
                "low": "lq",
                "mid": "med",
                "high": "uq",
                "max": "max",
            },
        )
    )
    [box] = chart.boxes
    assert (box.minimum, box.low, box.mid, box.high, box.maximum) == (210, 295, 380, 465, 550)
    assert box.value_text == "£50.00"


def test_line_chart_skips_months_without_a_value():
    chart = build_chart(
        figures(
            [
                {"label": "Jan", "count": 0, "median": None},
                {"label": "Feb", "count": 1, "median": "20.00"},
                {"label": "Mar", "count": 1, "median": "22.00"},
            ],
            chart={"kind": "line", "series": ["median"]},
        )
    )
    assert len(chart.dots) == 2
    assert chart.dots[0][1] > chart.dots[1][1]  # a higher price is drawn higher up
    assert chart.points.count(",") == 2


def test_no_rows_no_chart():
    assert build_chart(figures([])).empty
