"""Personal data in the background-task queue (django-tasks' database backend): a queued
e-mail's task row holds its addresses and body, a finished one keeps them.

- Finished tasks (done or failed) are deleted TASKS_KEEP_FINISHED_DAYS after they finished
  (`prune_finished_tasks`, run daily by `manage.py prune_personal_data`).
- Deleting an account removes its addresses from e-mails still waiting to go (a task left with
  nobody to send to is deleted) and deletes finished tasks that name them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

EMAIL_TASK = "core.email.deliver_email"


def _results():
    """The task table, or None when the database backend is not installed."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects


def prune_finished_tasks(*, now=None) -> int:
    """Delete tasks that finished more than TASKS_KEEP_FINISHED_DAYS ago."""
    results = _results()
    if results is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=settings.TASKS_KEEP_FINISHED_DAYS)
    deleted, _ = results.filter(finished_at__lt=cutoff).delete()
    return deleted


def _addresses(user) -> set[str]:
    from allauth.account.models import EmailAddress

    found = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    return {address.lower() for address in found if address}


def export_queued_email(user) -> list[dict[str, Any]]:
    """Nothing a person needs: e-mails to them are already in their inbox."""
    return []


def erase_queued_email(user) -> None:
    results = _results()
    if results is None:
        return
    addresses = _addresses(user)
    for result in results.filter(task_path=EMAIL_TASK):
        kwargs = (result.args_kwargs or {}).get("kwargs", {})
        to = [address for address in kwargs.get("to", []) if address.lower() not in addresses]
        if to == kwargs.get("to", []):
            continue
        if result.finished_at or not to:
            result.delete()
        else:
            kwargs["to"] = to
            result.save(update_fields=["args_kwargs"])
