"""What the browser tests and the screenshot script share: Chromium, the pages, sign-in.

Shared by test_accessibility.py, test_no_javascript.py and screenshots.py (which runs against
any server, so nothing here imports Django).
"""

import os
from dataclasses import dataclass

# Debian's Chromium, never a browser downloaded by `playwright install`: its headless shell
# (package chromium-headless-shell, Chromium's own headless build without the browser's user
# interface: the same Blink and V8 as the browser, and what Playwright itself runs headless) when
# it is installed, else the full browser (package chromium). The shell took the browser tests
# from 248 s to 177 s on a 2-core machine: both cores were busy with the full browser.
HEADLESS_SHELL_PATH = "/usr/bin/chromium-headless-shell"
FULL_BROWSER_PATH = "/usr/bin/chromium"
DEFAULT_CHROMIUM_PATH = (
    HEADLESS_SHELL_PATH if os.access(HEADLESS_SHELL_PATH, os.X_OK) else FULL_BROWSER_PATH
)
INSTALL_HINT = "`apt-get install -y chromium-headless-shell` (or chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DEMO_PUBLIC_EMAIL = "public@caremarket.example"
DEMO_PUBLIC_PASSWORD = "demo-public-2026"
DEMO_PROVIDER_EMAIL = "provider@caremarket.example"
DEMO_PROVIDER_PASSWORD = "demo-provider-2026"
# Council staff: each signs in with their own role (marketplace/demo/accounts.py).
STAFF_SIGN_IN = {
    "commissioner": ("commissioner@caremarket.example", "demo-commissioner-2026"),
    "practitioner": ("practitioner@caremarket.example", "demo-practitioner-2026"),
    "moderator": ("moderator@caremarket.example", "demo-moderator-2026"),
    "panel": ("panel@caremarket.example", "demo-panel-2026"),
}
# In the small demo catalogue, the demo provider runs this organisation and service.
DEMO_ORGANISATION = "holly-homecare-services"
DEMO_SERVICE = "home-care-in-bridgnorth"


@dataclass(frozen=True)
class PageCase:
    """A page to check: where it is, the status it must answer with, and how to reach its state.

    `state` is "plain" (just open it), "empty-submit" (submit its form empty to get the error
    summary), "signed-in" (sign in as the demo public user first), "provider" (sign in as
    the demo provider first), or a key of STAFF_SIGN_IN (sign in as that member of staff).
    """

    name: str
    path: str
    status: int = 200
    state: str = "plain"


PAGES = [
    PageCase("home", "/"),
    PageCase("advice-index", "/people-who-need-care/"),
    PageCase("advice-page", "/people-who-need-care/personal-budgets-and-direct-payments/"),
    PageCase("search-results", "/search/?q=care"),
    PageCase("search-no-results", "/search/?q=zzxqvnonsenseword"),
    # Issue 23: a typo corrected, a place read from the words, types of service suggested.
    PageCase("search-typo", "/search/?q=dementa"),
    PageCase("search-place-in-words", "/search/?q=home+care+in+Ludlow"),
    PageCase("search-suggestions", "/search/?q=nursing+homes+open+on+sundays+in+Ludlow"),
    PageCase("advice-ordering", "/people-who-need-care/how-results-are-ordered/"),
    PageCase(
        "search-filtered",
        "/search/?category=care-at-home&client_group=older-people&postcode=WV16+9BN&radius=10"
        "&sort=distance",
    ),
    PageCase("search-errors", "/search/?postcode=ZZ9+9ZZ&radius=-1&max_price=cheap"),
    PageCase("search-advice", "/search/advice/?q=care"),
    PageCase("sign-in", "/accounts/login/"),
    PageCase("sign-in-errors", "/accounts/login/", state="empty-submit"),
    PageCase("sign-up", "/accounts/signup/"),
    PageCase("password-reset", "/accounts/password/reset/"),
    PageCase("accessibility-statement", "/accessibility/"),
    PageCase("not-found", "/this-page-does-not-exist/", status=404),
    PageCase("account", "/accounts/profile/", state="signed-in"),
    # Issue 18: the second step at sign-in (allauth's MFA pages in the site's design).
    PageCase("second-step", "/accounts/2fa/", state="signed-in"),
    PageCase("confirm-password", "/accounts/reauthenticate/", state="signed-in"),
    PageCase("organisation", f"/organisations/{DEMO_ORGANISATION}/"),
    PageCase("service", f"/services/{DEMO_SERVICE}/"),
    PageCase("service-distance-error", f"/services/{DEMO_SERVICE}/?postcode=ZZ99+9ZZ"),
    PageCase("service-report", f"/services/{DEMO_SERVICE}/report/"),
    PageCase("service-report-errors", f"/services/{DEMO_SERVICE}/report/", state="empty-submit"),
    # Safeguarding: the public concern form (and its errors), about a listing, and the advice.
    PageCase("report-a-concern", "/report-a-concern/"),
    PageCase("contact-the-council", "/contact-the-council/"),
    PageCase("report-a-concern-errors", "/report-a-concern/", state="empty-submit"),
    PageCase("service-concern", f"/services/{DEMO_SERVICE}/concern/"),
    PageCase("organisation-concern", f"/organisations/{DEMO_ORGANISATION}/concern/"),
    PageCase("advice-abuse-and-neglect", "/people-who-need-care/abuse-and-neglect/"),
    PageCase("review-write", f"/services/{DEMO_SERVICE}/reviews/write/", state="signed-in"),
    PageCase("ras-estimate-start", "/budget/estimate/"),
    PageCase("ras-estimate-question", "/budget/estimate/personal-care/"),
    PageCase("ras-estimate-errors", "/budget/estimate/personal-care/", state="empty-submit"),
    PageCase("market-statement", "/market-position-statement/"),
    PageCase("market-statement-live", "/market-position-statement/?figures=live"),
    PageCase("market-statement-signed-in", "/market-position-statement/", state="provider"),
    PageCase("provider-dashboard", "/provider/", state="provider"),
    PageCase("provider-service-edit", f"/provider/services/{DEMO_SERVICE}/edit/", state="provider"),
    PageCase("provider-prices", f"/provider/services/{DEMO_SERVICE}/prices/", state="provider"),
    PageCase("provider-register", "/provider/register/", state="provider"),
    PageCase(
        "provider-people", f"/provider/organisations/{DEMO_ORGANISATION}/people/", state="provider"
    ),
    # Shortlist, enquiries and plans (the demo public user has a shortlist of two, an answered
    # enquiry and a plan; the demo provider has the enquiry in its inbox).
    PageCase("shortlist-empty", "/shortlist/"),
    PageCase("shortlist", "/shortlist/", state="signed-in"),
    PageCase("compare", "/shortlist/compare/", state="signed-in"),
    PageCase("compare-postcode-error", "/shortlist/compare/?postcode=ZZ99+9ZZ", state="signed-in"),
    PageCase("enquiry-new", "/enquiries/new/", state="signed-in"),
    PageCase("my-enquiries", "/enquiries/", state="signed-in"),
    PageCase("my-plans", "/plans/", state="signed-in"),
    PageCase("plan-new", "/plans/new/", state="signed-in"),
    PageCase("account-delete", "/accounts/profile/delete/", state="signed-in"),
    # The demo provider owns an organisation: the page says what happens to it.
    PageCase("account-delete-owner", "/accounts/profile/delete/", state="provider"),
    PageCase("provider-inbox", "/provider/enquiries/?status=all", state="provider"),
    PageCase(
        "provider-reviews",
        f"/provider/organisations/{DEMO_ORGANISATION}/reviews/?show=all",
        state="provider",
    ),
    PageCase("practitioner-assessments", "/budget/assessments/", state="practitioner"),
    PageCase("practitioner-assessment-new", "/budget/assessments/new/", state="practitioner"),
    PageCase(
        "practitioner-assessment-errors",
        "/budget/assessments/new/",
        state="practitioner-empty-submit",
    ),
    PageCase("commissioner-ras", "/commissioning/ras/", state="commissioner"),
    PageCase("commissioner-market-rate", "/commissioning/ras/market-rate/", state="commissioner"),
    PageCase("commissioner-calibration", "/commissioning/ras/calibration/", state="commissioner"),
    PageCase("commissioner-dashboard", "/commissioning/dashboard/", state="commissioner"),
    PageCase("commissioner-budget-figures", "/commissioning/plans/budgets/", state="commissioner"),
    # Issue 21: reviews due, overdue and done, outcomes achieved, the most chosen outcomes.
    PageCase("commissioner-review-figures", "/commissioning/plans/reviews/", state="commissioner"),
    PageCase("panel-plans", "/plans/panel/", state="panel"),
    PageCase("consultation-queue", "/market-statement/consultation/", state="moderator"),
]


def submit_main_form(page):
    """Press the submit button of the form in <main> and wait for the page it leads to.

    Returns the navigation's response.
    """
    with page.expect_navigation() as navigation:
        page.locator("main form[method=post] button[type=submit]").first.click()
    return navigation.value


def sign_in(page, base_url, email=DEMO_PUBLIC_EMAIL, password=DEMO_PUBLIC_PASSWORD):
    """Sign in through the real form; returns the response of the page it lands on."""
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    return submit_main_form(page)


# The cookies a real sign-in gave, by (site, e-mail): a page case for someone already signed in
# once needs only their session cookie, not the sign-in form again (two navigations and a
# password check each time, about a third of a second).
_SIGNED_IN_COOKIES: dict[tuple[str, str], list] = {}


def open_signed_in(page, base_url, path, email, password):
    """Open `path` signed in as `email`: through the real sign-in form the first time for this
    site, then with the session cookie that sign-in gave. When the session no longer works (a
    test signed out or changed the password), the page lands on the sign-in form instead and
    this signs in through the form again. Returns the response of `path`."""
    key = (base_url, email)
    cookies = _SIGNED_IN_COOKIES.get(key)
    if cookies is not None:
        page.context.add_cookies(cookies)
        response = page.goto(f"{base_url}{path}")
        if not page.url.startswith(f"{base_url}/accounts/login/"):
            return response
        page.context.clear_cookies()
        del _SIGNED_IN_COOKIES[key]
    sign_in(page, base_url, email, password)
    _SIGNED_IN_COOKIES[key] = page.context.cookies()
    return page.goto(f"{base_url}{path}")


def open_case(page, base_url, case: PageCase):
    """Bring `page` to the state `case` describes; returns the last navigation's response."""
    if case.state == "signed-in":
        return open_signed_in(page, base_url, case.path, DEMO_PUBLIC_EMAIL, DEMO_PUBLIC_PASSWORD)
    if case.state == "provider":
        return open_signed_in(
            page, base_url, case.path, DEMO_PROVIDER_EMAIL, DEMO_PROVIDER_PASSWORD
        )
    role, _, then = case.state.partition("-")
    if role in STAFF_SIGN_IN:
        response = open_signed_in(page, base_url, case.path, *STAFF_SIGN_IN[role])
        return submit_main_form(page) if then == "empty-submit" else response
    response = page.goto(f"{base_url}{case.path}")
    if case.state == "empty-submit":
        return submit_main_form(page)
    return response
