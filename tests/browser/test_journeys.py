"""Journeys that stumbled in issue 20's walk through the site, in a real browser."""

import re

from django.core import mail

import pytest

from catalogue.models import Service
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.site_pages import DEMO_SERVICE, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user


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


def test_the_link_in_an_email_opens_on_the_port_the_site_runs_on(page, site_url, settings):
    # Issue 20: e-mail links pointed at port 8000 whatever port the site was served on. The
    # live server listens on a random port; BASE_URL still says 8000.
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    person = make_user("email-links@example.org")
    service = Service.objects.get(slug=DEMO_SERVICE)
    sign_in(page, site_url, person.email, DEFAULT_PASSWORD)
    page.goto(f"{site_url}/enquiries/new/?service={service.pk}")
    page.locator("textarea[name=needs]").fill("Help getting up each morning.")
    page.locator("input[name=for_whom]").first.check()
    page.locator("input[name=start]").first.check()
    page.locator("input[name=sender_name]").fill("Pat Public")
    sent_before = len(mail.outbox)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Send")).click()

    (receipt,) = [m for m in mail.outbox[sent_before:] if m.to == [person.email]]
    (link,) = re.findall(r"https?://\S+", receipt.body)
    assert link.startswith(f"{site_url}/"), link
    response = page.goto(link)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "Your enquiries"


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_with_javascript_the_shortlist_button_changes_in_place(browser, site_url, viewport):
    # Issue 20: adding to the shortlist reloaded the page at the top.
    from tests.browser.test_accessibility import assert_no_violations

    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{site_url}/search/?q=care")
        url = page.url
        navigations = []
        page.on("framenavigated", lambda frame: navigations.append(frame.url))
        card = page.locator("[data-service-results] > li").nth(5)
        button = card.get_by_role("button", name="Add to shortlist")
        button.scroll_into_view_if_needed()
        scrolled = page.evaluate("window.scrollY")
        assert scrolled > 0
        count = page.locator("#shortlist-link")
        assert count.inner_text() == "Shortlist (0)"

        button.click()

        remove = card.get_by_role("button", name="Remove from shortlist")
        remove.wait_for()
        assert count.inner_text() == "Shortlist (1)"
        assert page.evaluate("window.scrollY") == scrolled
        assert page.url == url and navigations == []
        assert page.evaluate("document.activeElement.closest('form').id").startswith("shortlist-")
        status = page.locator("[data-shortlist-status]")
        assert "has been added to your shortlist" in status.inner_text()
        assert_no_violations(page)

        remove.click()
        card.get_by_role("button", name="Add to shortlist").wait_for()
        assert count.inner_text() == "Shortlist (0)"
        assert page.evaluate("window.scrollY") == scrolled and navigations == []
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_the_review_page_has_one_title_and_passes_axe(browser, site_url, viewport):
    # Issue 20: the review page repeated its title.
    from ratings.models import Review
    from tests.browser.test_accessibility import assert_no_violations

    review = Review.objects.filter(status=Review.Status.PUBLISHED, hidden_by_reports=False).first()
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        page.goto(f"{site_url}{review.get_absolute_url()}")
        assert page.locator("main").get_by_text(review.title, exact=True).count() == 1
        text = page.locator(".app-review__text p").first
        assert "Times" not in text.evaluate("el => getComputedStyle(el).fontFamily")
        assert_no_violations(page)
    finally:
        context.close()


def test_the_signed_in_menu_is_one_line_at_1280px(browser, site_url):
    # Issue 20: the signed-in header wrapped to two lines at 1280px. The account links are in
    # the header from tablet width up (their menu items, for phones, are hidden: no box).
    from tests.browser.test_accessibility import assert_no_violations

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        sign_in(page, site_url)
        page.goto(f"{site_url}/search/?q=care")
        tops = page.evaluate(
            "[...document.querySelectorAll('.govuk-service-navigation__item')]"
            ".filter(item => item.offsetParent)"
            ".map(item => Math.round(item.getBoundingClientRect().top))"
        )
        assert len(tops) >= 6 and len(set(tops)) == 1, tops
        assert_no_violations(page)
    finally:
        context.close()
