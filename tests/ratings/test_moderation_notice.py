"""Moderators are e-mailed when reviews, replies or reports wait for them, at most once an
hour (ratings.notifications.tell_moderators)."""

from django.core import mail
from django.core.cache import cache
from django.db import transaction

import pytest

from ratings import notifications, services
from ratings.models import ReviewReport

from .conftest import write_review

pytestmark = pytest.mark.django_db


def _notices():
    return [m for m in mail.outbox if "waiting for moderation" in m.subject]


def _next_hour():
    cache.delete(notifications._NOTICE_KEY)  # what the hour passing does


def test_a_new_review_tells_the_moderators_once_an_hour(
    service, author, other_user, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write_review(service, author)
    (notice,) = _notices()
    assert notice.to == [moderator.email]  # only moderators, not the author or the provider
    assert "reviews to check: 1" in notice.body
    assert "/admin/ratings/" in notice.body

    with django_capture_on_commit_callbacks(execute=True):
        write_review(service, other_user)
    assert len(_notices()) == 1  # within the hour: the queue shows it

    _next_hour()
    with django_capture_on_commit_callbacks(execute=True):
        write_review(service)
    assert len(_notices()) == 2
    assert "reviews to check: 3" in _notices()[-1].body


def test_replies_and_reports_tell_them_too(
    published, staff, moderator, django_capture_on_commit_callbacks
):
    _next_hour()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(user=staff, review=published, text="Thank you for your kind words.")
    assert "replies from providers to check: 1" in _notices()[-1].body

    _next_hour()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_report(review=published, reason=ReviewReport.Reason.FAKE)
    assert "reported reviews: 1" in _notices()[-1].body
    assert len(_notices()) == 2


def test_a_rolled_back_submission_tells_nobody(service, author, moderator):
    with pytest.raises(RuntimeError), transaction.atomic():
        write_review(service, author)
        raise RuntimeError("the request failed after the review was saved")
    assert not _notices()
    assert cache.get(notifications._NOTICE_KEY) is None  # the hour's notice is not used up
