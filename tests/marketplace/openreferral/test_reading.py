"""The importer's pure parts: ORUK JSON -> plain data, and the grid -> WGS84 conversion."""

import uuid
from decimal import Decimal

import pytest

from catalogue.geo import grid_to_osgb36, grid_to_wgs84
from marketplace.openreferral.reading import (
    parse_service,
    split_description,
    unit_from_description,
)


@pytest.mark.parametrize(
    "text,unit",
    [
        ("per hour", "hour"),
        ("Hourly rate", "hour"),
        ("per 1 hour session", "hour"),
        ("per session", "session"),
        ("a night", "night"),
        ("per visit", "visit"),
        ("per meal", "visit"),
        ("per week", "week"),
        ("weekly", "week"),
        ("per month", "month"),
        ("per year", "year"),
        ("per annum", "year"),
        ("per day", "day"),
        ("one-off", "one-off"),
        ("one off payment", "one-off"),
        ("free", "free"),
        ("No charge", "free"),
        ("per fortnight", None),
        ("", None),
    ],
)
def test_units_are_read_from_the_amount_description(text, unit):
    assert unit_from_description(text) == unit


def test_a_description_splits_into_summary_and_description():
    assert split_description("One line.") == ("One line.", "")
    assert split_description("Summary.\n\nMore.\n\nAnd more.") == ("Summary.", "More.\n\nAnd more.")
    long = "word " * 100
    summary, description = split_description(long)
    assert len(summary) <= 300 and summary.endswith("…")
    assert description == long.strip()


def base(**changes):
    data = {
        "id": str(uuid.uuid4()),
        "name": "A service",
        "status": "active",
        "organization": {"id": str(uuid.uuid4()), "name": "An organisation", "description": "x"},
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "data,problem",
    [
        ("text", "not a JSON object"),
        (base(id=""), "no id"),
        (base(name=None), "no name"),
        (base(status="defunct"), "its status is 'defunct'"),
        (base(organization={"id": "x"}), "no organization"),
        (base(organization="Acme"), "no organization"),
    ],
)
def test_records_that_cannot_be_listed_say_why(data, problem):
    service, problems = parse_service(data)
    assert service is None
    assert any(problem in p for p in problems), problems


def test_cost_options_keep_label_conditions_and_dates():
    service, _ = parse_service(
        base(
            cost_options=[
                {
                    "id": "a",
                    "amount": Decimal("30.5"),
                    "amount_description": "per hour",
                    "option": "Bank holidays — Time and a half",
                    "valid_from": "2026-01-01",
                    "valid_to": "2026-12-31",
                },
                {
                    "id": "b",
                    "amount": Decimal("10"),
                    "amount_description": "per week",
                    "valid_from": "2026-05-01",
                    "valid_to": "2026-01-01",
                },
                {"id": "c", "amount": True, "amount_description": "per week"},
                {"id": "d", "amount": Decimal("-1"), "amount_description": "per week"},
                {"id": "e", "amount": "lots", "amount_description": "per week"},
            ]
        )
    )
    first, second = service.prices
    assert (first.label, first.conditions, first.amount, first.unit) == (
        "Bank holidays",
        "Time and a half",
        Decimal("30.50"),
        "hour",
    )
    assert (str(first.valid_from), str(first.valid_to)) == ("2026-01-01", "2026-12-31")
    assert (second.label, second.valid_from, second.valid_to) == ("per week", None, None)
    assert len(service.notes) == 4  # the bad dates, and three options left out


def test_the_grid_conversion_matches_ordnance_surveys_worked_example():
    # OS, "A guide to coordinate systems in Great Britain", annex C: 651409.903, 313177.270
    # is 52°39'27.2531"N 1°43'4.5177"E on OSGB36.
    lat, lon = grid_to_osgb36(651409.903, 313177.270)
    assert lat == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-7)
    assert lon == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-7)
    # WGS84 differs from OSGB36 by roughly 100 m in Great Britain; the Helmert step is good
    # to a few metres (OS gives 52°39'28.8282"N 1°42'57.7896"E for this point).
    lat, lon = grid_to_wgs84(651409.903, 313177.270)
    assert lat == pytest.approx(52 + 39 / 60 + 28.8282 / 3600, abs=5e-5)
    assert lon == pytest.approx(1 + 42 / 60 + 57.7896 / 3600, abs=5e-5)
