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
