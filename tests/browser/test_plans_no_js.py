"""Support plans beyond the catalogue, reviews and carers' linked plans (issue 21), in Chromium
with JavaScript off, and axe (WCAG 2.2 A/AA) on every page they added: the PA, membership and
one-off forms, a line's outcomes and payment, the outcomes and contingency pages, asking for
and recording a review (with its error summary), the commissioners' review figures, asking to
link plans, answering the request and the two plans side by side."""

from decimal import Decimal
from uuid import uuid4

import pytest

from catalogue.templatetags.catalogue_tags import money
from core.roles import Role
from marketplace.plans import services
from marketplace.plans.models import PlanLine, PlanLink, PlanReview, SupportPlan
from marketplace.ras.models import Assessment, SchemeVersion
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.site_pages import STAFF_SIGN_IN, sign_in, submit_main_form
from tests.browser.test_accessibility import AXE_OPTIONS, _axe, format_violations
from tests.factories import DEFAULT_PASSWORD, make_user

D = Decimal


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context.new_page()
    context.close()


def new_user(*roles):
    return make_user(f"{uuid4().hex[:10]}@example.org", *roles)


def sign_in_as(page, site_url, user):
    response = sign_in(page, site_url, user.email, DEFAULT_PASSWORD)
    assert response.status < 400


def assert_accessible(page, what: str, *, url: str = "", submit_empty: bool = False) -> None:
    """axe on the page `page` shows (or on `url`), in a JavaScript-on copy of its session: axe
    is a script, so it cannot run in the no-JS page itself. With `submit_empty`, the form is
    sent empty first, to check the error summary state."""
    context = page.context.browser.new_context(storage_state=page.context.storage_state())
    try:
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        js_page = context.new_page()
        response = js_page.goto(url or page.url)
        assert response is not None and response.status == 200, f"{what}: {response}"
        if submit_empty:
            submit_main_form(js_page)
            assert js_page.locator(".govuk-error-summary").count() == 1, f"{what}: no errors"
        assert js_page.locator("h1").count() == 1, f"{what}: expected one <h1>"
        violations = _axe.run(js_page, options=AXE_OPTIONS).response["violations"]
        assert not violations, f"axe on {what}:\n" + format_violations(violations)
    finally:
        context.close()


def test_adding_a_pa_line_without_javascript(no_js_page, site_url):
    page = no_js_page
    owner = new_user()
    plan = services.plan_create(user=owner, person_name="Jane")
    sign_in_as(page, site_url, owner)
    page.goto(f"{site_url}{plan.get_absolute_url()}")
    with page.expect_navigation():
        page.get_by_role("button", name="Add a personal assistant").click()
    assert_accessible(page, "the PA form")

    assert_accessible(page, "the PA form with errors", submit_empty=True)
    response = submit_main_form(page)  # empty, without JavaScript: the error summary
    assert response.status == 200
    assert page.locator(".govuk-error-summary").count() == 1

    page.get_by_label("Hourly pay, in pounds").fill("13.50")
    page.get_by_label("Hours a week").fill("24")
    page.get_by_label("Direct payment").check()
    submit_main_form(page)
    assert page.url.endswith(plan.get_absolute_url())
    line = PlanLine.objects.get(plan=plan)
    assert (line.kind, line.unit_amount, line.quantity, line.paid_by) == (
        "pa",
        D("13.50"),
        D("24.00"),
        "direct-payment",
    )
    assert page.locator("#weekly-total").inner_text().strip() == money(line.pa_costs.weekly)
    assert page.locator(f"#line-{line.pk}-route").inner_text().strip() == "Paid by: Direct payment"
    for part in line.pa_costs.parts:
        assert money(part.weekly) in page.locator(f"#line-{line.pk}-{part.key}").inner_text()
    assert_accessible(page, "the plan with a PA line")

    base = f"{site_url}/plans/{plan.uuid}"
    for path, what in [
        ("/lines/add-membership/", "the membership form"),
        ("/lines/add-one-off/", "the one-off item form"),
        (f"/lines/{line.pk}/", "changing the PA's hours"),
        (f"/lines/{line.pk}/outcomes/", "the line's outcomes"),
        (f"/lines/{line.pk}/payment/", "the line's payment"),
        ("/outcomes/", "the outcomes and needs"),
        ("/contingency/", "the contingency"),
        ("/link/", "asking to link plans"),
        ("/print/", "the print view"),
    ]:
        assert_accessible(page, what, url=base + path)
    # The error summaries of the new forms.
    for path, what in [
        ("/lines/add-membership/", "the membership form with errors"),
        ("/lines/add-one-off/", "the one-off item form with errors"),
        ("/link/", "asking to link plans, with errors"),
    ]:
        assert_accessible(page, what, url=base + path, submit_empty=True)


def agreed_plan_with_practitioner():
    owner, practitioner = new_user(), new_user(Role.PRACTITIONER)
    plan = services.plan_create(
        user=owner, person_name="Jane", budget=D("20.00"), budget_source="own"
    )
    services.plan_set_outcomes(user=owner, plan=plan, outcomes=["Stay at home", "See friends"])
    services.plan_add_membership_line(
        user=owner, plan=plan, description="Garden club", yearly_cost=D("78.00")
    )
    services.plan_submit(user=owner, plan=plan)
    share = services.plan_share(
        user=owner, plan=plan, name="Sam", email=practitioner.email, access="view"
    )
    services.plan_share_accept(user=practitioner, share=share)
    services.plan_agree(user=practitioner, plan=plan)
    return owner, practitioner, plan


def test_recording_a_review_without_javascript(no_js_page, site_url):
    page = no_js_page
    owner, practitioner, plan = agreed_plan_with_practitioner()
    review = plan.reviews.get()
    # The practitioner has reassessed Jane since: the form offers that assessment's figure.
    Assessment.objects.create(
        scheme_version=SchemeVersion.objects.order_by("pk").first(),
        points=D("27"),
        money_per_point=D("15.56"),
        weekly_budget=D("420.00"),
        person_name="Jane",
        person_email=owner.email,
        recorded_by=practitioner,
    )
    sign_in_as(page, site_url, practitioner)
    page.goto(f"{site_url}{plan.get_absolute_url()}")
    with page.expect_navigation():
        page.get_by_role("link", name="Record the review").click()
    assert page.get_by_label("No reassessment").is_checked()
    assert_accessible(page, "recording a review, a reassessment offered")
    assert_accessible(page, "recording a review, with errors", submit_empty=True)
    submit_main_form(page)
    assert page.locator(".govuk-error-summary").count() == 1

    stay, friends = plan.outcome_items.order_by("sort_order")
    page.locator(f"input[name=outcome_{stay.pk}][value=achieved]").check()
    page.locator(f"input[name=outcome_{friends.pk}][value=partly]").check()
    page.get_by_label("What the support cost since the last review, in pounds").fill("12.00")
    page.get_by_label("What the person thinks, in their own words").fill("The club helps.")
    page.get_by_label("Continue the plan as it is").check()
    submit_main_form(page)
    assert page.url.endswith(plan.get_absolute_url())
    review.refresh_from_db()
    assert (review.status, review.decision, review.cost_in_period) == (
        "done",
        "continue",
        D("12.00"),
    )
    done = page.locator(f"#review-{review.pk}").inner_text()
    assert "Stay at home: Achieved" in done and "See friends: Partly achieved" in done
    nxt = plan.reviews.pending().get()
    assert nxt.due_on.strftime("%-d %B %Y") in page.locator(f"#review-{nxt.pk}").inner_text()
    assert_accessible(page, "the plan with a recorded review")

    # The owner asks for an early review; the commissioners see the figures.
    page.context.clear_cookies()
    sign_in_as(page, site_url, owner)
    page.goto(f"{site_url}/plans/{plan.uuid}/reviews/ask/")
    assert_accessible(page, "asking for a review")
    assert_accessible(page, "asking for a review, with errors", submit_empty=True)
    page.get_by_label("What has changed?").fill("Bill works longer hours now.")
    submit_main_form(page)
    assert plan.reviews.filter(kind=PlanReview.Kind.UNSCHEDULED).count() == 1
    page.context.clear_cookies()
    sign_in(page, site_url, *STAFF_SIGN_IN["commissioner"])
    page.goto(f"{site_url}/commissioning/plans/reviews/")
    assert_accessible(page, "the review figures")


def test_linking_a_carers_plan_without_javascript(no_js_page, site_url):
    page = no_js_page
    carer, cared_for = new_user(), new_user()
    carer_plan = services.plan_create(user=carer, person_name="Carla", plan_for="carer")
    person_plan = services.plan_create(user=cared_for, person_name="Jane")
    sign_in_as(page, site_url, carer)
    page.goto(f"{site_url}/plans/{carer_plan.uuid}/link/")
    page.get_by_label("Their email address").fill(cared_for.email)
    page.get_by_label("I agree that, once they confirm").check()
    submit_main_form(page)
    link = PlanLink.objects.get(from_plan=carer_plan)
    assert "not confirmed yet" in page.locator("#links").inner_text()
    assert_accessible(page, "the carer's plan with a request waiting")

    page.context.clear_cookies()
    sign_in_as(page, site_url, cared_for)
    page.goto(f"{site_url}{link.accept_path}")
    assert_accessible(page, "answering a request to link plans")
    assert "Carla" not in page.locator("main").inner_text()
    page.get_by_label("Jane (the person's own support)").check()
    page.get_by_label("I agree that we both see our two plans side by side").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Link the plans").click()
    assert page.url.endswith(f"/plans/{person_plan.uuid}/linked/{link.pk}/")
    assert "Carla" in page.locator("#side-carer").inner_text()
    assert_accessible(page, "the two plans side by side")
    with page.expect_navigation():
        page.get_by_role("button", name="Unlink the plans").click()
    link.refresh_from_db()
    assert link.ended_by == cared_for
    assert not SupportPlan.objects.get(pk=person_plan.pk).links_confirmed.confirmed().exists()
