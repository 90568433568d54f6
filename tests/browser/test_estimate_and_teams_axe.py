"""axe on the pages issue 17's prevention-first estimate and practitioner teams changed: the
estimate result with needs (signposts to reablement, telecare, equipment and community
services), the £0 estimate (advice and how to ask for a needs assessment), and the practitioner
teams admin pages, and moving a case to another team."""

from tests.browser.site_pages import sign_in, submit_main_form
from tests.browser.test_accessibility import _axe_clean

ADMIN = ("admin@caremarket.example", "demo-admin-2026")


def answer_questionnaire(page, site_url, *, needs: bool) -> None:
    """Walk the demo questionnaire a page at a time: the last answer to every question (many
    needs) or the first (none; no carer), to the check page, then see the result."""
    page.goto(f"{site_url}/budget/estimate/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    for _ in range(30):
        if page.url.endswith("/budget/estimate/check/"):
            break
        names = page.eval_on_selector_all(
            "main input[type=radio]", "inputs => [...new Set(inputs.map(i => i.name))]"
        )
        for name in names:
            radios = page.locator(f"main input[type=radio][name='{name}']")
            (radios.last if needs else radios.first).check()
        submit_main_form(page)
    assert page.url.endswith("/budget/estimate/check/"), page.url
    submit_main_form(page)
    assert "/budget/estimate/result/" in page.url


def test_the_estimate_result_with_signposts_has_no_axe_violations(page, site_url):
    answer_questionnaire(page, site_url, needs=True)
    assert page.locator("#signposts a").count() >= 3
    assert page.get_by_text("Money per point").count() == 0
    _axe_clean(page, "estimate result with needs")


def test_the_zero_estimate_has_no_axe_violations(page, site_url):
    answer_questionnaire(page, site_url, needs=False)
    assert page.locator("h1").inner_text().strip() == "Your estimate: no personal budget"
    assert page.locator("#ask-for-an-assessment").count() == 1
    assert page.get_by_text("Start a support plan").count() == 0
    _axe_clean(page, "£0 estimate")


def test_the_practitioner_teams_admin_has_no_axe_violations(page, site_url):
    from django.contrib.auth import get_user_model

    from marketplace.ras.models import PractitionerTeam
    from tests.browser.site_pages import STAFF_SIGN_IN

    # Saving the form is tested in tests/marketplace/ras/test_teams.py; here a team exists.
    team = PractitionerTeam.objects.create(name="Axe community team")
    team.members.add(get_user_model().objects.get(email=STAFF_SIGN_IN["practitioner"][0]))
    try:
        sign_in(page, site_url, *ADMIN)
        page.goto(f"{site_url}/admin/ras/teams/")
        assert page.get_by_text("Axe community team").count() >= 1
        _axe_clean(page, "practitioner teams list")
        page.goto(f"{site_url}/admin/ras/teams/new/")
        assert page.locator("input[name=members]").count() >= 1
        _axe_clean(page, "new practitioner team form")
    finally:
        team.delete()


def test_the_move_case_to_another_team_page_has_no_axe_violations(page, site_url):
    """A practitioner moves a case of their team to another team (the form, its error summary
    and the team history after the move); the case is put back afterwards."""
    from marketplace.ras.models import Assessment, PractitionerTeam
    from tests.browser.site_pages import STAFF_SIGN_IN

    case = Assessment.objects.filter(
        person_name="Alex Morgan", recorded_by__email=STAFF_SIGN_IN["practitioner"][0]
    ).first()
    home = case.team
    other = PractitionerTeam.objects.create(name="Axe north team")
    try:
        sign_in(page, site_url, *STAFF_SIGN_IN["practitioner"])
        page.goto(f"{site_url}/budget/assessments/{case.uuid}/team/")
        assert page.locator("input[name=team]").count() >= 1
        _axe_clean(page, "move a case to another team")
        submit_main_form(page)
        assert page.locator(".govuk-error-summary").count() == 1
        _axe_clean(page, "move a case to another team, with errors")
        page.locator("input[name=team]").last.check()
        page.locator("textarea[name=reason]").fill("Moved to the north of the county")
        submit_main_form(page)
        page.goto(f"{site_url}/budget/assessments/{case.uuid}/team/")
        assert page.locator("#team-history tbody tr").count() == 1
        _axe_clean(page, "team history after a move")
    finally:
        case.team_moves.all().delete()
        Assessment.objects.filter(pk=case.pk).update(team=home)
        other.delete()
