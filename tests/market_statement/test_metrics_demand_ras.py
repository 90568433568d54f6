"""Demand signals (from search and the marketplace) and the RAS rate, with worked numbers."""

import uuid
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

import pytest

from catalogue.models import PriceRecord
from core.roles import Role
from market_statement.metrics import Options, compute
from marketplace.plans.models import Enquiry, PlanLine, Shortlist, ShortlistItem, SupportPlan
from marketplace.ras import services as ras
from marketplace.ras.models import SchemeVersion
from search.models import LowResultSearch
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def search(category="", locality="", total=0, days_ago=1):
    return LowResultSearch.objects.create(
        category=category,
        locality=locality,
        total=total,
        text="carer",
        created_at=timezone.now() - timedelta(days=days_ago),
    )


def test_low_result_searches_by_category(market):
    search("home-care", "a", 0)
    search("home-care", "b", 2)
    search("day", "a", 0)
    search("", "", 1)
    search("home-care", "a", 0, days_ago=400)  # outside the period
    figures = compute("low_result_searches", Options(period_months=12))
    assert [(r["label"], r["searches"], r["none"]) for r in figures.rows] == [
        ("Care at home > Home care", 2, 1),
        ("Day centres", 1, 1),
        ("No category chosen", 1, 0),
    ]
    assert figures.summary.startswith("In the last 12 months, 4 searches found few or no")


def test_low_result_searches_of_a_category_by_locality(market):
    search("home-care", "a", 0)
    search("home-care", "a", 1)
    search("home-care", "d", 0)
    search("day", "a", 0)
    figures = compute("low_result_searches", Options(category="care-at-home"))
    assert [(r["label"], r["searches"], r["none"]) for r in figures.rows] == [
        ("Ashby", 2, 1),
        ("Dale", 1, 1),
    ]


def test_enquiries_shortlists_and_plans_by_category(market):
    person = make_user()
    now = timezone.now()
    for service in (market.s1, market.s1, market.s4):
        Enquiry.objects.create(
            service=service,
            organisation=service.organisation,
            sender=person,
            sender_name="Pat",
            for_whom="myself",
            needs="Help at home.",
        )
    Enquiry.objects.create(
        service=market.s2,
        organisation=market.o1,
        sender=person,
        sender_name="Pat",
        for_whom="myself",
        needs="Old.",
        created_at=now - timedelta(days=400),
    )
    shortlist = Shortlist.objects.create(user=person)
    ShortlistItem.objects.create(shortlist=shortlist, service=market.s2)
    ShortlistItem.objects.create(shortlist=shortlist, service=market.s4)
    plan = SupportPlan.objects.create(owner=person, person_name="Pat")
    for service in (market.s1, market.s3):  # one plan with two home care lines counts once
        PlanLine.objects.create(plan=plan, kind="service", service=service, description="Care")
    figures = compute("marketplace_activity", Options(period_months=12))
    assert [(r["label"], r["enquiries"], r["shortlisted"], r["plans"]) for r in figures.rows] == [
        ("Care at home", 2, 1, 1),
        ("Care at home > Home care", 2, 1, 1),
        ("Care homes", 1, 1, 0),
        ("Care homes > Residential", 1, 1, 0),
    ]
    assert "3 enquiries were sent and 1 support plan used" in figures.summary


@pytest.fixture
def scheme(market):
    commissioner = make_user("", Role.COMMISSIONER)
    scheme = ras.scheme_version_create(user=commissioner, name="Westshire RAS 2026")
    ras.reference_service_add(
        user=commissioner,
        scheme=scheme,
        name="Home care per hour",
        category=market.home_care,
        unit="hour",
        weight=Decimal("0.5"),
    )
    # Activating needs questions too (the RAS's own rule); the rate is all that matters here.
    SchemeVersion.objects.filter(pk=scheme.pk).update(status=SchemeVersion.Status.ACTIVE)
    return SchemeVersion.objects.get(pk=scheme.pk)


def record(service, option, amount, days_ago, category):
    PriceRecord.objects.create(
        service=service,
        option_uuid=option,
        category=category,
        label="Weekday",
        amount=Decimal(amount),
        unit="hour",
        recorded_at=timezone.now() - timedelta(days=days_ago),
    )


def test_ras_money_per_point_now_and_its_movement(market, scheme):
    option = uuid.uuid4()
    record(market.s1, option, "20.00", 100, market.home_care)
    record(market.s1, option, "22.00", 0, market.home_care)
    figures = compute("ras_rate", Options(period_months=6))
    assert len(figures.rows) == 6
    assert figures.rows[-1]["rate"] == "11.00"  # 0.5 x £22.00
    assert figures.rows[-2]["rate"] == "10.00"  # 0.5 x £20.00 a month ago
    assert figures.rows[0]["rate"] is None  # nothing priced six months ago
    # Now: 0.5 x the median of one figure per home care service: s1's two standard prices
    # (£20, £22) count once as £21.00, s2 £24.00, s3 £30.00: median £24.00. Counting every
    # price (20, 22, 24, 30) gave £23.00 and £11.50.
    # The RAS pays nothing: its rate indicates budgets (issue 17).
    assert figures.summary.startswith("The RAS rate indicates budgets at £12.00 a week per point")
    assert "pays" not in figures.summary
    assert "moved from £10.00" in figures.summary and "to £11.00" in figures.summary


def test_a_frozen_ras_rate_stays_flat_from_when_it_came_into_force(market, scheme):
    """Issue 17: a frozen or set rate is not back-filled over months when it was not in force;
    the months before the version's activation have no figure."""
    from marketplace.ras.selectors import month_ends

    activated = timezone.now() - timedelta(days=45)
    SchemeVersion.objects.filter(pk=scheme.pk).update(
        rate_mode=SchemeVersion.RateMode.FROZEN,
        fixed_rate=Decimal("12.34"),
        rate_reason="Budget",
        activated_at=activated,
    )
    figures = compute("ras_rate", Options(period_months=6))
    in_force = [day >= timezone.localdate(activated) for day in month_ends(months=6)]
    assert [row["rate"] for row in figures.rows] == ["12.34" if yes else None for yes in in_force]
    assert in_force.count(False) >= 3  # six month ends; 45 days hold at most two and today
    assert "not following market prices" in figures.summary


def test_a_contracted_basis_uses_the_contracted_rate_in_force_each_month(market, scheme):
    """Issue 17: on a contracted basis each month's rate is 0.5 x the contracted rate in force
    at that month end (£13.00 until 20 days ago, £14.00 since: £6.50, then £7.00); before the
    first contracted rate applied there is no figure, not a back-filled one."""
    from marketplace.ras.models import ContractedRate
    from marketplace.ras.selectors import month_ends

    SchemeVersion.objects.filter(pk=scheme.pk).update(rate_basis="contracted")
    today = timezone.localdate()
    first, second = today - timedelta(days=70), today - timedelta(days=20)
    for amount, applies_from in (("13.00", first), ("14.00", second)):
        ContractedRate.objects.create(
            category=market.home_care,
            unit="hour",
            amount=Decimal(amount),
            applies_from=applies_from,
        )
    figures = compute("ras_rate", Options(period_months=6))
    expected = [
        "7.00" if day >= second else "6.50" if day >= first else None
        for day in month_ends(months=6)
    ]
    assert [row["rate"] for row in figures.rows] == expected
    assert expected[0] is None and expected[-1] == "7.00"
    assert figures.summary.startswith("The RAS rate indicates budgets at £7.00 a week per point")
    assert "On its rate basis (the council's contracted rate)" in figures.summary


def test_no_active_scheme_gives_a_note(market):
    figures = compute("ras_rate", Options())
    assert figures.rows == [] and "no active RAS scheme" in figures.summary


def test_summaries_count_in_words_that_agree(market):
    # Issue 20: "1 support plans", "The most: No category chosen (11)".
    search("", "", 0)
    figures = compute("low_result_searches", Options(period_months=12))
    assert figures.summary == (
        "In the last 12 months, 1 search found few or no services; 1 found none. "
        "The largest group: searches with no category chosen, with 1."
    )
