"""The demo's contracting and trading dates (issue 17): contracted rates beside the market
rate, listings on the council's frameworks, and services that started trading over the years.
Loaded by the real demo command (small catalogue); a reload keeps what an editor changed."""

from datetime import date, timedelta
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from catalogue import services as catalogue_services
from catalogue.models import Service
from market_statement.metrics import Options, compute
from marketplace.accounts.models import User
from marketplace.ras import selectors
from marketplace.ras import services as ras
from marketplace.ras.models import ContractedRate

pytestmark = pytest.mark.django_db

SMALL_FRAMEWORK = {
    "Home care in Shrewsbury",  # Larch Home Care Ltd, listed from the CQC register
    "Home care in Bridgnorth",
    "Home care in Shifnal",
    "Home care in Ludlow",
}


def reload() -> None:
    call_command("load_demo_data", "--catalogue=small", verbosity=0)


def commissioner() -> User:
    return User.objects.get(email="commissioner@caremarket.example")


def text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def test_the_market_rate_page_shows_the_gap_to_the_contracted_rate(demo, client):
    rates = ContractedRate.objects.filter(category__slug="home-care").order_by("applies_from")
    assert [(r.amount, r.applies_from) for r in rates] == [
        (Decimal("23.80"), date(2024, 4, 1)),
        (Decimal("25.40"), date(2025, 4, 1)),
    ]
    assert ContractedRate.objects.get(category__slug="cleaning").amount == Decimal("19.75")
    assert not ContractedRate.objects.filter(category__slug="befriending").exists()

    client.force_login(commissioner())
    page = text(client.get("/commissioning/ras/market-rate/"))

    assert "£25.40 per hour, from 1 April 2025: Westshire home care framework 2025" in page
    assert "The contracted rate is" in page and "below the market median" in page
    assert "None recorded" in page  # befriending


def test_the_framework_search_filter_finds_the_demo_framework_listings(demo, client):
    marked = Service.objects.filter(on_council_framework=True)
    assert {s.name for s in marked} == SMALL_FRAMEWORK
    assert {s.framework_note for s in marked} == {"Westshire home care framework 2025 to 2029"}

    # The demo loaded inside the test's transaction: index it as a commit would.
    call_command("rebuild_search_index", verbosity=0)
    page = BeautifulSoup(client.get("/search/?framework=1").content, "html.parser")

    found = {int(card["data-service-id"]) for card in page.select("li.app-card")}
    assert found == {s.pk for s in marked}


def test_a_reload_keeps_what_a_commissioner_changed(demo):
    home_care = ContractedRate.objects.filter(category__slug="home-care").first()
    reference = selectors.active_scheme().reference_services.get(category__slug="home-care")
    ras.contracted_rate_record(
        user=commissioner(),
        reference=reference,
        amount=Decimal("26.10"),
        applies_from=date(2026, 4, 1),
        note="Uplift",
    )
    taken_off = Service.objects.get(name="Home care in Shifnal", on_council_framework=True)
    catalogue_services.service_framework_set(
        user=commissioner(), service=taken_off, on_framework=False
    )
    rates_before = ContractedRate.objects.count()

    reload()

    assert ContractedRate.objects.count() == rates_before
    assert ContractedRate.objects.in_force(
        category=home_care.category, unit="hour", on=date(2026, 5, 1)
    ).amount == Decimal("26.10")
    taken_off.refresh_from_db()
    assert taken_off.on_council_framework is False
    assert Service.objects.filter(on_council_framework=True).count() == 3


def test_demo_services_started_trading_over_the_years(demo):
    starts = list(Service.objects.values_list("started_trading_on", flat=True))
    dated = sorted(d for d in starts if d is not None)
    today = timezone.localdate()
    assert len(dated) >= 0.8 * len(starts)
    assert today - dated[0] > timedelta(days=10 * 365)  # some long established
    assert dated[-1] <= today
    recent = [d for d in dated if today - d < timedelta(days=365)]
    assert 0 < len(recent) < 0.25 * len(starts)  # a trickle of new services, not the market

    figures = compute("openings_closures", Options(period_months=12))
    opened = sum(row["opened"] for row in figures.rows if " > " not in row["label"])
    assert 0 < opened < Service.objects.visible().count()
    assert "not counted as opened" in figures.notes[1]
