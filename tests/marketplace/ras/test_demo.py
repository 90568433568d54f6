"""The demo scheme and historic cases, loaded by the real demo command."""

from collections import Counter

import pytest
from django.core.management import call_command

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
