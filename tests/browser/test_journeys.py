"""Journeys that stumbled in issue 20's walk through the site, in a real browser."""

import pytest

from tests.browser.conftest import DEFAULT_TIMEOUT_MS


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def test_adding_to_the_shortlist_comes_back_to_the_same_card(no_js_page, site_url):
    # It used to reload the results at the top of the page.
    page = no_js_page
    page.goto(f"{site_url}/search/?q=care")
    card = page.locator("[data-service-results] > li").nth(5)
    service_id = card.get_attribute("data-service-id")

    with page.expect_navigation():
        card.get_by_role("button", name="Add to shortlist").click()

    assert page.url.endswith(f"#service-{service_id}")
    card = page.locator(f"li#service-{service_id}")
    assert card.get_by_role("button", name="Remove from shortlist").is_visible()
    box = card.bounding_box()
    assert -1 <= box["y"] < 800, f"the card is at {box['y']}px, out of view"
    assert page.evaluate("window.scrollY") > 0


def test_the_postcode_from_search_gives_the_distance_on_the_service_page(no_js_page, site_url):
    page = no_js_page
    page.goto(f"{site_url}/search/?q=care&postcode=WV16+4AA")
    with page.expect_navigation():
        page.locator("[data-service-results] > li h3 a").first.click()

    assert "postcode" not in page.url
    assert "from WV16 4AA" in page.locator("#distance-result").inner_text()
