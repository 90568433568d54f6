"""Writes about reviews. One function per use case: keyword-only, permission-checked, validated
(full_clean) and atomic; e-mails go out only after the transaction commits.

Rules (issue 5):
- Signed-in people review a service they used; the staff of the organisation that runs it may
  not. One current (not withdrawn) review per person per service.
- A review has an overall rating and category ratings from 1 to 5; categories may be skipped
  but at least half must be answered. The care was received in the last 12 months (not in the
  future). Title and text are plain text within length limits; a text that copies another
  review (after ignoring case, spacing and punctuation) is refused.
- Every new or edited review waits for a moderator. Approving publishes it; rejecting needs a
  reason from RejectionReason, which is e-mailed to the author. The provider is e-mailed the
  first time each review is published.
- The provider's staff reply once per published review; the reply can be edited, and every
  new or edited reply waits for a moderator like a review.
- Anyone may report a published review with a reason. It stays visible until a moderator
  decides, unless it has RATINGS_REPORTS_TO_HIDE open reports (default 3): then it is hidden
  (and leaves the score) until a moderator keeps it (dismissing the reports) or rejects it.
- Whenever a review's status (or visibility) changes, the service's review summary is
  recomputed (ratings/scoring.py) and stored through catalogue.services, which tells search.
- Every step is written to the review's history (ReviewEvent).
- Rejecting a review or reply for safeguarding reasons raises a safeguarding concern with its text
  (safeguarding.services), which only the safeguarding team sees.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from catalogue.models import Service
from catalogue.services import service_set_review_summary
from core.email import send_email
from safeguarding.models import DESCRIPTION_MAX_LENGTH, Concern
from safeguarding.services import concern_create

from . import notifications, scoring
from .models import (
    CATEGORY_FIELDS,
    REPLY_MAX_LENGTH,
    REPORT_MESSAGE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TEXT_MIN_LENGTH,
    TITLE_MAX_LENGTH,
    RejectionReason,
    Review,
    ReviewEvent,
    ReviewReply,
    ReviewReport,
)
from .permissions import is_author, is_moderator, is_provider_staff, review_refusal

ALREADY_REVIEWED = (
    "You have already reviewed this service. You can change your review instead of writing "
    "a new one."
)
DUPLICATE_TEXT = (
    "Your review is the same as one already on Care Market. Tell us about your own "
    "experience of this service, in your own words."
)


def reports_to_hide() -> int:
    """How many open reports hide a review until a moderator decides (setting, default 3)."""
    return int(settings.RATINGS_REPORTS_TO_HIDE)


def _log(review: Review, action: str, user=None, note: str = "") -> None:
    ReviewEvent.objects.create(
        review=review,
        action=action,
        user=user if getattr(user, "is_authenticated", False) else None,
        note=note,
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- the summary on the service ---------------------------------------------------------------


def service_review_summary_refresh(*, service: Service, today: date | None = None) -> Service:
    """Recompute the service's review count, mean and ranking score from its scored reviews
    written in the last 24 months (scoring.py), and store them when they changed."""
    today = today or timezone.localdate()
    ratings = list(
        Review.objects.scored()
        .filter(service=service, written_at__gte=_start_of(scoring.score_window_start(today)))
        .values_list("overall", flat=True)
    )
    summary = scoring.summarise(ratings)
    # Compare with what is stored now, not with a copy loaded before other writes.
    service.refresh_from_db(fields=["review_count", "review_mean", "review_score"])
    stored = (service.review_count, service.review_mean, service.review_score)
    if stored != (summary.count, summary.mean, summary.score):
        service_set_review_summary(
            service=service, count=summary.count, mean=summary.mean, score=summary.score
        )
    return service


def review_summaries_refresh(*, today: date | None = None) -> int:
    """Recompute every service's summary; run daily so reviews leave the score when they pass
    24 months. Returns how many services' summaries changed."""
    changed = 0
    reviewed = Service.objects.filter(reviews__isnull=False) | Service.objects.filter(
        review_count__gt=0
    )
    for service in reviewed.distinct().order_by("pk"):
        before = (service.review_count, service.review_mean, service.review_score)
        with transaction.atomic():
            service_review_summary_refresh(service=service, today=today)
        if before != (service.review_count, service.review_mean, service.review_score):
            changed += 1
    return changed


# --- writing reviews --------------------------------------------------------------------------


def _content_errors(
    *,
    overall: Any,
    ratings: Mapping[str, Any],
    relationship: str,
    care_date: date | None,
    title: str,
    text: str,
    today: date,
) -> dict[str, str]:
    """Every problem with what the reviewer typed, keyed by field, in words they understand."""
    errors: dict[str, str] = {}

    def rating_ok(value: Any) -> bool:
        try:
            scoring.check_rating(value)
        except ValueError:
            return False
        return True

    if overall in (None, ""):
        errors["overall"] = "Select a rating for the service overall, from 1 to 5 stars."
    elif not rating_ok(overall):
        errors["overall"] = "The overall rating must be a whole number of stars from 1 to 5."
    unknown = set(ratings) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValueError(f"Unknown rating categories: {sorted(unknown)}")
    answered = 0
    for name in CATEGORY_FIELDS:
        value = ratings.get(name)
        if value in (None, ""):
            continue
        if not rating_ok(value):
            errors[name] = "Each rating must be a whole number of stars from 1 to 5."
        else:
            answered += 1
    needed = scoring.minimum_answered(len(CATEGORY_FIELDS))
    if answered < needed and not any(name in errors for name in CATEGORY_FIELDS):
        errors[CATEGORY_FIELDS[0]] = (
            f"Rate at least {needed} of the {len(CATEGORY_FIELDS)} parts of the service. "
            f"You rated {answered}."
        )
    if relationship not in Review.Relationship.values:
        errors["relationship"] = "Select who received the care."
    if care_date is None:
        errors["care_date"] = "Enter the date you last received the care, for example 27 3 2026."
    else:
        problem = scoring.care_date_problem(care_date, today)
        if problem:
            errors["care_date"] = problem
    if not title:
        errors["title"] = "Enter a title for your review."
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = f"The title must be {TITLE_MAX_LENGTH} characters or fewer."
    if not text:
        errors["text"] = "Enter your review."
    elif len(text) < TEXT_MIN_LENGTH:
        errors["text"] = f"Your review must be at least {TEXT_MIN_LENGTH} characters."
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = (
            f"Your review must be {TEXT_MAX_LENGTH:,} characters or fewer. It has {len(text):,}."
        )
    return errors


def review_content_errors(
    *,
    overall: Any,
    ratings: Mapping[str, Any],
    relationship: str,
    care_date: date | None,
    title: str,
    text: str,
    today: date | None = None,
) -> dict[str, str]:
    """The problems review_create and review_update would find in what was typed (without
    the checks of who may review), so a form can show them all at once."""
    return _content_errors(
        overall=overall,
        ratings=ratings,
        relationship=relationship,
        care_date=care_date,
        title=(title or "").strip(),
        text=(text or "").strip(),
        today=today or timezone.localdate(),
    )


def _is_duplicate(text: str, *, exclude_pk: int | None = None) -> bool:
    fingerprint = scoring.text_fingerprint(text)
    others = Review.objects.filter(text_fingerprint=fingerprint)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    return others.exists()


def _apply_content(review: Review, *, overall, ratings, relationship, care_date, title, text):
    review.overall = overall
    for name in CATEGORY_FIELDS:
        value = ratings.get(name)
        setattr(review, name, None if value in (None, "") else value)
    review.relationship = relationship
    review.care_date = care_date
    review.title = title
    review.text = text
    review.text_fingerprint = scoring.text_fingerprint(text)


@transaction.atomic
def review_create(
    *,
    author,
    service: Service,
    overall: int | None,
    ratings: Mapping[str, int | None],
    relationship: str,
    care_date: date | None,
    title: str,
    text: str,
    today: date | None = None,
) -> Review:
    """A signed-in person reviews a public service; it waits for a moderator.

    Raises PermissionDenied for people who may not review it (anonymous, its own staff) and
    ValidationError (keyed by field where it is about one) for everything else."""
    refusal = review_refusal(author, service)
    if refusal:
        raise PermissionDenied(refusal)
    if not Service.objects.visible().filter(pk=service.pk).exists():
        raise ValidationError("This service is not listed at the moment, so it cannot be reviewed.")
    # Lock the author's row so two submissions at once cannot both pass the one-review check.
    get_user_model().objects.select_for_update().filter(pk=author.pk).first()
    if Review.objects.current().filter(service=service, author=author).exists():
        raise ValidationError(ALREADY_REVIEWED, code="already-reviewed")
    today = today or timezone.localdate()
    title, text = (title or "").strip(), (text or "").strip()
    errors = _content_errors(
        overall=overall,
        ratings=ratings,
        relationship=relationship,
        care_date=care_date,
        title=title,
        text=text,
        today=today,
    )
    if "text" not in errors and _is_duplicate(text):
        errors["text"] = DUPLICATE_TEXT
    if errors:
        raise ValidationError(errors)
    review = Review(service=service, author=author, status=Review.Status.PENDING)
    _apply_content(
        review,
        overall=overall,
        ratings=ratings,
        relationship=relationship,
        care_date=care_date,
        title=title,
        text=text,
    )
    review.full_clean()
    review.save()
    _log(review, ReviewEvent.Action.SUBMITTED, author)
    notifications.tell_moderators()
    return review


@transaction.atomic
def review_update(
    *,
    author,
    review: Review,
    overall: int | None,
    ratings: Mapping[str, int | None],
    relationship: str,
    care_date: date | None,
    title: str,
    text: str,
    today: date | None = None,
) -> Review:
    """The author changes their review; it goes back to moderation (and leaves the page and
    the score until a moderator approves it again). The rules of a new review apply."""
    review.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_author(author, review):
        raise PermissionDenied("Only the person who wrote a review can change it.")
    if review.status == Review.Status.WITHDRAWN:
        raise ValidationError("You withdrew this review, so it cannot be changed.")
    today = today or timezone.localdate()
    title, text = (title or "").strip(), (text or "").strip()
    errors = _content_errors(
        overall=overall,
        ratings=ratings,
        relationship=relationship,
        care_date=care_date,
        title=title,
        text=text,
        today=today,
    )
    if "text" not in errors and _is_duplicate(text, exclude_pk=review.pk):
        errors["text"] = DUPLICATE_TEXT
    if errors:
        raise ValidationError(errors)
    was_scored = review.status == Review.Status.PUBLISHED
    _apply_content(
        review,
        overall=overall,
        ratings=ratings,
        relationship=relationship,
        care_date=care_date,
        title=title,
        text=text,
    )
    review.status = Review.Status.PENDING
    review.rejection_reason = ""
    review.moderation_note = ""
    review.written_at = timezone.now()
    review.full_clean()
    review.save()
    _log(review, ReviewEvent.Action.EDITED, author)
    if was_scored:
        service_review_summary_refresh(service=review.service)
    notifications.tell_moderators()
    return review


@transaction.atomic
def review_withdraw(*, author, review: Review) -> Review:
    """The author takes their review down; they may then write a new one."""
    review.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_author(author, review):
        raise PermissionDenied("Only the person who wrote a review can withdraw it.")
    if review.status == Review.Status.WITHDRAWN:
        raise ValidationError("This review has already been withdrawn.")
    was_scored = review.status == Review.Status.PUBLISHED
    review.status = Review.Status.WITHDRAWN
    review.full_clean()
    review.save()
    _close_reports(review, ReviewReport.Status.DISMISSED, None)
    _log(review, ReviewEvent.Action.WITHDRAWN, author)
    if was_scored:
        service_review_summary_refresh(service=review.service)
    return review


# --- moderation -------------------------------------------------------------------------------


def _close_reports(review: Review, status: str, moderator) -> int:
    return review.reports.filter(status=ReviewReport.Status.OPEN).update(
        status=status,
        decided_at=timezone.now(),
        decided_by=moderator if getattr(moderator, "is_authenticated", False) else None,
    )


def _check_reason(reason: str, note: str) -> None:
    if reason not in RejectionReason.values:
        raise ValidationError({"reason": "Select the reason; it is sent to the author."})
    if reason == RejectionReason.OTHER and not note.strip():
        raise ValidationError({"note": "Explain the reason; it is sent to the author."})


@transaction.atomic
def review_approve(*, moderator, review: Review) -> Review:
    """A moderator publishes a pending review. Open reports on it are dismissed (the moderator
    has seen them). The first time a review is published, the provider is e-mailed."""
    review.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can approve reviews.")
    if review.status != Review.Status.PENDING:
        raise ValidationError("Only a review waiting for moderation can be approved.")
    now = timezone.now()
    review.status = Review.Status.PUBLISHED
    review.published_at = now
    review.hidden_by_reports = False
    first_time = review.provider_notified_at is None
    if first_time:
        review.provider_notified_at = now
    review.full_clean()
    review.save()
    _close_reports(review, ReviewReport.Status.DISMISSED, moderator)
    _log(review, ReviewEvent.Action.APPROVED, moderator)
    if first_time:
        organisation = review.service.organisation
        send_email(
            template="ratings/email/new_review",
            to=notifications.organisation_addresses(organisation),
            context={"review": review, "service": review.service, "organisation": organisation},
        )
    service_review_summary_refresh(service=review.service)
    return review


def _raise_concern(source: str, service: Service, text: str) -> None:
    """A review or reply rejected for safeguarding reasons goes to the safeguarding team as a
    concern, with its text (the moderator does not see the concern afterwards). The author's
    account is not attached: the team can ask the moderators who wrote it."""
    concern_create(
        source=source,
        service=service,
        description=text[:DESCRIPTION_MAX_LENGTH],
        happened_when="Written in a review on the site",
    )


@transaction.atomic
def review_reject(*, moderator, review: Review, reason: str, note: str = "") -> Review:
    """A moderator refuses a pending review, or takes down a published one (e.g. after
    reports), with a reason from the list (and a note for 'another reason'). The author is
    e-mailed the reason; open reports are upheld."""
    review.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can reject reviews.")
    if review.status not in (Review.Status.PENDING, Review.Status.PUBLISHED):
        raise ValidationError("Only a pending or published review can be rejected.")
    note = (note or "").strip()
    _check_reason(reason, note)
    was_scored = review.status == Review.Status.PUBLISHED
    review.status = Review.Status.REJECTED
    review.rejection_reason = reason
    review.moderation_note = note
    review.hidden_by_reports = False
    review.full_clean()
    review.save()
    _close_reports(review, ReviewReport.Status.UPHELD, moderator)
    _log(review, ReviewEvent.Action.REJECTED, moderator, note or RejectionReason(reason).label)
    if reason == RejectionReason.SAFEGUARDING:
        _raise_concern(Concern.Source.REVIEW, review.service, f"{review.title}\n\n{review.text}")
    if review.author is not None:
        send_email(
            template="ratings/email/review_rejected",
            to=[review.author.email],
            context={
                "review": review,
                "service": review.service,
                "reason": RejectionReason(reason).label,
                "note": note,
            },
        )
    if was_scored:
        service_review_summary_refresh(service=review.service)
    return review


@transaction.atomic
def review_dismiss_reports(*, moderator, review: Review) -> Review:
    """A moderator decides a reported review stays: its open reports are dismissed and, if the
    reports had hidden it, it is shown (and counted) again."""
    review.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can decide on reports.")
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError("Only reports on a published review can be dismissed.")
    closed = _close_reports(review, ReviewReport.Status.DISMISSED, moderator)
    if not closed and not review.hidden_by_reports:
        raise ValidationError("This review has no open reports.")
    review.hidden_by_reports = False
    review.save(update_fields=["hidden_by_reports"])
    _log(review, ReviewEvent.Action.REPORTS_DISMISSED, moderator)
    return review


# --- reports ----------------------------------------------------------------------------------


@transaction.atomic
def review_report(*, review: Review, reason: str, message: str = "", reporter=None) -> ReviewReport:
    """Anyone reports a published review with a reason; every report reaches the moderators.
    A signed-in person has one open report per review. At RATINGS_REPORTS_TO_HIDE open reports
    from distinct signed-in reporters with a verified address, who are not staff of the reviewed
    organisation, the review is hidden until a moderator decides. It stays in the score until
    then: only a moderator's decision takes it out."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if not review.is_public:
        raise ValidationError("This review is not shown at the moment, so it cannot be reported.")
    message = (message or "").strip()
    errors: dict[str, str] = {}
    if reason not in ReviewReport.Reason.values:
        errors["reason"] = "Select what is wrong with the review."
    if len(message) > REPORT_MESSAGE_MAX_LENGTH:
        errors["message"] = (
            f"Your message must be {REPORT_MESSAGE_MAX_LENGTH:,} characters or fewer."
        )
    if errors:
        raise ValidationError(errors)
    signed_in = getattr(reporter, "is_authenticated", False)
    if (
        signed_in
        and review.reports.filter(reporter=reporter, status=ReviewReport.Status.OPEN).exists()
    ):
        raise ValidationError("You have already reported this review. A moderator will look at it.")
    report = ReviewReport(
        review=review, reason=reason, message=message, reporter=reporter if signed_in else None
    )
    report.full_clean()
    report.save()
    _log(review, ReviewEvent.Action.REPORTED, reporter, report.get_reason_display())
    notifications.tell_moderators()
    counting = _counting_reporters(review)
    if not review.hidden_by_reports and counting >= reports_to_hide():
        review.hidden_by_reports = True
        review.save(update_fields=["hidden_by_reports"])
        _log(review, ReviewEvent.Action.HIDDEN, None, f"{counting} open reports")
    return report


def _counting_reporters(review: Review) -> int:
    """Distinct reporters with an open report who count towards hiding: signed in (anonymous
    reports cannot be told apart, so anyone could send many), with a verified e-mail address,
    and not staff of the organisation that runs the service."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=review.reports.filter(
                status=ReviewReport.Status.OPEN, reporter__isnull=False
            ).values("reporter"),
            emailaddress__verified=True,
        )
        .exclude(memberships__organisation_id=review.service.organisation_id)
        .distinct()
        .count()
    )


# --- replies ----------------------------------------------------------------------------------


def _reply_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your reply."})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError(
            {
                "text": f"Your reply must be {REPLY_MAX_LENGTH:,} characters or fewer. "
                f"It has {len(text):,}."
            }
        )
    return text


@transaction.atomic
def reply_create(*, user, review: Review, text: str) -> ReviewReply:
    """The provider's staff reply to a published review of their service, once; the reply
    waits for a moderator."""
    if not is_provider_staff(user, review.service):
        raise PermissionDenied("Only the provider's staff can reply to its reviews.")
    if review.status != Review.Status.PUBLISHED:
        raise ValidationError("You can reply once the review is published.")
    if ReviewReply.objects.filter(review=review).exists():
        raise ValidationError(
            "Your organisation has already replied to this review. You can change the reply."
        )
    reply = ReviewReply(review=review, author=user, text=_reply_text(text))
    reply.full_clean()
    reply.save()
    _log(review, ReviewEvent.Action.REPLY_SUBMITTED, user)
    notifications.tell_moderators()
    return reply


@transaction.atomic
def reply_update(*, user, reply: ReviewReply, text: str) -> ReviewReply:
    """The provider's staff change the reply; it goes back to moderation."""
    reply.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_provider_staff(user, reply.review.service):
        raise PermissionDenied("Only the provider's staff can change its replies.")
    reply.text = _reply_text(text)
    reply.status = ReviewReply.Status.PENDING
    reply.rejection_reason = ""
    reply.moderation_note = ""
    reply.author = user
    reply.written_at = timezone.now()
    reply.full_clean()
    reply.save()
    _log(reply.review, ReviewEvent.Action.REPLY_EDITED, user)
    notifications.tell_moderators()
    return reply


@transaction.atomic
def reply_approve(*, moderator, reply: ReviewReply) -> ReviewReply:
    """A moderator publishes a pending reply under its review."""
    reply.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can approve replies.")
    if reply.status != ReviewReply.Status.PENDING:
        raise ValidationError("Only a reply waiting for moderation can be approved.")
    reply.status = ReviewReply.Status.PUBLISHED
    reply.published_at = timezone.now()
    reply.full_clean()
    reply.save()
    _log(reply.review, ReviewEvent.Action.REPLY_APPROVED, moderator)
    return reply


@transaction.atomic
def reply_reject(*, moderator, reply: ReviewReply, reason: str, note: str = "") -> ReviewReply:
    """A moderator refuses (or takes down) a reply with a reason from the list, e-mailed to
    whoever wrote it (or to the organisation if that account is gone)."""
    reply.refresh_from_db()  # decide on what is stored, not on a stale copy
    if not is_moderator(moderator):
        raise PermissionDenied("Only moderators can reject replies.")
    if reply.status not in (ReviewReply.Status.PENDING, ReviewReply.Status.PUBLISHED):
        raise ValidationError("Only a pending or published reply can be rejected.")
    note = (note or "").strip()
    _check_reason(reason, note)
    reply.status = ReviewReply.Status.REJECTED
    reply.rejection_reason = reason
    reply.moderation_note = note
    reply.full_clean()
    reply.save()
    _log(reply.review, ReviewEvent.Action.REPLY_REJECTED, moderator, note or reason)
    if reason == RejectionReason.SAFEGUARDING:
        _raise_concern(Concern.Source.REPLY, reply.review.service, reply.text)
    organisation = reply.review.service.organisation
    send_email(
        template="ratings/email/reply_rejected",
        to=[reply.author.email]
        if reply.author
        else notifications.organisation_addresses(organisation),
        context={
            "reply": reply,
            "review": reply.review,
            "service": reply.review.service,
            "reason": RejectionReason(reason).label,
            "note": note,
        },
    )
    return reply


# --- personal data ----------------------------------------------------------------------------


def reviews_export(user) -> list[dict[str, Any]]:
    """Everything a person wrote as reviews (any status), with the provider's replies and what
    they reported, for their personal-data export."""
    rows = []
    reviews = Review.objects.filter(author=user).select_related("service", "reply")
    for review in reviews.order_by("created_at"):
        reply = getattr(review, "reply", None)
        rows.append(
            {
                "service": review.service.name,
                "service_url": review.service.get_absolute_url(),
                "status": review.get_status_display(),
                "relationship": review.get_relationship_display(),
                "care_date": review.care_date.isoformat(),
                "overall": review.overall,
                **{name: getattr(review, name) for name in CATEGORY_FIELDS},
                "title": review.title,
                "text": review.text,
                "written_at": review.written_at.isoformat(),
                "published_at": review.published_at.isoformat() if review.published_at else None,
                "rejection_reason": review.get_rejection_reason_display(),
                "provider_reply": reply.text
                if reply and reply.status == ReviewReply.Status.PUBLISHED
                else None,
            }
        )
    reports = ReviewReport.objects.filter(reporter=user).select_related("review__service")
    for report in reports.order_by("created_at"):
        rows.append(
            {
                "report_on_review_of": report.review.service.name,
                "reason": report.get_reason_display(),
                "message": report.message,
                "reported_at": report.created_at.isoformat(),
                "status": report.get_status_display(),
            }
        )
    return rows


@transaction.atomic
def reviews_erase(user) -> int:
    """Erase a person's reviews when their personal data is deleted.

    The rule: every review they wrote is withdrawn (it leaves the service page and the score)
    and anonymised: the author link is removed and the title and text are blanked, because
    free text can identify its writer. The ratings' row and history stay (anonymous), so the
    moderators' record of decisions survives. Their reports lose the link to them and their
    words (the reason stays); replies are the provider's words and stay. Returns how many
    reviews were erased."""
    touched_services: set[int] = set()
    count = 0
    for review in Review.objects.filter(author=user).select_related("service"):
        if review.is_public:
            touched_services.add(review.service_id)
        review.status = Review.Status.WITHDRAWN
        review.author = None
        review.title = "(removed)"
        review.text = "(removed at the author's request)"
        review.text_fingerprint = ""
        review.hidden_by_reports = False
        review.save()
        _close_reports(review, ReviewReport.Status.DISMISSED, None)
        _log(review, ReviewEvent.Action.ERASED)
        count += 1
    ReviewReport.objects.filter(reporter=user).update(
        reporter=None, message="(removed at the reporter's request)"
    )
    ReviewEvent.objects.filter(user=user).update(user=None)
    for service in Service.objects.filter(pk__in=touched_services):
        service_review_summary_refresh(service=service)
    return count
