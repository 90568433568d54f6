"""Every address of the site, visited by someone who is not signed in: it renders or it sends
them to sign in. Later issues extend this into the URL x role permissions matrix."""

from urllib.parse import urlsplit

from wagtail.models import Page

import pytest
from bs4 import BeautifulSoup

from tests.urls_helper import parameterless_paths

pytestmark = pytest.mark.django_db

# Addresses that do something else on purpose, and why.
EXPECTED = {
    "/accounts/logout/": (302, "/"),  # nobody to sign out: back to the home page
    "/admin/password_reset/": (404, None),  # passwords are reset through the site's own pages
    "/admin/password_reset/done/": (404, None),
    "/admin/password_reset/complete/": (404, None),
    # The confirmation of a concern needs a concern sent first: back to the form.
    "/report-a-concern/sent/": (302, "/report-a-concern/"),
}


def is_sign_in_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_url_list_covers_the_site():
    paths = parameterless_paths()
    for path in ["/search/", "/accounts/login/", "/accounts/signup/", "/accounts/profile/"]:
        assert path in paths
    assert any(path.startswith("/admin/") for path in paths)


@pytest.mark.parametrize("path", parameterless_paths())
def test_anonymous_visitors_see_the_page_or_are_asked_to_sign_in(client, home_page, path):
    response = client.get(path)

    if path in EXPECTED:
        status, location = EXPECTED[path]
        assert response.status_code == status
        assert location is None or response["Location"] == location
    else:
        assert response.status_code == 200 or is_sign_in_redirect(response), (
            f"{path} answered {response.status_code} {response.get('Location', '')}"
        )


def test_every_published_page_renders_and_no_internal_link_is_broken(client, demo):
    pages = Page.objects.live().public().specific().exclude(depth=1)
    assert pages.count() > 20
    links: dict[str, str] = {}
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        for anchor in BeautifulSoup(response.content, "html.parser").select("a[href]"):
            href = anchor["href"]
            if href.startswith("/") and not href.startswith("//"):
                links.setdefault(href, page.url)

    broken = []
    for href, found_on in sorted(links.items()):
        response = client.get(href)
        if not (response.status_code == 200 or is_sign_in_redirect(response)):
            broken.append(f"{href} ({response.status_code}) linked from {found_on}")
    assert not broken, "\n".join(broken)
    assert any(urlsplit(href).path.startswith("/documents/") for href in links)
