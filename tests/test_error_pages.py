from django.test import Client, override_settings
from django.urls import path

import pytest
from bs4 import BeautifulSoup


def broken_view(request):
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken_view)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_a_server_error_shows_the_designed_500_page(home_page):
    client = Client(raise_request_exception=False)

    response = client.get("/broken/")

    assert response.status_code == 500
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Sorry, there is a problem with the service"
    assert page.select_one(".govuk-header") and page.select_one(".govuk-footer")
    assert "a bug" not in response.content.decode()


@pytest.mark.django_db
def test_an_expired_form_gets_a_designed_page_not_a_bare_403(home_page):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})

    assert response.status_code == 403
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Your session has expired"
    assert page.select_one(".govuk-header")


@pytest.mark.django_db
def test_too_many_sign_ups_get_a_designed_429_page(home_page, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/m/ip"}
    client = Client()
    for n in range(2):
        client.post("/accounts/signup/", {"email": f"p{n}@example.org", "password1": "x"})

    response = client.post("/accounts/signup/", {"email": "p3@example.org", "password1": "x"})

    assert response.status_code == 429
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text(strip=True) == "Too many attempts"


@pytest.mark.django_db
def test_too_many_failed_sign_ins_are_refused_in_the_error_summary(home_page, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/ip"}
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"login": "a@example.org", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "wrong"})

    summary = BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary")
    assert "Too many failed login attempts" in summary.get_text()
