"""Writes of the market position statement. One function per use case: keyword-only,
permission-checked, validated and atomic; e-mails go out only after the transaction commits.

Rules:
- Publishing a statement records a numbered version with the figures of every data block
  computed at that moment (never from the cache); those figures never change afterwards.
- Everyone subscribed to the statement gets an e-mail about each new version.
- Any signed-in person may comment on a section while the consultation is open; a comment is
  public only once a commissioner or moderator approves it; only commissioners reply.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import metrics, notifications
from .models import Comment, MarketPositionStatementPage, StatementVersion, Subscription
from .permissions import can_comment, require_comment_moderator, require_commissioner

COMMENT_MAX_LENGTH = 3000


def statement_freeze_figures(*, page: MarketPositionStatementPage) -> dict[str, dict]:
    """The figures of every data block of `page` as they are now, fresh from the catalogue."""
    return {
        block.id: metrics.compute(block.value.metric_key(), block.value.options()).to_dict()
        for block in page.data_blocks()
    }


@transaction.atomic
def statement_version_record(*, page: MarketPositionStatementPage, revision) -> StatementVersion:
    """Record a publication of `page` (its `revision`): the next version number, the frozen
    figures, and the e-mails to subscribers after commit. Publishing the same revision again
    (e.g. a scheduled publish re-run) returns the version already recorded."""
    existing = StatementVersion.objects.filter(revision=revision).first()
    if existing is not None:
        return existing
    page = MarketPositionStatementPage.objects.select_for_update().get(pk=page.pk)
    page = revision.as_object() if revision is not None else page
    number = (page.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    version = StatementVersion(
        page_id=page.pk,
        revision=revision,
        number=number,
        title=page.title,
        published_at=timezone.now(),
        figures=statement_freeze_figures(page=page),
    )
    version.full_clean()
    version.save()
    notifications.new_version(version=version)
    return version


@transaction.atomic
def subscription_set(
    *, user, page: MarketPositionStatementPage, subscribed: bool
) -> Subscription | None:
    """Follow (or stop following) a statement's new versions by e-mail. Needs an account with
    an e-mail address; doing it twice is harmless."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to get e-mails about the statement.")
    if not subscribed:
        Subscription.objects.filter(user=user, page=page).delete()
        return None
    subscription, _created = Subscription.objects.get_or_create(user=user, page=page)
    return subscription


@transaction.atomic
def comment_create(
    *,
    user,
    page: MarketPositionStatementPage,
    section_id: str,
    text: str,
    on_behalf_of: str = "",
) -> Comment:
    """A signed-in person comments on one section of a live statement during its
    consultation. The comment waits for moderation."""
    if not can_comment(user, page):
        raise PermissionDenied("Comments are open only to signed-in people during consultation.")
    section = next((s for s in page.sections() if s.id and s.id == section_id), None)
    if section is None:
        raise ValidationError({"section_id": "That section is not in the statement."})
    comment = Comment(
        page=page,
        version=page.current_version(),
        section_id=section.id,
        section_title=section.title,
        author=user,
        on_behalf_of=on_behalf_of.strip(),
        text=text.strip(),
    )
    if not comment.text:
        raise ValidationError({"text": "Enter your comment."})
    if len(comment.text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"text": f"Your comment must be {COMMENT_MAX_LENGTH:,} characters or fewer."}
        )
    comment.full_clean()
    comment.save()
    notifications.comment_received(comment=comment)
    return comment


@transaction.atomic
def comment_moderate(*, moderator, comment: Comment, approve: bool, note: str = "") -> Comment:
    """A commissioner or moderator approves a pending comment (it becomes public) or declines
    it (with a reason the author is told by e-mail)."""
    require_comment_moderator(moderator)
    if comment.status != Comment.Status.PENDING:
        raise ValidationError("Only a comment waiting for moderation can be moderated.")
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why the comment is not published; the author is told."})
    comment.status = Comment.Status.APPROVED if approve else Comment.Status.REJECTED
    comment.moderation_note = note.strip()
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.full_clean()
    comment.save()
    notifications.comment_moderated(comment=comment)
    return comment


@transaction.atomic
def comment_reply(*, commissioner, comment: Comment, text: str) -> Comment:
    """A commissioner answers an approved comment; the answer is shown under it (and can be
    corrected later by replying again)."""
    require_commissioner(commissioner)
    if comment.status != Comment.Status.APPROVED:
        raise ValidationError("Only a published comment can be answered.")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter your reply."})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"text": f"Your reply must be {COMMENT_MAX_LENGTH:,} characters or fewer."}
        )
    comment.reply = text
    comment.replied_by = commissioner
    comment.replied_at = timezone.now()
    comment.full_clean()
    comment.save()
    notifications.comment_replied(comment=comment)
    return comment


@transaction.atomic
def statement_grant_commissioners(*, page: MarketPositionStatementPage) -> None:
    """Let the Commissioners group edit and publish `page` in the Wagtail admin (the council's
    usual set-up; the demo loader calls it)."""
    from django.contrib.auth.models import Group, Permission

    from wagtail.models import GroupPagePermission

    group = Group.objects.get(name="Commissioners")
    for codename in ("add_page", "change_page", "publish_page"):
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


@transaction.atomic
def statement_publish(*, page: MarketPositionStatementPage, user=None) -> StatementVersion:
    """Publish the statement's current content as a new revision, as the Wagtail editor's
    Publish button does; Wagtail's page_published signal records the version and freezes its
    figures (signals.py -> statement_version_record)."""
    revision = page.save_revision(user=user)
    revision.publish(user=user)
    return StatementVersion.objects.get(revision=revision)
