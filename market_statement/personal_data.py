"""The market position statement's part of "download my data" and "delete my account"
(registered with core.personal_data in MarketStatementConfig.ready()): a person's consultation
comments and the statements they follow. Erasure deletes both (a comment is the person's words;
an approved one leaves the published consultation with them)."""

from __future__ import annotations

from typing import Any

from .models import Comment, Subscription


def export_statement(user) -> dict[str, Any]:
    return {
        "consultation_comments": [
            {
                "statement": comment.page.title,
                "section": comment.section_title,
                "on_behalf_of": comment.on_behalf_of,
                "text": comment.text,
                "status": comment.get_status_display(),
                "reply": comment.reply,
                "written_at": comment.created_at,
            }
            for comment in Comment.objects.filter(author=user).select_related("page")
        ],
        "statements_followed": [
            {"statement": subscription.page.title, "since": subscription.created_at}
            for subscription in Subscription.objects.filter(user=user).select_related("page")
        ],
    }


def erase_statement(user) -> None:
    Comment.objects.filter(author=user).delete()
    Subscription.objects.filter(user=user).delete()
