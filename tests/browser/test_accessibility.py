"""Automated accessibility checks (axe-core) of each public page type, in a real Chromium.

axe finds only part of what WCAG asks (perhaps a third); the rest needs manual testing with
a keyboard and a screen reader. A failure here is still always a real bug.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.site_pages import DEMO_SERVICE, PAGES, open_case, submit_main_form

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

_axe = Axe()


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation.get('impact')}): {violation['help']}"
            f"\n  {violation.get('helpUrl', '')}"
        )
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    at {target}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("case", PAGES, ids=[case.name for case in PAGES])
def test_page_has_no_axe_violations(page, site_url, case):
    response = open_case(page, site_url, case)

    assert response is not None, f"{case.path}: no response"
    assert response.status == case.status, (
        f"{case.path} ({case.state}) answered {response.status}, expected {case.status}"
    )
    if case.state != "plain" and not case.state.endswith("empty-submit"):
        assert page.url.endswith(case.path), f"not signed in: ended at {page.url}"
    if case.state.endswith("empty-submit"):
        assert page.locator(".govuk-error-summary").count() == 1, "no error summary shown"
    h1_count = page.locator("h1").count()
    assert h1_count == 1, f"{case.path}: expected exactly one <h1>, found {h1_count}"

    results = _axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, (
        f"{len(violations)} axe violation(s) on {case.path} ({case.state}):\n"
        + format_violations(violations)
    )


def assert_no_violations(page) -> None:
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, format_violations(violations)


def test_the_concern_confirmation_has_no_axe_violations(page, site_url):
    """The confirmation page needs a concern sent first (and the form's warning for danger)."""
    page.goto(f"{site_url}/services/{DEMO_SERVICE}/concern/")
    page.locator("input[name=danger_now][value=yes]").check()
    page.locator("textarea[name=description]").fill("A test concern from the axe check.")
    page.locator("input[name=person_knows][value=unsure]").check()
    response = submit_main_form(page)
    assert response.status == 200 and page.url.endswith("/report-a-concern/sent/")
    assert page.locator("h1").count() == 1
    assert_no_violations(page)


def _axe_clean(page, what: str) -> None:
    assert page.locator("h1").count() == 1, f"{what}: expected exactly one <h1>"
    violations = _axe.run(page, options=AXE_OPTIONS).response["violations"]
    assert not violations, f"{what}:\n" + format_violations(violations)


def test_sign_off_and_panel_pages_have_no_axe_violations(page, site_url):
    """The practitioner's sign-off page (with a plan outside tolerance) and the panel's
    decision page, with its error summary (issue 17)."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from marketplace.plans import services
    from marketplace.plans.models import SupportPlan
    from tests.browser.site_pages import STAFF_SIGN_IN, sign_in

    users = get_user_model().objects
    owner = users.get(email="public@caremarket.example")
    practitioner = users.get(email=STAFF_SIGN_IN["practitioner"][0])
    plan = services.plan_create(
        user=owner, person_name="Axe Test", budget=Decimal("500.00"), budget_source="council"
    )
    services.plan_set_outcomes(user=owner, plan=plan, outcomes=["Stay at home"])
    services.plan_add_informal_line(user=owner, plan=plan, description="Lunch club")
    services.plan_add_membership_line(
        user=owner, plan=plan, description="Garden", yearly_cost=Decimal("78.00")
    )
    services.plan_submit(user=owner, plan=plan)
    share = services.plan_share(
        user=owner, plan=plan, name="Sam", email=practitioner.email, access="view"
    )
    services.plan_share_accept(user=practitioner, share=share)
    try:
        sign_in(page, site_url, *STAFF_SIGN_IN["practitioner"])
        page.goto(f"{site_url}/plans/{plan.uuid}/agree/")
        _axe_clean(page, "sign-off page")
        page.goto(f"{site_url}/plans/{plan.uuid}/cost-before-ras/")
        _axe_clean(page, "cost before the RAS page")
        services.plan_refer_to_panel(user=practitioner, plan=plan)
        page.context.clear_cookies()
        sign_in(page, site_url, *STAFF_SIGN_IN["panel"])
        page.goto(f"{site_url}/plans/{plan.uuid}/panel/")
        _axe_clean(page, "panel decision page")
        page.locator("main form[method=post] button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".govuk-error-summary").count() == 1
        _axe_clean(page, "panel decision page with errors")
    finally:
        SupportPlan.objects.filter(pk=plan.pk).delete()
