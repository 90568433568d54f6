"""Issue 20, the rest: the provider's menu on one line at 1280px (and behind "Menu" on a phone),
and the market dashboard's wide locality x category table with a cue that it scrolls."""

import io

import pytest
from PIL import Image

from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.site_pages import (
    DEMO_PROVIDER_EMAIL,
    DEMO_PROVIDER_PASSWORD,
    STAFF_SIGN_IN,
    sign_in,
)
from tests.browser.test_phone import assert_no_axe_violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

VISIBLE_MENU_ROWS = """() => {
  const boxes = [document.querySelector('.govuk-service-navigation__service-name'),
                 ...document.querySelectorAll('.govuk-service-navigation__item')]
    .map(element => element.getBoundingClientRect())
    .filter(box => box.width > 0);
  return [...new Set(boxes.map(box => Math.round(box.top)))];
}"""


def new_page(browser, viewport, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context, context.new_page()


def test_a_providers_menu_is_one_row_beside_the_service_name_at_1280px(browser, site_url):
    # The provider's menu (nine links with "Your organisation") took a second row under the
    # service name at 1280px: the account links now sit in the header.
    context, page = new_page(browser, DESKTOP)
    try:
        sign_in(page, site_url, DEMO_PROVIDER_EMAIL, DEMO_PROVIDER_PASSWORD)
        page.goto(f"{site_url}/provider/")
        assert len(page.evaluate(VISIBLE_MENU_ROWS)) == 1, "the menu takes more than one row"
        assert page.locator("#organisation-link").is_visible()
        account = page.get_by_role("navigation", name="Account")
        assert account.get_by_role("link", name="Your account").is_visible()
        assert account.get_by_role("link", name="Sign out").is_visible()
        # Each link once for a screen reader, not again in the service navigation.
        assert page.get_by_role("link", name="Sign out").count() == 1
        assert not page.get_by_role("button", name="Menu").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_signed_out_the_sign_in_link_is_in_the_header_on_a_desktop(browser, site_url):
    context, page = new_page(browser, DESKTOP)
    try:
        page.goto(f"{site_url}/")
        header_link = page.get_by_role("navigation", name="Account").get_by_role(
            "link", name="Sign in"
        )
        assert header_link.is_visible()
        assert page.get_by_role("link", name="Sign in").count() == 1
        assert len(page.evaluate(VISIBLE_MENU_ROWS)) == 1
    finally:
        context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_on_a_phone_the_account_links_are_in_the_menu(browser, site_url, javascript):
    context, page = new_page(browser, PHONE, javascript)
    try:
        sign_in(page, site_url, DEMO_PROVIDER_EMAIL, DEMO_PROVIDER_PASSWORD)
        page.goto(f"{site_url}/provider/")
        assert not page.get_by_role("navigation", name="Account").is_visible()
        menu = page.get_by_role("navigation", name="Menu")
        sign_out = menu.get_by_role("link", name="Sign out")
        if javascript:
            # GOV.UK's service navigation: the links behind a "Menu" button.
            assert not sign_out.is_visible()
            page.get_by_role("button", name="Menu").click()
        for name in ("Your organisation", "Your account", "Sign out"):
            assert menu.get_by_role("link", name=name).is_visible()
        # The dashboard's services table stacks (it was 691px wide on this 390px screen).
        cell = page.locator("#main-content td[data-label='What needs attention']").first
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"]
        if not javascript:
            return  # Playwright's evaluate (and so axe) never answers with JavaScript off
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert cell.evaluate("el => getComputedStyle(el).display") == "block"
        assert_no_axe_violations(page)
    finally:
        context.close()


def white_share(image: Image.Image, x: int) -> float:
    """The share of a column of pixels that is plain white (no shadow over it)."""
    pixels = [image.getpixel((x, y))[:3] for y in range(image.height)]
    return sum(1 for pixel in pixels if min(pixel) >= 250) / len(pixels)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_dashboard_matrix_shows_it_scrolls_and_scrolls_by_keyboard(browser, site_url, viewport):
    context, page = new_page(browser, viewport)
    try:
        sign_in(page, site_url, *STAFF_SIGN_IN["commissioner"])
        page.goto(f"{site_url}/commissioning/dashboard/")
        region = page.get_by_role("region", name="Services by locality and category")
        width, client_width = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert width > client_width, "the demo's matrix is wider than the page"
        # The page itself never scrolls sideways: the table does, inside its region.
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        # The demo has more than six categories: the hint shows at every width.
        hint = page.get_by_text("Scroll the table sideways")
        assert hint.is_visible()
        assert region.get_attribute("aria-describedby") == hint.get_attribute("id")

        # A shadow on the edge that has more table beyond it, and only there.
        region.scroll_into_view_if_needed()
        shot = Image.open(io.BytesIO(region.screenshot()))
        right, left = shot.width - 3, 2
        assert white_share(shot, right) < 0.2, "no shadow at the clipped right edge"
        assert white_share(shot, left) > 0.5, "a shadow on the left before scrolling"
        region.evaluate("el => { el.scrollLeft = el.scrollWidth }")
        shot = Image.open(io.BytesIO(region.screenshot()))
        assert white_share(shot, right) > 0.5, "a shadow on the right at the end"
        assert white_share(shot, left) < 0.2, "no shadow at the clipped left edge"
        region.evaluate("el => { el.scrollLeft = 0 }")

        # Keyboard users reach it with Tab and scroll it with the arrow keys.
        page.get_by_role("button", name="Show figures").focus()
        page.keyboard.press("Tab")
        assert region.evaluate("el => el === document.activeElement")
        outline = region.evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline == "solid"
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "el => el.scrollLeft > 0", arg=region.element_handle(), timeout=2_000
        )
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_every_admin_menu_item_fits_and_has_an_icon(browser, site_url):
    # Issue 20: "Safeguarding conc..." was cut off and "Budgets (RAS)" had no icon (it named
    # "calculator", an icon Wagtail does not have).
    context, page = new_page(browser, DESKTOP)
    try:
        sign_in(page, site_url, "admin@caremarket.example", "demo-admin-2026")
        page.goto(f"{site_url}/admin/")
        items = page.locator(".sidebar-menu-item__link").evaluate_all(
            """links => links.map(link => {
                 const label = link.querySelector('.menuitem-label');
                 const use = link.querySelector('svg use');
                 const icon = use && use.getAttribute('href');
                 return {
                   label: label ? label.innerText.trim() : link.innerText.trim(),
                   cut: label ? label.scrollWidth > label.clientWidth : false,
                   icon: !!(icon && document.querySelector(icon)),
                 };
               })"""
        )
        items = [item for item in items if item["label"]]  # the open menu's (sub-menus hide)
        labels = [item["label"] for item in items]
        assert "Safeguarding" in labels and "Budgets (RAS)" in labels, labels
        assert not [item["label"] for item in items if item["cut"]]
        assert not [item["label"] for item in items if not item["icon"]]
    finally:
        context.close()
