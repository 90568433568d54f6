"""The core journeys work with JavaScript off (progressive enhancement)."""

import pytest

from tests.browser.site_pages import (
    DEMO_PUBLIC_EMAIL,
    DEMO_PUBLIC_PASSWORD,
    DEMO_SERVICE,
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


def test_from_a_listing_to_a_confirmed_concern(page, site_url):
    """Someone worried about a person's care follows the listing's link, makes a mistake, puts
    it right and gets a reference and the council's numbers, all without JavaScript."""
    page.goto(f"{site_url}/services/{DEMO_SERVICE}/")
    with page.expect_navigation():
        page.locator("#concern-link").click()
    assert page.url.endswith(f"/services/{DEMO_SERVICE}/concern/")
    main = page.locator("main").inner_text()
    assert main.index("call 999 first") < main.index("Report a concern about an adult")

    page.locator("input[name=danger_now][value=no]").check()
    page.locator("input[name=person_knows][value=no]").check()
    response = submit_main_form(page)  # nothing about what happened: an error
    assert response.status == 200
    assert "Tell us what happened." in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("input[name=danger_now][value=no]").is_checked()

    page.locator("textarea[name=description]").fill(
        "My father's carers have not come for three days and nobody answers the phone."
    )
    page.locator("input[name=happened_when]").fill("Since Monday")
    response = submit_main_form(page)
    assert response.status == 200
    assert page.url.endswith("/report-a-concern/sent/")
    panel = page.locator(".govuk-panel").inner_text()
    assert "Concern sent" in panel and "SG-" in panel
    text = page.locator("main").inner_text()
    assert "What happens next" in text
    assert "0118 496 0000" in text and "0118 496 0999" in text


def test_a_person_opens_the_assessment_sent_to_them_and_starts_their_own_plan(
    page, browser, context_options, site_url
):
    """Issue 17: the plan belongs to the person. The demo practitioner sends an assessment they
    recorded to the demo public user, who opens it and starts their own plan, JavaScript off."""
    from marketplace.plans.models import SupportPlan
    from marketplace.ras import selectors, services
    from marketplace.ras.models import Assessment, Domain
    from tests.browser.site_pages import STAFF_SIGN_IN

    scheme = selectors.active_scheme()
    choices = {}
    for domain in selectors.scheme_domains(scheme):
        # The most help in each part of daily life; no carer's support.
        pick = 0 if domain.kind == Domain.Kind.CARER else -1
        for question in domain.questions.all():
            choices[question.key] = list(question.options.all())[pick].key
    from django.contrib.auth import get_user_model

    practitioner = get_user_model().objects.get(email=STAFF_SIGN_IN["practitioner"][0])
    assessment = services.assessment_create(
        user=practitioner,
        person_name="Pat Public",
        client_group="older-people",
        answers=services.AnswerInput(choices=choices),
    )
    try:
        sign_in(page, site_url, *STAFF_SIGN_IN["practitioner"])
        page.goto(f"{site_url}/budget/estimate/result/{assessment.uuid}/")
        with page.expect_navigation():
            page.locator("#send-to-person a").click()
        page.locator("input[name=email]").fill(DEMO_PUBLIC_EMAIL)
        assert submit_main_form(page).status == 200
        assessment.refresh_from_db()
        assert assessment.invitation_token is not None

        person = browser.new_context(**context_options).new_page()
        sign_in(person, site_url, DEMO_PUBLIC_EMAIL, DEMO_PUBLIC_PASSWORD)
        person.goto(f"{site_url}{assessment.invitation_path}")
        assert person.locator("h1").inner_text().strip() == "Open your assessment"
        submit_main_form(person)
        assert person.url.endswith(f"/budget/estimate/result/{assessment.uuid}/")
        with person.expect_navigation():
            person.get_by_role("button", name="Start a support plan with this budget").click()
        assert person.locator("input[name=budget]").input_value() == str(assessment.weekly_budget)
        response = submit_main_form(person)
        assert response.status == 200
        plan = SupportPlan.objects.get(assessment=assessment)
        assert plan.owner.email == DEMO_PUBLIC_EMAIL
        assert person.url.endswith(plan.get_absolute_url())
        person.context.close()
    finally:
        SupportPlan.objects.filter(assessment=assessment).delete()
        Assessment.objects.filter(pk=assessment.pk).delete()
