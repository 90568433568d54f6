"""Review moderation in the Wagtail admin: only moderators, the queue, the decisions, history."""

from django.core import mail
from django.urls import reverse

import pytest

from core.roles import Role
from ratings import services
from ratings.models import Review, ReviewReply
from tests.factories import make_user

from .conftest import write_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return make_user("editor@example.org", Role.EDITOR)


@pytest.fixture
def pending(service):
    return write_review(service, make_user(), title="Waiting <em>here</em>")


def admin_urls(review, reply=None):
    urls = [
        ("get", reverse("ratings_queue")),
        ("get", reverse("ratings_review", args=[review.pk])),
        ("post", reverse("ratings_review_approve", args=[review.pk])),
        ("get", reverse("ratings_review_reject", args=[review.pk])),
        ("post", reverse("ratings_review_dismiss_reports", args=[review.pk])),
    ]
    if reply:
        urls += [
            ("post", reverse("ratings_reply_approve", args=[reply.pk])),
            ("get", reverse("ratings_reply_reject", args=[reply.pk])),
        ]
    return urls


@pytest.mark.parametrize("who", ["anonymous", "author", "staff", "editor"])
def test_only_moderators_reach_the_review_screens(client, request, pending, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for method, url in admin_urls(pending):
        response = getattr(client, method)(url)
        # Anonymous people are sent to sign in; signed-in non-moderators are refused.
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login/" in response["Location"] or response["Location"].startswith("/admin/")
    pending.refresh_from_db()
    assert pending.status == Review.Status.PENDING


def test_the_queue_shows_pending_reported_and_replies(client, moderator, pending, published, staff):
    services.review_report(review=published, reason="fake", reporter=make_user())
    services.reply_create(user=staff, review=published, text="Thank you.")
    client.force_login(moderator)
    page = client.get(reverse("ratings_queue")).content.decode()
    assert "Waiting for moderation (1)" in page
    assert "Waiting &lt;em&gt;here&lt;/em&gt;" in page  # escaped
    assert "Reported (1)" in page
    assert "Provider replies waiting (1)" in page
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Reviews (3)" in home  # the Moderation menu
    assert "Reviews to moderate" in home  # the dashboard panel


def test_the_queue_has_a_search(client, moderator, pending, published):
    client.force_login(moderator)
    page = client.get(reverse("ratings_queue"), {"status": "published"}).content.decode()
    assert f'href="{reverse("ratings_review", args=[published.pk])}"' in page


def test_approve_from_the_admin(client, moderator, pending, django_capture_on_commit_callbacks):
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ratings_review_approve", args=[pending.pk]))
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Review.Status.PUBLISHED
    assert len(mail.outbox) == 1  # the provider is told
    # A second approval is refused with a message, not a 500.
    response = client.post(reverse("ratings_review_approve", args=[pending.pk]), follow=True)
    assert "Only a review waiting for moderation can be approved." in response.content.decode()


def test_reject_with_a_reason_from_the_list(
    client, moderator, pending, django_capture_on_commit_callbacks
):
    client.force_login(moderator)
    url = reverse("ratings_review_reject", args=[pending.pk])
    page = client.get(url).content.decode()
    assert "It is abusive, threatening" in page
    response = client.post(url, {"reason": "", "note": ""})
    assert "Select the reason" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "advertising", "note": "Has a link."})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Review.Status.REJECTED
    assert pending.rejection_reason == "advertising"
    [message] = mail.outbox
    assert message.to == [pending.author.email] and "It advertises" in message.body


def test_the_review_page_shows_its_history(client, moderator, pending):
    services.review_approve(moderator=moderator, review=pending)
    services.review_report(review=pending, reason="abusive", reporter=make_user())
    client.force_login(moderator)
    page = client.get(reverse("ratings_review", args=[pending.pk])).content.decode()
    for text in ("Review submitted", "Review approved", "Review reported", pending.author.email):
        assert text in page
    assert "Keep review, dismiss reports" in page


def test_dismiss_reports_and_moderate_replies_from_the_admin(
    client, moderator, published, staff, settings
):
    settings.RATINGS_REPORTS_TO_HIDE = 1
    services.review_report(review=published, reason="fake", reporter=make_user())
    reply = services.reply_create(user=staff, review=published, text="Thanks.")
    client.force_login(moderator)
    client.post(reverse("ratings_review_dismiss_reports", args=[published.pk]))
    published.refresh_from_db()
    assert published.is_public
    client.post(reverse("ratings_reply_approve", args=[reply.pk]))
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.PUBLISHED
    client.post(reverse("ratings_reply_reject", args=[reply.pk]), {"reason": "off-topic"})
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.REJECTED
