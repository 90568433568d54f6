import pytest
from bs4 import BeautifulSoup
from django.test import Client, override_settings
from django.urls import path


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
