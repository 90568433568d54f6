"""Issue 23, names people can tell apart: every review page and e-mail a member of the public
reads names the service by its public title ("Holly Homecare Services: Home care in
Bridgnorth"), not by the bare name its provider gave it ("Home care"), which several providers
in several towns share. The provider's own pages and e-mails keep the name they gave."""

from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from ratings import services
from ratings.models import RejectionReason
from tests.factories import LocalityFactory, OrganisationFactory, ServiceFactory

from .conftest import GOOD_TEXT, publish, write_review

pytestmark = pytest.mark.django_db

TITLE = "Holly Homecare Services: Home care in Bridgnorth"


@pytest.fixture
def service(db):
    return ServiceFactory(
        organisation=OrganisationFactory(name="Holly Homecare Services"),
        name="Home care",
        locality=LocalityFactory(name="Bridgnorth", slug="bridgnorth"),
    )


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_the_fixture_has_the_title_of_the_issue(service):
    assert service.public_title == TITLE


def test_the_review_form_names_the_service_by_its_public_title(client, author, service):
    client.force_login(author)
    page = soup(client.get(reverse("ratings:review_create", args=[service.slug])))
    assert text(page.title).startswith(f"Write a review of {TITLE} - ")
    assert text(page.select_one("main .govuk-caption-l")) == TITLE
    assert f"received from {TITLE} in the last 12 months" in text(page.select_one("main"))


def test_changing_a_review_names_the_service_by_its_public_title(client, author, published):
    client.force_login(author)
    page = soup(client.get(reverse("ratings:review_edit", args=[published.pk])))
    assert text(page.title).startswith(f"Change your review of {TITLE} - ")


def test_the_already_reviewed_page_names_the_service_by_its_public_title(
    client, author, published, service
):
    client.force_login(author)
    page = soup(client.get(reverse("ratings:review_create", args=[service.slug])))
    assert text(page.select_one("main h1")) == f"You have already reviewed {TITLE}"
    assert text(page.select_one(".govuk-back-link")) == f"Back to {TITLE}"


def test_the_review_page_names_the_service_by_its_public_title(client, published):
    page = soup(client.get(published.get_absolute_url()))
    assert text(page.title).startswith(f"Review of {TITLE}: {published.title} - ")
    assert text(page.select_one("main .govuk-caption-l")) == f"Review of {TITLE}"
    assert text(page.select_one(".govuk-back-link")) == f"Back to {TITLE}"


def test_reporting_a_review_names_the_service_by_its_public_title(client, published):
    page = soup(client.get(reverse("ratings:review_report", args=[published.pk])))
    assert text(page.title).startswith(f"Report a review of {TITLE} - ")
    assert text(page.select_one("main .govuk-caption-l")) == TITLE
    assert text(page.select_one(".govuk-back-link")) == f"Back to {TITLE}"


def test_withdrawing_names_the_service_by_its_public_title(client, author, published):
    client.force_login(author)
    url = reverse("ratings:review_withdraw", args=[published.pk])
    page = soup(client.get(url))
    assert text(page.title).startswith(f"Withdraw your review of {TITLE} - ")
    assert text(page.select_one("main .govuk-caption-l")) == TITLE
    done = soup(client.post(url, follow=True))
    assert f"Your review of {TITLE} has been withdrawn." in text(done)


def test_your_reviews_name_each_service_by_its_public_title(client, author, published):
    client.force_login(author)
    page = soup(client.get(reverse("ratings:my_reviews")))
    cells = [text(td) for td in page.select("main td")]
    assert TITLE in cells


def test_the_write_a_review_link_names_the_service_by_its_public_title(client, author, service):
    client.force_login(author)
    page = soup(client.get(service.get_absolute_url()))
    assert text(page.find(id="write-review")) == f"Write a review of {TITLE}"


def test_the_rejection_e_mail_to_the_reviewer_names_the_service_by_its_public_title(
    service, author, moderator, django_capture_on_commit_callbacks
):
    review = write_review(service, author)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reject(
            moderator=moderator, review=review, reason=RejectionReason.ADVERTISING
        )
    [message] = mail.outbox
    assert message.subject == f"Your review of {TITLE} was not published"
    assert f"Thank you for reviewing {TITLE} on " in message.body


def test_the_provider_is_told_of_a_new_review_by_the_name_it_gave(
    service, author, moderator, staff, django_capture_on_commit_callbacks
):
    # The provider knows its own services: its e-mail keeps the name it gave them.
    review = write_review(
        service,
        author,
        care_date=timezone.localdate() - timedelta(days=10),
        text=f"{GOOD_TEXT} A second visit.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(review, moderator)
    [message] = mail.outbox
    assert message.subject.startswith("New review of Home care on ")
