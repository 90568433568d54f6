"""Content-Security-Policy (issue 18, item 4: defence in depth against stored script)."""

import re

import pytest

from marketplace.csp import JS_ENABLED_SCRIPT, script_hash

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_public_pages_run_only_our_script_files_and_the_one_hashed_inline_script(client, home_page):
    response = client.get("/")

    policy = directives(response)
    assert policy["script-src"] == ["'self'", script_hash(JS_ENABLED_SCRIPT)]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    inline = re.findall(r"<script>(.*?)</script>", response.content.decode(), re.S)
    # Every inline script on the page is the one the hash allows, byte for byte.
    assert inline and {script_hash(script) for script in inline} == {script_hash(JS_ENABLED_SCRIPT)}


@pytest.mark.parametrize("path", ["/search/", "/accounts/login/", "/api/openreferral/v3/"])
def test_every_kind_of_response_carries_the_policy(client, home_page, path):
    response = client.get(path)
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_the_admin_has_its_own_policy(admin_client):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]
