"""The core journeys work with JavaScript off (progressive enhancement)."""

import pytest

from tests.browser.site_pages import (
    DEMO_PUBLIC_EMAIL,
    DEMO_PUBLIC_PASSWORD,
    sign_in,
    submit_main_form,
)


@pytest.fixture
def context_options():
    return {"java_script_enabled": False}


def test_javascript_is_really_off(page, site_url):
    page.goto(f"{site_url}/")
    # base.html adds js-enabled to <body> from an inline script; with JS off it must not be there.
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or "")


def test_home_page_search_form_shows_results(page, site_url):
    page.goto(f"{site_url}/")
    page.locator("main form[role=search] input[name=q]").fill("care")
    with page.expect_navigation() as navigation:
        page.locator("main form[role=search] button[type=submit]").click()

    assert navigation.value.status == 200
    assert "/search/" in page.url
    assert "q=care" in page.url
    heading = page.locator("#results-heading")
    assert heading.is_visible()
    assert "for ‘care’" in heading.inner_text()
    assert page.locator(".app-search-results li").count() > 0


def test_sign_in_with_wrong_password_shows_error_summary_and_keeps_email(page, site_url):
    page.goto(f"{site_url}/accounts/login/")
    page.locator("input[name=login]").fill(DEMO_PUBLIC_EMAIL)
    page.locator("input[name=password]").fill("not-the-password")
    response = submit_main_form(page)

    assert response.status == 200
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    assert page.locator("input[name=login]").input_value() == DEMO_PUBLIC_EMAIL
    # The password is never echoed back.
    assert page.locator("input[name=password]").input_value() == ""
    assert page.title().startswith("Error: ")


def test_demo_public_user_can_sign_in(page, site_url):
    response = sign_in(page, site_url, DEMO_PUBLIC_EMAIL, DEMO_PUBLIC_PASSWORD)

    assert response.status == 200
    assert page.url.endswith("/accounts/profile/")
    assert page.locator("h1").inner_text().strip() == "Your account"
    assert DEMO_PUBLIC_EMAIL in page.locator("main").inner_text()
