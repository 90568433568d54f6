"""Journeys that stumbled in issue 20's walk through the site, in a real browser."""

import pytest

from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.site_pages import DEMO_SERVICE, sign_in


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


def test_a_service_is_added_to_the_plan_from_its_own_page_and_back_to_the_plan(page, site_url):
    # It could be added only from the shortlist (issue 20).
    sign_in(page, site_url)
    page.goto(f"{site_url}/plans/new/")
    page.get_by_label("Who is the plan for?").fill("Browser Plan")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the plan").click()
    plan_url = page.url

    page.goto(f"{site_url}/services/{DEMO_SERVICE}/")
    add = page.locator("#add-to-plan")
    assert add.is_visible() and "Add to the plan for Browser Plan" in add.inner_text()
    with page.expect_navigation():
        add.click()
    page.locator("input[name=price_option]").first.check()
    page.locator("input[name=quantity]").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Add to the plan").click()

    assert page.url == plan_url
    assert page.locator(f"#plan-lines a[href='/services/{DEMO_SERVICE}/']").first.is_visible()


def test_a_very_long_word_does_not_widen_the_search_page(browser, site_url):
    # Issue 20: a 2,000-character word overflowed the search page.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/search/?q={'a' * 2000}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_review_text_is_in_the_sites_font(page, site_url):
    # Issue 20: what reviewers wrote rendered in Times New Roman.
    page.goto(f"{site_url}/services/{DEMO_SERVICE}/")
    text = page.locator(".app-review__text p").first
    body = page.locator(".govuk-body").first
    family = text.evaluate("el => getComputedStyle(el).fontFamily")
    assert family == body.evaluate("el => getComputedStyle(el).fontFamily")
    assert "Times" not in family
