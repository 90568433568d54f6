"""The demo scheme and historic cases, loaded by the real demo command."""

from collections import Counter
from decimal import Decimal

from django.core.management import call_command

import pytest

from marketplace.accounts.models import User
from marketplace.demo.catalogue import load_catalogue
from marketplace.demo.ras import load_ras, synthetic_cases_csv
from marketplace.ras import selectors, services
from marketplace.ras.models import Assessment, Domain, HistoricCase, Question, SchemeVersion


def test_synthetic_cases_are_the_same_every_time():
    first = synthetic_cases_csv()
    assert first == synthetic_cases_csv()
    assert first != synthetic_cases_csv(seed=1)
    cases = services.parse_cases(first)
    assert len(cases) == 2000
    assert Counter(c.client_group for c in cases) == {
        "Older people": 900,
        "Learning disability": 600,
        "Physical disability": 500,
    }


@pytest.fixture
def small_demo(db):
    """Pages, accounts and the small catalogue, then the RAS step (the other demo steps are
    other parts' business)."""
    call_command("load_demo_data", "--catalogue=none", verbosity=0)
    load_catalogue(size="small", moderator=User.objects.get(email="moderator@caremarket.example"))
    return load_ras()


def test_the_demo_has_an_active_scheme_priced_from_the_catalogue(small_demo, client):
    assert "2000 historic cases" in str(small_demo)
    scheme = selectors.active_scheme()
    assert scheme is not None
    domains = Domain.objects.filter(scheme=scheme)
    assert domains.filter(kind=Domain.Kind.PERSON).count() == 10
    assert Question.objects.filter(domain__scheme=scheme, domain__kind="carer").count() == 2
    rate = selectors.scheme_rate(scheme)
    assert rate.money_per_point is not None and rate.money_per_point > 0
    assert all(r.overall is not None for r in rate.references)  # every reference has prices
    assert scheme.rate_mode == SchemeVersion.RateMode.MARKET
    assert HistoricCase.objects.count() == 2000
    assert Assessment.objects.exclude(person_name="").count() == 2
    # A second load changes nothing.
    load_ras()
    assert SchemeVersion.objects.count() == 1 and HistoricCase.objects.count() == 2000
    start = client.get("/budget/estimate/")
    assert start.status_code == 200 and b"Start now" in start.content


def test_the_demo_home_care_market_rate_counts_one_standard_price_per_service(
    demo_full_catalogue,
):
    """The full demo catalogue: 32 home care services list 96 hourly prices (weekday daytime,
    evenings and weekends, bank holidays). Counting every price gave £33.00 and £15.06 a point;
    one standard price per service gives the weekday median, £28.00, and £13.06 a point
    (0.4 x £28.00 + 0.05 x £23.00 domestic help + 0.03 x £23.50 befriending)."""
    rate = selectors.scheme_rate(selectors.active_scheme())
    home_care = rate.references[0]
    assert home_care.reference.name == "Home care per hour"
    assert len(home_care.counted) == 32
    assert sum(len(service.prices) for service in home_care.counted) == 96
    assert (home_care.overall.rate, home_care.overall.count) == (Decimal("28.00"), 32)
    assert [r.overall.rate for r in rate.references[1:]] == [Decimal("23.00"), Decimal("23.50")]
    assert rate.money_per_point == Decimal("13.06")
