"""Publishing freezes the figures: a published version reads the same later, while the live
view follows the catalogue and says what changed."""

from decimal import Decimal
from unittest.mock import patch

from django.core import mail

import pytest
from bs4 import BeautifulSoup

from catalogue import services as catalogue
from market_statement.blocks import FiguresSource
from market_statement.models import StatementVersion, Subscription
from market_statement.services import statement_version_record
from tests.factories import make_provider, make_user
from tests.market_statement.conftest import (
    data_block,
    publish_statement,
    republish,
    statement_body,
)

pytestmark = pytest.mark.django_db

BEACON_HOME_CARE = data_block(
    "price_figures",
    "Home care prices in Beacon",
    metric="price_summary",
    category="home-care",
    locality="b",
    period_months="12",
)


def medians(response) -> list[str]:
    """The median column of every price table on the page."""
    page = BeautifulSoup(response.content, "html.parser")
    values = []
    for table in page.select(".app-mps-figures table.govuk-table"):
        headers = [th.get_text(strip=True) for th in table.select("thead th")]
        if "Median" not in headers:
            continue
        index = headers.index("Median")
        for row in table.select("tbody tr"):
            values.append(row.find_all(["th", "td"])[index].get_text(strip=True))
    return values


def change_beacon_price(market, amount: str):
    owner = make_provider(market.o1)
    option = market.s2.price_options.get()
    catalogue.price_option_save(
        user=owner,
        service=market.s2,
        option=option,
        label=option.label,
        amount=Decimal(amount),
        unit="hour",
    )


def test_publishing_records_a_version_with_the_figures_of_every_data_block(home_page, market):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    version = StatementVersion.objects.get(page=page)
    assert version.number == 1
    assert version.revision_id == page.live_revision_id
    [block] = page.data_blocks()
    frozen = version.figures[block.id]
    assert frozen["metric"] == "price_summary"
    assert frozen["rows"][0]["median"] == "24.00"


def test_published_figures_stay_while_live_figures_follow_a_price_change(client, home_page, market):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    assert medians(client.get(page.url)) == ["£24.00"]

    change_beacon_price(market, "26.00")

    published = client.get(page.url)
    assert medians(published) == ["£24.00"]
    assert "Published figures as of" in published.text
    live = client.get(page.url, {"figures": "live"})
    assert medians(live) == ["£26.00"]
    changes = BeautifulSoup(live.content, "html.parser").select_one(".app-mps-changes")
    text = " ".join(changes.get_text(" ", strip=True).split())
    assert "What changed since publication" in text
    assert "Care at home > Home care Median £24.00 £26.00" in text


def test_a_new_version_freezes_new_figures_and_the_old_one_keeps_its_own(client, home_page, market):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    change_beacon_price(market, "26.00")
    page = republish(page)
    assert list(page.versions.values_list("number", flat=True)) == [2, 1]
    assert medians(client.get(page.url)) == ["£26.00"]
    old = client.get(f"/market-statement/{page.pk}/versions/1/")
    assert old.status_code == 200
    assert medians(old) == ["£24.00"]
    assert "You are reading an earlier version: version 1" in old.text
    listing = client.get(f"/market-statement/{page.pk}/versions/")
    assert "Version 2" in listing.text and "Version 1" in listing.text


def test_the_text_of_an_old_version_is_the_text_published_then(client, home_page, market):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    page.body = [
        {"type": "heading", "value": {"text": "A new section", "level": "h2"}},
        BEACON_HOME_CARE,
    ]
    republish(page)
    assert "A new section" in client.get(page.url).text
    old = client.get(f"/market-statement/{page.pk}/versions/1/")
    assert "A new section" not in old.text
    assert "How the market stands." in old.text


def test_recording_the_same_revision_twice_keeps_one_version(home_page, market):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    again = statement_version_record(page=page, revision=page.live_revision)
    assert again.number == 1
    assert page.versions.count() == 1


def test_a_draft_preview_shows_live_figures(home_page, market):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    change_beacon_price(market, "26.00")
    response = page.make_preview_request()
    html = response.content.decode()
    assert response.status_code == 200
    assert "The figures are live; they are frozen when the statement is published." in html
    assert "£26.00" in html and "£24.00" not in html


def test_subscribers_get_an_email_for_each_new_version(
    home_page, market, django_capture_on_commit_callbacks
):
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    provider = make_provider(market.o1, email="owner@provider.example")
    other = make_user("someone@example.org")
    Subscription.objects.create(page=page, user=provider)
    Subscription.objects.create(page=page, user=other)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        republish(page)
    assert sorted(m.to[0] for m in mail.outbox) == ["owner@provider.example", "someone@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees another subscriber
    assert mail.outbox[0].subject == "New version of Market position statement 2026 (version 2)"
    assert page.url in mail.outbox[0].body


def test_frozen_sections_render_once_and_live_figures_every_time(client, home_page, market):
    """A published version's blocks depend only on the stored body and the version: later
    readers get them from the cache. Live figures are worked out for each reader."""
    page = publish_statement(home_page, statement_body(BEACON_HOME_CARE))
    with patch.object(FiguresSource, "view", autospec=True, side_effect=FiguresSource.view) as view:
        first = client.get(page.url)
        assert view.call_count == 1
        again = client.get(page.url)
        assert view.call_count == 1
        assert medians(again) == medians(first) == ["£24.00"]
        client.get(page.url, {"figures": "live"})
        client.get(page.url, {"figures": "live"})
        assert view.call_count == 3
    # A change to the text shows at once, whatever the cache holds.
    page.body = [
        {"type": "paragraph", "value": "<p>Rewritten for spring.</p>"},
        BEACON_HOME_CARE,
    ]
    republish(page)
    assert "Rewritten for spring." in client.get(page.url).text
