"""Costing lines the catalogue does not list (issue 21): a PA employed directly, part by part
at declared rates; a yearly membership shown a week; one-off items in the first year's cost."""

from dataclasses import replace
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command

import pytest

from marketplace.plans import costing

D = Decimal

# The rates the tests cost at, pinned here so a council's April update of the defaults does not
# move these hand-worked figures (the defaults are checked to parse below).
RATES_2025_26 = {
    "year": "2025/26",
    "ni_rate": "0.15",
    "ni_threshold_weekly": "96.00",
    "ni_source": "HMRC, Rates and thresholds for employers 2025 to 2026",
    "holiday_rate": "0.1207",
    "holiday_source": "GOV.UK, Holiday entitlement: 5.6 / 46.4 weeks",
    "pension_rate": "0.03",
    "pension_lower_weekly": "120.00",
    "pension_upper_weekly": "967.00",
    "pension_trigger_weekly": "192.00",
    "pension_source": "The Pensions Regulator, automatic enrolment 2025/26",
    "insurance_yearly": "150.00",
    "insurance_source": "Council's direct payment guidance",
    "payroll_yearly": "180.00",
    "payroll_source": "Council's direct payment guidance",
}
RATES = costing.EmployerRates.from_mapping(RATES_2025_26)
NO_HOLIDAY = replace(RATES, holiday_rate=D("0"))

PARTS = ("pay", "holiday", "ni", "pension", "insurance", "payroll")


@pytest.mark.parametrize(
    ("rates", "hourly", "hours", "parts", "weekly"),
    [
        # Jane (Surrey County Council, "Personalisation Update", 2013): one-to-one support six
        # hours a day, four days a week = 24 hours, at an hourly pay of £13.50 chosen here.
        # holiday 324 x 12.07% = 39.1068; NI (363.11 - 96) x 15% = 40.0665;
        # pension (363.11 - 120) x 3% = 7.2933; insurance 150 / 52; payroll 180 / 52.
        (RATES, "13.50", "24", ("324.00", "39.11", "40.07", "7.29", "2.88", "3.46"), "416.81"),
        # A few hours: below the NI threshold and the pension trigger, so neither is owed.
        (RATES, "12.21", "5", ("61.05", "7.37", "0.00", "0.00", "2.88", "3.46"), "74.76"),
        # Earnings above the pension's upper limit: qualifying earnings stop at £967.
        (RATES, "20.00", "60", ("1200.00", "144.84", "187.33", "25.41", "2.88", "3.46"), "1563.92"),
        # Exactly at the earnings trigger: the pension is owed.
        (NO_HOLIDAY, "12.00", "16", ("192.00", "0.00", "14.40", "2.16", "2.88", "3.46"), "214.90"),
        # A penny below it: it is not.
        (NO_HOLIDAY, "191.99", "1", ("191.99", "0.00", "14.40", "0.00", "2.88", "3.46"), "212.73"),
        # Exactly at the NI threshold: no NI.
        (NO_HOLIDAY, "12.00", "8", ("96.00", "0.00", "0.00", "0.00", "2.88", "3.46"), "102.34"),
    ],
)
def test_pa_costs_part_by_part(rates, hourly, hours, parts, weekly):
    costs = costing.pa_costs(D(hourly), D(hours), rates)
    assert tuple(part.key for part in costs.parts) == PARTS
    assert tuple(part.weekly for part in costs.parts) == tuple(D(p) for p in parts)
    # The parts a person sees add up to the line's cost.
    assert costs.weekly == D(weekly) == sum(D(p) for p in parts)
    assert costs.pay + costs.on_costs == costs.weekly


def test_pa_parts_say_how_they_were_worked_out_and_where_the_rate_comes_from():
    costs = {part.key: part for part in costing.pa_costs(D("13.50"), D("24"), RATES).parts}
    assert costs["pay"].basis == "24 hours at £13.50 an hour"
    assert costs["holiday"].basis == "12.07% of pay"
    assert costs["ni"].basis == "15% of £363.11 above £96.00"
    assert costs["ni"].source == RATES_2025_26["ni_source"]
    assert costs["pension"].basis == "3% of £363.11 less £120.00"
    assert costs["insurance"].basis == "£150.00 a year"


def test_rates_round_trip_through_a_stored_copy():
    assert costing.EmployerRates.from_mapping(RATES.as_mapping()) == RATES


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ni_rate": "15"}, "fraction"),
        ({"holiday_rate": "-0.1"}, "0 or more"),
        ({"insurance_yearly": "lots"}, "must be a number"),
        ({"pension_lower_weekly": "1000"}, "pension_lower_weekly"),
    ],
)
def test_bad_rates_are_refused_with_the_reason(change, message):
    with pytest.raises(ValueError, match=message):
        costing.EmployerRates.from_mapping({**RATES_2025_26, **change})


def test_a_missing_rate_is_named():
    values = dict(RATES_2025_26)
    del values["payroll_yearly"]
    with pytest.raises(ValueError, match="payroll_yearly"):
        costing.EmployerRates.from_mapping(values)


def test_the_declared_settings_parse_and_name_their_year_and_sources():
    rates = costing.EmployerRates.from_mapping(settings.PLANS_EMPLOYER_COSTS)
    assert rates.year
    assert all(
        getattr(rates, name)
        for name in (
            "ni_source",
            "holiday_source",
            "pension_source",
            "insurance_source",
            "payroll_source",
        )
    )


def test_a_broken_setting_fails_the_system_check(settings):
    settings.PLANS_EMPLOYER_COSTS = {**RATES_2025_26, "ni_rate": "fifteen"}
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="PLANS_EMPLOYER_COSTS"):
        call_command("check")


@pytest.mark.parametrize(
    ("yearly", "weekly"),
    [("78.00", "1.50"), ("91.00", "1.75"), ("100.00", "1.92"), ("0.26", "0.01"), ("0.25", "0.00")],
)
def test_a_yearly_membership_a_week(yearly, weekly):
    assert costing.yearly_as_weekly(D(yearly)) == D(weekly)


def test_the_first_year_adds_one_off_items_to_52_weeks():
    totals = costing.plan_totals([D("416.81"), D("1.50")])
    assert totals.annual == D("21752.12")
    assert costing.first_year_cost(totals.annual, D("249.99")) == D("22002.11")
