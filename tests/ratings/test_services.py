"""Every rule of ratings/services.py: who may review, the content rules, moderation
transitions, replies, reports and the summary kept on the service."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from catalogue import events
from catalogue.models import Membership, Service
from ratings import services
from ratings.models import Review, ReviewEvent, ReviewReply, ReviewReport
from tests.factories import ServiceFactory, make_provider, make_user

from .conftest import GOOD_TEXT, publish, review_data, write_review

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def refresh(service) -> Service:
    return Service.objects.get(pk=service.pk)


# --- who may review ---------------------------------------------------------------------------


def test_a_signed_in_person_writes_a_review_that_waits_for_moderation(service, author):
    review = services.review_create(author=author, service=service, **review_data())
    assert review.status == Review.Status.PENDING
    assert review.author == author
    assert [e.action for e in review.events.all()] == [ReviewEvent.Action.SUBMITTED]
    # Not counted until published.
    assert refresh(service).review_count == 0


def test_anonymous_people_cannot_review(service):
    with pytest.raises(PermissionDenied, match="Sign in"):
        services.review_create(author=AnonymousUser(), service=service, **review_data())


@pytest.mark.parametrize("role", [Membership.Role.OWNER, Membership.Role.EDITOR])
def test_staff_cannot_review_their_own_organisations_services(service, role):
    staff = make_provider(service.organisation, role=role)
    with pytest.raises(PermissionDenied, match="You work for Holly Homecare"):
        services.review_create(author=staff, service=service, **review_data())


def test_staff_of_another_organisation_may_review(service, other_staff):
    review = services.review_create(author=other_staff, service=service, **review_data())
    assert review.pk


@pytest.mark.parametrize("status", [Service.Status.DRAFT, Service.Status.SUSPENDED])
def test_only_public_services_can_be_reviewed(author, status):
    hidden = ServiceFactory(status=status)
    with pytest.raises(ValidationError, match="not listed"):
        services.review_create(author=author, service=hidden, **review_data())


def test_one_current_review_per_person_per_service(service, author):
    write_review(service, author)
    with pytest.raises(ValidationError) as excinfo:
        write_review(service, author)
    assert excinfo.value.messages == [services.ALREADY_REVIEWED]
    assert Review.objects.filter(author=author).count() == 1


def test_after_withdrawing_a_person_may_review_again(service, author):
    first = write_review(service, author)
    services.review_withdraw(author=author, review=first)
    second = write_review(service, author)
    assert second.pk != first.pk


def test_a_rejected_review_still_counts_as_the_current_one(service, author, moderator):
    review = write_review(service, author)
    services.review_reject(moderator=moderator, review=review, reason="off-topic")
    with pytest.raises(ValidationError, match="already reviewed"):
        write_review(service, author)


# --- content rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"overall": None}, "overall", "Select a rating for the service overall"),
        ({"overall": 6}, "overall", "whole number of stars from 1 to 5"),
        ({"overall": 0}, "overall", "whole number of stars from 1 to 5"),
        ({"relationship": "neighbour"}, "relationship", "Select who received the care."),
        ({"care_date": None}, "care_date", "Enter the date you last received the care"),
        ({"title": "  "}, "title", "Enter a title"),
        ({"title": "x" * 101}, "title", "100 characters or fewer"),
        ({"text": ""}, "text", "Enter your review."),
        ({"text": "Too short."}, "text", "at least 30 characters"),
        ({"text": "word " * 700}, "text", "must be 3,000 characters or fewer. It has 3,499."),
    ],
)
def test_bad_content_gets_a_clear_message(service, author, overrides, field, message):
    with pytest.raises(ValidationError) as excinfo:
        services.review_create(author=author, service=service, **review_data(**overrides))
    assert message in " ".join(errors_of(excinfo)[field])
    assert not Review.objects.exists()


def test_category_ratings_out_of_range_are_refused(service, author):
    ratings = {**review_data()["ratings"], "rating_value": 9}
    with pytest.raises(ValidationError) as excinfo:
        services.review_create(author=author, service=service, **review_data(ratings=ratings))
    assert "from 1 to 5" in errors_of(excinfo)["rating_value"][0]


@pytest.mark.parametrize(("answered", "ok"), [(0, False), (2, False), (3, True), (5, True)])
def test_at_least_half_the_categories_must_be_answered(service, author, answered, ok):
    names = list(review_data()["ratings"])
    ratings = {name: (4 if index < answered else None) for index, name in enumerate(names)}
    data = review_data(ratings=ratings)
    if ok:
        assert services.review_create(author=author, service=service, **data).pk
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.review_create(author=author, service=service, **data)
        assert errors_of(excinfo)["rating_dignity"] == [
            f"Rate at least 3 of the 5 parts of the service. You rated {answered}."
        ]


@pytest.mark.parametrize(
    ("days_ago", "message"),
    [
        (-1, "must be today or in the past"),
        (400, "only review care received in the last 12 months"),
    ],
)
def test_care_date_must_be_in_the_last_12_months(service, author, days_ago, message):
    care_date = timezone.localdate() - timedelta(days=days_ago)
    with pytest.raises(ValidationError) as excinfo:
        services.review_create(author=author, service=service, **review_data(care_date=care_date))
    assert message in errors_of(excinfo)["care_date"][0]


def test_html_is_kept_as_typed_text(service, author):
    text = "<script>alert('x')</script> The staff were <b>wonderful</b> with my dad."
    review = services.review_create(author=author, service=service, **review_data(text=text))
    assert review.text == text  # stored as plain text; templates escape it


def test_duplicate_text_is_refused_even_with_other_spacing_and_case(service, author):
    write_review(service, make_user(), text=GOOD_TEXT)
    other = ServiceFactory()
    copied = GOOD_TEXT.upper().replace(" ", "   ") + "!!"
    with pytest.raises(ValidationError) as excinfo:
        services.review_create(author=author, service=other, **review_data(text=copied))
    assert errors_of(excinfo)["text"] == [services.DUPLICATE_TEXT]


# --- editing and withdrawing ------------------------------------------------------------------


def test_editing_sends_a_published_review_back_to_moderation(published, author, service):
    assert refresh(service).review_count == 1
    services.review_update(
        author=author, review=published, **review_data(overall=2, text=GOOD_TEXT + " Edited.")
    )
    published.refresh_from_db()
    assert published.status == Review.Status.PENDING
    assert published.overall == 2
    assert refresh(service).review_count == 0  # it left the score until approved again
    assert published.events.first().action == ReviewEvent.Action.EDITED


def test_an_edit_may_keep_its_own_text(published, author):
    services.review_update(author=author, review=published, **review_data(text=published.text))
    published.refresh_from_db()
    assert published.status == Review.Status.PENDING


def test_only_the_author_edits_or_withdraws(published, other_user, staff, moderator):
    for user in (other_user, staff, moderator, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.review_update(author=user, review=published, **review_data())
        with pytest.raises(PermissionDenied):
            services.review_withdraw(author=user, review=published)


def test_withdrawing_takes_it_out_of_the_score(published, author, service):
    services.review_withdraw(author=author, review=published)
    assert refresh(service).review_count == 0
    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.review_withdraw(author=author, review=published)
    with pytest.raises(ValidationError, match="withdrew"):
        services.review_update(author=author, review=published, **review_data())


# --- moderation -------------------------------------------------------------------------------


def test_approving_publishes_recomputes_the_summary_and_tells_the_provider(
    service, author, moderator, staff, django_capture_on_commit_callbacks
):
    review = write_review(service, author, overall=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(moderator=moderator, review=review)
    review.refresh_from_db()
    assert review.status == Review.Status.PUBLISHED and review.published_at
    stored = refresh(service)
    assert (stored.review_count, stored.review_mean, stored.review_score) == (
        1,
        Decimal("5.00"),
        Decimal("3.75"),
    )
    [message] = mail.outbox
    assert set(message.to) == {service.organisation.email, staff.email}
    assert "New review of" in message.subject
    assert f"/reviews/{review.pk}/reply/" in message.body


def test_the_provider_is_told_only_the_first_time(
    published, author, moderator, django_capture_on_commit_callbacks
):
    services.review_update(author=author, review=published, **review_data(text=GOOD_TEXT + " 2"))
    with django_capture_on_commit_callbacks(execute=True):
        services.review_approve(moderator=moderator, review=published)
    assert mail.outbox == []


def test_the_search_index_hears_of_new_scores(
    service, author, moderator, django_capture_on_commit_callbacks
):
    heard = []
    receiver = events.on_services_changed(heard.append)
    review = write_review(service, author)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.review_approve(moderator=moderator, review=review)
    finally:
        events._receivers.remove(receiver)
    assert heard == [[service.pk]]


def test_service_set_review_summary_emits_services_changed(
    service, django_capture_on_commit_callbacks
):
    from catalogue.services import service_set_review_summary

    heard = []
    receiver = events.on_services_changed(heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            service_set_review_summary(
                service=service, count=3, mean=Decimal("4.00"), score=Decimal("3.69")
            )
    finally:
        events._receivers.remove(receiver)
    assert heard == [[service.pk]]
    assert refresh(service).review_score == Decimal("3.69")


def test_only_moderators_decide(service, author, other_user, staff):
    review = write_review(service, author)
    for user in (author, other_user, staff, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.review_approve(moderator=user, review=review)
        with pytest.raises(PermissionDenied):
            services.review_reject(moderator=user, review=review, reason="abusive")
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING


def test_superusers_may_moderate(service, author):
    admin = make_user("root@example.org")
    admin.is_superuser = True
    admin.save()
    review = services.review_approve(moderator=admin, review=write_review(service, author))
    assert review.status == Review.Status.PUBLISHED


@pytest.mark.parametrize(
    ("status", "approve", "reject"),
    [
        (Review.Status.PENDING, True, True),
        (Review.Status.PUBLISHED, False, True),
        (Review.Status.REJECTED, False, False),
        (Review.Status.WITHDRAWN, False, False),
    ],
)
def test_moderation_transitions(service, author, moderator, status, approve, reject):
    review = write_review(service, author)
    Review.objects.filter(pk=review.pk).update(status=status)
    review.refresh_from_db()
    for action, allowed in (
        (lambda r: services.review_approve(moderator=moderator, review=r), approve),
        (lambda r: services.review_reject(moderator=moderator, review=r, reason="abusive"), reject),
    ):
        fresh = Review.objects.get(pk=review.pk)
        if allowed:
            action(fresh)
        else:
            with pytest.raises(ValidationError):
                action(fresh)


def test_rejecting_needs_a_reason_from_the_list_and_emails_the_author(
    published, author, moderator, service, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError) as excinfo:
        services.review_reject(moderator=moderator, review=published, reason="")
    assert "reason" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.review_reject(moderator=moderator, review=published, reason="other")
    assert "note" in errors_of(excinfo)
    with django_capture_on_commit_callbacks(execute=True):
        services.review_reject(
            moderator=moderator, review=published, reason="personal-data", note="Names a carer."
        )
    published.refresh_from_db()
    assert published.status == Review.Status.REJECTED
    assert refresh(service).review_count == 0
    [message] = mail.outbox
    assert message.to == [author.email]
    assert "It names or identifies people" in message.body
    assert "Names a carer." in message.body
    assert published.events.first().note == "Names a carer."


# --- reports ----------------------------------------------------------------------------------


def test_anyone_may_report_a_published_review_and_it_stays_visible(published, service):
    report = services.review_report(review=published, reason="fake", reporter=AnonymousUser())
    assert report.reporter is None
    published.refresh_from_db()
    assert published.is_public
    assert refresh(service).review_count == 1


def test_a_signed_in_person_reports_a_review_once(published, other_user):
    services.review_report(review=published, reason="fake", reporter=other_user)
    with pytest.raises(ValidationError, match="already reported"):
        services.review_report(review=published, reason="abusive", reporter=other_user)


def test_reports_need_a_reason_and_a_short_message(published):
    with pytest.raises(ValidationError) as excinfo:
        services.review_report(review=published, reason="nonsense", message="x" * 1001)
    assert set(errors_of(excinfo)) == {"reason", "message"}


def test_pending_reviews_cannot_be_reported(service, author):
    with pytest.raises(ValidationError, match="not shown"):
        services.review_report(review=write_review(service, author), reason="fake")


@pytest.mark.parametrize("threshold", [3, 2])
def test_several_reports_hide_the_review_until_a_moderator_decides(
    published, service, settings, threshold
):
    settings.RATINGS_REPORTS_TO_HIDE = threshold
    for _ in range(threshold - 1):
        services.review_report(review=published, reason="fake", reporter=make_user())
    published.refresh_from_db()
    assert published.is_public
    services.review_report(review=published, reason="fake", reporter=make_user())
    published.refresh_from_db()
    assert published.hidden_by_reports and not published.is_public
    # Hidden while a moderator looks, but it leaves the score only when a moderator decides.
    assert refresh(service).review_count == 1
    assert ReviewEvent.Action.HIDDEN in published.events.values_list("action", flat=True)


def test_anonymous_reports_never_hide_a_review(published, service):
    """Security review (issue 18, item 2): two anonymous reports hid a review and took it out
    of the score. Anonymous reports reach the moderators but do not count."""
    for _ in range(5):
        services.review_report(review=published, reason="fake", reporter=AnonymousUser())
    published.refresh_from_db()
    assert published.is_public
    assert published.reports.filter(status="open").count() == 5
    assert refresh(service).review_count == 1


def test_unverified_reporters_and_the_organisations_staff_do_not_count(published, service):
    services.review_report(review=published, reason="fake", reporter=make_user(verified=False))
    services.review_report(review=published, reason="fake", reporter=make_user(verified=False))
    for role in (Membership.Role.OWNER, Membership.Role.EDITOR):
        staff = make_provider(service.organisation, role=role)
        services.review_report(review=published, reason="fake", reporter=staff)
    published.refresh_from_db()
    assert published.is_public
    services.review_report(review=published, reason="fake", reporter=make_user())
    services.review_report(review=published, reason="fake", reporter=make_user())
    published.refresh_from_db()
    assert published.is_public  # two who count, of three needed
    services.review_report(review=published, reason="fake", reporter=make_user())
    published.refresh_from_db()
    assert not published.is_public


def test_a_rejected_review_leaves_the_score(published, service, moderator):
    for _ in range(3):
        services.review_report(review=published, reason="fake", reporter=make_user())
    assert refresh(service).review_count == 1
    services.review_reject(moderator=moderator, review=published, reason="abusive")
    assert refresh(service).review_count == 0


def test_dismissing_reports_shows_the_review_again(published, service, moderator):
    for _ in range(3):
        services.review_report(review=published, reason="fake", reporter=make_user())
    services.review_dismiss_reports(moderator=moderator, review=published)
    published.refresh_from_db()
    assert published.is_public
    assert refresh(service).review_count == 1
    assert set(published.reports.values_list("status", flat=True)) == {"dismissed"}
    with pytest.raises(ValidationError, match="no open reports"):
        services.review_dismiss_reports(moderator=moderator, review=published)


def test_rejecting_a_reported_review_upholds_the_reports(published, moderator):
    services.review_report(review=published, reason="abusive", reporter=make_user())
    services.review_reject(moderator=moderator, review=published, reason="abusive")
    assert list(published.reports.values_list("status", flat=True)) == ["upheld"]


# --- replies ----------------------------------------------------------------------------------


def test_the_provider_replies_once_and_the_reply_is_moderated(published, staff, moderator):
    reply = services.reply_create(user=staff, review=published, text="Thank you for this.")
    assert reply.status == ReviewReply.Status.PENDING
    with pytest.raises(ValidationError, match="already replied"):
        services.reply_create(user=staff, review=published, text="Another reply.")
    services.reply_approve(moderator=moderator, reply=reply)
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.PUBLISHED
    with pytest.raises(ValidationError):
        services.reply_approve(moderator=moderator, reply=reply)


def test_editing_a_reply_sends_it_back_to_moderation(published, staff, moderator):
    reply = services.reply_create(user=staff, review=published, text="Thank you.")
    services.reply_approve(moderator=moderator, reply=reply)
    colleague = make_provider(published.service.organisation, role=Membership.Role.EDITOR)
    services.reply_update(user=colleague, reply=reply, text="Thank you, we have acted on it.")
    reply.refresh_from_db()
    assert (reply.status, reply.text, reply.author) == (
        ReviewReply.Status.PENDING,
        "Thank you, we have acted on it.",
        colleague,
    )


def test_only_the_providers_staff_reply(published, author, other_user, other_staff, moderator):
    for user in (author, other_user, other_staff, moderator, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.reply_create(user=user, review=published, text="Hello")


def test_replies_only_to_published_reviews(service, staff, author):
    with pytest.raises(ValidationError, match="once the review is published"):
        services.reply_create(user=staff, review=write_review(service, author), text="Hi")


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "Enter your reply."), ("x" * 2001, "2,000 characters or fewer. It has 2,001.")],
)
def test_reply_text_rules(published, staff, text, message):
    with pytest.raises(ValidationError) as excinfo:
        services.reply_create(user=staff, review=published, text=text)
    assert message in errors_of(excinfo)["text"][0]


def test_rejecting_a_reply_emails_its_author(
    published, staff, moderator, django_capture_on_commit_callbacks
):
    reply = services.reply_create(user=staff, review=published, text="You are wrong, Mrs Smith.")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_reject(moderator=moderator, reply=reply, reason="personal-data")
    reply.refresh_from_db()
    assert reply.status == ReviewReply.Status.REJECTED
    [message] = mail.outbox
    assert message.to == [staff.email]
    assert "not published your reply" in message.body


# --- the summary: the 24-month window ---------------------------------------------------------


def test_reviews_older_than_24_months_stay_visible_but_leave_the_score(
    service, moderator, django_assert_num_queries
):
    old = publish(write_review(service, overall=1), moderator)
    recent = [publish(write_review(service, overall=5), moderator) for _ in range(2)]
    stored = refresh(service)
    # 1, 5, 5: mean 3.67; score (17.5 + 11) / 8 = 3.5625 -> 3.56.
    assert (stored.review_count, stored.review_mean, stored.review_score) == (
        3,
        Decimal("3.67"),
        Decimal("3.56"),
    )
    Review.objects.filter(pk=old.pk).update(written_at=timezone.now() - timedelta(days=800))
    assert services.review_summaries_refresh() == 1
    stored = refresh(service)
    # Only the two 5s: (17.5 + 10) / 7 = 3.93.
    assert (stored.review_count, stored.review_mean, stored.review_score) == (
        2,
        Decimal("5.00"),
        Decimal("3.93"),
    )
    assert Review.objects.public().filter(service=service).count() == 3
    assert recent[0].is_public


def test_refreshing_changes_nothing_when_nothing_changed(published):
    assert services.review_summaries_refresh() == 0


# --- personal data ----------------------------------------------------------------------------


def test_export_lists_a_persons_reviews_and_reports(published, author, other_user):
    services.review_report(review=published, reason="fake", reporter=other_user)
    [row] = services.reviews_export(author)
    assert row["title"] == published.title and row["status"] == "Published"
    [report] = services.reviews_export(other_user)
    assert report["reason"] == "I do not think it is genuine"


def test_erasing_withdraws_and_anonymises_the_authors_reviews(published, author, service):
    assert services.reviews_erase(author) == 1
    published.refresh_from_db()
    assert published.author is None
    assert published.status == Review.Status.WITHDRAWN
    assert GOOD_TEXT not in published.text
    assert refresh(service).review_count == 0
    assert services.reviews_export(author) == []


def test_reports_keep_no_link_to_an_erased_reporter(published, other_user):
    services.review_report(review=published, reason="fake", reporter=other_user)
    services.reviews_erase(other_user)
    assert ReviewReport.objects.get().reporter is None


def test_reviews_are_part_of_the_personal_data_export_and_erasure(published, author, service):
    from core import personal_data

    exported = personal_data.export_user_data(author)
    assert exported["reviews"][0]["title"] == published.title
    personal_data.erase_user(author)
    published.refresh_from_db()
    assert published.author is None and published.status == Review.Status.WITHDRAWN
    assert refresh(service).review_count == 0


def test_the_daily_command_moves_the_window(published, service):
    from io import StringIO

    from django.core.management import call_command

    Review.objects.filter(pk=published.pk).update(written_at=timezone.now() - timedelta(days=740))
    out = StringIO()
    call_command("refresh_review_summaries", stdout=out)
    assert "Review summaries changed: 1." in out.getvalue()
    assert refresh(service).review_count == 0
