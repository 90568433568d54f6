"""Contracted rates and the council framework flag in a real Chromium (issue 17): axe on the
commissioner's market rate page (with a contracted rate, its gap and history, and with an error
summary) and on a listing on the council's framework (the commissioner's form, the public tag)."""

from tests.browser.site_pages import DEMO_SERVICE, STAFF_SIGN_IN, sign_in
from tests.browser.test_accessibility import _axe_clean


def _submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").click()


def test_the_market_rate_page_with_contracted_rates_has_no_axe_violations(page, site_url):
    from marketplace.ras.models import ContractedRate, ReferenceService
    from marketplace.ras.selectors import active_scheme

    reference = ReferenceService.objects.filter(scheme=active_scheme()).first()
    assert reference is not None, "the demo has an active scheme with reference services"
    before = set(ContractedRate.objects.values_list("pk", flat=True))
    form = f"form[action$='/reference-services/{reference.pk}/contracted-rate/']"
    prefix = f"#id_contracted-{reference.pk}"
    try:
        sign_in(page, site_url, *STAFF_SIGN_IN["commissioner"])
        page.goto(f"{site_url}/commissioning/ras/market-rate/")
        # Bad input: the error summary, and nothing saved.
        page.locator(f"{prefix}-amount").fill("lots")
        _submit(page, form)
        assert page.locator(".govuk-error-summary").count() == 1
        assert "Enter the contracted rate as a number of pounds" in page.inner_text(
            ".govuk-error-summary"
        )
        _axe_clean(page, "market rate page with errors")
        # A good rate: the market figure, the contracted figure and the gap.
        page.locator(f"{prefix}-amount").fill("24.50")
        page.locator(f"{prefix}-applies_from").fill("2026-04-01")
        page.locator(f"{prefix}-note").fill("Home care framework 2026")
        _submit(page, form)
        assert page.locator(".govuk-error-summary").count() == 0
        summary = page.inner_text(f"#contracted-{reference.pk}")
        assert "£24.50" in summary and "Home care framework 2026" in summary
        assert "Gap" in summary
        _axe_clean(page, "market rate page with a contracted rate")
    finally:
        ContractedRate.objects.exclude(pk__in=before).delete()


def test_a_listing_on_the_councils_framework_has_no_axe_violations(page, site_url):
    from catalogue.models import Service

    service = Service.objects.get(slug=DEMO_SERVICE)
    was = (service.on_council_framework, service.framework_note)
    try:
        sign_in(page, site_url, *STAFF_SIGN_IN["commissioner"])
        page.goto(f"{site_url}/services/{DEMO_SERVICE}/")
        _axe_clean(page, "listing with the commissioner's framework form")
        page.locator("#framework-on").check()
        page.locator("#framework-note").fill("Home care framework 2026")
        _submit(page, "#framework-form")
        assert "On the council's framework" in page.inner_text("#council-framework")
        _axe_clean(page, "listing on the framework, as a commissioner")
        page.context.clear_cookies()
        page.goto(f"{site_url}/services/{DEMO_SERVICE}/")
        assert page.locator("#framework-form").count() == 0
        assert "On the council's framework" in page.inner_text("#council-framework")
        _axe_clean(page, "listing on the framework, as the public")
    finally:
        Service.objects.filter(pk=service.pk).update(
            on_council_framework=was[0], framework_note=was[1]
        )
